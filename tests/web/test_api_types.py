"""The web client's API types (web/src/api/schema.d.ts) are generated from the OpenAPI schema: a
server change that the client has not picked up fails here. Regenerate with
`manage.py spectacular --file .local/schema.yaml && npm --prefix web run schema`."""

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.web import WEB, node_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_generated_types_match_the_servers_schema(tmp_path: Path) -> None:
    schema = tmp_path / "schema.yaml"
    subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--file", str(schema)],
        cwd=ROOT,
        check=True,
        env={**node_env(), "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    generated = tmp_path / "schema.d.ts"
    subprocess.run(
        [str(WEB / "node_modules" / ".bin" / "openapi-typescript"), str(schema), "-o", str(generated)],
        cwd=WEB,
        check=True,
        env=node_env(),
        capture_output=True,
    )
    committed = (WEB / "src" / "api" / "schema.d.ts").read_text().splitlines()
    drift = list(difflib.unified_diff(committed, generated.read_text().splitlines(), "committed", "generated", n=1))
    assert not drift, (
        "web/src/api/schema.d.ts is out of date with the API: regenerate it "
        "(manage.py spectacular --file .local/schema.yaml && npm --prefix web run schema)\n" + "\n".join(drift[:40])
    )


def test_built_index_has_no_inline_script() -> None:
    # The app's pages forbid inline scripts (docs/web-client-serving.md): every <script> of the build has a src.
    index = (WEB / "dist" / "index.html").read_text()
    scripts = index.split("<script")[1:]
    assert scripts, "the build names its script"
    for tag in scripts:
        opening = tag.split(">", 1)[0]
        assert " src=" in opening, f"inline script in web/dist/index.html: <script{opening}>"
        assert tag.split(">", 1)[1].startswith("</script"), "a script tag with a body"
