"""A tiny stand-in for a Vite build of web/ (web/dist), and a parser of the CSP header."""

from __future__ import annotations

from pathlib import Path

# What Vite writes with `base: "/static/app/"`: hashed asset names, no inline script.
FAKE_INDEX = (
    '<!doctype html><html><head><script type="module" crossorigin src="/static/app/assets/index-B3kq9aXz.js">'
    '</script><link rel="stylesheet" href="/static/app/assets/index-Dw1t5YqA.css"></head>'
    '<body><div id="root"></div></body></html>'
)


def write_build(folder: Path) -> Path:
    """A tiny stand-in for web/dist: index.html, one hashed script and stylesheet, one unhashed file."""
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(FAKE_INDEX)
    (folder / "assets" / "index-B3kq9aXz.js").write_text("document.getElementById('root').textContent = 'hi';\n" * 20)
    (folder / "assets" / "index-Dw1t5YqA.css").write_text("body { margin: 0; }\n")
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return folder


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives
