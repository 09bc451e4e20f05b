"""The project's documents stay true: every setting is documented, every relative link leads somewhere.

Pure: reads files only (no database, no NATS).
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "config" / "settings"
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"

# Helpers of config/settings/base.py whose first argument is the variable's name.
ENV_READERS = {"env_bool", "env_int", "env_list"}
# [text](target) in Markdown, target up to a space or the closing parenthesis.
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _is_os(node: ast.AST, attribute: str) -> bool:
    """Whether ``node`` is ``os.<attribute>``."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == attribute
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _reads_environment(function: ast.AST) -> bool:
    """Whether a call of ``function`` takes a variable's name first."""
    if isinstance(function, ast.Name):
        return function.id in ENV_READERS
    return _is_os(function, "getenv") or (
        isinstance(function, ast.Attribute) and function.attr == "get" and _is_os(function.value, "environ")
    )


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def environment_reads(source: str) -> set[str]:
    """The names of the environment variables a module reads by a literal name.

    Finds ``os.environ.get("X")``, ``os.environ["X"]``, ``os.getenv("X")`` and the settings' helpers
    ``env_bool / env_int / env_list("X", ...)``.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _reads_environment(node.func) and node.args:
            name = _literal(node.args[0])
        elif isinstance(node, ast.Subscript) and _is_os(node.value, "environ"):
            name = _literal(node.slice)
        else:
            name = None
        if name is not None:
            names.add(name)
    return names


def settings_read() -> set[str]:
    names: set[str] = set()
    for module in sorted(SETTINGS_DIR.glob("*.py")):
        names |= environment_reads(module.read_text())
    return names


def test_environment_reads_finds_every_form():
    source = (
        "import os\n"
        "A = os.environ.get('A', '')\n"
        "B = os.environ['B']\n"
        "C = os.getenv('C')\n"
        "D = env_int('D', 1)\n"
        "E = env_bool('E', False)\n"
        "F = env_list('F', [])\n"
        "G = os.environ.get(name)\n"  # not a literal: the helpers' own bodies
    )
    assert environment_reads(source) == {"A", "B", "C", "D", "E", "F"}


def test_the_settings_read_the_environment():
    # A guard against a parser that finds nothing (and so passes the test below vacuously).
    assert {"DATABASE_URL", "NATS_URL", "DJANGO_SECRET_KEY", "MOMENT_DETECTOR_PARTITIONS"} <= settings_read()


def test_every_setting_is_documented():
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", CONFIGURATION_DOC.read_text()))
    missing = sorted(settings_read() - documented)
    assert not missing, f"config/settings/*.py reads {missing}; document each in docs/configuration.md"


def _documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def relative_links(text: str) -> list[str]:
    """Link targets that are paths in the repository: not URLs, not mail, not anchors of the same page."""
    targets = []
    for target in MARKDOWN_LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("#"):
            continue
        targets.append(target)
    return targets


def test_relative_links_finds_paths_only():
    text = "[a](docs/api.md) [b](https://example.com) [c](#top) [d](ops.md#poison) [e](mailto:x@y.z)"
    assert relative_links(text) == ["docs/api.md", "ops.md#poison"]


@pytest.mark.parametrize("document", _documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_relative_links_lead_to_files(document: Path):
    broken = []
    for target in relative_links(document.read_text()):
        path = target.split("#", 1)[0].split("?", 1)[0]
        if path and not (document.parent / path).exists():
            broken.append(target)
    assert not broken, f"{document.relative_to(ROOT)} links to files that do not exist: {broken}"


# `history/projector.py`, `streaming/pull/`: a path of the repository in backticks (no braces: those
# are patterns such as `game.{room_id}.events`).
REPOSITORY_PATH = re.compile(r"`((?:[a-z_]+/)+(?:[\w.-]+\.(?:py|ts|tsx|md|toml|yml))?)`")


def test_repository_path_finds_modules_and_folders_only():
    text = "`history/projector.py` `streaming/pull/` `game.{room_id}.events` `application/json` `a.py`"
    assert REPOSITORY_PATH.findall(text) == ["history/projector.py", "streaming/pull/"]


def test_the_design_names_only_modules_that_exist():
    """docs/design.md is the picture of the parts: a module renamed or gone must be redrawn there."""
    named = REPOSITORY_PATH.findall((ROOT / "docs" / "design.md").read_text())
    assert len(named) > 20, "the design names the modules it draws"
    gone = sorted({path for path in named if not (ROOT / path).exists()})
    assert not gone, f"docs/design.md names {gone}, which no longer exist: redraw the design"


@pytest.mark.parametrize("document", _documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_python_modules_named_in_documents_exist(document: Path):
    named = [path for path in REPOSITORY_PATH.findall(document.read_text()) if path.endswith(".py")]
    gone = sorted({path for path in named if not (ROOT / path).exists()})
    assert not gone, f"{document.relative_to(ROOT)} names {gone}, which do not exist"


# What the repository must not cite: documents outside it (the requirements it was built to), which a
# reader of a clone cannot follow. Built from parts so that this file does not match itself.
OUTSIDE_CITATION = re.compile("SPEC" + r"( section|\.md| §)|\.\./" + "shared/")


def test_nothing_cites_documents_outside_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    citing = []
    for name in tracked.split():
        path = ROOT / name
        if path.suffix in {".png", ".ico", ".woff2"} or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        lines = enumerate(text.splitlines(), 1)
        citing += [f"{name}:{number}" for number, line in lines if OUTSIDE_CITATION.search(line)]
    assert not citing, f"cite the project's own docs/ instead: {citing[:20]}"
