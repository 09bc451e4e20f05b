"""The deployments give the web process what one `/metrics` for all gunicorn workers needs."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def unit_settings(unit: Path) -> list[tuple[str, str]]:
    """Every `Key=value` line in order (a unit may repeat a key, as it does Environment=)."""
    lines = [line.strip() for line in unit.read_text().splitlines()]
    return [tuple(line.split("=", 1)) for line in lines if "=" in line and not line.startswith("#")]


def test_the_web_unit_keeps_the_workers_metrics_in_its_own_writable_runtime_folder():
    settings = unit_settings(ROOT / "deploy/systemd/tetris-history-web.service")
    # ProtectSystem=strict leaves /run/{RuntimeDirectory} the one folder it may write.
    assert ("ProtectSystem", "strict") in settings
    [runtime] = [value for key, value in settings if key == "RuntimeDirectory"]
    environment = dict(value.split("=", 1) for key, value in settings if key == "Environment")
    assert environment["PROMETHEUS_MULTIPROC_DIR"].startswith(f"/run/{runtime}/")


def test_compose_gives_the_web_service_a_metrics_folder_and_the_token():
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
    assert web["environment"]["METRICS_TOKEN"] == "${METRICS_TOKEN:-}"
