"""The fee workload in one run: Rust core, the Python binding's whole-estate calls, and a
plain pure-Python `decimal` peer (what a back-office script would write today).

Workload per unit (see benches/lib.rs, mirrored exactly here): an area fee of
3.70/m²/month on gross area, prorated by days for units delivered mid-month, 70 % for
vacant units; a share of a pooled common-area bill split by gross area with exact sum
(largest remainder, ties to the lower index); a water and an electricity meter billed
by consumption at tiered prices; a share of the common water (master meter less the
units' meters) split by water usage; a 0.05 %/day penalty on six overdue monthly fees.
All three must produce the same grand total and the same line amounts, line by line
(a digest of every line's amount in order; the binding's lines are read back up to
100,000 units, beyond which materialising millions of Python objects would dominate).

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
from decimal import ROUND_HALF_UP, Decimal
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
WATER_TIERS = [(Decimal(15), Decimal("3.45")), (Decimal(22), Decimal("4.83")), (None, Decimal("5.83"))]
POWER_TIERS = [(Decimal(180), Decimal("0.56")), (Decimal(280), Decimal("0.61")), (None, Decimal("0.86"))]
WATER_PRICE = Decimal("3.45")
DIGEST_MOD = (1 << 61) - 1


def unit_params(i: int) -> tuple[int, bool, int | None]:
    """(gross area in hundredths, vacant, delivery day in October or None): as lib.rs."""
    area = 5000 + (i * 7919 % 9000)
    vacant = i % 10 == 3
    mid = 2 + i % 27 if i % 25 == 7 else None
    return area, vacant, mid


def meter_params(i: int) -> tuple[int, int, int, int]:
    """(water register before, water used, electricity register before, electricity
    used) in tenths of m³ and kWh; vacant units use nothing: as lib.rs."""
    _, vacant, _ = unit_params(i)
    water, power = (0, 0) if vacant else (50 + i * 31 % 250, 1000 + i * 37 % 3000)
    return 10_000 + i * 7 % 5000, water, 200_000 + i * 11 % 90_000, power


def master_water(n: int) -> int:
    """The master water meter's October reading in tenths of m³: as lib.rs."""
    return sum(meter_params(i)[1] for i in range(n)) + 10 * n


def tenths(v: int) -> str:
    return f"{v // 10}.{v % 10}"


def estate_json(n: int) -> str:
    units, meters = [], []
    for i in range(n):
        area, vacant, mid = unit_params(i)
        delivered = f"2026-10-{mid:02d}" if mid else "2024-06-01"
        status, occupants = ("delivered", 0) if vacant else ("occupied", 1 + i % 4)
        units.append({"id": f"U{i}", "building_id": "B", "floor": 1, "number": str(i), "kind": "residential",
                      "gross_area": str(Decimal(area) / 100), "occupants": occupants, "status": status,
                      "delivered_on": delivered, "status_since": delivered})
        base = f"2026-10-{mid:02d}" if mid else "2026-09-30"
        water_base, water, power_base, power = meter_params(i)
        for prefix, kind, start, used in (("W", "water", water_base, water), ("E", "electricity", power_base, power)):
            meters.append({"id": f"{prefix}{i}", "unit_id": f"U{i}", "kind": kind,
                           "readings": [{"date": base, "value": tenths(start)},
                                        {"date": "2026-10-31", "value": tenths(start + used)}]})
    meters.append({"id": "W-MASTER", "kind": "water",
                   "readings": [{"date": "2026-09-30", "value": "0"}, {"date": "2026-10-31", "value": tenths(master_water(n))}]})
    return json.dumps({"id": "bench", "name": "Bench", "currency": "CNY",
                       "buildings": [{"id": "B", "name": "B"}], "units": units, "meters": meters})


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


def split_cents(pool: Decimal, weights: list[Decimal]) -> tuple[list[int], set[int], Decimal]:
    """`pool` split by `weights` in cents: each share its exact value rounded down, the
    leftover cents one each to the largest remainders, ties to the lower index (in
    integers: the weights scaled to a common exponent). Also the adjusted indices and
    the weight sum."""
    exp = min(w.as_tuple().exponent for w in weights)
    ints = [int(w.scaleb(-exp)) for w in weights]
    weight_sum = sum(ints)
    pool_cents = int((pool / CENT).to_integral_value())
    shares, remainders = [], []
    for i, w in enumerate(ints):
        q, r = divmod(pool_cents * w, weight_sum)
        shares.append(q)
        remainders.append((r, i))
    leftover = pool_cents - sum(shares)
    adjusted = set()
    for _, i in sorted(remainders, key=lambda r: (-r[0], r[1]))[:leftover]:
        shares[i] += 1
        adjusted.add(i)
    return shares, adjusted, sum(weights)


def tiered(quantity: Decimal, tiers: list[tuple[Decimal | None, Decimal]]) -> tuple[Decimal, list[tuple[Decimal, Decimal, Decimal]]]:
    """Block pricing: (cost, [(quantity, price, amount) per block used])."""
    cost, lower, uses = Decimal(0), Decimal(0), []
    for up_to, price in tiers:
        in_tier = max((quantity if up_to is None else min(quantity, up_to)) - lower, Decimal(0))
        if in_tier > 0:
            amount = in_tier * price
            cost += amount
            uses.append((in_tier, price, amount))
        if up_to is not None:
            lower = up_to
        if quantity <= lower:
            break
    return cost, uses


def metered_line(item: str, meter_id: str, kind: str, start: int, used: int, tiers) -> dict:  # type: ignore[no-untyped-def]
    previous, current = Decimal(tenths(start)), Decimal(tenths(start + used))
    consumption = current - previous
    cost, uses = tiered(consumption, tiers)
    return {"item": item, "amount": cost.quantize(CENT, ROUND_HALF_UP),
            "explanation": {"type": "metered", "meter_id": meter_id, "meter_kind": kind, "previous": previous,
                            "current": current, "multiplier": Decimal(1), "consumption": consumption, "tiers": uses}}


def peer(units: list[tuple[str, Decimal, bool, dt.date]], pool: Decimal, items: list[tuple[Decimal, dt.date]],
         meters: list[tuple[int, int, int, int]], master: int) -> tuple[Decimal, list[dict]]:
    """The same outputs as the Rust run: a bill per unit with its lines (amount and the
    inputs that explain it), the pooled splits with their adjustments, a penalty per
    item. Returns the grand total and the bills."""
    start, end = PERIOD
    days_in_period = (end - start).days + 1
    # Pooled bill by gross area, largest remainder in cents, ties to the lower index.
    shares, adjusted, weight_sum = split_cents(pool, [u[1] for u in units])
    # Common water: the master meter less the units' water, at 3.45, by water usage.
    usage = [Decimal(tenths(m[0] + m[1])) - Decimal(tenths(m[0])) for m in meters]
    common_water = (Decimal(tenths(master)) - sum(usage)) * WATER_PRICE
    water_pool = common_water.quantize(CENT, ROUND_HALF_UP)
    water_shares, water_adjusted, usage_sum = split_cents(water_pool, usage)
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
        water_base, water, power_base, power = meters[i]
        lines.append(metered_line("water", f"W{i}", "water", water_base, water, WATER_TIERS))
        lines.append(metered_line("electricity", f"E{i}", "electricity", power_base, power, POWER_TIERS))
        lines.append({"item": "common_water", "amount": Decimal(water_shares[i]) * CENT,
                      "explanation": {"type": "pooled", "pool": water_pool, "method": "usage", "weight": usage[i],
                                      "total_weight": usage_sum, "participants": len(units),
                                      "adjustment": CENT if i in water_adjusted else Decimal(0)}})
        bills.append({"unit_id": unit_id, "lines": lines, "total": sum(line["amount"] for line in lines)})
    # Penalties: principal × daily rate × days overdue, rounded once per item.
    penalties = []
    for principal, due in items:
        days = (AS_OF - due).days
        penalties.append((principal * DAILY * days).quantize(CENT, ROUND_HALF_UP) if days > 0 else Decimal("0.00"))
    return sum(b["total"] for b in bills) + sum(penalties), bills


def digest(amounts) -> int:  # type: ignore[no-untyped-def]
    """Σ (k + 1) × cents of line k, mod 2^61 − 1: as `line_digest` in lib.rs."""
    return sum(k * int(a * 100) for k, a in enumerate(amounts, 1)) % DIGEST_MOD


def peer_units(n: int) -> list[tuple[str, Decimal, bool, dt.date]]:
    out = []
    for i in range(n):
        area, vacant, mid = unit_params(i)
        delivered = dt.date(2026, 10, mid) if mid else dt.date(2024, 6, 1)
        out.append((f"U{i}", Decimal(area) / 100, vacant, delivered))
    return out


# ---- the binding -----------------------------------------------------------------


def binding_run(estate: estatekit.Estate, schedule: estatekit.FeeSchedule, n: int) -> estatekit.BillingRun:
    return estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common": pooled_amount(n)})


def binding(estate: estatekit.Estate, schedule: estatekit.FeeSchedule, n: int, arrears: estatekit.Arrears) -> Decimal:
    """Two whole-estate calls; the estate and the arrears are loaded once, outside the timing."""
    run = estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common": pooled_amount(n)})
    penalties = arrears.late_penalties(AS_OF, daily_rate=DAILY)
    return run.total + penalties.total


def best_of(repeats: int, fn, *args):  # type: ignore[no-untyped-def]
    """Best CPU time of this thread, best wall time, and the result."""
    best_cpu, best_wall, result = float("inf"), float("inf"), None
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
        rust[row["n"]] = (row["cpu_seconds"], row["seconds"], Decimal(row["total"]), row["digest"])
    schedule = estatekit.FeeSchedule.from_json(SCHEDULE)
    print("CPU ns per unit (wall ns per unit), best of several runs")
    print(f"{'units':>9} {'Rust':>16} {'binding':>16} {'pure Python':>18} {'Rust×':>7} {'binding×':>9}")
    for n in sizes:
        estate = estatekit.Estate.from_json(estate_json(n))
        items = overdue_items(n)
        units = peer_units(n)
        meters = [meter_params(i) for i in range(n)]
        repeats = 2 if n >= 1_000_000 else 3
        tb, wb, total_b = best_of(repeats, binding, estate, schedule, n, estatekit.Arrears(items))
        tp, wp, (total_p, bills_p) = best_of(repeats, peer, units, pooled_amount(n), items, meters, master_water(n))
        tr, wr, total_r, digest_r = rust[n]
        if not (total_r == total_b == total_p):
            raise SystemExit(f"totals differ at n={n}: rust {total_r}, binding {total_b}, python {total_p}")
        digest_p = digest(line["amount"] for b in bills_p for line in b["lines"])
        del bills_p
        if digest_p != digest_r:
            raise SystemExit(f"line amounts differ at n={n}: rust digest {digest_r}, python {digest_p}")
        if n <= 100_000:
            run = binding_run(estate, schedule, n)
            digest_b = digest(line.amount for b in run.bills for line in b.lines)
            if digest_b != digest_r:
                raise SystemExit(f"line amounts differ at n={n}: rust digest {digest_r}, binding {digest_b}")
        per = lambda c, w: f"{c * 1e9 / n:.0f} ({w * 1e9 / n:.0f})"  # noqa: E731
        print(f"{n:>9} {per(tr, wr):>16} {per(tb, wb):>16} {per(tp, wp):>18} {tp / tr:>7.1f} {tp / tb:>9.1f}")
    print("totals and line amounts agree in all three implementations")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
