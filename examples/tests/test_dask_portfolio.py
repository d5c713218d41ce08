"""examples/dask_portfolio.py: a small portfolio billed on a LocalCluster of 2 workers
equals the same portfolio billed in one process, estate by estate and unit by unit, and
every estate's bills equal those of the fee benchmark's pure-Python `decimal` peer
(benches/fees_vs_python.py), computed here from the portfolio's own Arrow tables.

Run by .ci/test.sh: `(cd examples && python -m pytest -q tests)`."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest

if os.environ.get("CI"):  # the test command installs them: a missing one is a failure there
    import distributed
    import numpy  # noqa: F401
    import pyarrow as pa
    import pyarrow.compute as pc
else:
    pa = pytest.importorskip("pyarrow")
    pc = pytest.importorskip("pyarrow.compute")
    pytest.importorskip("numpy")
    distributed = pytest.importorskip("distributed")

import estatekit  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))
sys.path.insert(0, str(ROOT / "benches"))
import dask_portfolio as dp  # noqa: E402
import fees_vs_python as bench  # noqa: E402
import portfolio as pf  # noqa: E402

ESTATES, UNITS, SEED = 4, 200, 2026


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def portfolio() -> list[dict[str, Any]]:
    return pf.make_portfolio(ESTATES, UNITS, SEED)


@pytest.fixture(scope="module")
def local(portfolio: list[dict[str, Any]]) -> Any:
    return dp.run_local(portfolio)


@pytest.fixture(scope="module")
def on_dask(client: Any, portfolio: list[dict[str, Any]]) -> tuple[Any, set[str]]:
    """The Dask run's bills, and the workers its billing tasks ran on."""
    with distributed.get_task_stream(client) as stream:
        bills = dp.run_on_dask(client, portfolio)
    workers = {t["worker"] for t in stream.data if str(t["key"]).startswith("bill-")}
    return bills, workers


def _keys(bills: Any) -> list[tuple[str, str]]:
    return list(zip(bills.column("estate_id").to_pylist(), bills.column("unit_id").to_pylist()))


def test_dask_totals_equal_the_single_process_run(on_dask: tuple[Any, set[str]], local: Any) -> None:
    bills, _ = on_dask
    dask_estates, local_estates = dp.estate_totals(bills), dp.estate_totals(local)
    assert sorted(dask_estates) == [f"E{k:04d}" for k in range(ESTATES)]
    assert dask_estates == local_estates
    assert all(isinstance(v, Decimal) and v > 0 for v in dask_estates.values())
    totals = dp.portfolio_totals(bills)
    assert totals == dp.portfolio_totals(local)
    assert list(totals) == ["CNY"]
    assert totals["CNY"] == sum(local_estates.values(), Decimal(0))
    # Not only the totals: the same table, row by row (estate order kept).
    assert bills.equals(local)
    assert dp.compare(bills, local) == []


def test_every_unit_billed_once(on_dask: tuple[Any, set[str]], portfolio: list[dict[str, Any]]) -> None:
    bills, _ = on_dask
    keys = _keys(bills)
    assert len(keys) == len(set(keys)) == ESTATES * UNITS
    expected = {(e["estate"].column("estate_id")[0].as_py(), u) for e in portfolio
                for u in e["units"].column("id").to_pylist()}
    assert set(keys) == expected


def test_the_tasks_ran_on_both_workers(on_dask: tuple[Any, set[str]], client: Any) -> None:
    _, workers = on_dask
    assert len(client.scheduler_info()["workers"]) == 2
    assert len(workers) == 2


def test_bills_table_schema(on_dask: tuple[Any, set[str]]) -> None:
    bills, _ = on_dask
    assert bills.column_names == ["estate_id", "currency", "unit_id", "period_start", "period_end", "issued_on",
                                  "lines", "total", "estimated"]
    assert bills.schema.field("total").type == pa.decimal128(38, 2)
    assert bills.schema.field("period_start").type == pa.date32()
    assert set(bills.column("period_start").to_pylist()) == {dt.date(2026, 10, 1)}
    assert set(bills.column("period_end").to_pylist()) == {dt.date(2026, 10, 31)}
    # The benchmark's five items on every unit: area, common, water, electricity, common water.
    assert set(bills.column("lines").to_pylist()) == {5}
    metadata = bills.schema.metadata
    assert metadata[b"estatekit.table"] == b"bills"
    assert b"estatekit.estate_id" not in metadata  # per estate: the estate_id column instead


def _peer_inputs(e: dict[str, Any]) -> tuple[list[Any], Decimal, list[Any], int]:
    """The benchmark peer's inputs (units, pool, meters, master reading) read back from
    one estate's Arrow tables."""
    units = [(u["id"], u["gross_area"], u["status"] == "delivered", u["delivered_on"])
             for u in e["units"].to_pylist()]
    readings: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for r in e["readings"].to_pylist():
        readings.setdefault(r["meter_id"], []).append((r["date"], r["value"]))

    def register(meter_id: str) -> tuple[int, int]:
        (_, before), (_, after) = sorted(readings[meter_id])
        return int(before * 10), int((after - before) * 10)

    meters = []
    for i, (unit_id, *_rest) in enumerate(units):
        assert unit_id == f"U{i}"
        meters.append((*register(f"W{i}"), *register(f"E{i}")))
    _, master = register(pf.MASTER_METER)
    (pool,) = e["pooled"].column("amount").to_pylist()
    return units, pool, meters, master


def test_each_estate_equals_the_pure_python_peer(on_dask: tuple[Any, set[str]],
                                                   portfolio: list[dict[str, Any]]) -> None:
    bills, _ = on_dask
    for e in portfolio:
        estate_id = e["estate"].column("estate_id")[0].as_py()
        units, pool, meters, master = _peer_inputs(e)
        assert pool == Decimal("5.55") * UNITS
        total, peer_bills = bench.peer(units, pool, [], meters, master)
        mine = bills.filter(pc.equal(bills.column("estate_id"), estate_id))
        assert dict(zip(mine.column("unit_id").to_pylist(), mine.column("total").to_pylist())) == \
            {b["unit_id"]: b["total"] for b in peer_bills}
        assert dp.estate_totals(mine) == {estate_id: total}


def test_portfolio_is_the_benchmark_estate_per_seed() -> None:
    a, b = pf.make_portfolio(2, 50, SEED), pf.make_portfolio(2, 50, SEED)
    assert all(x[name].equals(y[name]) for x, y in zip(a, b) for name in x)
    other = pf.make_portfolio(2, 50, SEED + 1)
    assert not a[0]["units"].equals(other[0]["units"])
    assert not a[0]["units"].column("gross_area").equals(a[1]["units"].column("gross_area"))
    # Unit i of estate k is the benchmark's unit offset_k + i.
    for k, e in enumerate(a):
        offset = pf.estate_offset(SEED, k)
        for i, u in enumerate(e["units"].to_pylist()):
            area, vacant, mid = bench.unit_params(offset + i)
            assert u["gross_area"] == Decimal(area) / 100
            assert (u["status"] == "delivered") == vacant
            assert u["delivered_on"] == (dt.date(2026, 10, mid) if mid else dt.date(2024, 6, 1))


def test_a_unit_that_cannot_be_billed_fails_its_task(client: Any, portfolio: list[dict[str, Any]]) -> None:
    broken = dict(portfolio[1])
    readings = broken["readings"]
    broken["readings"] = readings.filter(pc.not_equal(readings.column("meter_id"), "E7"))
    with pytest.raises(estatekit.ValidationError) as e:
        dp.run_on_dask(client, [portfolio[0], broken])
    assert (e.value.code, e.value.path) == ("missing_reading", "meters[E7]")


def test_an_estate_id_column_is_dropped_as_on_spark(portfolio: list[dict[str, Any]], local: Any) -> None:
    e = portfolio[2]
    estate_id = e["estate"].column("estate_id")[0].as_py()
    tagged = {name: (t.append_column("estate_id", pa.array([estate_id] * t.num_rows)) if name != "estate" else t)
              for name, t in e.items()}
    bills = dp.bill_partition(tagged, pf.SCHEDULE_JSON, pf.PERIOD)
    assert bills.equals(local.filter(pc.equal(local.column("estate_id"), estate_id)))


def test_estates_made_on_the_workers(client: Any, local: Any) -> None:
    made = client.map(pf.make_estate, range(ESTATES), units=UNITS, seed=SEED,
                      key=[f"estate-E{k:04d}-test" for k in range(ESTATES)])
    assert dp.run_on_dask(client, made).equals(local)


def test_a_second_run_of_an_estate_is_billed_anew(client: Any, portfolio: list[dict[str, Any]]) -> None:
    """An estate billed again with other data (another pooled amount) gets its own
    totals, not the first run's."""
    first = dp.estate_totals(dp.run_on_dask(client, portfolio[:1]))
    more = dict(portfolio[0])
    more["pooled"] = pa.table({"item_code": ["common"], "amount": pa.array([Decimal("2000.00")], pa.decimal128(38, 2))})
    second = dp.estate_totals(dp.run_on_dask(client, [more]))
    assert second["E0000"] - first["E0000"] == Decimal("2000.00") - Decimal("5.55") * UNITS


def test_an_empty_portfolio_is_refused(client: Any) -> None:
    with pytest.raises(ValueError, match="no estates"):
        dp.run_local([])
    with pytest.raises(ValueError, match="no estates"):
        dp.run_on_dask(client, [])


@pytest.mark.parametrize("mode", [[], ["--make-on-workers"]])
def test_command_line(mode: list[str]) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "dask_portfolio.py"), "--estates", "3", "--units", "40",
                        "--seed", "7", *mode], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    expected = sum(dp.estate_totals(dp.run_local(pf.make_portfolio(3, 40, 7))).values(), Decimal(0))
    lines = r.stdout.splitlines()
    assert lines[0].startswith("portfolio: 3 estates, 120 units, ")
    assert lines[1] == "dask: 2 workers, 2 threads (LocalCluster)"
    assert re.fullmatch(r"dask: +[0-9.]+ s wall \(.*; 120 bills\); CPU of the workers: [0-9.]+ \+ [0-9.]+ s", lines[2])
    assert re.match(r"local: +[0-9.]+ s wall, one process, one thread.* \(120 bills, CPU [0-9.]+ s\); dask is", lines[3])
    assert lines[4:] == ["dask and local agree: every estate's total, the portfolio total, every unit billed once",
                         f"portfolio total: {expected} CNY"]


def test_polars_tables_are_read_as_they_are(portfolio: list[dict[str, Any]], local: Any) -> None:
    pl = pytest.importorskip("polars") if not os.environ.get("CI") else __import__("polars")
    e = portfolio[3]
    frames = {name: pl.from_arrow(t) for name, t in e.items()}
    assert isinstance(frames["units"], pl.DataFrame)
    bills = dp.bill_partition(frames, pf.SCHEDULE_JSON, pf.PERIOD)
    assert bills.equals(local.filter(pc.equal(local.column("estate_id"), "E0003")))
