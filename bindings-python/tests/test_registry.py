"""The occupant registry (客户档案) from Python: documents, consent, move-outs,
transfers against the book or an amount, identity digests (GB 11643 check digits;
HMAC-SHA256 computed here with the standard library's hmac)."""

import copy
import datetime
import hashlib
import hmac
import json
import pickle
from decimal import Decimal

import pytest

from estatekit import (
    Estate,
    FeeSchedule,
    Receivables,
    Registry,
    StateError,
    ValidationError,
    registry_id_digest,
)

D = datetime.date
KEY = b"estatekit-test-key"


def registry() -> Registry:
    r = Registry("lakeside")
    r.add_person({"id": "P1", "name": "张三", "phones": ["13800000001"]})
    r.add_person(id="P2", name="李四")
    r.add_person(id="P3", name="赵六", id_ref="合同-2026-031")
    r.add_person(id="P6", name="王五")
    r.add_role({"unit_id": "1-101", "person_id": "P1", "role": "owner", "from": D(2024, 8, 1)})
    r.add_role(unit_id="1-101", person_id="P2", role="household_member", from_="2024-08-01")
    r.add_role(unit_id="1-101", person_id="P3", role="tenant", from_=D(2026, 1, 10), to=D(2026, 12, 31),
               lease_start=D(2026, 1, 1), lease_end=D(2026, 12, 31), consent_ref="授权书-2026-031")
    r.add_vehicle(plate=" 京a 12345", person_id="P1", unit_id="1-101", space="B1-017")
    return r


def test_records_in_and_out() -> None:
    r = registry()
    assert r.estate_id == "lakeside"
    assert r.person("P1") == {"id": "P1", "name": "张三", "phones": ["13800000001"], "email": None, "id_ref": None}
    assert r.person("P9") is None
    assert r.roles()[2] == {
        "unit_id": "1-101", "person_id": "P3", "role": "tenant", "from": D(2026, 1, 10), "to": D(2026, 12, 31),
        "lease_start": D(2026, 1, 1), "lease_end": D(2026, 12, 31), "consent_ref": "授权书-2026-031",
    }
    assert r.vehicles() == [{"plate": "京A12345", "person_id": "P1", "unit_id": "1-101", "space": "B1-017"}]
    assert [(o["person_id"], o["role"]) for o in r.occupants("1-101", "2026-01-09")] == [
        ("P1", "owner"), ("P2", "household_member")]
    again = Registry.from_json(r.to_json())
    assert again == r and again.to_json() == r.to_json()
    assert pickle.loads(pickle.dumps(r)) == r
    assert copy.deepcopy(r) == r
    assert repr(r) == 'Registry(estate_id="lakeside", persons=4, roles=3, vehicles=1, transfers=0)'
    r.validate_against(Estate.demo())


def test_bad_records_name_the_field() -> None:
    r = registry()
    before = r.to_json()
    cases = [
        (lambda: r.add_person(id="P1", name="重名"), "duplicate_id", "id"),
        (lambda: r.add_person(id="P7", name="x", id_ref="11010519491231002X"), "clear_id_number", "id_ref"),
        (lambda: r.add_person(id="P7"), "missing_value", "name"),
        (lambda: r.add_person(id="P7", name="x", age=3), "unknown_value", "age"),
        (lambda: r.add_person(id="P7", name="x", phones="138"), "wrong_type", "phones"),
        (lambda: r.add_role(unit_id="1-102", person_id="P9", role="owner", from_="2026-01-01"), "unknown_person", "person_id"),
        (lambda: r.add_role(unit_id="1-102", person_id="P6", role="landlord", from_="2026-01-01"), "unknown_value", "role"),
        (lambda: r.add_role(unit_id="1-102", person_id="P6", role="tenant", from_="2026-01-01"), "missing_value", "lease_start"),
        (lambda: r.add_role(unit_id="1-102", person_id="P6", role="owner", from_="2026/01/01"), "invalid_date", "from"),
        (lambda: r.add_role(unit_id="1-101", person_id="P6", role="owner", from_="2026-01-01"), "overlapping_periods", "from"),
        (lambda: r.add_vehicle(plate="京A12345", person_id="P2", unit_id="1-101"), "duplicate_id", "plate"),
    ]
    for call, code, path in cases:
        with pytest.raises(ValidationError) as e:
            call()
        assert (e.value.code, e.value.path) == (code, path)
    assert r.to_json() == before
    doc = json.loads(before)
    doc["roles"][1]["person_id"] = "P9"
    with pytest.raises(ValidationError) as e:
        Registry.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("unknown_person", "roles[1].person_id")
    with pytest.raises(ValidationError) as e:
        Registry("other").validate_against(Estate.demo())
    assert (e.value.code, e.value.path) == ("mismatch", "estate_id")


def test_who_may_consent() -> None:
    r = registry()
    on = D(2026, 12, 7)
    assert r.may_consent("1-101", "P1", on) == {"basis": "owner", "consent_ref": None}
    assert r.may_consent("1-101", "P3", on) == {"basis": "tenant", "consent_ref": "授权书-2026-031"}
    with pytest.raises(StateError) as e:
        r.may_consent("1-101", "P2", on)
    assert (e.value.code, e.value.path) == ("no_consent", "person_id")
    assert str(e.value) == 'person_id: person "P2" may not consent for unit "1-101": a household member may not consent; the owner or a co-owner may'
    with pytest.raises(StateError) as e:
        r.may_consent("1-101", "P3", "2027-01-01")
    assert str(e.value).endswith("their role as tenant ended on 2026-12-31")
    with pytest.raises(ValidationError) as e:
        r.may_consent("1-101", "P9", on)
    assert (e.value.code, e.value.path) == ("unknown_person", "person_id")


def test_move_out() -> None:
    r = registry()
    r.move_out("1-101", "P2", "2026-11-30")
    assert r.roles()[1]["to"] == D(2026, 11, 30)
    with pytest.raises(StateError) as e:
        r.move_out("1-101", "P1", "2026-11-30")
    assert (e.value.code, e.value.path) == ("not_occupant", "person_id")


def test_transfer_with_an_amount_and_a_retry() -> None:
    r = registry()
    with pytest.raises(StateError) as e:
        r.transfer("1-101", ["P6", "P2"], "2026-12-01", arrears=Decimal("0.01"))
    assert (e.value.code, e.value.path) == ("arrears_outstanding", "arrears")
    with pytest.raises(ValidationError) as e:
        r.transfer("1-101", ["P6"], "2026-12-01", arrears=0.0)
    assert (e.value.code, e.value.path) == ("invalid_decimal", "arrears")
    with pytest.raises(ValidationError) as e:
        r.transfer("1-101", ["P6"], "2026-12-01")
    assert (e.value.code, e.value.path) == ("missing_value", "arrears")
    t = r.transfer("1-101", ["P6", "P2"], D(2026, 12, 1), arrears=Decimal("0.00"))
    assert t == {"unit_id": "1-101", "on": D(2026, 12, 1), "from": ["P1"], "to": ["P6", "P2"],
                 "arrears_checked": Decimal("0.00")}
    assert r.roles()[0]["to"] == D(2026, 11, 30)
    assert r.may_consent("1-101", "P2", "2026-12-01") == {"basis": "co_owner", "consent_ref": None}
    with pytest.raises(StateError) as e:
        r.may_consent("1-101", "P3", "2026-12-01")
    assert e.value.code == "no_consent"
    assert r.transfer("1-101", ["P6", "P2"], "2026-12-01", arrears=5) == t
    with pytest.raises(StateError) as e:
        r.transfer("1-101", ["P2"], "2026-12-01", arrears=0)
    assert (e.value.code, e.value.path) == ("conflicting_transfer", "on")
    assert len(r.transfers()) == 1
    assert Registry.from_json(r.to_json()) == r


def test_transfer_against_the_book() -> None:
    book = Receivables(Estate.demo(), FeeSchedule.demo())
    book.post_charges([
        {"unit_id": "1-101", "ref": "WO-77", "item_code": "lock", "amount": Decimal("80.00"),
         "issued_on": "2026-11-05", "due": "2026-11-20"},
        {"unit_id": "1-101", "ref": "M-2026-11", "item_code": "management", "amount": Decimal("300.00"),
         "issued_on": "2026-11-05", "due": "2026-11-20"},
    ])
    r = registry()
    with pytest.raises(StateError) as e:
        r.transfer("1-101", ["P6"], "2026-12-01", book=book)
    # 380.00 and 0.05 % a day of 300.00 for the 11 days 2026-11-21..2026-12-01: 1.65.
    assert str(e.value) == 'arrears: unit "1-101" owes 381.65; clear the arrears before the transfer'
    with pytest.raises(ValidationError) as e:
        r.transfer("1-101", ["P6"], "2026-12-01", book=book, arrears=0)
    assert (e.value.code, e.value.path) == ("conflicting_fields", "arrears")
    book.apply_payments([{"unit_id": "1-101", "amount": Decimal("381.65"), "date": "2026-11-30", "ref": "B-1"}])
    t = r.transfer("1-101", ["P6"], "2026-12-01", book=book)
    assert t["arrears_checked"] == Decimal("0")


def test_id_digests() -> None:
    # GB 11643-1999's sample numbers; the digest is HMAC-SHA256 as the stdlib computes it.
    expected = "hmac-sha256:" + hmac.new(KEY, b"11010519491231002X", hashlib.sha256).hexdigest()
    assert Registry.id_digest(KEY, " 11010519491231002x ") == expected
    assert registry_id_digest(KEY, "11010519491231002X") == expected
    assert Registry.id_digest(KEY, "440524188001010014").startswith("hmac-sha256:")
    with pytest.raises(ValidationError) as e:
        Registry.id_digest(KEY, "440524188001010013")
    assert (e.value.code, e.value.path) == ("invalid_id_number", "id_number")
    assert "440524188001010013" not in str(e.value)
    with pytest.raises(ValidationError) as e:
        Registry.id_digest(b"", "11010519491231002X")
    assert (e.value.code, e.value.path) == ("key_too_short", "key")
    r = Registry("lakeside")
    r.add_person(id="P1", name="张三", id_ref=expected)
    assert r.person("P1")["id_ref"] == expected  # type: ignore[index]
