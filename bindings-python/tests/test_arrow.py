"""Arrow in and out: ArrowTable (the Arrow PyCapsule interface), to_arrow on runs,
penalty batches, book reports and reminders, classify_arrow, Estate.from_arrow and the
book's importers reading Arrow tables."""

import datetime as dt
import os
import pathlib
from decimal import Decimal

import pytest

import estatekit

pa = pytest.importorskip("pyarrow")
pl = pytest.importorskip("polars")

HERE = pathlib.Path(__file__).resolve().parent
# The development data beside the repository (not part of it); skipped when missing.
SHARED = pathlib.Path(
    os.environ.get("ESTATEKIT_SHARED_DATA", HERE.parent.parent.parent / "shared" / "data")
)

def demo_run(**kw):
    return estatekit.bill_estate(
        estatekit.Estate.demo(), estatekit.FeeSchedule.demo(), 2026, 10,
        pooled={"common_electricity": Decimal("100.00")}, **kw)


def test_run_lines_match_to_records_value_for_value():
    run = demo_run()
    t = pa.table(run.to_arrow())
    records = run.to_records()
    assert t.num_rows == len(records) == 173
    assert t.column_names == list(records[0].keys())
    assert t.schema.field("amount").type == pa.decimal128(38, 2)
    assert t.schema.field("due").type == pa.date32()
    assert t.schema.field("estimated").type == pa.bool_()
    assert t.schema.field("amount").metadata == {b"estatekit.money": b"true"}
    assert t.schema.metadata[b"estatekit.table"] == b"bill_lines"
    assert t.schema.metadata[b"estatekit.schema_version"] == b"1"
    assert t.schema.metadata[b"estatekit.currency"] == b"CNY"
    assert t.to_pylist() == records
    assert sum(t.column("amount").to_pylist()) == run.total


def test_arrow_table_object():
    run = demo_run()
    lines = run.to_arrow()
    assert isinstance(lines, estatekit.ArrowTable)
    assert (lines.num_rows, len(lines)) == (173, 173)
    assert lines.column_names[:3] == ["unit_id", "period_start", "period_end"]
    assert lines.metadata["estatekit.table"] == "bill_lines"
    assert repr(lines) == "ArrowTable(bill_lines, rows=173, columns=12)"
    # The schema capsule alone.
    assert pa.schema(lines).field("amount").type == pa.decimal128(38, 2)
    # Read twice: every call exports a fresh stream.
    assert pa.table(lines).equals(pa.table(lines))


def test_polars_and_pandas_read_the_run():
    run = demo_run()
    df = pl.DataFrame(run.to_arrow())
    assert df.schema["amount"] == pl.Decimal(38, 2)
    # polars >= 2 reads a stream object given to from_arrow as one struct Series.
    assert pl.from_arrow(run.to_arrow()).struct.unnest().equals(df)
    assert run.to_arrow().to_polars().equals(df)
    assert df["amount"].to_list() == [r["amount"] for r in run.to_records()]
    assert pl.DataFrame(run.bills_to_arrow()).height == run.to_arrow().to_polars()["unit_id"].n_unique() == 34
    assert run.to_arrow().to_pyarrow().equals(pa.table(run.to_arrow()))
    pdf = run.to_arrow().to_pandas()
    assert pdf["amount"].sum() == run.total  # Decimal objects: exact
    assert isinstance(pdf["amount"].iloc[0], Decimal)


def test_bills_and_pools():
    run = demo_run()
    bills = pa.table(run.bills_to_arrow())
    assert bills.column_names == ["unit_id", "period_start", "period_end", "issued_on", "lines", "total", "estimated"]
    got = {r["unit_id"]: (r["lines"], r["total"]) for r in bills.to_pylist()}
    want = {b.unit_id: (len(b.lines), b.total) for b in run.bills}
    assert got == want
    assert sum(bills.column("total").to_pylist()) == run.total
    assert bills.column("period_start").to_pylist()[0] == dt.date(2026, 10, 1)
    pools = pa.table(run.pools_to_arrow()).to_pylist()
    assert [(p["code"], p["group"], p["split_amount"], p["participants"]) for p in pools] == [
        (p.code, p.group, p.split_amount, p.participants) for p in run.pools]
    assert pools[0]["source_amount"] == Decimal("100.00")
    assert [p["adjusted_units"] for p in pools] == [p.adjusted_units for p in run.pools]


def test_penalty_batch():
    arrears = estatekit.Arrears([(Decimal("1000.00"), "2026-09-30"), (Decimal("50.00"), "2026-12-31"),
                                 (Decimal("333.33"), "2026-08-31")])
    batch = arrears.late_penalties("2026-10-31", daily_rate=Decimal("0.0005"))
    t = pa.table(batch.to_arrow())
    assert t.column_names == ["index", "penalty"]
    assert t.schema.field("penalty").type == pa.decimal128(38, 2)
    assert t.column("penalty").to_pylist() == batch.amounts
    assert t.column("index").to_pylist() == [0, 1, 2]


def test_book_reports_and_reminders():
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    book = estatekit.Receivables(estate, schedule)
    book.post(demo_run())
    aging = book.aging("2026-12-31", by="building")
    t = pa.table(aging.to_arrow())
    assert t.column_names == aging.columns
    assert t.to_pylist() == aging.to_records()
    assert t.schema.field("total").type == pa.decimal128(38, 2)
    coll = book.collection("2026-10-01", "2026-10-31", "2026-12-31", by="unit")
    assert pa.table(coll.to_arrow()).to_pylist() == coll.to_records()
    reminders = book.reminders("2026-12-31")
    r = pa.table(reminders.to_arrow())
    assert r.to_pylist() == reminders.to_records()
    assert r.num_rows > 0


def test_classify_arrow_matches_classify_batch():
    c = estatekit.TicketClassifier.default()
    texts = ["电梯困人了，快来！", "楼上装修太吵", "物业费怎么交", "hello"]
    t = pa.table(c.classify_arrow(texts))
    want = c.classify_batch(texts)
    assert t.column("category").to_pylist() == [w.category for w in want]
    assert t.column("urgency").to_pylist() == [w.urgency for w in want]
    assert t.column("escalate").to_pylist() == [w.escalate for w in want]
    assert t.column("confidence").to_pylist() == [w.confidence for w in want]
    assert t.column("escalation_advice").to_pylist() == [w.escalation_advice for w in want]


@pytest.mark.skipif(not (SHARED / "en_nyc311_types.csv").exists(), reason="no shared data")
def test_real_complaints_read_with_pyarrow_csv():
    """Real NYC 311 complaint types (data outside the repository), read by pyarrow's
    CSV reader and classified through Arrow: the same results as classify_batch."""
    import pyarrow.csv as pcsv

    table = pcsv.read_csv(SHARED / "en_nyc311_types.csv")
    texts = [f"{a} {b}" for a, b in zip(table.column("complaint_type").to_pylist(),
                                       table.column("descriptor").to_pylist())][:3000]
    c = estatekit.TicketClassifier.default()
    got = pa.table(c.classify_arrow(texts, threads=2))
    assert got.num_rows == len(texts)
    assert got.column("category").to_pylist() == [r.category for r in c.classify_batch(texts, threads=1)]


def estate_tables(estate):
    units = pa.table({
        "id": [u.id for u in estate.units],
        "building_id": [u.building_id for u in estate.units],
        "floor": pa.array([u.floor for u in estate.units], pa.int32()),
        "number": [u.number for u in estate.units],
        "kind": [u.kind for u in estate.units],
        "gross_area": pa.array([u.gross_area for u in estate.units], pa.decimal128(10, 2)),
        "status": [u.status for u in estate.units],
        "delivered_on": pa.array([u.delivered_on for u in estate.units], pa.date32()),
        "status_since": pa.array([u.status_since for u in estate.units], pa.date32()),
        "occupants": pa.array([u.occupants for u in estate.units], pa.int64()),
    })
    meters = pa.table({
        "id": [m.id for m in estate.meters],
        "unit_id": [m.unit_id for m in estate.meters],
        "kind": [m.kind for m in estate.meters],
        "multiplier": pa.array([m.multiplier for m in estate.meters], pa.decimal128(12, 3)),
    })
    rows = [(m.id, r.date, r.value) for m in estate.meters for r in m.readings]
    readings = pa.table({
        "meter_id": [r[0] for r in rows],
        "date": pa.array([r[1] for r in rows], pa.date32()),
        "value": pa.array([r[2] for r in rows], pa.decimal128(18, 3)),
    })
    buildings = pa.table({"id": [b.id for b in estate.buildings], "name": [b.name for b in estate.buildings]})
    return buildings, units, meters, readings


def test_estate_from_arrow_bills_like_the_original():
    demo = estatekit.Estate.demo()
    buildings, units, meters, readings = estate_tables(demo)
    e = estatekit.Estate.from_arrow(id=demo.id, name=demo.name, buildings=buildings, units=units,
                                    meters=meters, readings=readings)
    assert [u.gross_area for u in e.units] == [u.gross_area for u in demo.units]
    sched = estatekit.FeeSchedule.demo()
    a = estatekit.bill_estate(e, sched, 2026, 10, pooled={"common_electricity": Decimal("100.00")})
    b = demo_run()
    assert pa.table(a.to_arrow()).column("amount").to_pylist() == pa.table(b.to_arrow()).column("amount").to_pylist()
    # polars input, buildings from the units' building ids
    e2 = estatekit.Estate.from_arrow(units=pl.from_arrow(units), meters=pl.from_arrow(meters))
    assert (e2.id, e2.name) == ("estate", "estate")
    assert [b.id for b in e2.buildings] == [b.id for b in demo.buildings]
    assert [b.name for b in e2.buildings] == [b.id for b in demo.buildings]


def test_estate_from_arrow_names_bad_cells():
    units = pa.table({
        "id": ["1-101", "1-102", None],
        "building_id": ["B1", "B1", "B1"],
        "floor": pa.array([1, 1, 1], pa.int8()),
        "number": ["101", "102", "103"],
        "kind": pa.array(["residential"] * 3).dictionary_encode(),
        "gross_area": pa.array([89.5, 90.0, 91.0], pa.float64()),
        "status": ["unsold", "unsold", "unsold"],
    })
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.Estate.from_arrow(units=units)
    got = [(p["path"], p["code"]) for p in e.value.problems]
    assert got[:3] == [("units[id=1-101].gross_area", "float_cell"),
                       ("units[id=1-102].gross_area", "float_cell"),
                       ("units[row=3].gross_area", "float_cell")]
    assert ("units[row=3].id", "missing_value") in got
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.Estate.from_arrow(units=units.append_column("blob", pa.array([b"x"] * 3, pa.binary())))
    assert ("units.blob", "unsupported_type") in [(p["path"], p["code"]) for p in e.value.problems]
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.Estate.from_arrow(units=[{"id": "1-101"}])
    assert (e.value.code, e.value.path) == ("wrong_type", "units")


def test_payments_from_arrow_once_only():
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    book = estatekit.Receivables(estate, schedule)
    book.post(demo_run())
    bank = pa.table({
        "unit_id": ["1-101", "1-102", "1-101"],
        "amount": pa.array([Decimal("100.00"), Decimal("-5.00"), Decimal("20.00")], pa.decimal128(12, 2)),
        "date": pa.array([dt.date(2026, 11, 3)] * 3, pa.date32()),
        "ref": ["B-1", "B-2", "B-1"],
    })
    res = book.apply_payments(bank)
    assert [a["row"] for a in res.applied] == [1]
    assert res.applied[0]["amount"] == Decimal("100.00")
    assert [(r["row"], r["ref"], r["code"]) for r in res.rejected] == [
        (2, "B-2", "non_positive_payment"), (3, "B-1", "duplicate_ref")]
    again = book.apply_payments(estatekit.ArrowTable.from_arrow(bank))
    assert (len(again.applied), [a["row"] for a in again.already_applied]) == (0, [1])


def test_from_text_and_from_arrow_round_trip():
    t = estatekit.ArrowTable.from_text(["id", "gross_area"], [["1-101", "89.50"], ["1-102", None]])
    assert pa.table(t).to_pylist() == [{"id": "1-101", "gross_area": "89.50"}, {"id": "1-102", "gross_area": None}]
    back = estatekit.ArrowTable.from_arrow(pa.table(t))
    assert pa.table(back).equals(pa.table(t))
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.ArrowTable.from_text(["a", "b"], [["x"]])
    assert (e.value.code, e.value.path) == ("invalid_arrow", "table")
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.ArrowTable.from_arrow(42)
    assert (e.value.code, e.value.path) == ("wrong_type", "data")


def test_lines_without_explanations():
    run = demo_run()
    full = pa.table(run.to_arrow())
    brief = pa.table(run.to_arrow(explanations=False))
    assert brief.column_names == [c for c in full.column_names if not c.startswith("explanation_")]
    assert brief.equals(full.drop_columns(["explanation_zh", "explanation_en"]))


def test_pandas_frames_with_an_index_and_timestamps():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({
        "id": ["1-101", "1-102"], "building_id": ["B1", "B2"], "floor": [1, 1], "number": ["101", "102"],
        "kind": ["residential", "residential"], "gross_area": ["89.50", "1,120.00"], "status": ["occupied", "unsold"],
        "status_since": pd.to_datetime(["2026-01-05", None]), "delivered_on": pd.to_datetime(["2026-01-05", None]),
    }).set_index("number", drop=False)
    e, norms = estatekit.Estate.from_arrow(units=df, report=True)
    assert [(u.id, u.gross_area, u.delivered_on) for u in e.units] == [
        ("1-101", Decimal("89.50"), dt.date(2026, 1, 5)), ("1-102", Decimal("1120.00"), None)]
    assert [(n["row"], n["id"], n["column"], n["before"], n["after"]) for n in norms] == [
        (2, "1-102", "gross_area", "1,120.00", "1120.00")]
    noon = df.assign(delivered_on=pd.to_datetime(["2026-01-05 12:00", None]))
    with pytest.raises(estatekit.ValidationError) as err:
        estatekit.Estate.from_arrow(units=noon)
    assert [(p["path"], p["code"]) for p in err.value.problems] == [("units[id=1-101].delivered_on", "invalid_date")]


def test_month_readings_from_an_arrow_table():
    """A meter-reading export as an Arrow table: the same run and the same next-month
    estate as the same readings given as dicts."""
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    nov30 = dt.date(2026, 11, 30)
    rows = [{"meter_id": m.id, "date": nov30, "value": m.readings[-1].value + (1000 if m.id == "W-MASTER" else 10)}
            for m in estate.meters if m.readings]
    table = pa.table({
        "meter_id": [r["meter_id"] for r in rows],
        "date": pa.array([r["date"] for r in rows], pa.date32()),
        "value": pa.array([r["value"] for r in rows], pa.decimal128(14, 3)),
    })
    pooled = {"common_electricity": Decimal("100.00")}
    as_dicts = estatekit.bill_estate(estate, schedule, 2026, 11, pooled=pooled, readings=rows)
    as_arrow = estatekit.bill_estate(estate, schedule, 2026, 11, pooled=pooled, readings=table)
    assert as_arrow == as_dicts
    a, b = estate.updated(readings=pl.DataFrame(table)), estate.updated(readings=rows)
    # The same readings (a decimal128(14, 3) column gives 138.000 for 138.0: equal values).
    assert [[(r.date, r.value) for r in m.readings] for m in a.meters] == \
        [[(r.date, r.value) for r in m.readings] for m in b.meters]
    assert str(a.meter("W-MASTER").readings[-1].value).endswith(".000")
    floats = table.set_column(2, "value", pa.array([float(r["value"]) for r in rows]))
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.bill_estate(estate, schedule, 2026, 11, pooled=pooled, readings=floats)
    assert (e.value.code, e.value.path) == ("float_cell", "readings[row=1].value")


def test_a_book_table_with_an_unreadable_column_is_refused_whole():
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    book = estatekit.Receivables(estate, schedule)
    book.post(demo_run())
    before = book.to_json()
    bank = pa.table({"unit_id": ["1-101"], "amount": pa.array([b"x"], pa.binary()),
                     "date": pa.array([dt.date(2026, 11, 3)], pa.date32()), "ref": ["B-1"]})
    with pytest.raises(estatekit.ValidationError) as e:
        book.apply_payments(bank)
    assert e.value.code == "invalid_records"
    assert [(p["path"], p["code"]) for p in e.value.problems] == [("payments.amount", "unsupported_type")]
    assert book.to_json() == before


def test_book_charges_and_payments_as_fact_tables():
    estate, schedule = estatekit.Estate.demo(), estatekit.FeeSchedule.demo()
    run = demo_run()
    book = estatekit.Receivables(estate, schedule)
    book.post(run)
    book.apply_payments([{"unit_id": "1-101", "amount": "400.00", "date": "2026-11-03", "ref": "B-1"}])
    charges = pa.table(book.charges_to_arrow())
    assert charges.num_rows == len(run.to_records())
    assert sum(charges.column("principal").to_pylist()) == run.total
    assert charges.schema.field("principal_outstanding").type == pa.decimal128(38, 2)
    bill = run.bill("1-101").total
    owed = sum(r["principal_outstanding"] for r in charges.to_pylist() if r["unit_id"] == "1-101")
    assert owed == max(bill - Decimal("400.00"), Decimal("0.00"))
    payments = pa.table(book.payments_to_arrow()).to_pylist()
    assert [(p["unit_id"], p["payment_id"], p["date"], p["amount"], p["to_prepaid"], p["reversed_on"])
            for p in payments] == [("1-101", "B-1", dt.date(2026, 11, 3), Decimal("400.00"),
                                    max(Decimal("400.00") - bill, Decimal("0.00")), None)]
