"""The operations files: every command they run exists in the project, and the units verify."""

from __future__ import annotations

import configparser
import importlib
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
# Each unit's NATS user (deploy/nats-cluster/authorization.conf).
ROLES = {
    "tetris-history-web.service": "web",
    "tetris-history-projector@.service": "projector",
    "tetris-history-detector.service": "detector",
    "tetris-history-detector@.service": "detector",
    "tetris-history-archiver.service": "archiver",
}


def environment_files(unit: Path) -> list[str]:
    """The unit's EnvironmentFile= lines in order (configparser would keep only the last)."""
    return [line.split("=", 1)[1] for line in unit.read_text().splitlines() if line.startswith("EnvironmentFile=")]


def command_exists(argv: list[str]) -> bool:
    """Whether a container or unit command names something this project ships, with options it takes.

    A template unit's instance (``%i``) stands for 0.
    """
    if argv[:2] == ["sh", "-c"]:
        return all(command_exists(part.split()) for part in argv[2].split("&&"))
    program = Path(argv[0]).name
    if program in {"python", "python3"} and argv[1] == "manage.py":
        return argv[2] in get_commands() and manage_py_options_parse(
            argv[2], [arg.replace("%i", "0") for arg in argv[3:]]
        )
    if program == "python" and argv[1] == "-c":
        return True
    if program == "gunicorn":
        args = argv[1:]
        if args[0] == "-c":  # its configuration, a module of ours: python:config.gunicorn
            importlib.import_module(args[1].removeprefix("python:"))
            args = args[2:]
        if args[0] == "-k":  # the worker class, uvicorn's for config.asgi: it must import
            worker_module, _, worker_class = args[1].rpartition(".")
            assert hasattr(importlib.import_module(worker_module), worker_class), args[1]
            args = args[2:]
        module, _, attribute = args[0].partition(":")
        return hasattr(importlib.import_module(module), attribute or "application")
    return False


def manage_py_options_parse(name: str, args: list[str]) -> bool:
    command = load_command_class(get_commands()[name], name)
    try:
        command.create_parser("manage.py", name).parse_args(args)
    except CommandError:
        return False
    return True


def test_a_command_with_an_option_it_does_not_take_is_not_a_project_command():
    assert command_exists(["python", "manage.py", "run_moment_detector", "--partition", "1"])
    assert not command_exists(["python", "manage.py", "run_moment_detector", "--partition", "one"])
    assert not command_exists(["python", "manage.py", "run_projector", "--partition", "1"])
    assert not command_exists(["python", "manage.py", "run_projector", "--instance", "-1"])


def test_every_compose_service_runs_a_command_of_the_project():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "nats", "migrate", "web", "projector", "detector"} <= set(services)
    for name in ("migrate", "web", "projector", "detector"):
        assert command_exists(services[name]["command"]), name
        assert services[name]["restart"] in {"unless-stopped", "always", "no"}
    for name in ("postgres", "nats", "web"):
        assert "healthcheck" in services[name], name
    assert services["nats"]["volumes"][0].startswith("./deploy/nats.conf:")


def test_nats_config_fsyncs_every_write():
    config = (ROOT / "deploy" / "nats.conf").read_text()
    assert "sync_interval: always" in config
    assert "jetstream" in config


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_systemd_unit_restarts_stops_gracefully_and_runs_a_project_command(unit):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(unit)
    service = parser["Service"]
    assert service["Restart"] == "always"
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) >= 20
    shared, role = environment_files(unit)
    assert shared == "/etc/tetris-history/env"
    assert role == f"-/etc/tetris-history/{ROLES[unit.name]}.env"  # optional, read last: its NATS_URL wins
    assert service["NoNewPrivileges"] == "true"
    assert command_exists(service["ExecStart"].split())


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_systemd_unit_verifies(unit, tmp_path):
    # Point the unit at this checkout so the verifier can find the executables it names.
    text = unit.read_text().replace("/opt/tetris-history/.venv/bin/python", sys.executable)
    text = text.replace("/opt/tetris-history/.venv/bin/gunicorn", str(Path(sys.executable).parent / "gunicorn"))
    text = text.replace("/opt/tetris-history", str(ROOT))
    copy = tmp_path / unit.name.replace("@.", "@0.")  # a template is verified as an instance of it
    copy.write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True, text=True, timeout=60
    )
    problems = [line for line in (result.stdout + result.stderr).splitlines() if copy.name in line]
    assert result.returncode == 0 and not problems, problems


def test_the_detector_template_unit_runs_its_instance_as_the_partition():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "deploy" / "systemd" / "tetris-history-detector@.service")
    assert parser["Service"]["ExecStart"].split()[1:] == ["manage.py", "run_moment_detector", "--partition", "%i"]
    assert parser["Unit"]["Conflicts"] == "tetris-history-detector.service"


def test_the_projector_is_one_template_unit_its_instance_the_projectors_number_on_the_host():
    assert not (ROOT / "deploy" / "systemd" / "tetris-history-projector.service").exists()
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(ROOT / "deploy" / "systemd" / "tetris-history-projector@.service")
    assert parser["Service"]["ExecStart"].split()[1:] == ["manage.py", "run_projector", "--instance", "%i"]


def test_compose_runs_one_service_per_detector_partition_and_can_turn_the_single_detector_off():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    partitions = sorted(name for name in services if name.startswith("detector-"))
    assert partitions == ["detector-0", "detector-1"]
    for index, name in enumerate(partitions):
        service = services[name]
        assert service["command"] == ["python", "manage.py", "run_moment_detector", "--partition", str(index)]
        assert command_exists(service["command"])
        assert service["profiles"] == ["partitioned"]
        assert service["environment"]["MOMENT_DETECTOR_PARTITIONS"] == "${MOMENT_DETECTOR_PARTITIONS:-2}"
        assert service["environment"]["NATS_URL"] == services["detector"]["environment"]["NATS_URL"]
        assert service["restart"] == "unless-stopped"
    assert "profiles" not in services["detector"]  # the default stays one detector
    assert services["detector"]["scale"] == "${SINGLE_DETECTOR:-1}"


def test_the_image_and_the_package_hold_every_app_of_the_project():
    # The stats app once ran in development (imported from the checkout) while the image lacked it.
    from django.conf import settings

    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()}
    copied = {line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("COPY ")}
    with open(ROOT / "pyproject.toml", "rb") as file:
        included = tomllib.load(file)["tool"]["setuptools"]["packages"]["find"]["include"]
    assert ours - copied == set(), "apps the Dockerfile does not copy"
    assert {f"{app}*" for app in ours} - set(included) == set(), "apps pyproject.toml does not package"
