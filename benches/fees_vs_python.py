"""The fee workload in one run: Rust core, the Python binding's whole-estate calls, two
exact vectorized NumPy peers (int64 cents; a straightforward one with a stable argsort
for the largest remainders, a tuned one with argpartition on a unique key and in-place
integer operations: what a capable data engineer writes) and a plain pure-Python
`decimal` peer (what a back-office script would write today).

Workload per unit (see benches/lib.rs, mirrored exactly here): an area fee of
3.70/m²/month on gross area, prorated by days for units delivered mid-month, 70 % for
vacant units; a share of a pooled common-area bill split by gross area with exact sum
(largest remainder, ties to the lower index); a water and an electricity meter billed
by consumption at tiered prices; a share of the common water (master meter less the
units' meters) split by water usage; a 0.05 %/day penalty on six overdue monthly fees.
All of them must produce the same grand total and the same line amounts, line by line
(a digest of every line's amount in order against the core's; the NumPy lines compared
element by element with the pure-Python peer's, and up to 100,000 units with the
binding's lines and penalties, beyond which materialising millions of Python objects
would dominate).

Times are CPU times of the measuring thread (user + system, page faults included), the
best of several runs, so a machine shared with other jobs does not distort the ratios;
wall times are printed too. The core and the binding run twice: on one thread
(`threads=1`, CPU time) and on every core (`threads=None` / `--threads 0`, wall time,
which is what using several cores buys; meaningful only on an otherwise idle machine).

Usage (from the repository root, with the wheel installed in the active venv):
    cargo build --release -p estatekit-benches --bin fees_workload
    python benches/fees_vs_python.py 10000 100000 1000000 [--no-pure]

(`FEES_WORKLOAD=path` times another build of the `fees_workload` binary.)

`--no-pure` leaves the pure-Python peer out (it takes minutes at a million units).
NumPy is needed only here (`pip install numpy`), not by the library or its tests.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import NamedTuple

import estatekit
import numpy as np

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


def estate_records(n: int) -> dict[str, list[dict[str, str]]]:
    """The estate of `estate_json` in lib.rs as `Estate.from_records` tables (a million
    units are about 490 MB of JSON, over `Estate.from_json`'s limit)."""
    units, meters, readings = [], [], []
    for i in range(n):
        area, vacant, mid = unit_params(i)
        delivered = f"2026-10-{mid:02d}" if mid else "2024-06-01"
        status, occupants = ("delivered", 0) if vacant else ("occupied", 1 + i % 4)
        units.append({"id": f"U{i}", "building_id": "B", "floor": "1", "number": str(i), "kind": "residential",
                      "gross_area": str(Decimal(area) / 100), "occupants": str(occupants), "status": status,
                      "delivered_on": delivered, "status_since": delivered})
        base = f"2026-10-{mid:02d}" if mid else "2026-09-30"
        water_base, water, power_base, power = meter_params(i)
        for prefix, kind, start, used in (("W", "water", water_base, water), ("E", "electricity", power_base, power)):
            meters.append({"id": f"{prefix}{i}", "unit_id": f"U{i}", "kind": kind})
            readings.append({"meter_id": f"{prefix}{i}", "date": base, "value": tenths(start)})
            readings.append({"meter_id": f"{prefix}{i}", "date": "2026-10-31", "value": tenths(start + used)})
    meters.append({"id": "W-MASTER", "unit_id": "", "kind": "water"})
    readings.append({"meter_id": "W-MASTER", "date": "2026-09-30", "value": "0"})
    readings.append({"meter_id": "W-MASTER", "date": "2026-10-31", "value": tenths(master_water(n))})
    return {"buildings": [{"id": "B", "name": "B"}], "units": units, "meters": meters, "readings": readings}


def load_estate(n: int) -> estatekit.Estate:
    return estatekit.Estate.from_records(id="bench", name="Bench", currency="CNY", **estate_records(n))


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


# ---- the exact vectorized NumPy peers ---------------------------------------------
#
# What a capable data engineer writes: every amount an int64 count of cents (or of
# thousandths before a rounding), every rounding an integer floor division, the
# largest remainder by sorting. Same results as the core, line by line: `main` checks
# every line amount and every penalty against the core's.

END_ORD = np.datetime64(PERIOD[1], "D").astype(np.int64)
AS_OF_ORD = np.datetime64(AS_OF, "D").astype(np.int64)
DAYS_IN_PERIOD = (PERIOD[1] - PERIOD[0]).days + 1
WATER_TIERS_INT = [(150, 345), (220, 483), (None, 583)]  # (up to, tenths of m³; price, cents)
POWER_TIERS_INT = [(1800, 56), (2800, 61), (None, 86)]  # (up to, tenths of kWh; price, cents)


class Columns(NamedTuple):
    """The inputs as columns (loaded once, outside the timing, as the estate is for the
    core): gross area in hundredths of m², vacant, delivery day (days since 1970), the
    meters' registers in tenths, the overdue items' principal in cents and due day."""

    area: np.ndarray
    vacant: np.ndarray
    delivered: np.ndarray
    water_before: np.ndarray
    water_after: np.ndarray
    power_before: np.ndarray
    power_after: np.ndarray
    principal: np.ndarray
    due: np.ndarray
    master: int
    pool_cents: int


def numpy_columns(n: int) -> Columns:
    i = np.arange(n, dtype=np.int64)
    area = 5000 + (i * 7919 % 9000)
    vacant = i % 10 == 3
    mid = np.where(i % 25 == 7, 2 + i % 27, 0)
    delivered = np.where(mid > 0, np.datetime64("2026-10-01", "D").astype(np.int64) + mid - 1,
                         np.datetime64("2024-06-01", "D").astype(np.int64))
    water = np.where(vacant, 0, 50 + i * 31 % 250)
    power = np.where(vacant, 0, 1000 + i * 37 % 3000)
    water_before, power_before = 10_000 + i * 7 % 5000, 200_000 + i * 11 % 90_000
    # Overdue items as the core's input has them: the full-month fee of each unit, six times.
    fee = area * 370 * np.where(vacant, 7, 10)  # in 1/1000 of a cent
    fee = (2 * fee + 1000) // 2000
    principal = np.repeat(fee, len(DUES))
    due = np.tile(np.array(DUES, dtype="datetime64[D]").astype(np.int64), n)
    pool_cents = int(pooled_amount(n) / CENT)
    return Columns(area, vacant, delivered, water_before, water_before + water, power_before,
                   power_before + power, principal, due, master_water(n), pool_cents)


def largest_remainder(pool: int, weights: np.ndarray) -> np.ndarray:
    """`pool` cents split by integer `weights`: floors, then one cent each to the
    largest remainders, ties to the lower index (a stable sort of −remainder)."""
    total = int(weights.sum())
    shares, rem = np.divmod(pool * weights, total)
    leftover = pool - int(shares.sum())
    shares[np.argsort(-rem, kind="stable")[:leftover]] += 1
    return shares


def tiered_cents(used: np.ndarray, tiers: list[tuple[int | None, int]]) -> np.ndarray:
    """Block pricing of `used` tenths at prices in cents, rounded half up once per line."""
    thousandths = np.zeros_like(used)
    lower = 0
    for up_to, price in tiers:
        upper = used if up_to is None else np.minimum(used, up_to)
        thousandths += np.maximum(upper - lower, 0) * price
        lower = up_to if up_to is not None else lower
    return (thousandths + 5) // 10


def numpy_exact(c: Columns) -> tuple[int, np.ndarray, np.ndarray]:
    """Straightforward exact NumPy: (grand total in cents, line amounts (n × 5, bill
    order), penalties (6 n))."""
    # Area fee: area (1/100 m²) × 370 (cents/m²) × served/31 × (7 or 10)/10, rounded
    # half up once: (2 x + d) // 2 d in integers.
    served = np.minimum(END_ORD - c.delivered + 1, DAYS_IN_PERIOD)
    scaled = c.area * 370 * served * np.where(c.vacant, 7, 10)
    den = 100 * DAYS_IN_PERIOD * 10
    fee = (2 * scaled + den) // (2 * den)
    common = largest_remainder(c.pool_cents, c.area)
    water_used = c.water_after - c.water_before
    water = tiered_cents(water_used, WATER_TIERS_INT)
    power = tiered_cents(c.power_after - c.power_before, POWER_TIERS_INT)
    # Common water: (master − Σ units) tenths × 345 cents, rounded, split by usage.
    water_pool = ((c.master - int(water_used.sum())) * 345 + 5) // 10
    common_water = largest_remainder(water_pool, water_used)
    lines = np.stack([fee, common, water, power, common_water], axis=1)
    # Penalties: principal × 0.0005 × days overdue, rounded half up per item.
    days = np.maximum(AS_OF_ORD - c.due, 0)
    penalties = (10 * c.principal * days + 10_000) // 20_000
    return int(lines.sum()) + int(penalties.sum()), lines, penalties


def numpy_tuned(c: Columns) -> tuple[int, np.ndarray, np.ndarray]:
    """The same, tuned: columnar output written in place, no temporary array that can
    be avoided, block prices as one linear form (a convex tariff is p_last·u minus
    Σ (p_{k+1} − p_k)·min(u, bound_k)), and the largest remainders found by
    `argpartition` on a unique key (−remainder·n + index: no tie, so the set chosen is
    the stable sort's)."""
    n = c.area.size
    lines = np.empty((5, n), dtype=np.int64)
    tmp = np.empty(n, dtype=np.int64)
    fee, common, water, power, common_water = lines
    np.subtract(END_ORD + 1, c.delivered, out=fee)
    np.minimum(fee, DAYS_IN_PERIOD, out=fee)
    fee *= c.area
    np.multiply(c.vacant, -3 * 370 * 2, out=tmp)
    tmp += 10 * 370 * 2
    fee *= tmp
    den = 100 * DAYS_IN_PERIOD * 10
    fee += den
    fee //= 2 * den
    index = np.arange(n, dtype=np.int64)

    def split(pool: int, weights: np.ndarray, out: np.ndarray) -> None:
        np.multiply(weights, pool, out=out)
        np.divmod(out, int(weights.sum()), out=(out, tmp))
        leftover = pool - int(out.sum())
        if leftover > 0:
            np.multiply(tmp, -n, out=tmp)
            np.add(tmp, index, out=tmp)
            out[np.argpartition(tmp, leftover - 1)[:leftover]] += 1

    split(c.pool_cents, c.area, common)
    used = np.subtract(c.water_after, c.water_before)

    def tiered(u: np.ndarray, tiers: list[tuple[int | None, int]], out: np.ndarray) -> None:
        np.multiply(u, tiers[-1][1], out=out)
        for (bound, price), (_, next_price) in zip(tiers, tiers[1:]):
            np.minimum(u, bound, out=tmp)
            np.multiply(tmp, next_price - price, out=tmp)
            out -= tmp
        out += 5
        out //= 10

    tiered(used, WATER_TIERS_INT, water)
    # The electricity used goes in the common water's row until that row is computed.
    np.subtract(c.power_after, c.power_before, out=common_water)
    tiered(common_water, POWER_TIERS_INT, power)
    water_pool = ((c.master - int(used.sum())) * 345 + 5) // 10
    split(water_pool, used, common_water)
    penalties = np.subtract(AS_OF_ORD, c.due)
    np.maximum(penalties, 0, out=penalties)
    penalties *= c.principal
    penalties *= 10
    penalties += 10_000
    penalties //= 20_000
    return int(lines.sum()) + int(penalties.sum()), lines.T, penalties


# ---- the binding -----------------------------------------------------------------


def binding_run(estate: estatekit.Estate, schedule: estatekit.FeeSchedule, n: int) -> estatekit.BillingRun:
    return estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common": pooled_amount(n)}, threads=1)


def binding(estate: estatekit.Estate, schedule: estatekit.FeeSchedule, n: int, arrears: estatekit.Arrears,
            threads: int | None) -> Decimal:
    """Two whole-estate calls on `threads` threads (None: every core); the estate and
    the arrears are loaded once, outside the timing."""
    run = estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common": pooled_amount(n)}, threads=threads)
    penalties = arrears.late_penalties(AS_OF, daily_rate=DAILY, threads=threads)
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


def numpy_digest(lines: np.ndarray) -> int:
    """`digest` of a bill-order (n × 5) array of cents, in Python integers."""
    flat = lines.reshape(-1)
    k = np.arange(1, flat.size + 1, dtype=np.int64)
    return sum(int(x) for x in np.add.reduceat(k * flat, np.arange(0, flat.size, 1 << 16))) % DIGEST_MOD


def main(sizes: list[int], pure: bool) -> None:
    rust_bin = Path(os.environ.get("FEES_WORKLOAD", ROOT / "target" / "release" / "fees_workload"))
    rust, rust_all = {}, {}
    for threads, into in (("1", rust), ("0", rust_all)):
        out = subprocess.run([str(rust_bin), "--threads", threads, *map(str, sizes)], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            row = json.loads(line)
            into[row["n"]] = (row["cpu_seconds"], row["seconds"], Decimal(row["total"]), row["digest"])
    schedule = estatekit.FeeSchedule.from_json(SCHEDULE)
    print("CPU ns per unit of the measuring thread (wall ns per unit), best of several runs; 'all':")
    print("every core, wall ns only. Ratios: NumPy tuned over EstateKit, CPU on one thread and wall on all")
    print(f"{'units':>9} {'Rust 1':>12} {'Rust all':>9} {'binding 1':>12} {'bind all':>9} {'NumPy exact':>12}"
          f" {'NumPy tuned':>12} {'pure Python':>14} {'tuned/Rust':>10} {'tuned/bind':>10}"
          f" {'wall/Rust':>9} {'wall/bind':>9} {'pure/Rust':>9}")
    for n in sizes:
        estate = load_estate(n)
        items = overdue_items(n)
        cols = numpy_columns(n)
        repeats = 2 if n >= 1_000_000 else 3
        arrears = estatekit.Arrears(items)
        tb, wb, total_b = best_of(repeats, binding, estate, schedule, n, arrears, 1)
        _, wba, total_ba = best_of(repeats, binding, estate, schedule, n, arrears, None)
        te, we, (total_e, lines_e, pen_e) = best_of(repeats + 2, numpy_exact, cols)
        tt, wt, (total_t, lines_t, pen_t) = best_of(repeats + 2, numpy_tuned, cols)
        tr, wr, total_r, digest_r = rust[n]
        _, wra, total_ra, digest_ra = rust_all[n]
        if digest_ra != digest_r:
            raise SystemExit(f"line amounts differ at n={n} between one thread and every core")
        totals = {"rust": total_r, "rust, every core": total_ra, "binding": total_b,
                  "binding, every core": total_ba, "numpy exact": Decimal(total_e) * CENT,
                  "numpy tuned": Decimal(total_t) * CENT}
        if not np.array_equal(lines_e, lines_t) or not np.array_equal(pen_e, pen_t):
            raise SystemExit(f"the two NumPy peers differ at n={n}")
        digest_np = numpy_digest(lines_e)
        if digest_np != digest_r:
            raise SystemExit(f"line amounts differ at n={n}: rust digest {digest_r}, numpy {digest_np}")
        if pure:
            units = peer_units(n)
            meters = [meter_params(i) for i in range(n)]
            tp, wp, (totals["pure Python"], bills_p) = best_of(repeats, peer, units, pooled_amount(n), items, meters,
                                                               master_water(n))
            digest_p = digest(line["amount"] for b in bills_p for line in b["lines"])
            if digest_p != digest_r:
                raise SystemExit(f"line amounts differ at n={n}: rust digest {digest_r}, python {digest_p}")
            cents_p = np.fromiter((int(line["amount"] * 100) for b in bills_p for line in b["lines"]), np.int64)
            if not np.array_equal(cents_p, lines_e.reshape(-1)):
                raise SystemExit(f"line amounts differ at n={n}: numpy and pure Python")
            del bills_p, cents_p
        if len(set(totals.values())) != 1:
            raise SystemExit(f"totals differ at n={n}: {totals}")
        if n <= 100_000:
            # Line by line and item by item against the core, through the binding.
            run = binding_run(estate, schedule, n)
            if run.to_json() != estatekit.bill_estate(estate, schedule, 2026, 10, pooled={"common": pooled_amount(n)},
                                                      threads=None).to_json():
                raise SystemExit(f"the binding's run differs at n={n} between one thread and every core")
            digest_b = digest(line.amount for b in run.bills for line in b.lines)
            if digest_b != digest_r:
                raise SystemExit(f"line amounts differ at n={n}: rust digest {digest_r}, binding {digest_b}")
            cents_b = np.array([int(line.amount * 100) for b in run.bills for line in b.lines], np.int64)
            pen_b = np.array([int(a * 100) for a in arrears.late_penalties(AS_OF, daily_rate=DAILY, threads=None)
                              .amounts], np.int64)
            if not np.array_equal(cents_b, lines_e.reshape(-1)) or not np.array_equal(pen_b, pen_e):
                raise SystemExit(f"line or penalty amounts differ at n={n}: numpy and the core")
        per = lambda c, w: f"{c * 1e9 / n:.0f} ({w * 1e9 / n:.0f})"  # noqa: E731
        pure_cells = f"{per(tp, wp):>14} " if pure else f"{'-':>14} "
        print(f"{n:>9} {per(tr, wr):>12} {wra * 1e9 / n:>9.0f} {per(tb, wb):>12} {wba * 1e9 / n:>9.0f}"
              f" {per(te, we):>12} {per(tt, wt):>12} {pure_cells}"
              f"{tt / tr:>10.2f} {tt / tb:>10.2f} {wt / wra:>9.2f} {wt / wba:>9.2f} {(tp / tr if pure else 0):>9.1f}")
    print(f"totals and line amounts agree in all {len(totals)} implementations")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--no-pure"]
    main([int(a) for a in args] or [10_000, 100_000], pure="--no-pure" not in sys.argv[1:])
