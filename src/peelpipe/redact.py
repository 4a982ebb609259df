"""Credentials in URLs (``https://user:password@mirror/…``) kept out of everything peelpipe shows or stores.

A page's URL as stored, logged or shown is its credential-free form: the public identity of the
page. The credentials of the base URL travel apart from URLs (as the fetcher's HTTP basic auth,
sent to the base URL's host only). Pure functions: no I/O.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

# scheme://, then the authority up to its last '@' (userinfo cannot hold '/', '?', '#' or a space)
_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")


def without_credentials(url: str) -> str:
    """`url` with any ``user:password@`` taken out of its authority; otherwise unchanged."""
    match = _USERINFO.match(url)
    return match["scheme"] + url[match.end() :] if match else url


def credentials(url: str) -> tuple[str, str] | None:
    """The (user, password) a URL carries, percent-decoded; None when it carries none."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return None
    if user is None and password is None:
        return None
    return unquote(user or ""), unquote(password or "")


def hide_credentials(text: str) -> str:
    """Free text (an error message, a Location header quoted in one) with the ``user:password@`` of
    every URL in it taken out."""
    return _USERINFO.sub(lambda m: m["scheme"], text)
