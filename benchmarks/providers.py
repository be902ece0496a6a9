"""Benchmark: annotating an NPPES-format file against a bare DuckDB unpivot-and-join, as ratios.

    python benchmarks/providers.py [--rows 1000000] [--repeat 3] [--big 8000000] [--big-repeat 3] [--spark-rows 20000]

Each round times, interleaved, (a) ``annotate(file).write(out)`` and (b) the baseline: the same
file's fifteen code columns unpivoted and joined to a prebuilt two-column table (code -> provider
type), written to Parquet. It reports the median ratio a/b, the lookup build time against the
annotate run, and with ``--big`` the median ratio of ``--big-repeat`` rounds on a larger file, each
run in a process of its own, with the peak memory;
``--spark-rows`` times the Spark engine against DuckDB on a small file.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

import mhtaxonomy as mht  # noqa: E402
from mhtaxonomy.providers import annotate, lookups  # noqa: E402
from tests.nppes_gen import write_nppes  # noqa: E402

ON = "2025-06-01"


def baseline(path: Path, out: Path, codes: list[tuple[str, str]]) -> None:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE codes (code VARCHAR, provider_type VARCHAR)")
    con.executemany("INSERT INTO codes VALUES (?, ?)", codes)
    columns = ", ".join(f'"Healthcare Provider Taxonomy Code_{i}"' for i in range(1, 16))
    con.execute(
        f"""COPY (
            SELECT u.npi, u.code, c.provider_type FROM (
                UNPIVOT (SELECT "NPI" AS npi, {columns} FROM read_csv('{path}', header = true, all_varchar = true,
                         ignore_errors = true)) ON {columns} INTO NAME slot VALUE code
            ) u LEFT JOIN codes c ON c.code = u.code
        ) TO '{out}' (FORMAT parquet)"""
    )


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _annotate_big(path: Path, out: Path) -> None:
    annotate(path, on=ON).write(out)


def _child(conn, action, args) -> None:  # type: ignore[no-untyped-def]
    seconds = timed(lambda: action(*args))
    conn.send((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20))
    conn.close()


def isolated(action, *args) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Run ``action(*args)`` in a fresh process: its wall time and its peak resident memory in GiB."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_child, args=(theirs, action, args))
    process.start()
    seconds, peak = ours.recv()
    process.join()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=0)
    parser.add_argument("--big-repeat", type=int, default=3)
    parser.add_argument("--spark-rows", type=int, default=0)
    args = parser.parse_args()
    tax = mht.load()
    table = lookups(tax, on=ON)
    codes = sorted({(r.code, r.provider_type) for r in table.rows})
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        made = write_nppes(work / "npidata.csv", args.rows, seed=1, malformed=10)
        size = made.path.stat().st_size / 2**20
        ratios, runs = [], []
        for _ in range(args.repeat):
            ours = timed(lambda: annotate(made.path, on=ON, tax=tax).write(work / "ours.parquet"))
            bare = timed(lambda: baseline(made.path, work / "bare.parquet", codes))
            ratios.append(ours / bare)
            runs.append(ours)
            print(f"  annotate {ours:6.2f} s   baseline {bare:6.2f} s   ratio {ours / bare:.2f}")
        build = statistics.median(timed(lambda: lookups(tax, on=ON)) for _ in range(3))
        print(f"{args.rows:,} rows ({size:,.0f} MiB): annotate / bare unpivot-and-join = {statistics.median(ratios):.2f}")
        print(f"lookup build {build:.3f} s = {build / statistics.median(runs):.3f} of the annotate run")
        if args.spark_rows:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
            small = write_nppes(work / "small.csv", args.spark_rows, seed=2, malformed=4)
            timed(lambda: annotate(small.path, on=ON, tax=tax, engine="spark", connection=spark).write(work / "w.parquet"))
            on_spark = timed(
                lambda: annotate(small.path, on=ON, tax=tax, engine="spark", connection=spark).write(work / "s.parquet")
            )
            on_duck = timed(lambda: annotate(small.path, on=ON, tax=tax).write(work / "d.parquet"))
            print(f"{args.spark_rows:,} rows: Spark local / DuckDB = {on_spark / on_duck:.1f} ({on_spark:.1f} s, {on_duck:.2f} s)")
            spark.stop()
        if args.big:
            (work / "npidata.csv").unlink()
            big = write_nppes(work / "big.csv", args.big, seed=3, malformed=10)
            size = big.path.stat().st_size / 2**30
            # Each run in a child process of its own, so that its peak memory is its own; rounds
            # alternate the order (the file is read from the page cache alike by both) and the
            # medians are compared, every round printed.
            ours_runs, bare_runs = [], []
            for round_ in range(args.big_repeat):
                pair = [
                    ("annotate", lambda: isolated(_annotate_big, big.path, work / "big.parquet")),
                    ("baseline", lambda: isolated(baseline, big.path, work / "bare.parquet", codes)),
                ]
                for name, run in pair if round_ % 2 == 0 else reversed(pair):
                    (ours_runs if name == "annotate" else bare_runs).append(run())
                print(f"  annotate {ours_runs[-1][0]:6.1f} s   baseline {bare_runs[-1][0]:6.1f} s   "
                      f"ratio {ours_runs[-1][0] / bare_runs[-1][0]:.2f}")
            ours = statistics.median(seconds for seconds, _ in ours_runs)
            bare = statistics.median(seconds for seconds, _ in bare_runs)
            peak, bare_peak = max(p for _, p in ours_runs), max(p for _, p in bare_runs)
            print(
                f"{args.big:,} rows ({size:.1f} GiB): ratio {ours / bare:.2f} ({ours:.1f} s / {bare:.1f} s); "
                f"peak RSS annotate {peak:.2f} GiB, baseline {bare_peak:.2f} GiB"
            )


if __name__ == "__main__":
    main()
