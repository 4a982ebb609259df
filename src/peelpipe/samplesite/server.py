"""Serve the sample site on loopback: ``serve_site()`` or ``python -m peelpipe.samplesite.server``.

A small static server on ``http.server.ThreadingHTTPServer`` in a daemon thread:

- GET and HEAD (anything else: 405); HTTP/1.1 keep-alive; nothing is logged to stderr.
- ``/a/b/`` and ``/a/b`` serve ``a/b/index.html``; a query string (even a lone ``?``) is ignored;
  repeated slashes are folded; a path that names a file (``/robots.txt``) serves that file;
  everything else is 404 with a small HTML body; a path with a ``..`` segment is refused (400).
- Overlays: ``serve_site(root, overlays=[fixes])`` looks a path up in the last overlay first, then
  the earlier ones, then ``root``: a later issue can publish a corrected version of a page.
- Validators do not depend on file times, so a fresh clone gives the same ones: a strong ETag
  (quoted sha256 prefix of the bytes) and a Last-Modified taken from the latest "Last updated
  DD/MM/YYYY" printed in the file (12:00 GMT that day; FALLBACK_DATE when there is none), plus
  one hour per overlay level when the file comes from an overlay.
- ``If-None-Match`` matching the ETag (or ``*``) gives 304; without ``If-None-Match``, an
  ``If-Modified-Since`` at or after Last-Modified gives 304.
- Every request is recorded in ``request_log`` as ``(method, path, status)``, path as sent.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit

from peelpipe.samplesite import SITE_ROOT

__all__ = ["SampleSiteServer", "serve_site", "FALLBACK_DATE"]

# Last-Modified of files that print no "Last updated" date (the index, robots.txt): the day the
# last PEEL 2018/19 results were announced.
FALLBACK_DATE = datetime(2020, 2, 6, 12, 0, 0, tzinfo=UTC)

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".json": "application/json",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
}

NOT_FOUND_BODY = (
    b'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
    b"<title>Page not found - peelpipe sample site</title>\n</head>\n<body>\n"
    b"<h1>Page not found</h1>\n<p>The peelpipe sample site has no page at this address.</p>\n"
    b'<p><a href="/">Sample site home</a></p>\n</body>\n</html>\n'
)
BAD_REQUEST_BODY = (
    b'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
    b"<title>Bad request - peelpipe sample site</title>\n</head>\n<body>\n"
    b"<h1>Bad request</h1>\n<p>The peelpipe sample site refuses this path.</p>\n</body>\n</html>\n"
)
NOT_ALLOWED_BODY = (
    b'<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
    b"<title>Method not allowed - peelpipe sample site</title>\n</head>\n<body>\n"
    b"<h1>Method not allowed</h1>\n<p>The peelpipe sample site answers GET and HEAD only.</p>\n</body>\n</html>\n"
)

_LAST_UPDATED = re.compile(rb"Last updated(?:\s|&nbsp;|\xc2\xa0|<[^>]{0,200}>)*(\d{2})/(\d{2})/(\d{4})")


def etag_for(data: bytes) -> str:
    """Strong entity tag: a quoted sha256 prefix of the bytes."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def last_modified_for(data: bytes, layer: int = 0) -> datetime:
    """Latest "Last updated" date printed in the bytes (12:00 GMT), else FALLBACK_DATE; + layer hours."""
    dates = []
    for d, m, y in _LAST_UPDATED.findall(data):
        try:
            dates.append(datetime(int(y), int(m), int(d), 12, 0, 0, tzinfo=UTC))
        except ValueError:
            continue
    return (max(dates) if dates else FALLBACK_DATE) + timedelta(hours=layer)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        layers: tuple[Path, ...],
        log: list[tuple[str, str, int]],
        lock: threading.Lock,
        family: int = socket.AF_INET,
    ) -> None:
        self.address_family = family
        self.layers = layers
        self.request_log = log
        self.log_lock = lock
        self.connections: set[socket.socket] = set()
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:  # quiet: clients that hang up are normal
        pass

    def close_connections(self) -> None:
        with self.log_lock:
            conns = list(self.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; Nagle would hold the body ~40 ms
    server_version = "peelpipe-samplesite/1.0"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are closed after this many seconds
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    # -- quiet --------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        try:  # headers and body go out in separate writes: do not let Nagle delay the second
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        with self.server.log_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.log_lock:
                self.server.connections.discard(self.connection)

    def _record(self, status: int) -> None:
        with self.server.log_lock:
            self.server.request_log.append((self.command, self.path, status))

    # -- methods ------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _not_allowed(self) -> None:
        self.close_connection = True  # any request body is left unread
        self._send(405, NOT_ALLOWED_BODY, head=False, extra={"Allow": "GET, HEAD", "Connection": "close"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    # -- helpers ------------------------------------------------------------------------
    def _send(
        self,
        status: int,
        body: bytes,
        head: bool,
        extra: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        self._record(status)  # before any byte goes out, so a client that got the answer sees the entry
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)

    def _resolve(self) -> tuple[int, Path | None, int]:
        """(status, file, overlay level) for the request path."""
        target = self.path
        if target.startswith("/"):  # origin-form; "//x" is a path here, not a host
            path = target.split("#", 1)[0].split("?", 1)[0]
        else:  # absolute-form ("http://host/path") or something odd
            path = urlsplit(target).path
        path = unquote(path)
        if "\x00" in path or "\\" in path:
            return 400, None, 0
        segments = [s for s in path.split("/") if s not in ("", ".")]
        if any(s == ".." for s in segments):
            return 400, None, 0
        layers = self.server.layers
        for level in range(len(layers) - 1, -1, -1):
            base = layers[level]
            candidate = base.joinpath(*segments)
            if candidate.is_dir():
                candidate = candidate / "index.html"
            if candidate.is_file():
                try:
                    candidate.resolve().relative_to(base.resolve())
                except ValueError:  # a symlink pointing out of the site
                    continue
                return 200, candidate, level
        return 404, None, 0

    def _serve(self, head: bool) -> None:
        status, file, level = self._resolve()
        if status == 400:
            self._send(400, BAD_REQUEST_BODY, head)
            return
        if file is None:
            self._send(404, NOT_FOUND_BODY, head, extra={"Cache-Control": "no-cache"})
            return
        try:
            data = file.read_bytes()
        except OSError:
            self._send(404, NOT_FOUND_BODY, head, extra={"Cache-Control": "no-cache"})
            return
        etag = etag_for(data)
        modified = last_modified_for(data, level)
        validators = {
            "ETag": etag,
            "Last-Modified": format_datetime(modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(etag, modified):
            self._send(304, b"", head, extra=validators)
            return
        content_type = CONTENT_TYPES.get(file.suffix.lower(), "application/octet-stream")
        self._send(200, data, head, extra=validators, content_type=content_type)

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            tags = [t.strip() for t in inm.split(",")]
            return any(t == "*" or t.removeprefix("W/") == etag for t in tags)
        ims = self.headers.get("If-Modified-Since")
        if ims:
            try:
                since = parsedate_to_datetime(ims)
            except (TypeError, ValueError, IndexError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return modified <= since
        return False


class SampleSiteServer:
    """A running sample-site server. Use as a context manager, or call ``stop()``."""

    def __init__(self, root: Path, overlays: Iterable[Path] = (), host: str = "127.0.0.1", port: int = 0) -> None:
        self.root = Path(root)
        self.overlays = tuple(Path(p) for p in overlays)
        for layer in (self.root, *self.overlays):
            if not layer.is_dir():
                raise FileNotFoundError(f"sample site directory not found: {layer}")
        self.request_log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._server = _Server(
            (host, port), _Handler, (self.root, *self.overlays), self.request_log, self._lock, family
        )
        self.host = host
        self.port: int = self._server.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"peelpipe-samplesite-{self.port}",
            daemon=True,
        )
        self._stopped = False
        self._thread.start()

    @property
    def running(self) -> bool:
        return not self._stopped and self._thread.is_alive()

    def stop(self) -> None:
        """Stop serving and close open connections (safe to call twice)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SampleSiteServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<SampleSiteServer {self.url} {state} root={self.root}>"


def serve_site(
    root: Path | None = None, host: str = "127.0.0.1", port: int = 0, *, overlays: Iterable[Path] = ()
) -> SampleSiteServer:
    """Start serving ``root`` (default: the bundled sample site) and return the running server.

    ``port=0`` picks a free port; ``.url`` is the base URL without a trailing slash.
    Files in later ``overlays`` replace the same paths in earlier ones and in ``root``.
    """
    return SampleSiteServer(SITE_ROOT if root is None else Path(root), overlays, host, port)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m peelpipe.samplesite.server", description="Serve the peelpipe sample site until Ctrl-C."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--root", type=Path, default=None, help="site directory (default: the bundled sample site)")
    parser.add_argument(
        "--overlay",
        type=Path,
        action="append",
        default=[],
        help="directory whose files replace the root's (repeatable; later wins)",
    )
    args = parser.parse_args(argv)
    try:
        site = serve_site(args.root, args.host, args.port, overlays=args.overlay)
    except (OSError, FileNotFoundError) as exc:
        print(f"cannot serve the sample site: {exc}", file=sys.stderr)
        return 1
    print(f"peelpipe sample site (sample data) at {site.url}/  (Ctrl-C to stop)", flush=True)

    def _terminate(signum: int, frame: FrameType | None) -> NoReturn:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background by a shell
        signal.signal(signal.SIGINT, _terminate)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
