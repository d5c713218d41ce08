"""The cost per row of handing a billing run to a DataFrame: `to_records()` (a list of
dicts) against `to_arrow()` (an Arrow table through the PyCapsule interface), on the
fee workload's estate (`fees_vs_python.load_estate`: an area fee, a pooled share, two
metered lines and a common-water share per unit: about five lines a unit).

For each size it times, best of several runs (thread CPU time, ns per bill line):
- `run.to_records()`, and `pandas.DataFrame(run.to_records())`;
- `run.to_arrow()` (with and without the explanation columns), `pyarrow.table(run.to_arrow())`, `polars.DataFrame(run.to_arrow())`
  and `run.to_arrow().to_pandas()` (Decimal objects, as `to_records` gives);
- `run.bills_to_arrow()` (one row a bill);
and checks that every path gives the same amounts, line by line.

Usage (from the repository root, the release wheel, pyarrow, polars and pandas
installed):
    python benches/arrow_vs_records.py 10000 100000
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import estatekit  # noqa: E402
from fees_vs_python import SCHEDULE, binding_run, load_estate  # noqa: E402


def best_of(repeats: int, fn):  # type: ignore[no-untyped-def]
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.thread_time()
        out = fn()
        best = min(best, time.thread_time() - t0)
    return best, out


def main(sizes: list[int]) -> None:
    schedule = estatekit.FeeSchedule.from_json(SCHEDULE)
    for n in sizes:
        estate = load_estate(n)
        run = binding_run(estate, schedule, n)
        lines = run.to_arrow().num_rows
        cases = {
            "to_records()": lambda: run.to_records(),
            "pandas.DataFrame(to_records())": lambda: pd.DataFrame(run.to_records()),
            "to_arrow()": lambda: run.to_arrow(),
            "to_arrow(explanations=False)": lambda: run.to_arrow(explanations=False),
            "pyarrow.table(to_arrow())": lambda: pa.table(run.to_arrow()),
            "polars.DataFrame(to_arrow())": lambda: pl.DataFrame(run.to_arrow()),
            "to_arrow().to_pandas()": lambda: run.to_arrow().to_pandas(),
            "bills_to_arrow() (per bill)": lambda: run.bills_to_arrow(),
        }
        repeats = 3 if n <= 100_000 else 2
        results = {}
        print(f"\n{n:,} units, {lines:,} lines")
        for name, fn in cases.items():
            t, out = best_of(repeats, fn)
            results[name] = out
            per = lines if "per bill" not in name else n
            print(f"  {name:34} {t * 1e9 / per:10,.0f} ns/row  ({t:.3f} s)")
        records = results["to_records()"]
        table = results["pyarrow.table(to_arrow())"]
        assert table.column("amount").to_pylist() == [r["amount"] for r in records]
        assert results["polars.DataFrame(to_arrow())"]["amount"].to_list() == [r["amount"] for r in records]
        assert list(results["to_arrow().to_pandas()"]["amount"]) == [r["amount"] for r in records]
        assert sum(results["bills_to_arrow() (per bill)"].to_pyarrow().column("total").to_pylist()) == run.total
        print("  every path: the same amounts, line by line")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
