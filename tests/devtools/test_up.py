"""dev.py up: which detector processes it starts."""

from __future__ import annotations

import sys

from devtools.__main__ import detector_processes

DETECTOR = [sys.executable, "manage.py", "run_moment_detector"]


def test_up_runs_one_detector_by_default_and_one_a_partition_with_partitions():
    assert detector_processes({}) == [("detector", DETECTOR)]
    assert detector_processes({"MOMENT_DETECTOR_PARTITIONS": "1"}) == [("detector", DETECTOR)]
    assert detector_processes({"MOMENT_DETECTOR_PARTITIONS": "3"}) == [
        (f"detector-{i}", [*DETECTOR, "--partition", str(i)]) for i in range(3)
    ]
