"""A real HTTP server on 127.0.0.x for tests: routes map a path to a canned response or a behaviour
(hang, drip, fail N times then succeed). It stands in for the outside web we cannot reach."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0  # seconds before answering
    chunks: int = 0  # when > 0, send the body in this many pieces, `delay` apart (a slow drip)
    header_drip: float = 0.0  # when > 0, send the status line and headers a byte at a time, this far apart


Route = Reply | Callable[[int], Reply]  # a callable gets the 1-based hit count of its path


class TestServer:
    """Serves ``routes`` on ``host``; ``hits[path]`` counts requests, ``times[path]`` their times,
    ``accepts`` every TCP connection accepted (a refused target must never see one)."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, host: str = "127.0.0.1"):
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.times: dict[str, list[float]] = defaultdict(list)
        self.user_agents: list[str] = []
        self.request_headers: dict[str, list[dict[str, str]]] = defaultdict(list)  # per path, in order
        self.accepts = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def do_GET(self) -> None:
                path = self.path
                with server._lock:
                    server.hits[path] += 1
                    server.times[path].append(time.monotonic())
                    server.user_agents.append(self.headers.get("User-Agent", ""))
                    server.request_headers[path].append(dict(self.headers.items()))
                    count = server.hits[path]
                route = server.routes.get(path) or server.routes.get(path.split("?", 1)[0])
                if route is None:
                    reply = Reply(404, b"<html><body>not here</body></html>")
                else:
                    reply = route(count) if callable(route) else route
                if reply.status == -1:  # accept and never answer
                    time.sleep(reply.delay or 60)
                    return
                if reply.delay and not reply.chunks:
                    time.sleep(reply.delay)
                if reply.header_drip:
                    self._drip_head(reply)
                    return
                try:
                    self.send_response(reply.status)
                    headers = dict(reply.headers)
                    headers.setdefault("Content-Length", str(len(reply.body)))
                    if headers["Content-Length"] == "":  # no length: the body ends when we close
                        del headers["Content-Length"]
                        headers["Connection"] = "close"
                        self.close_connection = True
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply.chunks:
                        step = max(1, len(reply.body) // reply.chunks)
                        for start in range(0, len(reply.body), step):
                            self.wfile.write(reply.body[start : start + step])
                            self.wfile.flush()
                            time.sleep(reply.delay)
                    else:
                        self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _drip_head(self, reply: Reply) -> None:
                head = f"HTTP/1.1 {reply.status} OK\r\nContent-Length: {len(reply.body)}\r\n"
                head += "".join(f"{key}: {value}\r\n" for key, value in reply.headers.items())
                self.close_connection = True
                try:
                    for byte in (head + "\r\n").encode() + reply.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply.header_drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        class Server(ThreadingHTTPServer):
            def get_request(self) -> tuple[socket.socket, Any]:
                request = super().get_request()
                with server._lock:
                    server.accepts += 1
                return request

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients that hang up early (timeouts, size caps) are part of the tests

        self.httpd = Server((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> TestServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for 'connection refused')."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def article_html(
    title: str,
    paragraphs: list[str],
    *,
    date: str | None = None,
    canonical: str | None = None,
    lang: str = "en",
    charset: str | None = "utf-8",
    site: str = "Test Gazette",
) -> str:
    """A small but realistic news page with chrome around the article (hand-written fixture)."""
    meta = f'<meta charset="{charset}">' if charset else ""
    if date:
        meta += f'<meta property="article:published_time" content="{date}">'
    if canonical:
        meta += f'<link rel="canonical" href="{canonical}">'
    meta += f'<meta property="og:site_name" content="{site}">'
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>{title}</title></head><body>'
        '<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/economy">Economy</a></nav>'
        f"</header><main><article><h1>{title}</h1>{body}</article></main>"
        '<aside><h3>Related</h3><ul><li><a href="/x">Weather this weekend</a></li></ul></aside>'
        "<footer>Contact us | Privacy | Terms</footer></body></html>"
    )


def stub_network(monkeypatch: Any, names: dict[str, str]) -> list[tuple]:
    """Resolve each name in ``names`` to its address (others as usual) and record every address a
    socket tries; connecting to anything but loopback raises instead of sending a packet."""
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect
    tried: list[tuple] = []

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in names:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (names[host], int(port or 80)))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        tried.append(address)
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise ConnectionRefusedError(f"test: nothing leaves this machine ({address[0]})")
        real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return tried
