"""The web worker's scheme rule (config/web_worker.py): X-Forwarded-Proto from a trusted peer only."""

import asyncio

from config.gunicorn import json_error_bytes
from config.web_worker import ForwardedProto


def scheme_seen(trusted: list[str], client: tuple[str, int] | None, proto: bytes | None) -> str:
    seen = {}

    async def app(scope, receive, send):
        seen["scheme"] = scope["scheme"]

    headers = [(b"host", b"example.org")] + ([(b"x-forwarded-proto", proto)] if proto is not None else [])
    scope = {"type": "http", "scheme": "http", "client": client, "headers": headers}
    asyncio.run(ForwardedProto(app, trusted)(scope, None, None))
    return seen["scheme"]


def test_a_trusted_peer_says_the_scheme_and_no_other_does():
    trusted = ["127.0.0.1", "::1", "10.0.0.0/8"]
    assert scheme_seen(trusted, ("127.0.0.1", 5000), b"https") == "https"
    assert scheme_seen(trusted, ("::1", 5000), b"HTTPS ") == "https"
    assert scheme_seen(trusted, ("10.20.30.40", 5000), b"https") == "https"  # a network, as gunicorn reads it
    assert scheme_seen(trusted, ("192.0.2.7", 5000), b"https") == "http"
    assert scheme_seen(trusted, None, b"https") == "http"  # a Unix socket: no peer address
    assert scheme_seen(trusted, ("127.0.0.1", 5000), b"gopher") == "http"
    assert scheme_seen(trusted, ("127.0.0.1", 5000), None) == "http"
    assert scheme_seen(["*"], ("192.0.2.7", 5000), b"https") == "https"


def test_a_refusal_is_json_and_closes_the_connection():
    answer = json_error_bytes(431, "Request Header Fields Too Large", "more than 100 headers")
    head, body = answer.split(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert b"Connection: close" in head and b"Content-Type: application/json" in head
    assert f"Content-Length: {len(body)}".encode() in head
    assert body == b'{"detail": "Request Header Fields Too Large: more than 100 headers"}'
