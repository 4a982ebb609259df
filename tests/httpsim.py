"""A real local HTTP/1.1 server with scripted replies, so tests exercise the real client stack.

    with ScriptedServer() as server:
        server.route("/page", Reply(503), Reply(200, b"<html>ok</html>"))
        server.static("/cached", b"<html>...</html>", etag='"v1"')
        ... fetch server.url + "/page" ...
        assert [r.path for r in server.requests] == ["/page", "/page"]

Successive requests to a routed path get successive replies and the last one repeats. A route
may also be a function of the Request. Unrouted paths answer 404. Every request is recorded.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple


@dataclass
class Reply:
    """One scripted response.

    delay: seconds to wait after the headers before the body (before each chunk with `chunks`).
    chunks: send these pieces with Transfer-Encoding: chunked instead of `body` with Content-Length.
    reset_after: declare Content-Length len(body) but send only this many body bytes, then drop the
        connection (a reset mid-body).
    raw: send these bytes as the whole response instead of an HTTP response (protocol garbage),
        then close the connection.
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    chunks: list[bytes] | None = None
    reset_after: int | None = None
    raw: bytes | None = None


class Request(NamedTuple):
    """One request as the server saw it; header names are lower-cased."""

    method: str
    path: str
    headers: dict[str, str]
    client_port: int
    time: float  # time.monotonic() when the request had been read
    body: bytes = b""  # request body (POST), read by Content-Length


Responder = Reply | Callable[[Request], Reply]


def _etag_matches(header: str, etag: str) -> bool:
    def weak(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith("W/") else tag

    tags = [weak(t) for t in header.split(",")]
    return "*" in tags or weak(etag) in tags


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as two writes: without TCP_NODELAY, Nagle holds the body until the
        # client's delayed ACK (about 40 ms a response on Linux).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.sim._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.sim._track(self.connection, add=False)

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            self.command,
            self.path,
            {k.lower(): v for k, v in self.headers.items()},
            self.client_address[1],
            time.monotonic(),
            body,
        )
        reply = self.server.sim._dispatch(request)
        try:
            self._send(reply, head)
        except OSError:  # the client gave up (timeout) or the socket was dropped on purpose
            self.close_connection = True

    def _send(self, reply: Reply, head: bool) -> None:
        if reply.raw is not None:
            self.wfile.write(reply.raw)
            self.close_connection = True
            return
        self.send_response(reply.status)
        names = {k.lower() for k in reply.headers}
        for name, value in reply.headers.items():
            self.send_header(name, value)
        bodiless = head or reply.status in (204, 304) or reply.status < 200
        if reply.chunks is not None and not bodiless:
            if "transfer-encoding" not in names:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in reply.chunks:
                if reply.delay:
                    time.sleep(reply.delay)
                if chunk:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            return
        if "content-length" not in names and reply.status not in (204, 304) and reply.status >= 200:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if bodiless:
            return
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset_after is not None:
            self.wfile.write(reply.body[: reply.reset_after])
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True  # closing with linger 0 sends a TCP reset
            return
        self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sim: ScriptedServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn), slow without DNS; skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class ScriptedServer:
    """An HTTP/1.1 keep-alive server on 127.0.0.1:<free port> in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, tuple[list[Responder], list[int]]] = {}
        self._connections: set[socket.socket] = set()
        self.requests: list[Request] = []
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.sim = self
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None

    def start(self) -> ScriptedServer:
        """Start serving (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"httpsim-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and drop open keep-alive connections."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def route(self, path: str, *responses: Responder) -> None:
        """Script `path` (exact, with or without query; "*": any path not scripted otherwise): successive
        requests get successive replies."""
        if not responses:
            raise ValueError("route() needs at least one Reply")
        with self._lock:
            self._routes[path] = (list(responses), [0])

    def static(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve `body` with validators, answering 304 to a matching If-None-Match (or If-Modified-Since)."""
        validators = {}
        if etag:
            validators["ETag"] = etag
        if last_modified:
            validators["Last-Modified"] = last_modified

        def respond(request: Request) -> Reply:
            inm = request.headers.get("if-none-match")
            ims = request.headers.get("if-modified-since")
            if etag and inm is not None:
                fresh = _etag_matches(inm, etag)
            else:  # If-Modified-Since only counts without If-None-Match (RFC 9110 13.1.3)
                fresh = bool(last_modified) and ims == last_modified
            if fresh:
                return Reply(304, headers=dict(validators))
            return Reply(200, body, headers={"Content-Type": content_type, **validators, **(headers or {})})

        self.route(path, respond)

    @property
    def json_url(self) -> str:
        """This server as an Apprise json:// alert URL (add the path)."""
        return "json://127.0.0.1:" + self.url.rsplit(":", 1)[1]

    def requests_to(self, path: str) -> list[Request]:
        """Recorded requests whose path (query ignored) is `path`."""
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def clear(self) -> None:
        """Forget recorded requests (routes stay)."""
        with self._lock:
            self.requests.clear()

    def _dispatch(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = (
                self._routes.get(request.path)
                or self._routes.get(request.path.split("?", 1)[0])
                or self._routes.get("*")
            )
            if route is None:
                return Reply(404, b"not found", {"Content-Type": "text/plain"})
            responses, position = route
            responder = responses[min(position[0], len(responses) - 1)]
            position[0] += 1
        return responder(request) if callable(responder) else responder

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            (self._connections.add if add else self._connections.discard)(conn)
