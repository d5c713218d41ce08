#!/usr/bin/env python3
"""Bill a portfolio of estates on Dask distributed, one task per estate, exchanging Arrow.

    python examples/dask_portfolio.py --estates 200 --units 10000 [--scheduler ADDRESS]

Without `--scheduler`, a `LocalCluster(n_workers=2, threads_per_worker=1)` is started
(`--workers N` for another count). The portfolio is made by examples/portfolio.py (the
fee benchmark's estate, one per estate id, seeded); each estate's tables are Arrow
tables, shipped to a worker as they are (`client.scatter`), billed there by
`bill_partition` (which reads them with `estatekit.Estate.from_arrow` and returns the run's
bills as an Arrow table), and the bills come back as Arrow and are concatenated. The
same portfolio is then billed in this process, estate after estate, by the same
function (`run_local`), and both results must be equal: every estate's total, the
portfolio's total (exact decimals) and the set of (estate, unit) pairs billed.

Prints the wall and CPU times of the Dask run and of the single process, and the
portfolio total. Needs estatekit, pyarrow, NumPy and dask[distributed] (`pip install pyarrow
numpy dask distributed`; CI pins them in .ci/tools.sh). docs/portfolio.md tells how to
run it against a real cluster and how the same partition function runs on Spark.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

import estatekit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import portfolio as pf  # noqa: E402  (examples/portfolio.py, beside this file)

Tables = Mapping[str, pa.Table]

# Metadata of one estate's run that a portfolio's concatenated table does not keep
# (the estate is the `estate_id` column; the currency the `currency` column).
_PER_ESTATE_METADATA = (b"estatekit.estate_id", b"estatekit.currency")


def _without_estate_id(table: pa.Table | None) -> pa.Table | None:
    """A table without an `estate_id` column (present when the tables come from a
    portfolio-wide table grouped by estate, as on Spark)."""
    if table is not None and "estate_id" in table.column_names:
        return table.drop_columns(["estate_id"])
    return table


def bill_partition(tables: Tables, schedule_json: str, period: tuple[int, int], *, threads: int = 1,
                   strict: bool = True) -> pa.Table:
    """Bill one estate: `tables` as examples/portfolio.py makes them (`estate`: one row
    estate_id, name, currency; `units`, and optionally `meters`, `readings`,
    `meter_changes`, `buildings`; `pooled`: item_code, amount), each a pyarrow Table or
    anything with `__arrow_c_stream__` (a polars DataFrame: read without a copy),
    `schedule_json` a FeeSchedule document, `period` (year, month).

    Returns the run's bills (`run.bills_to_arrow()`: unit_id, period_start,
    period_end, issued_on, lines, total, estimated) with `estate_id` and `currency`
    columns in front, one row per unit billed. `strict=True` (the default): a unit that
    cannot be billed fails the task (estatekit.ValidationError names it) rather than
    being set aside, so no unit is missing silently. `threads`: the estate's units
    billed on that many threads (1: a worker's thread; keep it at the worker's
    `threads_per_worker`)."""
    tables = {name: pa.table(t) for name, t in tables.items() if t is not None}
    info = tables["estate"].to_pylist()
    if len(info) != 1:
        raise ValueError(f"estate: {len(info)} rows (one expected)")
    estate_id, name, currency = info[0]["estate_id"], info[0]["name"], info[0]["currency"]
    estate = estatekit.Estate.from_arrow(
        units=_without_estate_id(tables["units"]),
        meters=_without_estate_id(tables.get("meters")),
        readings=_without_estate_id(tables.get("readings")),
        meter_changes=_without_estate_id(tables.get("meter_changes")),
        buildings=_without_estate_id(tables.get("buildings")),
        id=estate_id, name=name, currency=currency,
    )
    pooled = tables.get("pooled")
    amounts = {r["item_code"]: r["amount"] for r in pooled.to_pylist()} if pooled is not None else None
    year, month = period
    run = estatekit.bill_estate(estate, estatekit.FeeSchedule.from_json(schedule_json), year, month,
                                pooled=amounts, strict=strict, threads=threads)
    bills = pa.table(run.bills_to_arrow())
    metadata = {k: v for k, v in (bills.schema.metadata or {}).items() if k not in _PER_ESTATE_METADATA}
    n = bills.num_rows
    bills = bills.add_column(0, "currency", pa.array([currency] * n, pa.string()))
    bills = bills.add_column(0, "estate_id", pa.array([estate_id] * n, pa.string()))
    return bills.replace_schema_metadata(metadata)


def _concat(parts: Iterable[pa.Table]) -> pa.Table:
    """The tables one after the other, each column one chunk in buffers of its own (the
    buffers of a table a Dask worker sent may be unaligned, which Arrow's `group_by`
    warns about: an empty part makes `combine_chunks` copy even a single table)."""
    tables = list(parts)
    if not tables:
        raise ValueError("portfolio: no estates")
    return pa.concat_tables([*tables, tables[0].slice(0, 0)]).combine_chunks()


def run_local(portfolio: Iterable[Tables], schedule_json: str = pf.SCHEDULE_JSON,
              period: tuple[int, int] = pf.PERIOD, *, threads: int = 1) -> pa.Table:
    """The portfolio billed in this process, estate after estate: the bills of every
    estate, in portfolio order."""
    return _concat(bill_partition(t, schedule_json, period, threads=threads) for t in portfolio)


def _ship_by_value() -> None:
    """Workers of a real cluster do not have these files: send `bill_partition` by value
    (cloudpickle) when this module was imported rather than run as a script (a script's
    functions are sent by value anyway)."""
    import cloudpickle

    if __name__ != "__main__":
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    cloudpickle.register_pickle_by_value(pf)  # `make_estate` for --make-on-workers


def run_on_dask(client: Any, portfolio: Iterable[Any], schedule_json: str = pf.SCHEDULE_JSON,
                period: tuple[int, int] = pf.PERIOD, *, threads: int = 1) -> pa.Table:
    """The portfolio billed on the Dask cluster of `client` (a `distributed.Client`),
    one task per estate, keyed `bill-<estate_id>-<run>`: each estate's Arrow tables are
    scattered to a worker (or, when the portfolio is a list of futures of such tables,
    e.g. `client.map(load_estate, ...)`, used where they are), billed there by
    `bill_partition` and its bills gathered back as an Arrow table. Returns the bills
    of every estate, in portfolio order (the same table as `run_local`)."""
    from distributed import Future

    _ship_by_value()
    estates = list(portfolio)
    run = uuid.uuid4().hex[:12]  # a key of a finished run is never reused for another run's data
    if all(isinstance(e, Future) for e in estates):
        data, names = estates, [str(e.key) for e in estates]
    else:
        names = [t["estate"].column("estate_id")[0].as_py() for t in estates]
        if len(set(names)) != len(names):
            raise ValueError("portfolio: an estate_id appears twice")
        data = client.scatter(estates, hash=False)
    futures = client.map(bill_partition, data, schedule_json=schedule_json, period=period, threads=threads,
                         key=[f"bill-{name}-{run}" for name in names])
    return _concat(client.gather(futures))


def estate_totals(bills: pa.Table) -> dict[str, Decimal]:
    """{estate_id: the sum of its bills' totals}: exact (decimal128 sums)."""
    grouped = bills.group_by("estate_id").aggregate([("total", "sum")])
    return dict(zip(grouped.column("estate_id").to_pylist(), grouped.column("total_sum").to_pylist()))


def portfolio_totals(bills: pa.Table) -> dict[str, Decimal]:
    """{currency: the sum of every bill's total in it}: exact."""
    grouped = bills.group_by("currency").aggregate([("total", "sum")])
    return dict(zip(grouped.column("currency").to_pylist(), grouped.column("total_sum").to_pylist()))


def compare(dask_bills: pa.Table, local_bills: pa.Table) -> list[str]:
    """What differs between two portfolio runs (empty: the same estates, the same
    units, the same totals)."""
    problems = []
    if estate_totals(dask_bills) != estate_totals(local_bills):
        problems.append("estate totals differ")
    if portfolio_totals(dask_bills) != portfolio_totals(local_bills):
        problems.append("portfolio totals differ")
    keys = [list(zip(b.column("estate_id").to_pylist(), b.column("unit_id").to_pylist()))
            for b in (dask_bills, local_bills)]
    if len(set(keys[0])) != len(keys[0]):
        problems.append("a unit is billed twice on Dask")
    if set(keys[0]) != set(keys[1]):
        problems.append("the units billed differ")
    return problems


def _cpu_seconds() -> float:
    """This process's CPU time (user + system, every thread), in seconds."""
    t = os.times()
    return t.user + t.system


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--estates", type=int, default=200)
    p.add_argument("--units", type=int, default=10_000, help="units per estate")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--scheduler", help="a Dask scheduler's address (default: a LocalCluster)")
    p.add_argument("--workers", type=int, default=2, help="LocalCluster workers (default 2)")
    p.add_argument("--make-on-workers", action="store_true",
                   help="each worker makes its estates' tables (as it would read them from a warehouse) instead "
                        "of the client scattering them; the single-process time then includes making them too")
    p.add_argument("--no-local", action="store_true", help="skip the single-process run and the comparison")
    a = p.parse_args()

    from distributed import Client, LocalCluster

    t0 = time.perf_counter()
    portfolio = pf.make_portfolio(a.estates, a.units, a.seed)
    make_s = time.perf_counter() - t0
    units = sum(t["units"].num_rows for t in portfolio)
    mib = sum(t.nbytes for e in portfolio for t in e.values()) / 2**20
    print(f"portfolio: {a.estates} estates, {units} units, {mib:.0f} MiB of Arrow (made in {make_s:.1f} s)",
          flush=True)

    if a.scheduler:
        cluster, client = None, Client(a.scheduler)
    else:
        cluster = LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        workers = client.scheduler_info()["workers"]
        print(f"dask: {len(workers)} workers, {sum(w['nthreads'] for w in workers.values())} threads "
              f"({a.scheduler or 'LocalCluster'})", flush=True)
        # Untimed warm-up: a fresh worker's first estate also pays for importing estatekit and
        # pyarrow and for the first calls into them (seconds on a busy machine); so does this process.
        tiny = pf.make_estate(0, 10, a.seed)
        _ship_by_value()
        client.run(bill_partition, tiny, pf.SCHEDULE_JSON, pf.PERIOD)
        bill_partition(tiny, pf.SCHEDULE_JSON, pf.PERIOD)
        cpu0 = client.run(_cpu_seconds)
        t0 = time.perf_counter()
        if a.make_on_workers:
            _ship_by_value()
            run = uuid.uuid4().hex[:12]
            made = client.map(pf.make_estate, range(a.estates), units=a.units, seed=a.seed,
                              key=[f"estate-E{k:04d}-{run}" for k in range(a.estates)])
            dask_bills = run_on_dask(client, made)
            what = "made on the workers, billed"
        else:
            dask_bills = run_on_dask(client, portfolio)
            what = "scattered, billed, gathered"
        dask_s = time.perf_counter() - t0
        cpu = {w: c - cpu0[w] for w, c in client.run(_cpu_seconds).items() if w in cpu0}
        print(f"dask:   {dask_s:8.2f} s wall ({what}; {dask_bills.num_rows} bills); "
              f"CPU of the workers: {' + '.join(f'{c:.2f}' for c in cpu.values())} s", flush=True)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

    if not a.no_local:
        t0, cpu0_local = time.perf_counter(), _cpu_seconds()
        local_bills = run_local(pf.iter_portfolio(a.estates, a.units, a.seed) if a.make_on_workers else portfolio)
        local_s = time.perf_counter() - t0
        local_cpu = _cpu_seconds() - cpu0_local
        with_making = " (with making the tables)" if a.make_on_workers else ""
        print(f"local:  {local_s:8.2f} s wall, one process, one thread{with_making} ({local_bills.num_rows} bills, "
              f"CPU {local_cpu:.2f} s); dask is {local_s / dask_s:.2f}x as fast", flush=True)
        problems = compare(dask_bills, local_bills)
        if problems:
            sys.exit("MISMATCH: " + "; ".join(problems))
        print("dask and local agree: every estate's total, the portfolio total, every unit billed once")
    for currency, total in sorted(portfolio_totals(dask_bills).items()):
        print(f"portfolio total: {total} {currency}")


if __name__ == "__main__":
    main()
