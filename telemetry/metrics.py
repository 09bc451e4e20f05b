"""Every Prometheus metric of the system (docs/operations.md), defined once, for every process to import.

The web process, the consumers and the publishers all import from here, so a name, type or label set
cannot differ between the code that counts and the alert rules (deploy/prometheus/) that read it.
Each process exposes only what it moves: a consumer's `/metrics` port shows its consumer's series, the
web process its HTTP ones; a metric with labels shows no series until it is first counted.

Under gunicorn, `PROMETHEUS_MULTIPROC_DIR` (config/gunicorn.py) makes each worker write its values to
that folder, and the web process's `/metrics` adds them up; `multiprocess_mode` says how a gauge is
combined there. Outside it (the consumers, tests in one process) values live in the process.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

PREFIX = "tetris_history_"

# --- Consumers (streaming/runner.py and its handlers) ---------------------------------------------
CONSUMER_MESSAGES = Counter(
    f"{PREFIX}consumer_messages_total",
    "Messages a consumer settled, by how: ack (done), nak (retried later), term (poison, never again).",
    ["consumer", "outcome"],
)
CONSUMER_PENDING = Gauge(
    f"{PREFIX}consumer_pending_messages",
    "The consumer info's num_pending: messages of the stream not yet delivered to it (at most 5 s old).",
    ["consumer"],
    multiprocess_mode="mostrecent",
)
CONSUMER_ACK_PENDING = Gauge(
    f"{PREFIX}consumer_ack_pending_messages",
    "The consumer info's num_ack_pending: delivered, not yet acknowledged (at most 5 s old).",
    ["consumer"],
    multiprocess_mode="mostrecent",
)
CONSUMER_BATCH_SECONDS = Histogram(
    f"{PREFIX}consumer_batch_seconds",
    "Time to handle one fetched batch, from its arrival to its last acknowledgement.",
    ["consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
CONSUMER_LAST_ACK = Gauge(
    f"{PREFIX}consumer_last_ack_timestamp_seconds",
    "Unix time of the consumer's last acknowledgement (its start, before the first).",
    ["consumer"],
    multiprocess_mode="max",
)
POISON_EVENTS = Counter(
    f"{PREFIX}poison_events_total",
    "Messages a consumer recorded in poison_events and terminated.",
    ["consumer"],
)

# --- The projector and the detector ---------------------------------------------------------------
MATCHES_PROJECTED = Counter(
    f"{PREFIX}matches_projected_total",
    "Matches the projector wrote (a redelivered game_end that wrote nothing is not counted).",
)
MOMENTS_PUBLISHED = Counter(
    f"{PREFIX}moments_published_total",
    "Key moments the detector published, by type.",
    ["type"],
)
DETECTOR_LIVE_MATCHES = Gauge(
    f"{PREFIX}detector_live_matches",
    "Matches the detector holds state for (started, not yet ended).",
    multiprocess_mode="livesum",
)
DETECTOR_ROOMS_REBUILT = Counter(
    f"{PREFIX}detector_rooms_rebuilt_total",
    "Rooms whose match state the detector rebuilt from the stream (after a restart or a lost state).",
)

# --- Publishers (simulate, game servers: streaming/publisher.py) ----------------------------------
PUBLISHER_BUFFERED = Gauge(
    f"{PREFIX}publisher_buffered_events",
    "Events waiting in the publisher's buffer (NATS away or slow).",
    multiprocess_mode="livesum",
)
PUBLISHER_PUBLISHED = Counter(
    f"{PREFIX}publisher_published_total",
    "Events the stream acknowledged.",
)
PUBLISHER_DROPPED = Counter(
    f"{PREFIX}publisher_dropped_total",
    "Events lost because the publisher's buffer was full.",
)
PUBLISHER_RETRIES = Counter(
    f"{PREFIX}publisher_retries_total",
    "Publish attempts repeated after a timeout or a lost connection.",
)

# --- The web process (config/metrics_web.py) ------------------------------------------------------
HTTP_REQUESTS = Counter(
    f"{PREFIX}http_requests_total",
    "HTTP requests answered, by the URL pattern's name, method and status.",
    ["route", "method", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    f"{PREFIX}http_request_duration_seconds",
    "Time to answer an HTTP request, by the URL pattern's name, method and status.",
    ["route", "method", "status"],
)

# The archive (docs/operations.md, the archive).
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
