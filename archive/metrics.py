"""The archive's Prometheus series (SPEC sections 11 and 15), beside the consumers' own (config/metrics.py)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from config.metrics import PREFIX

MATCHES_ARCHIVED = Counter(
    f"{PREFIX}matches_archived_total",
    "Matches whose replay document the archiver wrote to the object store and recorded on their row.",
)
ARCHIVE_BYTES_WRITTEN = Counter(
    f"{PREFIX}archive_bytes_written_total",
    "Bytes of gzip documents the archiver wrote to the object store.",
)
ARCHIVE_UNARCHIVED = Gauge(
    f"{PREFIX}archive_unarchived_matches",
    "Finished multiplayer matches not archived yet (read by the archiver every few seconds).",
    multiprocess_mode="mostrecent",
)
ARCHIVE_OLDEST_UNARCHIVED = Gauge(
    f"{PREFIX}archive_oldest_unarchived_seconds",
    "Age of the oldest finished match not archived yet, from its end (0: none); the stream keeps 90 days.",
    multiprocess_mode="mostrecent",
)
