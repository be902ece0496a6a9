"""Measure every goal of issue 15, as ratios to baselines timed in the same run, interleaved.

Run ``python benchmarks/run.py`` (``--quick`` for a fast sanity run with
smaller sizes and fewer rounds). Each goal is printed with its ratio and
whether it is met. Cases and their baselines are timed in alternating rounds
(forward, then backward) and the median of the rounds is kept, so a machine
that slows down part-way slows both sides of a ratio.

- cold start: a fresh ``python -c "import mhtaxonomy as m; m.load()"`` and the
  CLI's ``who-can-provide psychotherapy`` against ``python -c "import attrs, cattrs"``,
  with the package's bytecode compiled and the shipped data's cache filled (as after
  the first start), and for comparison the load with the cache off;
- peers (``benchmarks/peers/``): SQLite, DuckDB and rdflib, each built once from
  the facts that hold in one context and checked to return exactly the
  library's answer before it is timed; the library answers in a view made once
  (as the peers' stores are; it keeps what_requires_diagnosis per view), and
  again in a *fresh* view on every call (its filtering included);
- scale: synthetic copies (``benchmarks/synthetic.py``) 10x and 100x the
  shipped size; questions about shipped entities, whose answers are the same
  at every size, in a fresh view, against the same question at 1x; and
  ``read()`` of the copies written as TOML overlay files (the loader's whole
  path: parsing, structuring, checks), as an exponent of time in records;
- memory: a separate process per size, peak resident memory and bytes per fact.

A peer whose package is missing is skipped, and the output says so. The exit
status is 1 if a peer's answer differs from the library's, else 0.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import importlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import mhtaxonomy as mht  # noqa: E402
import synthetic  # noqa: E402
from mhtaxonomy.load import Dataset, read  # noqa: E402
from mhtaxonomy.taxonomy import Taxonomy  # noqa: E402

CONTEXT = {"jurisdiction": "NM", "payer": "medicare", "on": "2025-06-01"}
PEERS = (("sqlite", None), ("duckdb", "duckdb"), ("rdflib", "rdflib"))


def rounds_of(cases: Mapping[str, Callable[[], object]], number: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each case in each round; rounds alternate the order of the cases."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            call = cases[name]
            start = time.perf_counter()
            for _ in range(number):
                call()
            times[name].append((time.perf_counter() - start) / number)
    return times


def interleaved(cases: Mapping[str, Callable[[], object]], number: int, rounds: int) -> dict[str, float]:
    """Seconds per call of each case: the median over rounds that alternate the order of the cases."""
    return {name: statistics.median(found) for name, found in rounds_of(cases, number, rounds).items()}


def ratio_by_round(times: Mapping[str, list[float]], case: str, baseline: str) -> float:
    """The median over rounds of ``case`` / ``baseline`` in the same round.

    This machine's speed drifts over seconds to minutes; a ratio taken within one round compares
    two timings a moment apart, so the drift between rounds cancels.
    """
    return statistics.median(c / b for c, b in zip(times[case], times[baseline], strict=True))


def goal(name: str, ratio: float, target: float, *, below: bool = True, unit: str = "x") -> bool:
    met = ratio <= target if below else ratio >= target
    sign = "<=" if below else ">="
    print(f"  {name:62} {ratio:9.3f}{unit:2} {'met' if met else 'NOT MET':8} (goal {sign} {target}{unit})")
    return met


def cold_start(rounds: int) -> None:
    print("cold start (fresh processes; bytecode compiled first, as `pip install` does; the data cache warm):")
    # An editable install under PYTHONDONTWRITEBYTECODE would compile every module on every start,
    # which an installed package never does: compile once, as the installer would.
    compileall.compile_dir(str(Path(mht.__file__).parent), quiet=1)
    python = sys.executable
    script = Path(python).parent / "mhtaxonomy"
    cli = [str(script)] if script.exists() else [python, "-m", "mhtaxonomy"]
    runs = {
        "baseline": ([python, "-c", "import attrs, cattrs"], {}),
        "load": ([python, "-c", "import mhtaxonomy as m; m.load()"], {}),
        "cli": ([*cli, "who-can-provide", "psychotherapy"], {}),
        "load, no cache": ([python, "-c", "import mhtaxonomy as m; m.load()"], {"MHTAXONOMY_CACHE": "0"}),
    }
    cases = {
        name: (lambda cmd=cmd, env=env: subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, **env}))
        for name, (cmd, env) in runs.items()
    }
    cases["load"]()  # the first start after a change of data or code fills the cache
    times = rounds_of(cases, number=1, rounds=rounds)
    print(f"  baseline `python -c \"import attrs, cattrs\"`: {statistics.median(times['baseline']) * 1e3:.1f} ms")
    goal("import mhtaxonomy; load()  /  import attrs, cattrs", ratio_by_round(times, "load", "baseline"), 1.2)
    goal("CLI who-can-provide psychotherapy  /  import attrs, cattrs", ratio_by_round(times, "cli", "baseline"), 1.3)
    no_cache = ratio_by_round(times, "load, no cache", "baseline")
    print(f"  (for comparison: load() with the cache off (MHTAXONOMY_CACHE=0) {no_cache:.2f}x)")


def peers(tax: Taxonomy, rounds: int, number: int) -> bool:
    print(f"peers (context {CONTEXT}; each checked against the library first):")
    view = tax.where(**CONTEXT)  # type: ignore[arg-type]
    questions: dict[str, tuple[Callable[[Taxonomy], frozenset[str]], Callable[[object], frozenset[str]]]] = {
        "narrower(therapist)": (lambda v: v.narrower("therapist").ids, lambda p: p.narrower("therapist")),  # type: ignore[attr-defined]
        "who_can_provide(psychotherapy)": (
            lambda v: v.who_can_provide("psychotherapy").ids,
            lambda p: p.who_can_provide("psychotherapy"),  # type: ignore[attr-defined]
        ),
        "what_requires_diagnosis()": (lambda v: v.what_requires_diagnosis().ids, lambda p: p.what_requires_diagnosis()),  # type: ignore[attr-defined]
    }
    built = {}
    correct = True
    for module, package in PEERS:
        if package is not None and importlib.util.find_spec(package) is None:
            print(f"  skipped {module}: `{package}` is not installed (pip install \"mhtaxonomy[bench]\")")
            continue
        peer = importlib.import_module(f"peers.{module}").Peer(view)
        for question, (ask_library, ask_peer) in questions.items():
            same = ask_peer(peer) == ask_library(view)
            correct &= same
            print(f"  {peer.name:24} {question:34} answer {'matches the library' if same else 'DIFFERS from the library'}")
        built[peer.name] = peer
    if not correct:
        return False
    ours = ("library", "library, fresh view")
    for question, (ask_library, ask_peer) in questions.items():
        cases: dict[str, Callable[[], object]] = {
            "library": lambda ask=ask_library: ask(view),
            "library, fresh view": lambda ask=ask_library: ask(tax.where(**CONTEXT)),  # type: ignore[arg-type]
        }
        for name, peer in built.items():
            cases[name] = lambda ask=ask_peer, peer=peer: ask(peer)
        found = interleaved(cases, number=number, rounds=rounds)
        others = {name: seconds for name, seconds in found.items() if name not in ours}
        print(f"    {question}: library {found['library'] * 1e6:.0f} µs, in a fresh view {found[ours[1]] * 1e6:.0f} µs")
        for name, seconds in others.items():
            print(f"    {question}: library / {name} = {found['library'] / seconds:.3f} (fresh view {found[ours[1]] / seconds:.3f})")
        if others:
            fastest = min(others, key=others.__getitem__)
            goal(f"{question}: library / fastest peer ({fastest})", found["library"] / others[fastest], 0.5)
            goal(f"{question}: same, library in a fresh view", found[ours[1]] / others[fastest], 0.5)
    return True


def scale(base: mht.Taxonomy, factors: tuple[int, ...], rounds: int, number: int) -> None:
    print(f"scale (synthetic data x{', x'.join(map(str, factors[1:]))}; same questions, same answers):")
    dataset = read()
    sizes = {factor: Taxonomy(synthetic.scaled(dataset, factor)) if factor > 1 else base for factor in factors}
    on = CONTEXT["on"]
    questions: dict[str, Callable[[Taxonomy], object]] = {
        "who_can_provide(psychotherapy), fresh view": lambda t: t.where(on=on).who_can_provide("psychotherapy").ids,
        "requires_diagnosis(cpt-90837), fresh view": lambda t: t.where(on=on).requires_diagnosis("cpt-90837"),
        "get by id": lambda t: t.get("lcsw"),
        "get by name": lambda t: t.get("licensed clinical social worker"),
        "get by code (ICD-10-CM range)": lambda t: t.get("F33.41"),
        "get by code (NUCC)": lambda t: t.get("1041C0700X"),
        # Two searches a call (one by words, one misspelt); the goal is per search.
        "search": lambda t: [e.id for e in t.search("exposure therapy")] + [e.id for e in t.search("psychoterapy")],
    }
    for tax in sizes.values():
        tax.search("warm the index")
    labels = {factor: len(tax._index.labels) for factor, tax in sizes.items()}
    for question, ask in questions.items():
        answers = {factor: ask(tax) for factor, tax in sizes.items()}
        same = all(answer == answers[1] for answer in answers.values())
        cases = {str(factor): (lambda ask=ask, tax=tax: ask(tax)) for factor, tax in sizes.items()}
        found = interleaved(cases, number=number, rounds=rounds)
        if question == "search":
            goal("search on the shipped data, per search (absolute)", found["1"] / 2 * 1e3, 1.0, unit="ms")
            for factor in factors[1:]:
                growth = math.log(found[str(factor)] / found["1"]) / math.log(labels[factor] / labels[1])
                goal(f"search x{factor}: exponent of time in labels (1 = linear)", growth, 1.0, unit="")
            continue
        for factor in factors[1:]:
            note = "" if same else " (answers differ!)"
            goal(f"{question} x{factor} / x1{note}", found[str(factor)] / found["1"], 2.0)
    load_scale(dataset, factors, rounds=max(3, rounds // 2 + 1))


def load_scale(dataset: Dataset, factors: tuple[int, ...], rounds: int) -> None:
    """``read()`` of the shipped files plus each size's copies written as overlay files, interleaved.

    The shipped files write many facts in one table (``subject = [...]``); the copies are written
    one table a fact, which costs more to parse. So the time of the shipped data is taken away and
    the rest divided by the number of copies: the cost of one copy, which stays the same at every
    size if loading is linear. The goal compares it to the cost of one copy alone (x2), in the
    same round: the median of the rounds' ratios.
    """
    files: dict[int, list[Path]] = {}
    records: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as folder:
        for factor in sorted({1, 2, *factors}):
            data = synthetic.scaled(dataset, factor)  # what read() gives back (the copies round-trip)
            files[factor] = synthetic.write_copies(data, dataset, Path(folder) / f"x{factor}") if factor > 1 else []
            records[factor] = len(data.facts) + len(data.entities)
        # One copy alone is the difference of the two shortest reads, the noisiest figure here and
        # the denominator of every ratio: each round reads those five times.
        repeat = {factor: 5 if factor <= 2 else 1 for factor in files}
        cases = {str(factor): functools.partial(_read_times, paths, repeat[factor]) for factor, paths in files.items()}
        found = rounds_of(cases, number=1, rounds=rounds)
    times = {factor: [seconds / repeat[factor] for seconds in found[str(factor)]] for factor in files}
    # The machine's speed drifts over a round of a minute or so less than between rounds: each
    # round's sizes are compared with that round's copy alone.
    per_round = {
        factor: [
            (at_size - shipped) / (factor - 1) / (two - shipped)
            for at_size, shipped, two in zip(times[factor], times[1], times[2], strict=True)
        ]
        for factor in files
        if factor > 2
    }
    shipped, two = statistics.median(times[1]), statistics.median(times[2])
    print(
        f"  read() of the shipped TOML files: {shipped * 1e3:.0f} ms for {records[1]:,} records; "
        f"one copy more as overlay files: {(two - shipped) * 1e3:.0f} ms"
    )
    for factor, ratios in per_round.items():
        goal(f"load x{factor} ({records[factor]:,} records): time a copy / at x2", statistics.median(ratios), 1.25)


def _read_times(paths: list[Path], times: int) -> None:
    for _ in range(times):
        read(*paths)  # each result let go before the next read


def memory(factors: tuple[int, ...]) -> None:
    print("memory (a fresh process per size):")
    for factor in factors:
        out = subprocess.run(
            [sys.executable, str(HERE / "synthetic.py"), "--memory", str(factor)], check=True, capture_output=True, text=True
        ).stdout
        found = json.loads(out)
        per_fact = found["taxonomy_bytes"] / found["facts"]
        print(f"  x{factor}: {found['facts']} facts, {per_fact:,.0f} bytes per fact (taxonomy, indexes and search index)")
        if factor == factors[-1]:
            goal(f"x{factor} peak resident memory", found["peak_bytes"] / 2**30, 1.0, unit="GiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the goals of issue 15.")
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds: a sanity run, not a measurement")
    args = parser.parse_args(argv)
    rounds, number, factors = (3, 3, (1, 3)) if args.quick else (9, 20, (1, 10, 100))
    tax = mht.load()
    print(f"mhtaxonomy {mht.__version__}, data {tax.data_version}: {len(tax.entities())} entities, {len(tax.facts())} facts")
    print(f"python {sys.version.split()[0]}; {'--quick: numbers are not measurements' if args.quick else 'full run'}")
    cold_start(rounds=2 if args.quick else 31)
    if not peers(tax, rounds=rounds, number=number):
        print("a peer's answer differs from the library's: no timings for peers")
        return 1
    scale(tax, factors, rounds=rounds, number=number)
    memory(factors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
