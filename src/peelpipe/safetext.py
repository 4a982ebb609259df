"""Characters page text may carry that act outside the page: control characters and bidi controls.

A page is untrusted. Its text can hold terminal escape sequences (ESC, the C1 CSI), NUL and other
C0 controls, and Unicode's bidirectional controls (an RLO makes text read backwards). None of them is
something a reader sees. The parsers remove them (`drop_controls`, in parse/blocks.py), so the
warehouse holds none; the raw page archive keeps the bytes as served. The text commands escape any
that a warehouse written otherwise still holds (`escape_controls`), so a terminal never acts on one.
"""

from __future__ import annotations

import re

# C0 controls (U+0000-U+001F), DEL, C1 controls (U+0080-U+009F), and the characters of Unicode's
# Bidi_Control property: ALM, LRM, RLM, the embeddings and overrides LRE-RLO, the isolates LRI-PDI.
CONTROLS = (
    "".join(map(chr, range(0x20)))
    + "".join(map(chr, range(0x7F, 0xA0)))
    + "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# The controls Python counts as whitespace (tab, newline, CR, VT, FF, U+001C-U+001F, NEL) become a
# space, as any other whitespace in page text does; the rest are removed.
DROP_CONTROLS: dict[int, str | None] = {ord(c): " " if c.isspace() else None for c in CONTROLS}

_SHOWN = re.compile("[" + "".join(f"\\u{ord(c):04x}" for c in CONTROLS if c != "\n") + "]")


def drop_controls(text: str) -> str:
    """`text` without control characters: whitespace ones made a space, the others removed."""
    return text.translate(DROP_CONTROLS)


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def escape_controls(text: str) -> str:
    """`text` safe to print on a terminal: every control character but the newline written as its
    escape (ESC as \\x1b, a tab as \\t, RLO as \\u202e), so it is seen, not obeyed."""
    return _SHOWN.sub(_escaped, text)
