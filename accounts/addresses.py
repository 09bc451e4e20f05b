"""Who a request comes from: the one definition of the client's address (docs/configuration.md, TRUSTED_PROXY_COUNT).

The API's throttles, the admin's sign-in lockout (django-axes) and the loopback rule of `/metrics` all
ask here. `TRUSTED_PROXY_COUNT` says how many proxies in front of gunicorn append to
`X-Forwarded-For`; with 0 (the default) the header is ignored, since anyone can write it. With N, the
client is the N-th address from the right: the first proxy appended it, and what stands to its left
came from the client and proves nothing.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The address of the client behind the trusted proxies, or the peer's own (REMOTE_ADDR)."""
    return address_from(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted_proxies=settings.TRUSTED_PROXY_COUNT,
    )


def address_from(*, remote_addr: str, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The pure rule of ``client_address``.

    A header with fewer addresses than proxies did not come through all of them (the request reached
    an inner proxy or gunicorn directly), so only the peer is known; so is it when the address the
    proxies wrote is not an IP address at all.
    """
    if trusted_proxies <= 0 or not forwarded_for:
        return remote_addr
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    if len(hops) < trusted_proxies:
        return remote_addr
    candidate = hops[-trusted_proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
