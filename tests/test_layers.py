"""Imports go only downward: ingest <- bot (engine) <- bot.web (serving) and evals <- citebot.

Read from the source text (every import statement, also those inside functions), so a lazy import
that climbs a layer fails here as surely as a top-level one.
"""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

# package -> the top-level names it may not import
FORBIDDEN = {
    "ingest": ("bot", "evals", "citebot", "gradio", "fastapi"),
    "bot": ("bot.web", "evals", "citebot", "gradio", "fastapi", "uvicorn"),
    "bot/web": ("evals", "citebot"),
    "evals": ("citebot", "bot.web"),
}


def _imports(path: str) -> list[str]:
    tree = ast.parse((ROOT / path).read_text())
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_layer_above_it(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    if package == "bot":
        files = [f for f in files if "web" not in f.relative_to(ROOT / "bot").parts]
    assert files
    bad = [
        f"{f.relative_to(ROOT)} imports {name}"
        for f in files
        for name in _imports(str(f.relative_to(ROOT)))
        if any(name == up or name.startswith(up + ".") for up in FORBIDDEN[package])
    ]
    assert not bad, bad
