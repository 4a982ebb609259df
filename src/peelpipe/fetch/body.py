"""Reading a response body within bounds: decoded size, one Content-Encoding, a wall-clock deadline.

The body is read raw (httpx's `Response.iter_raw()`) and decoded here, in pieces of bounded size,
so the size cap counts decoded bytes as they are decoded and a compression bomb (a few KB on the
wire that inflate to gigabytes) is refused at the cap with memory bounded by the cap. Only the
encodings peelpipe asks for (gzip, deflate) are accepted, and only one of them: a stacked
`Content-Encoding` ("gzip, gzip") is refused. The deadline is checked between reads, and each read
waits at most the client's read timeout, so a body sent one byte a second ends.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

import httpx

ACCEPT_ENCODING = "gzip, deflate"
_PIECE = 64 * 1024  # most decoded bytes produced by one decompress call


class BodyError(Exception):
    """The body was refused (too large, badly encoded, past the deadline); the text says why."""


class _Inflater:
    """Bounded zlib decoding of one gzip or deflate stream."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.raw_fallback = encoding == "deflate"  # some servers send raw deflate without the zlib wrapper
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self.z = zlib.decompressobj(wbits)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of at most _PIECE bytes each, for one chunk of raw input."""
        while True:
            try:
                piece = self.z.decompress(data, _PIECE)
            except zlib.error as exc:
                if not self.raw_fallback:
                    raise BodyError(f"DecodingError: bad {self.encoding} body ({exc})") from exc
                self.raw_fallback = False
                self.z = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self.raw_fallback = False
            if piece:
                yield piece
            data = self.z.unconsumed_tail
            if self.z.eof or (not data and len(piece) < _PIECE):
                return

    def finish(self) -> None:
        """Refuse a stream that stopped before its end."""
        if not self.z.eof:
            raise BodyError(f"DecodingError: bad {self.encoding} body (truncated stream)")


def content_encoding(headers: httpx.Headers) -> str:
    """The one Content-Encoding of a response ('' for none); BodyError for a stacked or unknown one."""
    codings = [c.strip().lower() for v in headers.get_list("content-encoding") for c in v.split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise BodyError(f"stacked Content-Encoding {', '.join(codings)!r} refused (only one encoding is accepted)")
    encoding = codings[0] if codings else ""
    if encoding not in ("", "gzip", "x-gzip", "deflate"):
        raise BodyError(f"Content-Encoding {encoding!r} is not supported (peelpipe asks for {ACCEPT_ENCODING})")
    return encoding


def read_body(
    response: httpx.Response, max_bytes: int, deadline: float, clock: Callable[[], float], deadline_text: str
) -> bytes:
    """The decoded body of a streamed response: at most `max_bytes` decoded bytes, read before
    `deadline` (a `clock()` value). Raises BodyError with a clear text otherwise."""
    encoding = content_encoding(response.headers)
    inflater = _Inflater(encoding) if encoding else None
    out: list[bytes] = []
    total = 0
    for raw in response.iter_raw():
        if clock() > deadline:
            raise BodyError(deadline_text)
        for piece in inflater.pieces(raw) if inflater else (raw,):
            total += len(piece)
            if total > max_bytes:
                raise BodyError(f"response larger than {max_bytes} bytes")  # decoded bytes
            out.append(piece)
    if clock() > deadline:
        raise BodyError(deadline_text)
    if inflater is not None and total:
        inflater.finish()
    return b"".join(out)
