"""The fee workload in one run: Rust core, the Python binding's whole-estate calls, and a
plain pure-Python `decimal` peer (what a back-office script would write today).

Workload per unit (see benches/lib.rs, mirrored exactly here): an area fee of
3.70/m²/month on gross area, prorated by days for units delivered mid-month, 70 % for
vacant units; a share of a pooled common-area bill split by gross area with exact sum
(largest remainder, ties to the lower index); a 0.05 %/day penalty on six overdue
monthly fees. All three must produce the same grand total.

Times are CPU times of the measuring thread (user + system, page faults included), the
best of several runs, so a machine shared with other jobs does not distort the ratios;
wall times are printed too.

Usage (from the repository root, with the wheel installed in the active venv):
    cargo build --release -p estatekit-benches --bin fees_workload
    python benches/fees_vs_python.py 10000 100000 1000000
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import estatekit

ROOT = Path(__file__).resolve().parents[1]
RATE = Decimal("3.70")
VACANT = Decimal("0.7")
DAILY = Decimal("0.0005")
CENT = Decimal("0.01")
PERIOD = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
AS_OF = dt.date(2026, 10, 31)
DUES = [dt.date(2026, m, 15) for m in range(4, 10)]
SCHEDULE = (ROOT / "benches" / "lib.rs").read_text(encoding="utf-8").split('r#"', 1)[1].split('"#', 1)[0]


def unit_params(i: int) -> tuple[int, bool, int | None]:
    """(gross area in hundredths, vacant, delivery day in October or None): as lib.rs."""
    area = 5000 + (i * 7919 % 9000)
    vacant = i % 10 == 3
    mid = 2 + i % 27 if i % 25 == 7 else None
    return area, vacant, mid


def estate_json(n: int) -> str:
    units = []
    for i in range(n):
        area, vacant, mid = unit_params(i)
        delivered = f"2026-10-{mid:02d}" if mid else "2024-06-01"
        status, occupants = ("delivered", 0) if vacant else ("occupied", 1 + i % 4)
        units.append({"id": f"U{i}", "building_id": "B", "floor": 1, "number": str(i), "kind": "residential",
                      "gross_area": str(Decimal(area) / 100), "occupants": occupants, "status": status,
                      "delivered_on": delivered, "status_since": delivered})
    return json.dumps({"id": "bench", "name": "Bench", "currency": "CNY",
                       "buildings": [{"id": "B", "name": "B"}], "units": units})


def overdue_items(n: int) -> list[tuple[Decimal, dt.date]]:
    items = []
    for i in range(n):
        area, vacant, _ = unit_params(i)
        fee = Decimal(area) / 100 * RATE
        if vacant:
            fee *= VACANT
        fee = fee.quantize(CENT, ROUND_HALF_UP)
        items.extend((fee, due) for due in DUES)
    return items


def pooled_amount(n: int) -> Decimal:
    return Decimal("5.55") * n


# ---- the pure-Python peer ---------------------------------------------------------


def peer(units: list[tuple[str, Decimal, bool, dt.date]], pool: Decimal, items: list[tuple[Decimal, dt.date]]) -> Decimal:
    """The same outputs as the Rust run: a bill per unit with its lines (amount and the
    inputs that explain it), the pooled split with its adjustments, a penalty per item."""
    start, end = PERIOD
    days_in_period = (end - start).days + 1
    # Pooled bill by gross area, largest remainder in cents, ties to the lower index.
    weight_sum = sum(u[1] for u in units)
    pool_cents = int((pool / CENT).to_integral_value())
    shares, remainders = [], []
    for i, (_, area, _, _) in enumerate(units):
        exact = pool_cents * area / weight_sum
        floor = int(exact.to_integral_value(ROUND_DOWN))
        shares.append(floor)
        remainders.append((exact - floor, i))
    leftover = pool_cents - sum(shares)
    adjusted = set()
    for _, i in sorted(remainders, key=lambda r: (-r[0], r[1]))[:leftover]:
        shares[i] += 1
        adjusted.add(i)
    bills = []
    for i, (unit_id, area, vacant, delivered) in enumerate(units):
        # Area fee, prorated and discounted, rounded once per line.
        fee = area * RATE
        served = (end - delivered).days + 1 if delivered > start else days_in_period
        if served != days_in_period:
            fee = fee * served / days_in_period
        factor = VACANT if vacant else Decimal(1)
        if vacant:
            fee = fee * VACANT
        fee = fee.quantize(CENT, ROUND_HALF_UP)
        share = Decimal(shares[i]) * CENT
        lines = [
            {"item": "management", "amount": fee,
             "explanation": {"type": "area", "area": area, "rate": RATE, "months": 1,
                             "served_days": served, "period_days": days_in_period, "factor": factor}},
            {"item": "common", "amount": share,
             "explanation": {"type": "pooled", "pool": pool, "method": "area", "weight": area,
                             "total_weight": weight_sum, "participants": len(units),
                             "adjustment": CENT if i in adjusted else Decimal(0)}},
        ]
        bills.append({"unit_id": unit_id, "lines": lines, "total": fee + share})
    # Penalties: principal × daily rate × days overdue, rounded once per item.
    penalties = []
    for principal, due in items:
        days = (AS_OF - due).days
        penalties.append((principal * DAILY * days).quantize(CENT, ROUND_HALF_UP) if days > 0 else Decimal("0.00"))
    return sum(b["total"] for b in bills) + sum(penalties)


def peer_units(n: int) -> list[tuple[str, Decimal, bool, dt.date]]:
    out = []
    for i in range(n):
        area, vacant, mid = unit_params(i)
        delivered = dt.date(2026, 10, mid) if mid else dt.date(2024, 6, 1)
        out.append((f"U{i}", Decimal(area) / 100, vacant, delivered))
    return out


# ---- the binding -----------------------------------------------------------------


def binding(estate: estatekit.Estate, schedule: estatekit.FeeSchedule, n: int, arrears: estatekit.Arrears) -> Decimal:
    """Two whole-estate calls; the estate and the arrears are loaded once, outside the timing."""
    run = estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common": pooled_amount(n)})
    penalties = arrears.late_penalties(AS_OF, daily_rate=DAILY)
    return run.total + penalties.total


def best_of(repeats: int, fn, *args) -> tuple[float, float, Decimal]:  # type: ignore[no-untyped-def]
    """Best CPU time of this thread, best wall time, and the result."""
    best_cpu, best_wall, result = float("inf"), float("inf"), Decimal(0)
    for _ in range(repeats):
        c, t = time.thread_time(), time.perf_counter()
        result = fn(*args)
        best_wall = min(best_wall, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.thread_time() - c)
    return best_cpu, best_wall, result


def main(sizes: list[int]) -> None:
    rust_bin = ROOT / "target" / "release" / "fees_workload"
    rust = {}
    out = subprocess.run([str(rust_bin), *map(str, sizes)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        row = json.loads(line)
        rust[row["n"]] = (row["cpu_seconds"], row["seconds"], Decimal(row["total"]))
    schedule = estatekit.FeeSchedule.from_json(SCHEDULE)
    print("CPU ns per unit (wall ns per unit), best of several runs")
    print(f"{'units':>9} {'Rust':>16} {'binding':>16} {'pure Python':>18} {'Rust×':>7} {'binding×':>9}")
    for n in sizes:
        estate = estatekit.Estate.from_json(estate_json(n))
        items = overdue_items(n)
        units = peer_units(n)
        repeats = 2 if n >= 1_000_000 else 3
        tb, wb, total_b = best_of(repeats, binding, estate, schedule, n, estatekit.Arrears(items))
        tp, wp, total_p = best_of(repeats, peer, units, pooled_amount(n), items)
        tr, wr, total_r = rust[n]
        if not (total_r == total_b == total_p):
            raise SystemExit(f"totals differ at n={n}: rust {total_r}, binding {total_b}, python {total_p}")
        per = lambda c, w: f"{c * 1e9 / n:.0f} ({w * 1e9 / n:.0f})"  # noqa: E731
        print(f"{n:>9} {per(tr, wr):>16} {per(tb, wb):>16} {per(tp, wp):>18} {tp / tr:>7.1f} {tp / tb:>9.1f}")
    print("totals agree in all three implementations")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
