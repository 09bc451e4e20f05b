"""The consumers this deployment runs, registered by their durable name from their own app's
AppConfig.ready(): streaming reaches a consumer (setup_stream for the detector's consumer config, the
poison admin for a retry) through here, never by importing it, so its imports run one way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streaming.consumer import Consumer
    from streaming.models import PoisonEvent


class UnknownConsumer(LookupError):
    """No app registered a consumer of that durable name (its app is not in INSTALLED_APPS?)."""


@dataclass(frozen=True, slots=True)
class RegisteredConsumer:
    durable: str
    # Makes the consumer; keyword arguments are the consumer's own (a detector's ``partition``).
    factory: Callable[..., Consumer]
    # The consumer's own handling run again on a poison row's stored payload, for the admin's Retry:
    # what it made (a match), or None when the payload is still poison. None: its rows are not retried.
    retry_poison: Callable[[PoisonEvent], Any] | None = None


_registered: dict[str, RegisteredConsumer] = {}


def register_consumer(
    durable: str, factory: Callable[..., Consumer], *, retry_poison: Callable[[PoisonEvent], Any] | None = None
) -> None:
    """Register (again: replace) the consumer of ``durable``."""
    _registered[durable] = RegisteredConsumer(durable, factory, retry_poison)


def registered_consumer(durable: str) -> RegisteredConsumer:
    try:
        return _registered[durable]
    except KeyError:
        raise UnknownConsumer(f"no consumer registered as {durable!r}") from None


def retriable_durables() -> list[str]:
    """The durables whose poison rows the admin's Retry can run again, in registration order."""
    return [durable for durable, entry in _registered.items() if entry.retry_poison is not None]
