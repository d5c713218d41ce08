"""Estate loading, access and validation errors."""

import datetime
import json
from decimal import Decimal

import pytest

import estatekit
from estatekit import Estate, ValidationError


def minimal() -> dict:
    return {
        "id": "e1",
        "name": "Test Estate",
        "currency": "CNY",
        "buildings": [{"id": "B1", "name": "1号楼"}],
        "units": [
            {"id": "1-101", "building_id": "B1", "floor": 1, "number": "101", "kind": "residential",
             "gross_area": "89.50", "internal_area": "72.36", "occupants": 3, "status": "occupied",
             "delivered_on": "2024-06-01", "status_since": "2024-08-01"},
            {"id": "P-01", "building_id": "B1", "floor": -1, "number": "P01", "kind": "parking",
             "gross_area": "12.50", "status": "unsold"},
        ],
        "meters": [{"id": "W1", "unit_id": "1-101", "kind": "water", "multiplier": "1",
                    "readings": [{"date": "2026-09-30", "value": "10.5"}, {"date": "2026-10-31", "value": "18.0"}]}],
    }


def test_demo_estate() -> None:
    e = Estate.demo()
    assert (e.id, e.currency, len(e.buildings), len(e.units)) == ("lakeside", "CNY", 2, 40)
    s = e.summary()
    assert s.by_kind == {"residential": 30, "commercial": 2, "parking": 6, "storage": 2}
    assert s.by_status == {"unsold": 6, "delivered": 5, "occupied": 24, "decorating": 2, "rented": 3}
    assert s.total_gross_area == Decimal("3096.60")
    assert s.total_internal_area == Decimal("2461.80")
    assert (s.occupants, s.meters) == (55, 85)


def test_typed_attributes() -> None:
    e = Estate.from_json(json.dumps(minimal()))
    u = e.unit("1-101")
    assert u is not None
    assert (u.id, u.building_id, u.floor, u.number, u.kind, u.status) == ("1-101", "B1", 1, "101", "residential", "occupied")
    assert u.gross_area == Decimal("89.50") and str(u.gross_area) == "89.50"
    assert u.internal_area == Decimal("72.36")
    assert u.delivered_on == datetime.date(2024, 6, 1)
    assert u.status_since == datetime.date(2024, 8, 1)
    assert u.area(internal=True) == Decimal("72.36") and u.area() == Decimal("89.50")
    assert u.is_delivered and u.occupants == 3
    p = e.unit("P-01")
    assert p is not None and p.internal_area is None and p.delivered_on is None and not p.is_delivered
    assert e.unit("nope") is None
    assert e.building("B1") is not None and e.building("B1").name == "1号楼"  # type: ignore[union-attr]
    (m,) = e.meters_of("1-101")
    assert (m.id, m.kind, m.multiplier, m.unit_id) == ("W1", "water", Decimal("1"), "1-101")
    assert [(r.date, r.value) for r in m.readings] == [
        (datetime.date(2026, 9, 30), Decimal("10.5")),
        (datetime.date(2026, 10, 31), Decimal("18.0")),
    ]
    assert e.rounding == estatekit.RoundingPolicy(2, "half_up")


def test_json_round_trip() -> None:
    e = Estate.demo()
    again = Estate.from_json(e.to_json())
    assert again == e
    assert again.to_json() == e.to_json()


def test_pooled_bill_split_among_delivered_units() -> None:
    e = Estate.demo()
    delivered = [u for u in e.units if u.is_delivered]
    parts = estatekit.allocate(Decimal("3540.00"), [u.gross_area for u in delivered])
    assert len(parts) == 34
    assert sum(parts) == Decimal("3540.00")
    assert parts[0] == Decimal("111.84")


def edit(path: list, value: object) -> dict:
    doc = minimal()
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("doc", "code", "path"),
    [
        (edit(["units", 0, "gross_area"], "-1"), "non_positive_area", "units[0].gross_area"),
        (edit(["units", 0, "internal_area"], "90"), "internal_area_exceeds_gross", "units[0].internal_area"),
        (edit(["units", 1, "id"], "1-101"), "duplicate_id", "units[1].id"),
        (edit(["units", 1, "building_id"], "B9"), "unknown_building", "units[1].building_id"),
        (edit(["meters", 0, "unit_id"], "9-999"), "unknown_unit", "meters[0].unit_id"),
        (edit(["currency"], "yuan"), "invalid_currency", "currency"),
        (edit(["units", 0, "gross_area"], 89.5), "json", "units[0].gross_area"),
        (edit(["units", 0, "kind"], "castle"), "json", "units[0].kind"),
        (edit(["units", 0, "delivered_on"], "2026-02-30"), "json", "units[0].delivered_on"),
        (edit(["units", 0, "number"], KeyError), "json", "units[0].number"),
        (edit(["format_version"], 9), "unsupported_format_version", "format_version"),
        (edit(["meters", 0, "readings", 1, "date"], "2026-09-01"), "not_increasing", "meters[0].readings[1].date"),
    ],
)
def test_invalid_estates_name_the_field(doc: dict, code: str, path: str) -> None:
    with pytest.raises(ValidationError) as info:
        Estate.from_json(json.dumps(doc))
    assert (info.value.code, info.value.path) == (code, path)
    assert str(info.value).startswith(path + ": ")


def test_internal_area_message() -> None:
    with pytest.raises(ValueError, match=r"^units\[0\]\.internal_area: internal area 90 exceeds gross area 89\.50$"):
        Estate.from_json(json.dumps(edit(["units", 0, "internal_area"], "90")))


@pytest.mark.parametrize("text", ["", "{", "[]", "null", '{"id": 1}'])
def test_malformed_json(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        Estate.from_json(text)
    assert info.value.code == "json"


def test_objects_are_immutable() -> None:
    u = Estate.demo().units[0]
    with pytest.raises(AttributeError):
        u.gross_area = Decimal(1)  # type: ignore[misc]
