"""The documentation builds cleanly and every example script runs.

The code blocks of ``docs/*.md`` run as doctests through pytest's own
``--doctest-glob=*.md`` (see ``pyproject.toml``); this module checks the rest:
the Sphinx build (nitpicky, warnings are errors), that every code block really is
a doctest, that the committed intersphinx inventories match their sources, and
that each script in ``examples/`` runs and says who it is for. The site is
built once per session (the ``site`` fixture); the browser tests serve it on
127.0.0.1 from a thread and open it in Debian's headless Chromium through
Selenium and Debian's chromedriver (never a downloaded browser or driver).
Without Chromium they skip, unless ``MHTAXONOMY_STRICT=1`` (as in CI), where
they fail.
"""

from __future__ import annotations

import ast
import functools
import html
import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
PAGES = sorted(p for p in DOCS.rglob("*.md") if not {"_build", "_generated", "node_modules"} & set(p.relative_to(DOCS).parts))

FENCE = re.compile(r"^(?P<indent>[ ]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML site, built once per test session with ``sphinx-build -W -n``.

    Returns the output folder; the build's failure (any warning) fails every test using it.
    """
    assert shutil.which("dot"), "Graphviz's `dot` is needed to draw the concept diagram (apt-get install graphviz)"
    work = tmp_path_factory.mktemp("docs")
    out = work / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html",
         "-d", str(work / "doctrees"), str(DOCS), str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr or result.stdout
    return out


def _text(site: Path, page: str) -> str:
    return (site / f"{page}.html").read_text(encoding="utf-8")


def test_sphinx_build_is_clean(site: Path) -> None:
    """``sphinx-build -W -n`` passes: no warning, no broken cross-reference, the diagram drawn."""
    for page in ("index", "getting-started", "concepts", "cookbook", "data", "glossary", "api", "changelog"):
        assert (site / f"{page}.html").is_file(), page
    assert list((site / "_images").glob("graphviz-*.svg")), "the concept diagram was not drawn"
    assert "Changelog" in _text(site, "changelog")


def test_glossary_lists_the_abbreviations_of_the_data(site: Path) -> None:
    """Every abbreviation of a profession is on the glossary page, next to the name it stands for."""
    import mhtaxonomy as mht

    page = _text(site, "glossary")
    for entity in mht.load().entities(mht.Kind.PROFESSION):
        for abbreviation in entity.abbreviations:
            assert f">{html.escape(abbreviation)}<" in page and html.escape(entity.name) in page, abbreviation


@pytest.mark.parametrize("jargon", ["shared/", "seed 00", "pip install mhtaxonomy"])
def test_no_page_speaks_internal_jargon(site: Path, jargon: str) -> None:
    """Readers never meet the project's working words, nor an install command that cannot work."""
    for page in site.rglob("*.html"):
        text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
        assert jargon not in text, f"{page.relative_to(site)} says {jargon!r}"


def test_every_founding_article_is_named_for_a_reader(site: Path) -> None:
    """The five articles that started the project are cited by title (and address where known)."""
    import mhtaxonomy as mht

    page = html.unescape(_text(site, "data")).translate(str.maketrans("“”’", "\"\"'"))  # undo smart quotes
    for source in mht.load().sources():
        if source.quality is mht.SourceQuality.SEED:
            assert source.title in page, source.id
            assert source.url is None or source.url in page, source.id


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


COMPARISONS = sorted(p for p in (DOCS / "comparisons").glob("*.md") if p.stem != "index")


@pytest.mark.parametrize("page", COMPARISONS, ids=lambda p: p.stem)
def test_comparison_page_opens_with_a_table_whose_cells_link_to_their_facts(site: Path, page: Path) -> None:
    text = _text(site, f"comparisons/{page.stem}")
    table = text.find('class="mht-compare')
    assert 0 < table < text.find("<h2"), "the summary table comes before the first section"
    links = re.findall(r'<a class="[^"]*mht-cell[^"]*" href="#([^"]+)"', text)
    assert len(links) >= 10
    for anchor in links:
        assert f'id="{anchor}"' in text, f"cell link #{anchor} has no target"
    assert text.find('id="try-it"') > text.find("<h2"), "the examples come after the prose, under Try it"


def test_a_cell_lists_the_facts_that_answer_it() -> None:
    """A "yes" rests on the facts of the answer behind it; a "no" on none."""
    import mhtaxonomy as mht

    sys.path.insert(0, str(DOCS / "_ext"))
    from mhtcompare import cells

    tax = mht.load()
    _, found = cells(tax, "therapist", "psychiatrist")
    by_cell = {(aspect, side): facts for aspect, side, _, facts in found}
    prescribing = tax.get("prescribing").name
    expected = tuple(tax.what_can_provide("psychiatrist").why("prescribing"))
    assert by_cell[f"can provide {prescribing}", "b"] == expected and expected
    assert by_cell[f"can provide {prescribing}", "a"] == ()
    who = {fact.id for fact in by_cell["refers to the other for", "a"]}
    reasons = tax.referral_reasons("therapist", "psychiatrist")
    assert who == {fact.id for reason in reasons for fact in reasons.why(reason)}


@pytest.mark.parametrize("page", COMPARISONS, ids=lambda p: p.stem)
def test_comparison_examples_fit_the_column(page: Path) -> None:
    """No line of an example is so long that the page would have to cut it off."""
    for block in FENCE.finditer(page.read_text(encoding="utf-8")):
        for line in block["body"].splitlines():
            assert len(line) <= 80, f"{page.name}: {line!r} is {len(line)} characters"


def _pictures():
    sys.path.insert(0, str(DOCS / "_ext"))
    import mhtpictures

    return mhtpictures


def test_session_chart_windows_are_what_codes_for_session_answers() -> None:
    """Each bar of the chart is a run of minutes one code fits; the minute before it fits another."""
    import mhtaxonomy as mht

    tax = mht.load()
    for with_em, runs in _pictures().session_codes(tax).items():
        assert len(runs) >= 3
        for first, last, code in runs:
            for minute in (first, last):
                assert " + ".join(c.code for c in tax.codes_for_session(minute, with_em=with_em)) == code
            before = " + ".join(c.code for c in tax.codes_for_session(first - 1, with_em=with_em)) if first > 1 else None
            assert before != code


def test_state_grid_colours_the_states_where_the_answer_holds() -> None:
    import mhtaxonomy as mht

    tax = mht.load()
    grid = _pictures().grid_answers(tax, lambda view: view.who_can_provide("prescribing"), "prescribing-psychologist")
    assert grid["NM"] and not grid["CA"]
    assert len(grid) >= 50


def test_pictures_are_drawn_from_the_data(site: Path) -> None:
    """The graphs name what the data answer; the charts are SVG whose labels are text."""
    import mhtaxonomy as mht

    tax = mht.load()
    pictures = _pictures()
    tree = pictures.profession_tree(tax)
    assert all(f'"{member.id}"' in tree for member in tax.narrower("therapist"))
    ladders = pictures.credential_ladder(tax)
    assert all(f'"{tax.get(ref).id}"' in ladders for ref in pictures.LADDER)
    flow = pictures.referral_flow(tax)
    assert all(reason.name.split()[0] in flow for reason in tax.referral_reasons("therapist", "psychiatrist"))
    chart = (site / "_images" / "session-codes.svg").read_text(encoding="utf-8")
    assert "90837" in chart and "<text" in chart
    page = _text(site, "pictures")
    assert page.count("graphviz-") >= 3 and "psychologists-prescribe.svg" in page


# -- the site in a browser ---------------------------------------------------------

CHROMEDRIVER = "/usr/bin/chromedriver"


def _require(program: str) -> str:
    """The path of ``program``; skip without it, or fail when MHTAXONOMY_STRICT=1."""
    found = shutil.which(program)
    if found is None:
        message = f"{program} is not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("MHTAXONOMY_STRICT") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    """The site's address, served from a thread on an ephemeral port of 127.0.0.1."""
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium, with a fresh profile and no network of its own."""
    _require("chromium")
    _require("chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _require("chromium")
    profile = tempfile.mkdtemp(prefix="mht-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,1200"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shown(driver: object) -> set[str]:
    return set(driver.execute_script("return window.mhtExplorer.cy.nodes().map(n => n.id())"))  # type: ignore[attr-defined]


def test_explorer_shows_who_can_provide_psychotherapy(served: str, browser: object) -> None:
    """Picking the question and the service draws its answer: the LCSW, not the life coach."""
    import mhtaxonomy as mht
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    driver.get(f"{served}/explorer.html")  # type: ignore[attr-defined]
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return !!window.mhtExplorer"))
    Select(driver.find_element(By.ID, "mht-question")).select_by_value("requires-diagnosis")  # type: ignore[attr-defined]
    assert "lcsw" not in _shown(driver)
    Select(driver.find_element(By.ID, "mht-question")).select_by_value("who-can-provide")  # type: ignore[attr-defined]
    Select(driver.find_element(By.ID, "mht-entity")).select_by_visible_text(mht.load().get("psychotherapy").name)  # type: ignore[attr-defined]
    shown = _shown(driver)
    assert "lcsw" in shown
    assert "life-coach" not in shown
    assert shown >= mht.load().who_can_provide("psychotherapy").ids
    assert "who can provide Psychotherapy" in driver.find_element(By.ID, "mht-summary").text  # type: ignore[attr-defined]


def test_clicking_a_node_shows_its_record_and_sources(served: str, browser: object) -> None:
    import mhtaxonomy as mht
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(f"{served}/explorer.html")  # type: ignore[attr-defined]
    driver.execute_script("window.mhtExplorer.cy.getElementById('lcsw').emit('tap')")  # type: ignore[attr-defined]
    record = driver.find_element(By.ID, "mht-record").text  # type: ignore[attr-defined]
    lcsw = mht.load().get("lcsw")
    assert lcsw.name in record
    assert all(f"[{source}]" in record for source in lcsw.sources)


class _Links(HTMLParser):
    """The ids of a page, and the places its links and images point to."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(found["id"] or "")
        for attribute in ("href", "src", "data"):
            value = found.get(attribute)
            if value and (tag, attribute) in {("a", "href"), ("img", "src"), ("link", "href"), ("script", "src"), ("object", "data")}:
                self.targets.append(value)


def test_no_page_has_a_broken_internal_link_or_image(site: Path) -> None:
    """Every relative link, image, stylesheet and script of every page exists, anchors included."""
    pages = {}
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.resolve()] = parser
    broken = []
    for page, parser in pages.items():
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or target.startswith("mailto:"):
                continue
            path = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append(f"{page.relative_to(site.resolve())}: {target}")
            elif parts.fragment and path in pages and unquote(parts.fragment) not in pages[path].ids:
                broken.append(f"{page.relative_to(site.resolve())}: {target} (no such anchor)")
    assert not broken, "\n".join(broken[:30])
