"""The alert rules (deploy/prometheus/) checked and unit-tested by promtool, from Debian's `prometheus`
package (installed by the test tooling when missing), against the metrics the code defines."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import Counter, Histogram

from archive import metrics as archive_metrics
from config import metrics
from devtools.debian import PROMTOOL, ensure_promtool

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
RULES = PROMETHEUS / "alerts.yml"
TESTS = PROMETHEUS / "alerts_test.yml"


@pytest.fixture(scope="module")
def promtool() -> Path:
    ensure_promtool()
    return PROMTOOL


def run(promtool: Path, *args: str) -> None:
    result = subprocess.run([str(promtool), *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_rules_are_valid(promtool):
    run(promtool, "check", "rules", RULES.name)


def test_the_rules_fire_and_stay_quiet_as_their_unit_tests_say(promtool):
    run(promtool, "test", "rules", TESTS.name)


def test_the_scrape_configuration_is_valid(promtool):
    # Syntax only: it names the token file a deployment writes, absent here.
    run(promtool, "check", "config", "--syntax-only", "prometheus.yml")


def rules() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def test_every_rule_has_a_unit_test():
    tested = {
        case["alertname"] for test in yaml.safe_load(TESTS.read_text())["tests"] for case in test["alert_rule_test"]
    }
    assert {rule["alert"] for rule in rules()} == tested


def exposed_names() -> set[str]:
    """Every series name config/metrics.py and archive/metrics.py expose (a counter with _total, a histogram's)."""
    names = set()
    for metric in [*vars(metrics).values(), *vars(archive_metrics).values()]:
        if isinstance(metric, Counter):
            names.add(f"{metric._name}_total")
        elif isinstance(metric, Histogram):
            names.update(f"{metric._name}_{part}" for part in ("bucket", "sum", "count"))
        elif hasattr(metric, "_name"):
            names.add(metric._name)
    return names


def test_the_rules_read_only_metrics_the_code_defines():
    used = {name for rule in rules() for name in re.findall(r"\btetris_history_\w+", rule["expr"])}
    assert used, "no rule reads a metric of ours"
    assert used <= exposed_names(), used - exposed_names()
