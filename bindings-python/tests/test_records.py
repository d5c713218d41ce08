"""Estate.from_records: spreadsheet tables (dicts or DataFrames) into an estate."""

import datetime as dt
import math
from decimal import Decimal

import pytest

import estatekit

BUILDINGS = [{"id": "B1", "name": "1号楼"}, {"id": "B3", "name": "3号楼"}]


def messy_units():
    return [
        {"id": " 3-1-1201 ", "building_id": "B3", "floor": 12, "number": "1201", "kind": "residential",
         "gross_area": "1,234.50", "internal_area": None, "occupants": "0", "status": "occupied",
         "status_since": "2026/11/05", "delivered_on": "2026/1/5"},
        {"id": "3-1-1202\u00a0", "building_id": "B3", "floor": "12", "number": 1202, "kind": "Residential",
         "gross_area": Decimal("89.50"), "internal_area": math.nan, "occupants": "", "status": "unsold",
         "status_since": "", "delivered_on": None},
        {"id": "3-1-1205", "building_id": "B3", "floor": -1, "number": "P05", "kind": "parking",
         "gross_area": "12.5", "occupants": 0, "status": "delivered",
         "status_since": dt.date(2026, 11, 5), "delivered_on": dt.datetime(2026, 11, 5, 0, 0)},
    ]


METERS = [{"id": "\u3000W1", "unit_id": "3-1-1201", "kind": "Water", "multiplier": 1},
          {"id": "M1", "unit_id": None, "kind": "electricity", "multiplier": "1,000"}]
READINGS = [{"meter_id": "W1", "date": "2026/10/31", "value": "18.0"},
            {"meter_id": "W1", "date": dt.date(2026, 11, 30), "value": " 20 "},
            {"meter_id": "M1", "date": "2026/11/30", "value": "12,345.6"}]


def test_messy_spreadsheet_loads_with_every_normalisation():
    estate, norms = estatekit.Estate.from_records(
        id="e1", name="Messy", buildings=BUILDINGS, units=messy_units(), meters=METERS,
        readings=READINGS, report=True)
    assert [(n["table"], n["row"], n["id"], n["column"], n["before"], n["after"]) for n in norms] == [
        ("units", 1, "3-1-1201", "id", " 3-1-1201 ", "3-1-1201"),
        ("units", 1, "3-1-1201", "gross_area", "1,234.50", "1234.50"),
        ("units", 1, "3-1-1201", "status_since", "2026/11/05", "2026-11-05"),
        ("units", 1, "3-1-1201", "delivered_on", "2026/1/5", "2026-01-05"),
        ("units", 2, "3-1-1202", "id", "3-1-1202\u00a0", "3-1-1202"),
        ("units", 2, "3-1-1202", "kind", "Residential", "residential"),
        ("meters", 1, "W1", "id", "\u3000W1", "W1"),
        ("meters", 1, "W1", "kind", "Water", "water"),
        ("meters", 2, "M1", "multiplier", "1,000", "1000"),
        ("readings", 1, "W1@2026-10-31", "date", "2026/10/31", "2026-10-31"),
        ("readings", 2, "W1@2026-11-30", "value", " 20 ", "20"),
        ("readings", 3, "M1@2026-11-30", "date", "2026/11/30", "2026-11-30"),
        ("readings", 3, "M1@2026-11-30", "value", "12,345.6", "12345.6"),
    ]
    u = estate.unit("3-1-1201")
    assert (u.gross_area, u.delivered_on, u.occupants) == (Decimal("1234.50"), dt.date(2026, 1, 5), 0)
    u = estate.unit("3-1-1202")
    assert (u.number, u.internal_area, u.status_since) == ("1202", None, None)
    assert estate.unit("3-1-1205").delivered_on == dt.date(2026, 11, 5)
    assert estate.meter("M1").multiplier == Decimal("1000")
    assert [r.value for r in estate.meter("W1").readings] == [Decimal("18.0"), Decimal("20")]
    # Without report=True, just the estate.
    again = estatekit.Estate.from_records(id="e1", name="Messy", buildings=BUILDINGS, units=messy_units(),
                                          meters=METERS, readings=READINGS)
    assert again == estate


def bad_units():
    base = {"building_id": "B3", "floor": 12, "kind": "residential", "gross_area": "80", "status": "unsold"}
    rows = [
        {"id": "3-1-1201", "number": "1201", "gross_area": "1,234.50", "occupants": 0, "status": "occupied",
         "status_since": "2026/11/05", "delivered_on": "2026/1/5"},
        {"id": "3-1-1202", "number": "1202", "gross_area": 89.5},                       # float
        {"id": "3-1-1203", "number": "1203", "gross_area": "abc"},
        {"id": "3-1-1204", "number": "1204", "status": "occupied", "status_since": "",
         "delivered_on": "2026/11/05"},
        {"id": "3-1-1205", "number": "1205", "status": "delivered", "status_since": "05.11.2026",
         "delivered_on": "2026-11-05"},
        {"id": "3-1-1206", "number": "1206", "building_id": "B9", "kind": "house", "occupants": "x"},
        {"id": "3-1-1201", "number": "1201"},
        {"id": "3-1-1208", "number": "1208", "internal_area": "90"},
        {"id": None, "number": "1209"},
        {"id": "3-1-1210", "number": "1210", "occupants": 2, "status": "delivered",
         "status_since": "2026-02-01", "delivered_on": "2026-02-01"},
        {"id": "3-1-1211", "number": "1211", "floor": "1.5", "status": "delivered",
         "status_since": "2026-02-30", "delivered_on": "2026-02-01", "remarks": "corner"},
    ]
    return [{**base, **r} for r in rows]


def test_every_problem_at_once_by_id():
    meters = [{"id": "W1", "unit_id": "3-1-1201", "kind": "water"},
              {"id": "W2", "unit_id": "3-1-9999", "kind": "water"},
              {"id": "W3", "kind": "gas", "multiplier": 0}]
    readings = [{"meter_id": "W1", "date": "2026/10/31", "value": "18.0"},
                {"meter_id": "W1", "date": "2026-09-30", "value": "10.5"},
                {"meter_id": "W9", "date": "2026-10-31", "value": 1},
                {"meter_id": "W1", "date": "2026-11-30", "value": None}]
    with pytest.raises(estatekit.ValidationError) as info:
        estatekit.Estate.from_records(id="e1", name="Messy", buildings=BUILDINGS, units=bad_units(),
                                      meters=meters, readings=readings)
    e = info.value
    assert (e.code, e.path, e.more) == ("invalid_records", "units.remarks", 0)
    assert [(p["table"], p["row"], p["id"], p["column"], p["code"]) for p in e.problems] == [
        ("units", 0, None, "remarks", "unknown_column"),
        ("units", 2, "3-1-1202", "gross_area", "float_cell"),
        ("units", 3, "3-1-1203", "gross_area", "invalid_decimal"),
        ("units", 4, "3-1-1204", "status_since", "missing_value"),
        ("units", 5, "3-1-1205", "status_since", "invalid_date"),
        ("units", 6, "3-1-1206", "building_id", "unknown_building"),
        ("units", 6, "3-1-1206", "kind", "invalid_choice"),
        ("units", 6, "3-1-1206", "occupants", "invalid_integer"),
        ("units", 7, "3-1-1201", "id", "duplicate_id"),
        ("units", 8, "3-1-1208", "internal_area", "internal_area_exceeds_gross"),
        ("units", 9, None, "id", "missing_value"),
        ("units", 10, "3-1-1210", "occupants", "conflicting_fields"),
        ("units", 11, "3-1-1211", "floor", "invalid_integer"),
        ("units", 11, "3-1-1211", "status_since", "invalid_date"),
        ("meters", 2, "W2", "unit_id", "unknown_unit"),
        ("meters", 3, "W3", "multiplier", "out_of_range"),
        ("readings", 2, "W1@2026-09-30", "date", "not_increasing"),
        ("readings", 3, "W9@2026-10-31", "meter_id", "unknown_meter"),
        ("readings", 4, "W1@2026-11-30", "value", "missing_value"),
    ]
    by_path = {p["path"]: p["message"] for p in e.problems}
    assert by_path["units[id=3-1-1202].gross_area"].startswith("got the float 89.5; a float cannot hold")
    assert by_path["units[id=3-1-1205].status_since"] == \
        'expected a date as YYYY-MM-DD or YYYY/MM/DD, got "05.11.2026"'
    assert by_path["units[id=3-1-1204].status_since"] == "required for a unit that is occupied"
    assert by_path["units[row=9].id"] == "id is required and the cell is empty"
    assert str(e).startswith("19 problems in the tables; units.remarks: unknown column \"remarks\"")
    assert str(e).endswith("; … and 14 more")


def test_a_pandas_dataframe_with_nan_and_timestamps():
    pd = pytest.importorskip("pandas")
    units = pd.DataFrame(messy_units())
    # A column with a missing value: pandas holds NaN (missing) and the rest as objects.
    units["delivered_on"] = pd.to_datetime(["2026-01-05", None, "2026-11-05"])
    estate, norms = estatekit.Estate.from_records(
        id="e1", name="Frame", buildings=pd.DataFrame(BUILDINGS), units=units,
        meters=pd.DataFrame(METERS), readings=pd.DataFrame(READINGS), report=True)
    assert estate.unit("3-1-1201").delivered_on == dt.date(2026, 1, 5)
    assert estate.unit("3-1-1202").internal_area is None
    assert len(norms) == 12  # delivered_on came as a Timestamp, not "2026/1/5"
    floats = pd.DataFrame([{"id": "B3", "name": 1.5}])
    with pytest.raises(estatekit.ValidationError) as info:
        estatekit.Estate.from_records(id="e1", name="x", buildings=floats, units=units)
    assert [(p["path"], p["code"]) for p in info.value.problems] == [("buildings[id=B3].name", "float_cell")]


def test_three_thousand_units():
    units = [{"id": f"U{i:04}", "building_id": "B1", "floor": 1 + i // 100, "number": f"{i:04}",
              "kind": "residential", "gross_area": f"{60 + i % 90}.50", "status": "occupied",
              "occupants": i % 4, "delivered_on": "2024/6/1", "status_since": "2024-06-01"} for i in range(3000)]
    estate, norms = estatekit.Estate.from_records(id="big", name="Big", buildings=BUILDINGS, units=units,
                                                  report=True)
    s = estate.summary()
    assert (s.units, s.buildings, len(norms)) == (3000, 2, 3000)
    assert estate.unit("U2999").gross_area == Decimal("89.50")
    for u in units:
        u["gross_area"] = "n/a"
    with pytest.raises(estatekit.ValidationError) as info:
        estatekit.Estate.from_records(id="big", name="Big", buildings=BUILDINGS, units=units)
    assert (len(info.value.problems), info.value.more) == (1000, 2000)


def test_demo_through_records_is_the_demo():
    demo = estatekit.Estate.demo()
    units = [{"id": u.id, "building_id": u.building_id, "floor": u.floor, "number": u.number, "kind": u.kind,
              "gross_area": u.gross_area, "internal_area": u.internal_area, "occupants": u.occupants,
              "status": u.status, "status_since": u.status_since, "delivered_on": u.delivered_on}
             for u in demo.units]
    meters = [{"id": m.id, "unit_id": m.unit_id, "kind": m.kind, "multiplier": m.multiplier} for m in demo.meters]
    readings = [{"meter_id": m.id, "date": r.date, "value": r.value} for m in demo.meters for r in m.readings]
    back, norms = estatekit.Estate.from_records(
        id=demo.id, name=demo.name, buildings=[{"id": b.id, "name": b.name} for b in demo.buildings],
        units=units, meters=meters, readings=readings, rounding=demo.rounding, report=True)
    assert back == demo
    assert norms == []
