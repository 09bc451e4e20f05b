"""The web process's worker: uvicorn's, with gunicorn's request limits and its view of proxies kept.

`gunicorn -c python:config.gunicorn -k config.web_worker.UvicornWorker config.asgi` (docs/operations.md).
gunicorn's own limits (`limit_request_line`, `limit_request_fields`, `limit_request_field_size` in
config/gunicorn.py) bind only its sync workers: uvicorn's parser took any URL, any number of headers
and headers of any size, held in memory until the request was whole. Here the same settings refuse a
request while it is parsed, with the JSON answer gunicorn gave (414 or 431, docs/api.md).

And uvicorn's proxy headers are off: it rewrote the client's address from `X-Forwarded-For` for any
peer at 127.0.0.1, whatever `TRUSTED_PROXY_COUNT` says, where gunicorn never touched the address
(`accounts/addresses.py` is the one place that reads the header). Like gunicorn, a request from a
`forwarded_allow_ips` peer (loopback by default) may still say its scheme with `X-Forwarded-Proto`:
a proxy on the same host that ends TLS keeps the session routes' origin check (https) true.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn_worker import UvicornWorker as _UvicornWorker

from config import gunicorn as gunicorn_config
from config.gunicorn import json_error_bytes

# What a request's head may take beyond its limits before its last header arrives: httptools holds a
# header whole before it hands it over, so a header line that never ends is refused by this count.
HEAD_SLACK_BYTES = 1024


class RequestRefused(Exception):
    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol refusing, while it parses, what gunicorn's limits refused.

    The limits are the worker's gunicorn settings (`bounded_protocol`); 0 is no limit, as in gunicorn.
    """

    max_url_bytes = gunicorn_config.limit_request_line
    max_headers = gunicorn_config.limit_request_fields
    max_header_bytes = gunicorn_config.limit_request_field_size

    @property
    def max_head_bytes(self) -> int:
        if not (self.max_url_bytes and self.max_headers and self.max_header_bytes):
            return 0
        return self.max_url_bytes + self.max_headers * self.max_header_bytes + HEAD_SLACK_BYTES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._refused: RequestRefused | None = None
        self._header_count = 0
        self._in_head = True
        self._head_bytes = 0

    def data_received(self, data: bytes) -> None:
        if self._in_head and self.max_head_bytes:
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head_bytes:
                self._refused = RequestRefused(
                    431, "Request Header Fields Too Large", f"the request's head is over {self.max_head_bytes:,} bytes"
                )
                self.send_400_response("")
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_count = 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_head, self._head_bytes = True, 0
        super().on_message_complete()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if self.max_url_bytes and len(self.url) > self.max_url_bytes:
            self._refuse(414, "URI Too Long", f"the URL is over {self.max_url_bytes:,} bytes")

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self.max_headers and self._header_count > self.max_headers:
            self._refuse(431, "Request Header Fields Too Large", f"more than {self.max_headers} headers")
        if self.max_header_bytes and len(name) + len(value) + 2 > self.max_header_bytes:
            self._refuse(431, "Request Header Fields Too Large", f"a header is over {self.max_header_bytes:,} bytes")
        super().on_header(name, value)

    def _refuse(self, status: int, reason: str, message: str) -> None:
        # Raised inside the parser's callback: httptools stops there and raises a parser error, which
        # uvicorn answers through send_400_response, below.
        self._refused = RequestRefused(status, reason, message)
        raise self._refused

    def send_400_response(self, msg: str) -> None:
        refused = self._refused or RequestRefused(400, "Bad Request", msg.rstrip("."))
        self.transport.write(json_error_bytes(refused.status, refused.reason, refused.message))
        self.transport.close()


class ForwardedProto:
    """ASGI: the scheme a trusted peer (gunicorn's `forwarded_allow_ips`) says with X-Forwarded-Proto."""

    def __init__(self, app: Any, trusted: list[str] | str) -> None:
        self.app = app
        names = [name.strip() for name in (trusted.split(",") if isinstance(trusted, str) else trusted)]
        self.everyone = "*" in names
        # Addresses or networks, as gunicorn (27) reads the setting.
        self.networks = [ipaddress.ip_network(name, strict=False) for name in names if name and name != "*"]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and self._trusts(scope.get("client")):
            for name, value in scope["headers"]:
                if name == b"x-forwarded-proto":
                    proto = value.decode("latin1").strip().lower()
                    if proto in ("http", "https"):
                        scope = {**scope, "scheme": proto}
                    break
        await self.app(scope, receive, send)

    def _trusts(self, client: tuple[str, int] | None) -> bool:
        if self.everyone:
            return True
        try:
            address = ipaddress.ip_address(client[0]) if client else None
        except ValueError:  # a Unix socket's peer
            return False
        return address is not None and any(address in network for network in self.networks)


def bounded_protocol(max_url_bytes: int, max_headers: int, max_header_bytes: int) -> type[BoundedHttpToolsProtocol]:
    limits = {"max_url_bytes": max_url_bytes, "max_headers": max_headers, "max_header_bytes": max_header_bytes}
    return type("BoundedHttpToolsProtocol", (BoundedHttpToolsProtocol,), limits)


class UvicornWorker(_UvicornWorker):
    CONFIG_KWARGS = {"loop": "auto", "http": BoundedHttpToolsProtocol, "proxy_headers": False}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cfg = self.cfg  # config/gunicorn.py's limits, or their command-line overrides
        limits = (cfg.limit_request_line, cfg.limit_request_fields, cfg.limit_request_field_size)
        self.config.http = bounded_protocol(*limits)

    def load_wsgi(self) -> None:
        super().load_wsgi()
        self.wsgi = ForwardedProto(self.wsgi, self.cfg.forwarded_allow_ips)
