#!/usr/bin/env python3
"""A made-up portfolio of estates as Arrow tables, one dict of tables per estate.

    python examples/portfolio.py --estates 4 --units 200 [--seed 2026]   # prints a summary

Each estate is the fee benchmark's estate (benches/lib.rs, `estate_json`; mirrored in
benches/fees_vs_python.py): residential units with a gross area, some vacant
(`delivered`), some delivered mid-October 2026 (billed by days, with a check-in reading
that day), a water and an electricity meter per unit with a reading before and after
October, and a master water meter. The benchmark draws unit `i`'s area, status and
meter registers from `i`; here unit `i` of estate `k` is drawn the same way from
`offset_k + i`, with `offset_k` picked from the seed, so each estate is different and the
same `(estates, units, seed)` always makes the same tables. Units are spread over
buildings of 500 units.

The billing schedule is the benchmark's (`SCHEDULE_JSON`, read from benches/lib.rs): an
area fee, a pooled common-area electricity bill split by area (`common`, given: 5.55 a
unit, in the estate's `pooled` table), tiered water and electricity, and the common water
(the master meter less the units' meters) split by water usage. The month is October
2026 (`PERIOD`).

An estate's tables (`pyarrow.Table`s, columns as `estatekit.Estate.from_arrow` reads them):

  estate    one row: estate_id, name, currency
  units     id, building_id, floor (int64), number, kind, gross_area (decimal128(38, 2)),
            status, occupants (int64), status_since, delivered_on (date32)
  meters    id, unit_id (null for the master meter), kind
  readings  meter_id, date (date32), value (decimal128(38, 1))
  pooled    item_code, amount (decimal128(38, 2)): the month's given pooled amounts

Needs pyarrow and NumPy (NumPy comes with pandas; `pip install pyarrow numpy`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parents[1]
# The fee benchmark's schedule: the first raw string of benches/lib.rs (as
# benches/fees_vs_python.py reads it).
SCHEDULE_JSON = (ROOT / "benches" / "lib.rs").read_text(encoding="utf-8").split('r#"', 1)[1].split('"#', 1)[0]
PERIOD = (2026, 10)
UNITS_PER_BUILDING = 500
POOLED_PER_UNIT_CENTS = 555  # the benchmark's pooled common-area bill: 5.55 a unit
MASTER_METER = "W-MASTER"

_OCTOBER_1 = np.datetime64("2026-10-01", "D")
_SEPTEMBER_30 = np.datetime64("2026-09-30", "D")
_OCTOBER_31 = np.datetime64("2026-10-31", "D")
_LONG_AGO = np.datetime64("2024-06-01", "D")


def estate_offset(seed: int, k: int) -> int:
    """Where estate `k`'s units start in the benchmark's sequence (a string seed:
    the same on every run and platform)."""
    return random.Random(f"estatekit-portfolio:{seed}:{k}").randrange(0, 1_000_000_000)


def _decimals(values: np.ndarray, scale: int) -> pa.Array:
    """int64 counts of 10^-scale as decimal128(38, scale), exactly (the 128-bit
    little-endian words written directly: no float, no text)."""
    v = np.ascontiguousarray(values, dtype=np.int64)
    words = np.empty((len(v), 2), dtype=np.int64)
    words[:, 0] = v
    words[:, 1] = v >> 63  # the sign extension of the high word
    return pa.Array.from_buffers(pa.decimal128(38, scale), len(v), [None, pa.py_buffer(words)])


def _ids(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def make_estate(k: int, units: int, seed: int = 2026) -> dict[str, pa.Table]:
    """Estate `k` of the portfolio of `seed`, with `units` units (see the module doc)."""
    if units < 1:
        raise ValueError(f"units: {units} (at least 1)")
    i = np.arange(units, dtype=np.int64)
    j = i + estate_offset(seed, k)  # the benchmark's unit index
    # benches/lib.rs `unit_params`: area in hundredths of m², vacant, mid-month delivery day.
    area = 5000 + (j * 7919 % 9000)
    vacant = j % 10 == 3
    mid = np.where(j % 25 == 7, 2 + j % 27, 0)
    delivered = np.where(mid > 0, _OCTOBER_1 + (mid - 1), _LONG_AGO)
    # `meter_params`: registers before October and the month's use, in tenths; vacant units use nothing.
    water = np.where(vacant, 0, 50 + j * 31 % 250)
    power = np.where(vacant, 0, 1000 + j * 37 % 3000)
    water_before, power_before = 10_000 + j * 7 % 5000, 200_000 + j * 11 % 90_000
    # A unit delivered mid-month has its check-in reading that day.
    base_day = np.where(mid > 0, delivered, _SEPTEMBER_30)
    # `master_water`: the units' water plus 1 m³ a unit for the common areas.
    master = int(water.sum()) + 10 * units

    estate_id = f"E{k:04d}"
    unit_ids = _ids("U", i)
    estate = pa.table({"estate_id": [estate_id], "name": [f"Estate {k}"], "currency": ["CNY"]})
    unit_table = pa.table({
        "id": unit_ids,
        "building_id": _ids("B", i // UNITS_PER_BUILDING + 1),
        "floor": pa.array(1 + i % UNITS_PER_BUILDING // 20),
        "number": pc.cast(pa.array(i), pa.string()),
        "kind": pa.array(["residential"] * units),
        "gross_area": _decimals(area, 2),
        "status": pa.array(np.where(vacant, "delivered", "occupied")),
        "occupants": pa.array(np.where(vacant, 0, 1 + j % 4)),
        "status_since": pa.array(delivered),
        "delivered_on": pa.array(delivered),
    })
    water_ids, power_ids = _ids("W", i), _ids("E", i)
    meters = pa.table({
        "id": pa.concat_arrays([water_ids, power_ids, pa.array([MASTER_METER])]),
        "unit_id": pa.concat_arrays([unit_ids, unit_ids, pa.array([None], pa.string())]),
        "kind": pa.array(["water"] * units + ["electricity"] * units + ["water"]),
    })
    end = np.full(units, _OCTOBER_31)
    readings = pa.table({
        "meter_id": pa.concat_arrays([water_ids, water_ids, power_ids, power_ids, pa.array([MASTER_METER] * 2)]),
        "date": pa.array(np.concatenate([base_day, end, base_day, end, [_SEPTEMBER_30, _OCTOBER_31]])),
        "value": _decimals(np.concatenate([water_before, water_before + water, power_before, power_before + power,
                                           [0, master]]), 1),
    })
    pooled = pa.table({"item_code": ["common"],
                       "amount": _decimals(np.array([POOLED_PER_UNIT_CENTS * units]), 2)})
    return {"estate": estate, "units": unit_table, "meters": meters, "readings": readings, "pooled": pooled}


def iter_portfolio(estates: int, units_per_estate: int, seed: int = 2026) -> Iterator[dict[str, pa.Table]]:
    """The estates of `make_portfolio`, made one at a time."""
    if estates < 1:
        raise ValueError(f"estates: {estates} (at least 1)")
    for k in range(estates):
        yield make_estate(k, units_per_estate, seed)


def make_portfolio(estates: int, units_per_estate: int, seed: int = 2026) -> list[dict[str, pa.Table]]:
    """`estates` estates of `units_per_estate` units each, estate ids E0000, E0001, ...:
    a list of dicts of Arrow tables (see the module doc). Deterministic by `seed`."""
    return list(iter_portfolio(estates, units_per_estate, seed))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--estates", type=int, default=4)
    p.add_argument("--units", type=int, default=200, help="units per estate")
    p.add_argument("--seed", type=int, default=2026)
    a = p.parse_args()
    started = dt.datetime.now()
    portfolio = make_portfolio(a.estates, a.units, a.seed)
    rows = {name: sum(e[name].num_rows for e in portfolio) for name in ("units", "meters", "readings")}
    size = sum(t.nbytes for e in portfolio for t in e.values())
    took = (dt.datetime.now() - started).total_seconds()
    print(f"{a.estates} estates: {rows['units']} units, {rows['meters']} meters, {rows['readings']} readings, "
          f"{size / 2**20:.1f} MiB of Arrow, made in {took:.2f} s")


if __name__ == "__main__":
    main()
