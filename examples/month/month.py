#!/usr/bin/env python3
"""A property office's month, start to finish, through EstateKit alone.

    python examples/month/month.py DATA_DIR OUT_DIR

DATA_DIR holds the files `generate.py` writes (or your own in the same shape). The
month: import the estate from its spreadsheet tables, bill it (non-strict: a unit
without a reading is set aside and listed, or estimated where the library can),
take over the old system's arrears, post the bills, apply the bank file, then report:
aging and collection rate (收缴率) by building, reminder letters (催交款通知书) per
owner, and the month's tickets classified and measured against their SLA.

Outputs in OUT_DIR: month.xlsx, report.png, report.pdf, reminders.txt, summary.json.

Money stays `decimal.Decimal` from the CSV to the workbook: every amount here is one
the library computed; this script adds nothing up. Floats appear only as bar heights
in the charts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import json
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import estatekit

BJ = dt.timezone(dt.timedelta(hours=8))
SHEETS = ["bills", "lines", "payments", "rejected", "aging", "collection", "reminders", "tickets", "exceptions"]


def _supports(func: Any, name: str) -> bool:
    try:
        return name in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def _ts(value: str) -> dt.datetime | None:
    """A ticket timestamp cell (ISO 8601 with offset), None when empty. The binding
    takes only datetimes whose tzinfo is datetime.timezone.utc (a +08:00 datetime is a
    ValueError), so it is converted."""
    value = value.strip()
    return dt.datetime.fromisoformat(value).astimezone(dt.timezone.utc) if value else None


def _local(t: dt.datetime | None) -> str | None:
    """A timestamp for the workbook: Beijing time without offset (Excel has no zones)."""
    return t.astimezone(BJ).strftime("%Y-%m-%d %H:%M") if t else None


class Month:
    """Every step of the month; each leaves its result on the object."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.timings: dict[str, float] = {}
        self.cfg = json.loads(self._text("month.json"))
        self.as_of = dt.date.fromisoformat(self.cfg["as_of"])

    def _text(self, name: str) -> str:
        return (self.data / name).read_text(encoding="utf-8")

    def _step(self, name: str, t0: float) -> None:
        self.timings[name] = time.perf_counter() - t0

    # ---- the steps ---------------------------------------------------------------------

    def load_estate(self) -> None:
        t0 = time.perf_counter()
        tables = {t: estatekit.csv_rows(t, self._text(f"{t}.csv")) for t in ("buildings", "units", "meters", "readings")}
        self.estate, self.estate_norms = estatekit.Estate.from_records(
            id=self.cfg["estate_id"], name=self.cfg["estate_name"], buildings=tables["buildings"],
            units=tables["units"], meters=tables["meters"], readings=tables["readings"], report=True)
        self.schedule = estatekit.FeeSchedule.from_json(self._text("schedule.json"))
        self.owners = {r["unit_id"]: r["owner"] for r in estatekit.csv_rows("owners", self._text("owners.csv"))}
        self._step("estate", t0)

    def bill(self) -> None:
        t0 = time.perf_counter()
        kwargs: dict[str, Any] = {
            "issued_on": self.cfg["issued_on"],
            "pooled": {code: Decimal(amount) for code, amount in self.cfg["pooled"].items()},
            "strict": False,
        }
        # 估抄: estimate a missing reading from the last 3 periods, where the library can.
        self.estimating = _supports(estatekit.bill_estate, "estimate")
        if self.estimating:
            kwargs["estimate"] = 3
        self.run = estatekit.bill_estate(self.estate, self.schedule, self.cfg["year"], self.cfg["month"], **kwargs)
        self.lines = self.run.to_records()
        self.estimated_lines = [r for r in self.lines if r.get("estimated")]
        self.estimated_readings = list(getattr(self.run, "estimated_readings", []) or [])
        self._step("bill", t0)

    def post(self) -> None:
        t0 = time.perf_counter()
        self.book = estatekit.Receivables(self.estate, self.schedule)
        self.opening = self.book.open_balances(estatekit.csv_rows("opening", self._text("opening.csv")))
        self.posted = self.book.post(self.run)
        self._step("post", t0)

    def collect(self) -> None:
        t0 = time.perf_counter()
        self.bank_rows = estatekit.csv_rows("payments", self._text("bank.csv"))
        self.payments = self.book.apply_payments(self.bank_rows)
        self._step("payments", t0)

    def report(self) -> None:
        t0 = time.perf_counter()
        start, end = self.run.period_start, self.run.period_end
        self.aging = self.book.aging(self.as_of, by="building")
        self.collection = self.book.collection(start, end, self.as_of, by="building")
        self.collection_estate = self.book.collection(start, end, self.as_of)[0]
        self.totals = self.book.totals(self.as_of)
        self.reminders = self.book.reminders(self.as_of, min_total=Decimal(self.cfg["reminder_min_total"]),
                                             group=self.owners)
        self.letters_text = [letter.render("zh-CN") for letter in self.reminders.letters]
        self._step("reports", t0)

    def tickets(self) -> None:
        t0 = time.perf_counter()
        rows = estatekit.csv_rows("tickets", self._text("tickets.csv"))
        clf = estatekit.TicketClassifier.default()
        found = clf.classify_batch([r["text"] for r in rows])
        # Front desk and engineers work 08:00-20:00 every day, Beijing time; emergencies
        # always run on calendar time.
        calendar = estatekit.BusinessCalendar.weekly("08:00", "20:00", [0, 1, 2, 3, 4, 5, 6], utc_offset_minutes=480)
        self.sla_policy = estatekit.SlaPolicy(calendar=calendar)
        utc = dt.timezone.utc
        self.ticket_start = dt.datetime.combine(self.run.period_start, dt.time(), tzinfo=BJ).astimezone(utc)
        self.ticket_end = dt.datetime.combine(self.run.period_end + dt.timedelta(days=1), dt.time(),
                                              tzinfo=BJ).astimezone(utc)
        self.flows: list[estatekit.TicketFlow] = []
        self.ticket_rows: list[dict[str, Any]] = []
        for r, c in zip(rows, found):
            received: Any = _ts(r["received_at"])  # required: TicketFlow refuses None
            channel: Any = r["channel"]  # one of the channels, checked by TicketFlow
            flow = estatekit.TicketFlow(
                r["id"], unit=r["unit_id"], channel=channel, received_at=received,
                reporter=r["reporter"], text=r["text"], kind=c.kind, category=c.category, urgency=c.urgency,
                department=c.department, receiver=r["receiver"])
            handler = r["handler"]
            if at := _ts(r["assigned_at"]):
                flow.assign(handler, actor=r["receiver"], at=at)
            if at := _ts(r["started_at"]):
                flow.start(actor=handler, at=at)
            if at := _ts(r["resolved_at"]):
                flow.resolve(r["resolution_note"], actor=handler, at=at)
            if at := _ts(r["visited_at"]):
                flow.return_visit(r["satisfied"] == "是", actor="回访专员", at=at)
            if at := _ts(r["closed_at"]):
                flow.close(actor="客服主管", at=at)
            self.flows.append(flow)
            sla = flow.sla(self.ticket_end, self.sla_policy)
            self.ticket_rows.append({
                "id": flow.id, "unit_id": flow.unit, "channel": flow.channel, "received_at": _local(flow.received_at),
                "text": flow.text, "category": c.category, "kind": c.kind, "urgency": c.urgency,
                "temperament": c.temperament, "department": c.department, "confidence": round(c.confidence, 3),
                "state": flow.state, "owner": flow.owner, "responded_at": _local(flow.responded_at),
                "resolved_at": _local(flow.resolved_at), "response_due": _local(sla.response_due),
                "resolution_due": _local(sla.resolution_due), "response_breached": sla.response_breached,
                "resolution_breached": sla.resolution_breached, "satisfied": flow.satisfied,
            })
        self.stats = estatekit.ticket_statistics(self.flows, self.ticket_start, self.ticket_end,
                                                 units=self.estate.summary().units, policy=self.sla_policy)
        self._step("tickets", t0)

    # ---- outputs -----------------------------------------------------------------------

    def summary(self) -> dict[str, Any]:
        s, t, p = self.stats, self.totals, self.payments

        def rate(x: float | None) -> str | None:
            return None if x is None else f"{x:.4f}"

        return {
            "estate": self.estate.name,
            "period": f"{self.run.period_start} .. {self.run.period_end}",
            "as_of": self.as_of.isoformat(),
            "units": str(self.estate.summary().units),
            "estate_normalisations": str(len(self.estate_norms)),
            "billed": str(self.run.total),
            "bills": str(len(self.run.bills)),
            "exceptions": str(len(self.run.exceptions)),
            "estimated_lines": str(len(self.estimated_lines)),
            "posted_lines": str(self.posted.posted),
            "opening_items": str(len(self.opening.posted)),
            "collected": str(t["collected"]),
            "applied_rows": str(len(p.applied)),
            "reversed_rows": str(len(p.reversed)),
            "already_applied_rows": str(len(p.already_applied)),
            "rejected_rows": str(len(p.rejected)),
            "bank_normalisations": str(len(p.normalisations)),
            "outstanding": str(t["outstanding"]),
            "penalty_accrued": str(t["penalty_accrued"]),
            "prepaid": str(t["prepaid"]),
            "collection_rate": None if self.collection_estate["rate"] is None else str(self.collection_estate["rate"]),
            "letters": str(len(self.reminders.letters)),
            "letters_suppressed": str(len(self.reminders.suppressed)),
            "tickets": str(s.total),
            "sla_response_rate": rate(s.response_rate),
            "sla_resolution_rate": rate(s.resolution_rate),
            "satisfaction_rate": rate(s.satisfaction_rate),
            "complaints_per_100_units": rate(s.complaints_per_100_units),
        }

    def print_summary(self, out: Path) -> None:
        p, s = self.payments, self.summary()
        print(f"{self.estate.name} {self.run.period_start:%Y-%m}: {s['units']} units, "
              f"{len(self.estate_norms)} cells normalised on import")
        print(f"billed {s['billed']} in {s['bills']} bills; {s['exceptions']} set aside:")
        for e in self.run.exceptions:
            print(f"  {e['unit_id'] or e['item_code']}: {e['code']} ({e['meter_id']})")
        if self.estimating:
            print(f"estimated (估抄) {len(self.estimated_readings)} readings, {len(self.estimated_lines)} lines:")
            for r in self.estimated_lines:
                print(f"  {r['unit_id']} {r['item_code']} {r['amount']}: {r['explanation_zh']}")
        else:
            print("(this estatekit cannot estimate readings: bill_estate has no `estimate`)")
        print(f"opening arrears: {len(self.opening.posted)} items; posted {self.posted.posted} lines, "
              f"{self.posted.already_posted} already posted, {len(self.posted.conflicts)} conflicts")
        print(f"bank file: {len(self.bank_rows)} rows, {len(p.normalisations)} cells normalised; "
              f"applied {len(p.applied)}, reversed {len(p.reversed)}, already applied {len(p.already_applied)}, "
              f"rejected {len(p.rejected)}")
        for r in p.reversed:
            print(f"  reversed row {r['row']}: {r['ref']} {r['unit_id']} {r['amount']} ({r['reason']})")
        for r in p.already_applied:
            print(f"  already applied row {r['row']}: {r['ref']} {r['unit_id']}")
        for r in p.rejected:
            print(f"  rejected row {r['row']}: {r['code']} at {r['path']}: {r['message']}")
        print(f"collected {s['collected']}, outstanding {s['outstanding']} (penalty accrued "
              f"{s['penalty_accrued']}), 收缴率 {s['collection_rate']} as of {s['as_of']}")
        print(f"reminders: {s['letters']} letters, {s['letters_suppressed']} below the minimum")
        cats = ", ".join(f"{k} {v}" for k, v in sorted(self.stats.by_category.items(), key=lambda kv: -kv[1])[:6])
        print(f"tickets: {s['tickets']} ({cats}, ...); SLA response {s['sla_response_rate']}, "
              f"resolution {s['sla_resolution_rate']}, satisfaction {s['satisfaction_rate']}")
        print(f"wrote {out}/month.xlsx, report.png, report.pdf, reminders.txt, summary.json")

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        (out / "reminders.txt").write_text(("\n\n" + "-" * 40 + "\n\n").join(self.letters_text) + "\n",
                                           encoding="utf-8")
        self.write_workbook(out / "month.xlsx")
        self._step("xlsx", t0)
        t0 = time.perf_counter()
        self.write_charts(out / "report.png", out / "report.pdf")
        self._step("charts", t0)
        summary = self.summary()
        summary["seconds"] = {k: f"{v:.2f}" for k, v in self.timings.items()}
        (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def sheets(self) -> dict[str, list[dict[str, Any]]]:
        units = {u.id: u for u in self.estate.units}
        bills = []
        for b in self.run.bills:
            u = units[b.unit_id]
            bills.append({
                "unit_id": b.unit_id, "building": u.building_id, "kind": u.kind, "status": u.status,
                "owner": self.owners.get(b.unit_id), "lines": len(b.lines), "total": b.total,
                "issued_on": b.issued_on, "due": min((ln.due for ln in b.lines), default=None),
                "estimated": any(r["unit_id"] == b.unit_id for r in self.estimated_lines),
                "explanation": "\n".join(b.explain("zh-CN")),
            })

        def applied_text(applied: list[tuple[str, Decimal, Decimal]]) -> str:
            return "; ".join(f"{c}: {p} + {pen}" for c, p, pen in applied)

        p = self.payments
        payments = (
            [{"row": r["row"], "status": "applied", "ref": r["ref"], "unit_id": r["unit_id"], "amount": r["amount"],
              "date": r["date"], "to_prepaid": r["to_prepaid"], "detail": applied_text(r["applied"])} for r in p.applied]
            + [{"row": r["row"], "status": "reversed", "ref": r["ref"], "unit_id": r["unit_id"], "amount": r["amount"],
                "date": r["date"], "to_prepaid": None, "detail": f"{r['reversed_on']} {r['reason']}"} for r in p.reversed]
            + [{"row": r["row"], "status": "already_applied", "ref": r["ref"], "unit_id": r["unit_id"], "amount": None,
                "date": None, "to_prepaid": None, "detail": ""} for r in p.already_applied]
        )
        payments.sort(key=lambda r: r["row"])
        rejected = [{k: r[k] for k in ("row", "ref", "code", "path", "message")} for r in p.rejected]
        lines = [{k: v for k, v in r.items()} for r in self.lines]
        return {
            "bills": bills,
            "lines": lines,
            "payments": payments,
            "rejected": rejected,
            "aging": self.aging.to_records(),
            "collection": self.collection.to_records(),
            "reminders": self.reminders.to_records(),
            "tickets": self.ticket_rows,
            "exceptions": list(self.run.exceptions),
        }

    def write_workbook(self, path: Path) -> None:
        import pandas as pd

        columns = {  # headers of a sheet that happens to be empty
            "rejected": ["row", "ref", "code", "path", "message"],
            "exceptions": ["unit_id", "item_code", "meter_id", "code", "path", "message"],
            "aging": self.aging.columns, "collection": self.collection.columns,
        }
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            for name, rows in self.sheets().items():
                # object columns: Decimal stays Decimal (openpyxl writes its exact digits)
                df = pd.DataFrame(rows, columns=columns.get(name)) if rows or name in columns else pd.DataFrame()
                df.to_excel(xw, sheet_name=name, index=False)
                ws = xw.sheets[name]
                ws.freeze_panes = "A2"
                for col in ws.columns:
                    width = max((len(str(c.value)) for c in col[:200] if c.value is not None), default=8)
                    ws.column_dimensions[col[0].column_letter].width = min(60, max(8, width + 2))
                for row in ws.iter_rows(min_row=2):
                    for cell in row:
                        if isinstance(cell.value, Decimal):
                            cell.number_format = "#,##0.00##"

    def write_charts(self, png: Path, pdf: Path) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import font_manager

        cjk = next((f.name for f in font_manager.fontManager.ttflist if f.name in (
            "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
            "Microsoft YaHei", "SimHei", "PingFang SC")), None)
        if cjk:
            plt.rcParams["font.sans-serif"] = [cjk, "DejaVu Sans"]
        names = {b.id: (b.name if cjk else b.id) for b in self.estate.buildings}
        target = float(Decimal(self.cfg["collection_target"]))

        fig = plt.figure(figsize=(16.5, 11.7), constrained_layout=True)  # A3 landscape: one page
        gs = fig.add_gridspec(2, 3, width_ratios=[1.5, 1.5, 1.0])
        title = self.estate.name if cjk else self.estate.id
        fig.suptitle(f"{title}: month {self.run.period_start:%Y-%m}, as of {self.as_of}", fontsize=16,
                     fontweight="bold")

        ax = fig.add_subplot(gs[0, 0:2])
        coll = [r for r in self.collection.to_records() if r["rate"] is not None]
        xs = [names.get(r["building"], r["building"]) for r in coll]
        rates = [float(r["rate"]) * 100 for r in coll]
        colors = ["#2e7d32" if r >= target * 100 else "#c62828" for r in rates]
        bars = ax.bar(xs, rates, color=colors, label="collection rate")
        ax.axhline(target * 100, color="#1565c0", linestyle="--", linewidth=2, label=f"target {target:.0%}")
        if len(xs) <= 30:
            ax.bar_label(bars, labels=[f"{r:.1f}" for r in rates], fontsize=8, padding=2)
        ax.set_ylim(min([80.0] + rates) - 5, 104)
        ax.set_ylabel("collected / billed (%)")
        ax.set_title(f"Collection rate by building ({self.run.period_start:%Y-%m} bills, paid by {self.as_of})")
        ax.legend(loc="lower left")
        ax.tick_params(axis="x", rotation=60 if len(xs) > 12 else 0)

        ax = fig.add_subplot(gs[0, 2])
        ax.axis("off")
        s = self.summary()

        def pct(x: str | None) -> str:
            return "n/a" if x is None else f"{float(x):.1%}"

        kpis = [
            ("Billed", s["billed"]), ("Collected", s["collected"]), ("Outstanding", s["outstanding"]),
            ("Collection rate", pct(s["collection_rate"])),
            ("SLA response", pct(s["sla_response_rate"])), ("SLA resolution", pct(s["sla_resolution_rate"])),
            ("Satisfaction", pct(s["satisfaction_rate"])),
            ("Tickets", s["tickets"]), ("Reminder letters", s["letters"]),
            ("Bills set aside", s["exceptions"]), ("Bank rows rejected", s["rejected_rows"]),
        ]
        for i, (k, v) in enumerate(kpis):
            y = 0.97 - i * 0.088
            ax.text(0.0, y, k, fontsize=12, va="top", color="#555555", transform=ax.transAxes)
            ax.text(1.0, y, v, fontsize=15, va="top", ha="right", fontweight="bold", transform=ax.transAxes)

        ax = fig.add_subplot(gs[1, 0:2])
        aging = self.aging.to_records()
        buckets = [("not_due", "not due"), ("days_0_30", "0-30 d"), ("days_31_60", "31-60 d"),
                   ("days_61_90", "61-90 d"), ("days_90_plus", "90+ d")]
        xs = [names.get(r["building"], r["building"]) for r in aging]
        bottom = [0.0] * len(aging)
        palette = ["#b0bec5", "#ffcc80", "#ffa726", "#ef6c00", "#b71c1c"]
        for (key, label), color in zip(buckets, palette):
            heights = [float(r[key]) for r in aging]
            ax.bar(xs, heights, bottom=bottom, label=label, color=color)
            bottom = [b + h for b, h in zip(bottom, heights)]
        ax.set_ylabel(f"owed ({self.estate.currency})")
        ax.set_title(f"Aging of what is owed, by building, as of {self.as_of}")
        ax.legend(ncol=5, loc="upper left")
        ax.margins(y=0.15)
        ax.tick_params(axis="x", rotation=60 if len(xs) > 12 else 0)

        ax = fig.add_subplot(gs[1, 2])
        cats = sorted(self.stats.by_category.items(), key=lambda kv: kv[1])
        ax.barh([k for k, _ in cats], [v for _, v in cats], color="#5c6bc0")
        ax.set_title(f"Tickets by category ({self.stats.total})")
        ax.set_xlabel("tickets")
        fig.savefig(png, dpi=110)
        fig.savefig(pdf)
        plt.close(fig)


def run_month(data: Path, out: Path) -> Month:
    m = Month(data)
    m.load_estate()
    m.bill()
    m.post()
    m.collect()
    m.report()
    m.tickets()
    m.write(out)
    return m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path, help="directory with the month's files (generate.py writes them)")
    ap.add_argument("out", type=Path, help="directory for month.xlsx, report.png/.pdf, summary.json")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    m = run_month(a.data, a.out)
    m.print_summary(a.out)
    steps = ", ".join(f"{k} {v:.2f}s" for k, v in m.timings.items())
    print(f"done in {time.perf_counter() - t0:.1f}s ({steps})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
