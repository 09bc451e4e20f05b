"""The layers as folders hold: import-linter's contracts (pyproject.toml, [tool.importlinter]) are kept,
and they break when the event contract imports Django or NATS, when streaming imports a consumer, or
when an arrow runs back up (shown on a copy of the code with one forbidden import added)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(folder: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the project at ``folder``, its packages found there first, with no cache."""
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder), "COLUMNS": "500"},  # one line a contract
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_layer_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The root packages' Python files and pyproject.toml, copied for breaking on purpose."""
    folder = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", folder)
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
    for package in packages:
        shutil.copytree(ROOT / package, folder / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return folder


@pytest.mark.parametrize(
    ("module", "forbidden_import", "broken_contract"),
    [
        ("contract/vocabulary.py", "import django.conf", "contract/ is pure"),
        ("contract/events.py", "import nats.errors", "contract/ is pure"),
        ("contract/specs.py", "import streaming.world", "contract/ is pure"),
        ("telemetry/metrics.py", "import config.logging", "telemetry/ is a leaf"),
        ("streaming/runner.py", "import moments.consumer", "streaming/ is the NATS machinery only"),
        ("streaming/admin.py", "import history.projector", "streaming/ is the NATS machinery only"),
        ("history/projector.py", "import stats.standings", "Layers"),
        ("accounts/apis.py", "import config.errors", "Layers"),
        ("stats/selectors.py", "import moments.detection", "Layers"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    project_copy: Path, module: str, forbidden_import: str, broken_contract
):
    path = project_copy / module
    original = path.read_text()
    path.write_text(f"{forbidden_import}  # added by the test\n{original}")
    try:
        result = lint_imports(project_copy)
    finally:
        path.write_text(original)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.rstrip().endswith("BROKEN")]
    assert any(line.startswith(broken_contract) for line in broken), result.stdout
