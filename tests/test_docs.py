"""The documentation builds cleanly and every example script runs.

The code blocks of ``docs/*.md`` run as doctests through pytest's own
``--doctest-glob=*.md`` (see ``pyproject.toml``); this module checks the rest:
the Sphinx build (nitpicky, warnings are errors), that every code block really is
a doctest, that the committed intersphinx inventories match their sources, and
that each script in ``examples/`` runs and says who it is for.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
PAGES = sorted(p for p in DOCS.rglob("*.md") if not {"_build", "_generated"} & set(p.relative_to(DOCS).parts))

FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.MULTILINE | re.DOTALL)


def test_sphinx_build_is_clean(tmp_path: Path) -> None:
    """``sphinx-build -W -n`` passes: no warning, no broken cross-reference, the diagram drawn."""
    assert shutil.which("dot"), "Graphviz's `dot` is needed to draw the concept diagram (apt-get install graphviz)"
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr or result.stdout
    for page in ("index", "getting-started", "concepts", "cookbook", "data", "api", "changelog"):
        assert (out / f"{page}.html").is_file(), page
    assert list((out / "_images").glob("graphviz-*.svg")), "the concept diagram was not drawn"
    assert "Changelog" in (out / "changelog.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_code_block_is_a_doctest(page: Path) -> None:
    """Code blocks are ```pycon (or ```python) with prompts, so pytest runs them.

    Directives use ``:::`` fences, except ``{eval-rst}``, which MyST reads only in backticks.
    """
    for block in FENCE.finditer(page.read_text(encoding="utf-8")):
        info = block["info"].strip()
        if info == "{eval-rst}":
            continue
        where = f"{page.name}: block starting {block['body'][:60]!r}"
        assert info in {"pycon", "python"}, f"{where} is {info or 'untagged'}, not a doctest"
        assert ">>> " in block["body"], f"{where} has no >>> prompt"
        assert block["body"].endswith("\n\n"), f"{where} needs a blank line before its closing fence"


def _inventory_module():
    spec = importlib.util.spec_from_file_location("make_inventories", DOCS / "_inventories" / "make_inventories.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("source", sorted((DOCS / "_inventories").glob("*.txt")), ids=lambda p: p.stem)
def test_inventories_match_their_sources(source: Path) -> None:
    """Each committed ``.inv`` is what ``make_inventories.py`` writes from its ``.txt``."""
    written = _inventory_module().inventory(source)
    assert source.with_suffix(".inv").read_bytes() == written, f"run python {source.parent.name}/make_inventories.py"


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script: Path) -> None:
    """The example exits 0 and prints something."""
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), f"{script.name} printed nothing"


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_says_who_it_is_for(script: Path) -> None:
    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8")))
    assert docstring and "Who it is for:" in docstring, f"{script.name} needs a docstring saying who it is for"


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 3
