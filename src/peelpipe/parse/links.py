"""Links on an index page: where newly published reports may be listed. One page in, hrefs out."""

from __future__ import annotations

from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser


def page_links(html: str | bytes, base_url: str) -> list[str]:
    """Absolute URLs of every <a href> on the page, in order, without duplicates or fragments."""
    seen: dict[str, None] = {}
    for node in LexborHTMLParser(html).css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if href and not href.startswith(("mailto:", "tel:", "javascript:", "#")):
            seen.setdefault(urljoin(base_url, href).split("#", 1)[0], None)
    return list(seen)
