"""``benchmarks/run.py --quick`` runs, and every peer it has gives exactly the library's answers.

No timing is asserted: speed is measured by running the benchmark, never by a test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_quick_benchmark_runs_and_peers_agree_with_the_library() -> None:
    done = subprocess.run([sys.executable, str(RUN), "--quick"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DIFFERS" not in done.stdout
    assert done.stdout.count("answer matches the library") >= 3  # SQLite at least: it is in the standard library
    for goal in ("import attrs, cattrs", "fastest peer", "x3 / x1", "search on the shipped data", "time a copy / at x2", "peak resident memory"):
        assert goal in done.stdout


def test_provider_benchmark_runs_every_part_on_small_files() -> None:
    pytest.importorskip("duckdb")
    script = RUN.parent / "providers.py"
    args = ["--rows", "500", "--repeat", "1", "--big", "800", "--big-repeat", "2"]
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "annotate / bare unpivot-and-join" in done.stdout and "of the annotate run" in done.stdout
    assert done.stdout.count("ratio") >= 4 and "peak RSS annotate" in done.stdout  # one line per big round


def _synthetic():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(RUN.parent))
    try:
        import synthetic
    finally:
        sys.path.remove(str(RUN.parent))
    return synthetic


def test_synthetic_copies_written_as_toml_read_back_as_the_same_records(tmp_path: Path) -> None:
    """What the load benchmark times is the scaled dataset itself, read the way overlays are."""
    synthetic = _synthetic()
    from mhtaxonomy.load import read

    base = read()
    doubled = synthetic.scaled(base, 2)
    back = read(*synthetic.write_copies(doubled, base, tmp_path, per_file=700))
    assert len(back.facts) == 2 * len(base.facts) and len(back.entities) == 2 * len(base.entities)
    assert back.entities == doubled.entities and back.facts == doubled.facts


def test_the_memory_figure_is_the_measured_programs_own_not_its_parents() -> None:
    """A parent holding much memory when it starts the measurement does not count in the child's peak."""
    held = bytearray(400 * 2**20)
    for offset in range(0, len(held), 4096):
        held[offset] = 1  # resident, not only reserved
    done = subprocess.run(
        [sys.executable, str(RUN.parent / "synthetic.py"), "--memory", "1"], capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    assert 0 < found["taxonomy_bytes"] <= found["peak_bytes"] < len(held)
    del held


def test_synthetic_copies_are_disjoint_no_id_or_code_repeats() -> None:
    """Every copy has every entity under its own id and codes no other entity has.

    Copy 24 is one where two shipped ids' pseudo-words come out alike; its twins stay apart.
    """
    synthetic = _synthetic()
    from mhtaxonomy.load import read

    base = read()
    assert len(set(synthetic._ids(base, 24).values())) == len(base.entities)
    scaled = synthetic.scaled(base, 4)
    assert len(scaled.entities) == 4 * len(base.entities) and len(scaled.facts) == 4 * len(base.facts)
    codes = [(code.system, code.value) for entity in scaled.entities.values() for code in entity.codes]
    assert len(codes) == len(set(codes))
    billing = [e.code for e in scaled.entities.values() if isinstance(e, synthetic.BillingCode)]
    assert len(billing) == len(set(billing))
    referenced = {f.subject for f in scaled.facts.values()} | {f.object for f in scaled.facts.values()}
    assert referenced <= set(scaled.entities)


def test_alike_pseudo_words_get_a_salted_second_try(monkeypatch: pytest.MonkeyPatch) -> None:
    synthetic = _synthetic()
    from mhtaxonomy.load import read

    base = read()
    monkeypatch.setattr(synthetic, "_pseudo", lambda text, copy, salt=0: f"zu{salt}")  # every id alike
    ids = synthetic._ids(base, 1)
    assert len(set(ids.values())) == len(base.entities)
    assert not set(ids.values()) & set(base.entities)
