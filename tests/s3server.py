"""A real S3 API on loopback for the tests and the bench: moto's standalone server (`moto_server`) in
its own process group, and in front of it a small forwarding proxy that counts requests and can
fail them on purpose (the Nth PUT to a key prefix, or every request while the store is "down").

    with s3_server() as s3:            # moto on a free port, the proxy on another
        s3.bucket("peel")              # a fresh bucket
        s3.endpoint                    # the proxy's URL: what peelpipe's s3_endpoint is set to
        s3.proxy.fail_puts("snapshots/", after=3)   # PUTs to snapshots/ after the 3rd answer 503
        s3.proxy.down = True           # every request's connection is closed unanswered

The fake credentials are set in this process's environment (moto accepts any).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tools import processes
from tools.processes import free_port

BIN = Path(sys.executable).parent
MARKER_VAR = "PEELPIPE_S3_TEST_PROCESS"
MARKER = uuid.uuid4().hex
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing-not-a-key",
    "AWS_SECRET_ACCESS_KEY": "testing-not-a-secret",
    "AWS_REGION": "us-east-1",
}
_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


class Proxy(ThreadingHTTPServer):
    """Forwards every request to the store, counting them by method and failing them when told."""

    daemon_threads = True

    def __init__(self, upstream_port: int) -> None:
        super().__init__(("127.0.0.1", free_port()), _Handler)
        self.upstream_port = upstream_port
        self.counts: Counter[str] = Counter()
        self.paths: list[tuple[str, str]] = []
        self.down = False
        self._fail_prefix: str | None = None
        self._fail_after = 0
        self._seen = 0
        self.lock = threading.Lock()

    def fail_puts(self, key_part: str | None, after: int = 0) -> None:
        """PUTs whose path contains key_part answer 503 once `after` of them have gone through (None: stop)."""
        with self.lock:
            self._fail_prefix, self._fail_after, self._seen = key_part, after, 0

    def should_fail(self, method: str, path: str) -> bool:
        with self.lock:
            if method != "PUT" or self._fail_prefix is None or self._fail_prefix not in path:
                return False
            self._seen += 1
            return self._seen > self._fail_after

    def reset_counts(self) -> None:
        with self.lock:
            self.counts.clear()
            self.paths.clear()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Proxy

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _forward(self) -> None:
        body = self._body()
        if self.server.down:
            self.close_connection = True
            self.connection.close()
            return
        with self.server.lock:
            self.server.counts[self.command] += 1
            self.server.paths.append((self.command, self.path))
        if self.server.should_fail(self.command, self.path):
            self.send_response(503)
            payload = b"<Error><Code>ServiceUnavailable</Code><Message>injected</Message></Error>"
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        headers["Content-Length"] = str(len(body))
        upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=30)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            reply = upstream.getresponse()
            data = reply.read()
            self.send_response(reply.status)
            for key, value in reply.getheaders():
                if key.lower() not in _HOP and (key.lower() != "content-length" or self.command == "HEAD"):
                    self.send_header(key, value)
            if self.command != "HEAD":
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        finally:
            upstream.close()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward


class S3Server:
    """moto's server and the proxy in front of it."""

    def __init__(self, moto_port: int, proxy: Proxy) -> None:
        self.moto_port = moto_port
        self.proxy = proxy
        self.endpoint = f"http://127.0.0.1:{proxy.server_address[1]}"

    def client(self) -> Any:
        """A boto3 client straight to moto (not counted, never failed): for set-up and checks."""
        import boto3

        return boto3.session.Session().client("s3", endpoint_url=f"http://127.0.0.1:{self.moto_port}")

    def bucket(self, name: str | None = None) -> str:
        """Create a fresh bucket; its name."""
        name = name or f"peel-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> dict[str, bytes]:
        """Every object under a prefix: key -> bytes."""
        client = self.client()
        found = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                found[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
        return found


@contextmanager
def s3_server(log_dir: Path) -> Iterator[S3Server]:
    """moto_server on a free loopback port (its own process group), the proxy, fake credentials set."""
    saved = {k: os.environ.get(k) for k in (*FAKE_CREDENTIALS, "AWS_PROFILE", "AWS_ENDPOINT_URL")}
    os.environ.update(FAKE_CREDENTIALS)
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    port = free_port()
    env = {**os.environ, MARKER_VAR: MARKER}
    with open(log_dir / "moto.log", "wb") as log:
        popen = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    proxy = Proxy(port)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while True:
            if popen.poll() is not None:
                raise RuntimeError(f"moto_server exited: {(log_dir / 'moto.log').read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/moto-api/")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield S3Server(port, proxy)
    finally:
        proxy.shutdown()
        proxy.server_close()
        processes.stop_group(popen, 10.0)
        processes.sweep(MARKER_VAR, MARKER)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
