"""The durable consumer names of the deployment (docs/operations.md), written here once: the consumers take
their name from here, and the status page, /healthz and the partition layout look them up here."""

from __future__ import annotations

PROJECTOR_DURABLE = "match-projector"
# Projects the whole stream again from sequence 1 (run_projector --from-start), then stops.
REPROJECTOR_DURABLE = "match-reprojector"
DETECTOR_DURABLE = "key-moment-detector"
# docs/operations.md: the partitioned detectors read this stream, one durable a partition.
PARTITIONED_STREAM = "GAME_EVENTS_PARTITIONED"


def partition_durable(partition: int) -> str:
    """The durable of the key moment detector of ``partition`` (on PARTITIONED_STREAM)."""
    return f"{DETECTOR_DURABLE}-{partition}"


# Writes each finished match to the object store (docs/operations.md, the archive).
ARCHIVER_DURABLE = "match-archiver"
