"""The whole month of an estate through the Python binding, stage by stage, from records
(lists of dicts of strings, as a spreadsheet or CSV reader gives them), beside the same
month in Rust (`benches/src/bin/month_workload.rs`, whose JSON line this script reads).

The estate and the bank file are built here with the binary's formulas: 5 buildings of
flats, shops and parking spaces, a water and an electricity meter per flat or shop read
on 2026-09-30 and 2026-10-31, a master water meter; N payments in November with
thousands separators and slash dates, one duplicate row, one reversal row and one row
for an unknown unit. Building these lists is timed as "prepare" (input preparation, not
library time). Then each stage:

    import      Estate.from_records(..., report=True)
    bill        bill_estate(estate, FeeSchedule.demo(), 2026, 10, pooled=...)
    post        Receivables(estate, schedule) + book.post(run)
    payments    book.apply_payments(rows)
    aging       book.aging("2026-12-15", by="building")
    collection  book.collection("2026-10-01", "2026-10-31", "2026-12-15", by="building")
    reminders   book.reminders("2026-12-15", Decimal("1.00"), group)

"library" is the wall time of that call alone; "results" the time of the library's
getters that turn its answer into Python objects (`imp.applied`, `rem.letters`, ...);
"total" the whole stage: call, getters and the Python code reading them. Peak memory is
`ru_maxrss` after each stage. Each size runs in a child process of its own (so its peak
memory is its own), R times (best time of each stage kept). The Python month must give
the same figures (billed, collected, outstanding, penalty, prepaid, report and letter
totals, row counts) as the Rust one, or the script fails.

Usage (from the repository root, with the release wheel installed in the active venv):
    cargo build --release -p estatekit-benches --bin month_workload
    python benches/month_vs_python.py 10000 100000 [--repeat R]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import estatekit
from estatekit import Estate, FeeSchedule, Receivables, bill_estate

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["prepare", "import", "bill", "post", "payments", "aging", "collection", "reminders"]
AS_OF = "2026-12-15"


# --- the month's inputs (the formulas of month_workload.rs) -------------------------------


def money_text(cents: int, commas: bool) -> str:
    whole, frac = divmod(abs(cents), 100)
    digits = f"{whole:,}" if commas else str(whole)
    return f"{'-' if cents < 0 else ''}{digits}.{frac:02d}"


def tenths_text(v: int) -> str:
    return f"{v // 10}.{v % 10}"


def prepare(n: int) -> dict:
    """The estate's tables, the bank file and the owner groups as lists and dicts of
    strings; and the money the bank file brings in, in hundredths."""
    buildings = [{"id": f"B{b}", "name": f"{b}号楼"} for b in range(1, 6)]
    units, meters, readings, payments, group = [], [], [], [], {}
    per = -(-n // 5)
    master_used = collected = reversed_amount = 0
    previous_id = ""
    for i in range(n):
        building, j = i // per + 1, i % per
        floor = j // 20 + 1
        uid = f"{building}-{j + 1:05d}"
        r = i % 20
        kind = "parking" if r == 19 else "commercial" if r == 9 else "residential"
        area = 1000 + i * 7 % 500 if kind == "parking" else 5000 + i * 7919 % 9000
        if i % 10 == 3:
            status = "delivered"
        elif i % 10 == 6:
            status = "rented"
        elif i % 25 == 11:
            status = "decorating"
        else:
            status = "occupied"
        occupants = 1 + i % 4 if status in ("occupied", "rented") and kind != "parking" else 0
        units.append(
            {
                "id": uid,
                "building_id": f"B{building}",
                "floor": str(floor),
                "number": f"{floor}{j % 20 + 1:02d}",
                "kind": kind,
                "gross_area": money_text(area, False),
                "status": status,
                "internal_area": money_text(area * 4 // 5, False),
                "occupants": str(occupants),
                "status_since": "2025-03-01" if status == "rented" else "2024-06-01",
                "delivered_on": "2024/6/1" if i % 7 == 0 else "2024-06-01",
            }
        )
        water = power = 0
        if kind != "parking":
            if status == "delivered":
                water = power = 0
            else:
                water, power = 50 + i * 31 % 250, 1000 + i * 37 % 3000
            master_used += water
            for prefix, mkind, before, used in (
                ("W", "water", 10_000 + i * 7 % 5000, water),
                ("E", "electricity", 200_000 + i * 11 % 90_000, power),
            ):
                meter = f"{prefix}{uid}"
                meters.append({"id": meter, "unit_id": uid, "kind": mkind})
                readings.append({"meter_id": meter, "date": "2026-09-30", "value": tenths_text(before)})
                readings.append({"meter_id": meter, "date": "2026-10-31", "value": tenths_text(before + used)})
        elif i > 0:
            owner = f"O-{previous_id}"
            group[uid] = owner
            group[previous_id] = owner
        if kind == "parking":
            cents = 6500
        elif status == "delivered":
            cents = area * 26 // 10 + 1000
        elif kind == "commercial":
            cents = area * 65 // 10 + water * 38 + power * 6 + 4000
        else:
            cents = area * 37 // 10 + water * 38 + power * 6 + 4000
        cents = (cents + 999) // 1000 * 1000
        if i % 20 == 7:
            cents //= 2
        day = 20 + i % 9 if i % 12 == 5 else 2 + i % 14
        payments.append(
            {
                "unit_id": uid,
                "amount": money_text(cents, i % 3 == 0),
                "date": f"2026/11/{day}" if i % 4 == 0 else f"2026-11-{day:02d}",
                "ref": f"BK-{i + 1:07d}",
            }
        )
        collected += cents
        if i == 1:
            reversed_amount = cents
        previous_id = uid
    meters.append({"id": "W-MASTER", "kind": "water"})
    readings.append({"meter_id": "W-MASTER", "date": "2026-09-30", "value": tenths_text(0)})
    readings.append({"meter_id": "W-MASTER", "date": "2026-10-31", "value": tenths_text(master_used + 10 * n)})
    second = payments[1]
    payments.append(dict(payments[0]))
    payments.append(
        {
            "unit_id": second["unit_id"],
            "amount": f"-{second['amount']}",
            "date": "2026-11-20",
            "ref": "RV-0000001",
            "reverses": second["ref"],
        }
    )
    payments.append({"unit_id": "9-99999", "amount": "100.00", "date": "2026-11-10", "ref": "BK-UNKNOWN"})
    return {
        "buildings": buildings,
        "units": units,
        "meters": meters,
        "readings": readings,
        "payments": payments,
        "group": group,
        "expected_collected": collected - reversed_amount,
    }


# --- the month through the binding ---------------------------------------------------------


class Clock:
    """Per stage: library (the call), results (the getters), total; peak RSS after it."""

    def __init__(self) -> None:
        self.library: dict[str, float] = {}
        self.results: dict[str, float] = {}
        self.total: dict[str, float] = {}
        self.maxrss_kb: dict[str, int] = {}
        self._stage = ""
        self._start = 0.0

    def start(self, stage: str) -> None:
        self._stage = stage
        self.library[stage] = self.results[stage] = 0.0
        self._start = time.perf_counter()

    def call(self, fn, *args, **kwargs):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        self.library[self._stage] += time.perf_counter() - t
        return out

    def get(self, fn):
        t = time.perf_counter()
        out = fn()
        self.results[self._stage] += time.perf_counter() - t
        return out

    def stop(self) -> None:
        self.total[self._stage] = time.perf_counter() - self._start
        self.maxrss_kb[self._stage] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def month(n: int, clock: Clock) -> dict:
    clock.start("prepare")
    inp = prepare(n)
    clock.stop()

    clock.start("import")
    estate, normalisations = clock.call(
        Estate.from_records,
        id="month",
        name="Month bench estate",
        buildings=inp["buildings"],
        units=inp["units"],
        meters=inp["meters"],
        readings=inp["readings"],
        report=True,
    )
    clock.stop()

    clock.start("bill")
    schedule = clock.call(FeeSchedule.demo)
    pooled = {"common_electricity": Decimal(850 * n).scaleb(-2)}
    run = clock.call(bill_estate, estate, schedule, 2026, 10, pooled=pooled)
    exceptions = clock.get(lambda: run.exceptions)
    run_total = clock.get(lambda: run.total)
    clock.stop()
    assert not exceptions, exceptions[:1]

    clock.start("post")
    book = clock.call(Receivables, estate, schedule)
    posted = clock.call(book.post, run)
    lines_posted = clock.get(lambda: posted.posted)
    conflicts = clock.get(lambda: posted.conflicts)
    clock.stop()
    assert not conflicts, conflicts[:1]

    clock.start("payments")
    imp = clock.call(book.apply_payments, inp["payments"])
    # What a back-office script looks at: the rows refused, repeated and reversed.
    rejected = clock.get(lambda: imp.rejected)
    repeated = clock.get(lambda: imp.already_applied)
    reversed_rows = clock.get(lambda: imp.reversed)
    clock.stop()
    assert [r["ref"] for r in rejected] == ["BK-UNKNOWN"], rejected

    clock.start("aging")
    aging = clock.call(book.aging, AS_OF, by="building")
    aging_rows = clock.get(aging.to_records)
    aging_total = sum((r["total"] for r in aging_rows), Decimal(0))
    clock.stop()

    clock.start("collection")
    coll = clock.call(book.collection, "2026-10-01", "2026-10-31", AS_OF, by="building")
    coll_rows = clock.get(coll.to_records)
    coll_billed = sum((r["billed"] for r in coll_rows), Decimal(0))
    coll_collected = sum((r["collected"] for r in coll_rows), Decimal(0))
    clock.stop()

    clock.start("reminders")
    rem = clock.call(book.reminders, AS_OF, Decimal("1.00"), inp["group"])
    letters = clock.get(lambda: rem.letters)
    suppressed = clock.get(lambda: rem.suppressed)
    letters_total = clock.get(lambda: sum((letter.total_due for letter in letters), Decimal(0)))
    suppressed_total = sum((s["total_due"] for s in suppressed), Decimal(0))
    clock.stop()

    # Checks, not timed: the whole lists, the book's totals.
    counts = {
        "applied": len(imp.applied),
        "reversed": len(reversed_rows),
        "already_applied": len(repeated),
        "rejected": len(rejected),
        "normalisations": len(imp.normalisations),
    }
    bills = len(run.bills)
    totals = book.totals(AS_OF)
    return {
        "totals": {k: str(v) for k, v in totals.items()},
        "run_total": str(run_total),
        "bills": bills,
        "lines_posted": lines_posted,
        "normalisations": len(normalisations),
        "payments": counts,
        "aging_rows": len(aging_rows),
        "aging_total": str(aging_total),
        "collection_billed": str(coll_billed),
        "collection_collected": str(coll_collected),
        "letters": len(letters),
        "letters_total": str(letters_total),
        "suppressed": len(suppressed),
        "suppressed_total": str(suppressed_total),
        "expected_collected": str(Decimal(inp["expected_collected"]).scaleb(-2)),
    }


def child(n: int, repeat: int) -> None:
    """One size in this process: the best of `repeat` months, as one JSON line."""
    best: dict[str, dict[str, float]] = {k: {} for k in ("library", "results", "total")}
    first = None
    maxrss: dict[str, int] = {}
    for r in range(repeat):
        clock = Clock()
        out = month(n, clock)
        if r == 0:
            first, maxrss = out, dict(clock.maxrss_kb)
        elif out != first:
            raise SystemExit("a repeated month gave other figures")
        for kind in best:
            for s, v in getattr(clock, kind).items():
                best[kind][s] = min(best[kind].get(s, float("inf")), v)
    print(json.dumps({"n": n, "repeat": repeat, **best, "maxrss_kb": maxrss, "figures": first}))


# --- comparison ----------------------------------------------------------------------------


def same(name: str, py, rust) -> None:
    if isinstance(py, str) and isinstance(rust, str):
        ok = Decimal(py) == Decimal(rust)
    else:
        ok = py == rust
    if not ok:
        raise SystemExit(f"{name}: Python {py!r} ≠ Rust {rust!r}")


def compare(py: dict, rust: dict) -> None:
    f = py["figures"]
    for k in ("billed", "collected", "outstanding", "penalty_accrued", "prepaid", "applied"):
        same(f"totals.{k}", f["totals"][k], rust["totals"][k])
    same("collected = bank file", f["totals"]["collected"], f["expected_collected"])
    for k in (
        "run_total",
        "bills",
        "lines_posted",
        "normalisations",
        "payments",
        "aging_rows",
        "aging_total",
        "collection_billed",
        "collection_collected",
        "letters",
        "letters_total",
        "suppressed",
        "suppressed_total",
    ):
        same(k, f[k], rust[k])


def run_rust(n: int, repeat: int) -> dict:
    exe = ROOT / "target" / "release" / "month_workload"
    if not exe.exists():
        raise SystemExit(f"{exe} not found: cargo build --release -p estatekit-benches --bin month_workload")
    out = subprocess.run([str(exe), str(n), "--repeat", str(repeat)], check=True, capture_output=True, text=True)
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def run_python(n: int, repeat: int) -> dict:
    cmd = [sys.executable, __file__, "--child", str(n), "--repeat", str(repeat)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(sizes: list[int], repeat: int) -> None:
    ext = next(Path(estatekit.__file__).parent.glob("_estatekit*.so"), None)
    size = ext.stat().st_size / 2**20 if ext else 0.0
    print(f"estatekit from {Path(estatekit.__file__).parent} ({size:.0f} MiB extension)")
    if size > 40:
        print("warning: an extension this large is probably a debug build; time a --release wheel")
    for n in sizes:
        rust = run_rust(n, repeat)
        py = run_python(n, repeat)
        compare(py, rust)
        t = rust["totals"]
        print(
            f"\n{n:,} units (best of {repeat}); same figures in both: billed {t['billed']}, "
            f"collected {t['collected']}, outstanding {t['outstanding']}, "
            f"{rust['letters']} letters"
        )
        print("| stage | Rust s | Python library s | Python results s | Python total s | Rust MiB | Python MiB |")
        print("|---|---|---|---|---|---|---|")
        sums = [0.0, 0.0, 0.0, 0.0]
        for s in STAGES:
            row = [rust["seconds"][s], py["library"][s], py["results"][s], py["total"][s]]
            if s != "prepare":
                sums = [a + b for a, b in zip(sums, row)]
            print(
                f"| {s} | {row[0]:.3f} | {row[1]:.3f} | {row[2]:.3f} | {row[3]:.3f} "
                f"| {rust['vm_hwm_kb'][s] / 1024:.0f} | {py['maxrss_kb'][s] / 1024:.0f} |"
            )
        print(f"| month (without prepare) | {sums[0]:.3f} | {sums[1]:.3f} | {sums[2]:.3f} | {sums[3]:.3f} | | |")
        goal = "met" if sums[1] < 3.0 else "NOT met"
        print(f"library share of the Python month: {sums[1]:.2f} s — goal (< 3 s) {goal}")
        print(
            json.dumps(
                {
                    "n": n,
                    "rust": rust["seconds"],
                    "python_library": py["library"],
                    "python_results": py["results"],
                    "python_total": py["total"],
                    "rust_month": sums[0],
                    "python_library_month": sums[1],
                    "python_total_month": sums[3],
                    "rust_peak_rss_kb": rust["peak_rss_kb"],
                    "python_peak_rss_kb": max(py["maxrss_kb"].values()),
                }
            )
        )


if __name__ == "__main__":
    args = sys.argv[1:]
    repeat = 1
    if "--repeat" in args:
        k = args.index("--repeat")
        repeat = int(args[k + 1])
        del args[k : k + 2]
    if args and args[0] == "--child":
        child(int(args[1]), repeat)
    else:
        main([int(a.replace("_", "")) for a in args] or [10_000, 100_000], repeat)
