"""Log lines for every process (docs/operations.md): `LOG_FORMAT=text` (the default) or `json`.

JSON lines come from python-json-logger with the keys `time` (RFC 3339, UTC, milliseconds),
`level`, `logger`, `message`, and each id a line carries as its own key: call sites pass them with
``extra={"room_id": ..., "stream_seq": ...}``, never inside the message, so an operator's query
reads a field. The text format shows the same ids as `key=value` after the message. Django's
settings and gunicorn's configuration (config/gunicorn.py) both build their logging from here.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from telemetry.loggers import MOMENT_LOGGER

LOG_IDS = ("room_id", "started_at", "stream_seq", "match_id", "consumer")
LOG_FORMATS = ("text", "json")


def rfc3339_utc_ms(created: float) -> str:
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLineFormatter(JsonFormatter):
    """python-json-logger with the key names and time format of docs/operations.md, logs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", *args, **kwargs)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return rfc3339_utc_ms(record.created)


class TextLineFormatter(logging.Formatter):
    """One readable line: time, level, logger, message, then the line's ids as key=value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        ids = " ".join(f"{key}={getattr(record, key)}" for key in LOG_IDS if getattr(record, key, None) is not None)
        return f"{line} {ids}" if ids else line


def formatter_config(log_format: str) -> dict[str, Any]:
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")
    name = JsonLineFormatter if log_format == "json" else TextLineFormatter
    return {"()": f"{name.__module__}.{name.__qualname__}"}


def logging_config(*, log_format: str, streaming_level: str = "INFO", moment_level: str = "INFO") -> dict[str, Any]:
    """Django's LOGGING: every line to standard error in the chosen format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": formatter_config(log_format)},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "streaming": {"level": streaming_level},
            MOMENT_LOGGER: {"level": moment_level},
            "game": {"level": "INFO"},
            "archive": {"level": streaming_level},  # the archiver's line a match, like the projector's
            "django": {"level": "WARNING"},
        },
    }


def gunicorn_logging_config(*, log_format: str) -> dict[str, Any]:
    """gunicorn's logconfig_dict: its error log and access log in the same format as the app's lines."""
    line = formatter_config(log_format)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": line},
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stderr"},
            "access_console": {"class": "logging.StreamHandler", "formatter": "line", "stream": "ext://sys.stdout"},
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
        },
    }
