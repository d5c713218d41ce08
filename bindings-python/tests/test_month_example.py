"""examples/month: generate a 120-unit estate's month, run it, and check what it reports
against values this test recomputes itself, from the CSV files and the library."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pandas")
pytest.importorskip("matplotlib")
openpyxl = pytest.importorskip("openpyxl")

import estatekit  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "month"
UNITS = 120


def _run(*args: Any) -> str:
    r = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{args}\nstdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("month")
    data, out = tmp / "data", tmp / "out"
    _run(EXAMPLE / "generate.py", data, "--units", UNITS)
    stdout = _run(EXAMPLE / "month.py", data, out)
    return {
        "data": data,
        "out": out,
        "stdout": stdout,
        "summary": json.loads((out / "summary.json").read_text(encoding="utf-8")),
        "manifest": json.loads((data / "manifest.json").read_text(encoding="utf-8")),
    }


def _text(data: Path, name: str) -> str:
    return (data / name).read_text(encoding="utf-8")


def _rebill(data: Path) -> estatekit.BillingRun:
    """The month's billing run, made again here from the files."""
    cfg = json.loads(_text(data, "month.json"))
    tables = {t: estatekit.csv_rows(t, _text(data, f"{t}.csv")) for t in ("buildings", "units", "meters", "readings")}
    estate = estatekit.Estate.from_records(id=cfg["estate_id"], name=cfg["estate_name"], buildings=tables["buildings"],
                                           units=tables["units"], meters=tables["meters"], readings=tables["readings"])
    schedule = estatekit.FeeSchedule.from_json(_text(data, "schedule.json"))
    kwargs: dict[str, Any] = {"issued_on": cfg["issued_on"],
                              "pooled": {k: Decimal(v) for k, v in cfg["pooled"].items()}}
    try:
        return estatekit.bill_estate(estate, schedule, cfg["year"], cfg["month"], estimate=3, **kwargs)
    except TypeError:  # an estatekit without estimates
        return estatekit.bill_estate(estate, schedule, cfg["year"], cfg["month"], **kwargs)


def _sheet(out: Path, name: str) -> list[dict[str, Any]]:
    wb = openpyxl.load_workbook(out / "month.xlsx", read_only=True)
    rows = list(wb[name].iter_rows(values_only=True))
    wb.close()
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _exact(value: Any) -> Decimal:
    """A workbook number as the decimal written: the file holds its digits (openpyxl
    writes 16 significant digits); repr gives them back unchanged below 10^15."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return Decimal(repr(value))


def _bank_rows(data: Path) -> list[dict[str, str]]:
    """bank.csv read with the csv module (not the library): BOM, quotes, CRLF."""
    text = (data / "bank.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _amount(cell: str) -> Decimal | None:
    try:
        return Decimal(cell.strip().replace("\u00a0", "").replace(",", ""))
    except InvalidOperation:
        return None


def test_generate_is_deterministic(tmp_path: Path) -> None:
    _run(EXAMPLE / "generate.py", tmp_path / "a", "--units", 60, "--seed", 7)
    _run(EXAMPLE / "generate.py", tmp_path / "b", "--units", 60, "--seed", 7)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "bank.csv" in names and "tickets.csv" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_the_files_carry_the_noise(month: dict[str, Any]) -> None:
    data = month["data"]
    bank = (data / "bank.csv").read_bytes()
    assert bank.startswith(b"\xef\xbb\xbf") and b"\r\n" in bank
    text = bank.decode("utf-8-sig")
    assert re.search(r'"[ \u00a0]?\d{1,3},\d{3}\.\d\d', text)   # a quoted thousands separator
    assert "2026/12/" in text and ",-" in text                  # slash dates, the reversal's negative amount
    units = _text(data, "units.csv")
    assert "/" in units and any(k in units for k in ("Residential", "RESIDENTIAL"))
    assert re.search(r'"[ \u00a0]?1,\d{3}\.\d\d', units)          # an anchor shop above 1,000 m²
    assert "\u00a0" in units or "\u00a0" in text                 # a no-break space somewhere
    water = next(i for i in json.loads(_text(data, "schedule.json"))["items"] if i["code"] == "water")
    assert len(water["rule"]["metered"]["tiers"]) == 3
    assert 200 >= month["manifest"]["tickets"] >= 60


def test_billed_is_the_sum_of_the_posted_bills(month: dict[str, Any]) -> None:
    run = _rebill(month["data"])
    s = month["summary"]
    billed = sum((b.total for b in run.bills), Decimal("0.00"))
    assert Decimal(s["billed"]) == billed == run.total
    assert s["billed"] == str(billed)
    assert int(s["bills"]) == len(run.bills)
    assert int(s["posted_lines"]) == sum(len(b.lines) for b in run.bills)
    # the workbook: one row per bill with its exact total, one per line with its exact amount
    bills = _sheet(month["out"], "bills")
    assert {r["unit_id"]: _exact(r["total"]) for r in bills} == {b.unit_id: b.total for b in run.bills}
    lines = _sheet(month["out"], "lines")
    assert [(r["unit_id"], r["item_code"], _exact(r["amount"])) for r in lines] == [
        (r["unit_id"], r["item_code"], r["amount"]) for r in run.to_records()]


def test_missing_readings_are_set_aside_or_estimated(month: dict[str, Any]) -> None:
    data, s = month["data"], month["summary"]
    planted = month["manifest"]["missing_readings"]
    # found here from the files: meters with readings but none on the month's last day
    dated: dict[str, set[str]] = {}
    for r in csv.DictReader(io.StringIO(_text(data, "readings.csv"))):
        y, m, d = r["date"].replace("/", "-").split("-")
        dated.setdefault(r["meter_id"], set()).add(f"{int(y):04d}-{int(m):02d}-{int(d):02d}")
    assert sorted(m for m, days in dated.items() if "2026-11-30" not in days) == sorted(planted)
    run = _rebill(data)
    estimated = [r["meter_id"] for r in getattr(run, "estimated_readings", [])]
    set_aside = [e["meter_id"] for e in run.exceptions]
    assert sorted(estimated + set_aside) == sorted(planted)
    assert int(s["exceptions"]) == len(set_aside)
    assert int(s["estimated_lines"]) == len(estimated)
    for meter in set_aside:
        assert meter in month["stdout"]


def test_collected_is_the_good_bank_rows_less_the_reversed_one(month: dict[str, Any]) -> None:
    data, s, planted = month["data"], month["summary"], month["manifest"]["bank"]
    unit_ids = {r["id"].strip().replace("\u00a0", "") for r in csv.DictReader(io.StringIO(_text(data, "units.csv")))}
    seen: dict[str, dict[str, str]] = {}
    bad, duplicates, reversals = [], [], []
    for n, row in enumerate(_bank_rows(data), start=1):
        amount = _amount(row["amount"])
        unit = row["unit_id"].strip().replace("\u00a0", "")
        if amount is None:
            bad.append((n, "invalid_decimal"))
        elif unit not in unit_ids:
            bad.append((n, "unknown_reference"))
        elif row["reverses"].strip():
            reversals.append((n, row["reverses"].strip(), amount))
        elif row["ref"] in seen:
            assert seen[row["ref"]] == row   # the same line twice, not another payment
            duplicates.append(n)
        else:
            seen[row["ref"]] = row
    paid: dict[str, Decimal] = {}
    for ref, r in seen.items():
        a = _amount(r["amount"])
        assert a is not None
        paid[ref] = a
    assert len(reversals) == 1
    n, ref, amount = reversals[0]
    assert amount == -paid[ref] and ref == planted["reversal"]["reverses"]
    collected = sum(paid.values(), Decimal("0.00")) - paid[ref]
    assert Decimal(s["collected"]) == collected
    assert s["collected"] == f"{collected:.2f}"

    # rejected: exactly the planted rows, by row number and code, in summary and workbook
    assert bad == [(r["row"], r["code"]) for r in planted["rejected"]]
    rejected = _sheet(month["out"], "rejected")
    assert [(r["row"], r["code"]) for r in rejected] == bad
    assert int(s["rejected_rows"]) == 2
    for r in planted["rejected"]:
        assert f"rejected row {r['row']}: {r['code']}" in month["stdout"]
    assert duplicates == [planted["duplicate"]["row"]]
    assert int(s["already_applied_rows"]) == 1 and int(s["reversed_rows"]) == 1
    assert int(s["applied_rows"]) == len(seen) == planted["payments"]
    payments = _sheet(month["out"], "payments")
    assert [(r["row"], r["status"]) for r in payments if r["status"] != "applied"] == sorted(
        [(duplicates[0], "already_applied"), (n, "reversed")])
    applied = [(r["ref"], _exact(r["amount"])) for r in payments if r["status"] == "applied"]
    assert sorted(applied) == sorted(paid.items())


def test_reports_agree_with_the_totals(month: dict[str, Any]) -> None:
    s, out = month["summary"], month["out"]
    aging = _sheet(out, "aging")
    assert sum((_exact(r["total"]) for r in aging), Decimal("0.00")) == Decimal(s["outstanding"])
    for r in aging:
        buckets = ("not_due", "days_0_30", "days_31_60", "days_61_90", "days_90_plus")
        assert sum(_exact(r[b]) for b in buckets) == _exact(r["total"])
    old = ("days_31_60", "days_61_90", "days_90_plus")
    assert any(_exact(r[b]) > 0 for r in aging for b in old)   # the arrears taken over
    collection = _sheet(out, "collection")
    buildings = {r["id"] for r in csv.DictReader(io.StringIO(_text(month["data"], "buildings.csv")))}
    assert {r["building"] for r in collection} <= buildings and len(collection) >= 3
    assert sum((_exact(r["billed"]) for r in collection), Decimal("0.00")) == Decimal(s["billed"])
    reminders = _sheet(out, "reminders")
    assert len({r["to"] for r in reminders}) == int(s["letters"]) > 0
    letters = (out / "reminders.txt").read_text(encoding="utf-8")
    assert letters.count("催交款通知书") == int(s["letters"])
    tickets = _sheet(out, "tickets")
    assert len(tickets) == int(s["tickets"]) == month["manifest"]["tickets"]
    assert all(r["category"] for r in tickets)
    for key in ("sla_response_rate", "sla_resolution_rate", "satisfaction_rate"):
        assert 0 <= float(s[key]) <= 1


def test_outputs_exist(month: dict[str, Any]) -> None:
    out = month["out"]
    with zipfile.ZipFile(out / "month.xlsx") as z:
        workbook = z.read("xl/workbook.xml").decode()
    for name in ("bills", "lines", "payments", "rejected", "aging", "collection", "reminders", "tickets"):
        assert f'name="{name}"' in workbook
    png = (out / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 50_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1200 and height >= 800
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF")
    s = month["summary"]
    for key in ("billed", "collected", "outstanding", "exceptions", "rejected_rows", "letters", "tickets"):
        assert isinstance(s[key], str), key
