"""Goods release (物品放行) and the move-out from Python: a permit requested with the
registry's consent and the book's arrears (a warning by default, a block by policy),
approved, checked once at the gate on its day and in its hours; a tenant without the
owner's written consent; the move-out checklist whose completion leaves the unit
delivered and empty with its final readings; JSON that is the core's."""

import copy
import datetime
import json
import pickle
from decimal import Decimal

import pytest

from estatekit import (
    CheckinTemplate,
    Estate,
    FeeSchedule,
    GoodsRelease,
    PermitRequest,
    Receivables,
    Registry,
    ReleasePolicy,
    StateError,
    ValidationError,
)

D = datetime.date
T = datetime.time
ITEMS = [("冰箱", 1), ("纸箱", 12)]


def at(s: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def err(exc) -> tuple:
    return (exc.value.code, exc.value.path)


def example_request(**over) -> PermitRequest:
    fields = dict(id="GR-001", unit_id="1-101", applicant="P-WANG", items=ITEMS, pass_date=D(2026, 12, 5),
                  reason="move_out", id_ref="ID-CHECKED-0001", plate="浙A 12345", window=(T(8), T(18)),
                  whole_unit=True)
    fields.update(over)
    return PermitRequest(**fields)


def registry() -> Registry:
    r = Registry("lakeside")
    r.add_person(id="P-WANG", name="王芳")
    r.add_person(id="P-SUN", name="孙丽")
    r.add_role(unit_id="1-101", person_id="P-WANG", role="owner", from_="2024-06-01")
    r.add_role(unit_id="1-102", person_id="P-SUN", role="tenant", from_="2026-03-01",
               lease_start="2026-03-01", lease_end="2027-02-28")
    return r


def example() -> tuple[GoodsRelease, Registry]:
    """The core's GoodsRelease::example(): GR-001 requested owing 381.65, approved."""
    reg = registry()
    g = GoodsRelease("lakeside")
    g.request(example_request(), reg, arrears=Decimal("381.65"), actor="小陈", at=at("2026-12-04T02:00:00Z"))
    g.approve("GR-001", reg, actor="周经理", at=at("2026-12-04T02:30:00Z"))
    return g, reg


def book() -> Receivables:
    """1-101 owes a lock replacement (80.00) and November's management fee (300.00,
    0.05 % a day from November 21st)."""
    b = Receivables(Estate.demo(), FeeSchedule.demo())
    rows = [
        {"unit_id": "1-101", "ref": "WO-77", "item_code": "lock", "amount": Decimal("80.00"),
         "issued_on": D(2026, 11, 5), "due": D(2026, 11, 20)},
        {"unit_id": "1-101", "ref": "M-2026-11", "item_code": "management", "amount": Decimal("300.00"),
         "issued_on": D(2026, 11, 5), "due": D(2026, 11, 20)},
    ]
    assert len(b.post_charges(rows).posted) == 2
    return b


def test_a_move_out_permit_from_request_to_the_gate():
    reg, g, b = registry(), GoodsRelease("lakeside"), book()
    # 80.00 + 300.00 + 14 days × 0.15 = 382.10: a warning, not a block.
    p = g.request(example_request(), reg, book=b, actor="小陈", at=at("2026-12-04T02:00:00Z"))
    assert (p.state, p.may_consent, p.arrears) == ("requested", True, Decimal("382.10"))
    assert p.warnings == ["1-101 owes 382.10 (principal and penalty)"]
    assert p.request.plate == "浙A12345"
    assert p.request.items == ITEMS and p.request.window == (T(8), T(18))
    before = g.to_json()
    g.request(example_request(), reg, book=b, actor="小陈", at=at("2026-12-04T02:01:00Z"))
    assert g.to_json() == before
    with pytest.raises(StateError) as e:
        g.verify("GR-001", ITEMS, plate="浙A12345", actor="保安 刘", at=at("2026-12-05T02:00:00Z"))
    assert err(e) == ("permit_state", "permit_id")
    g.approve("GR-001", reg, actor="周经理", at=at("2026-12-04T02:30:00Z"))

    t = at("2026-12-05T02:00:00Z")
    with pytest.raises(ValidationError) as e:
        g.verify("GR-001", ITEMS, plate="浙B 54321", actor="保安 刘", at=t)
    assert err(e) == ("mismatch", "plate")
    with pytest.raises(ValidationError) as e:
        g.verify("GR-001", ITEMS, actor="保安 刘", at=t)
    assert err(e) == ("mismatch", "plate")
    with pytest.raises(ValidationError) as e:
        g.verify("GR-001", ITEMS + [("沙发", 1)], plate="浙A12345", actor="保安 刘", at=t)
    assert err(e) == ("mismatch", "items[2].name")
    with pytest.raises(ValidationError) as e:
        g.verify("GR-001", [("冰箱", 1), ("纸箱", 13)], plate="浙A12345", actor="保安 刘", at=t)
    assert err(e) == ("mismatch", "items[1].quantity")
    seen = [("冰箱", 1), ("纸箱", 10)]
    p = g.verify("GR-001", seen, plate="浙a 12345", actor="保安 刘", at=t)
    assert (p.state, p.used_at, p.verified_by) == ("used", t, "保安 刘")
    before = g.to_json()
    g.verify("GR-001", seen, plate="浙a 12345", actor="保安 刘", at=at("2026-12-05T02:05:00Z"))
    assert g.to_json() == before
    with pytest.raises(StateError) as e:
        g.verify("GR-001", ITEMS, plate="浙A12345", actor="保安 王", at=at("2026-12-05T03:00:00Z"))
    assert err(e) == ("permit_state", "permit_id")
    assert [x.id for x in g.used_on(D(2026, 12, 5))] == ["GR-001"]
    assert g.used_on("2026-12-04") == []
    assert GoodsRelease.from_json(g.to_json()) == g


def test_a_tenant_without_written_consent_needs_the_owners():
    g, reg = example()
    t = at("2026-12-04T03:00:00Z")
    r = example_request(id="GR-002", unit_id="1-102", applicant="P-SUN", reason="repair", whole_unit=False)
    p = g.request(r, reg, arrears=Decimal(0), actor="小陈", at=t)
    assert (p.may_consent, p.warnings) == (False, [])
    with pytest.raises(StateError) as e:
        g.approve("GR-002", reg, actor="周经理", at=t)
    assert err(e) == ("no_consent", "consent_by")
    with pytest.raises(StateError) as e:
        g.approve("GR-002", reg, consent_by="P-SUN", actor="周经理", at=t)
    assert err(e) == ("no_consent", "consent_by")
    reg.add_person(id="P-LI", name="李明")
    reg.add_role(unit_id="1-102", person_id="P-LI", role="owner", from_="2020-01-01")
    p = g.approve("GR-002", reg, consent_by="P-LI", actor="周经理", at=t)
    assert (p.state, p.consent_by, p.approved_by) == ("approved", "P-LI", "周经理")
    with pytest.raises(ValidationError) as e:
        g.request(example_request(id="GR-003", applicant="P-NOBODY"), reg, arrears=0, actor="小陈", at=t)
    assert err(e) == ("unknown_reference", "applicant")
    assert GoodsRelease.from_json(g.to_json()) == g


def test_a_blocking_policy_refuses_a_unit_in_arrears():
    reg = registry()
    g = GoodsRelease("lakeside", ReleasePolicy("block"))
    assert (g.policy.arrears, g.policy.utc_offset_minutes) == ("block", 480)
    with pytest.raises(StateError) as e:
        g.request(example_request(), reg, book=book(), actor="小陈", at=at("2026-12-04T02:00:00Z"))
    assert err(e) == ("arrears_outstanding", "arrears")
    assert str(e.value) == "arrears: unit 1-101 owes 382.10"
    assert g.permits == []
    p = g.request(example_request(), reg, arrears=Decimal("0"), actor="小陈", at=at("2026-12-04T02:00:00Z"))
    assert p.warnings == []
    # The arrears come from exactly one source.
    with pytest.raises(ValidationError) as e:
        g.request(example_request(), reg, actor="小陈", at=at("2026-12-04T02:00:00Z"))
    assert err(e) == ("missing_value", "arrears")
    with pytest.raises(ValidationError) as e:
        g.request(example_request(), reg, book=book(), arrears=0, actor="小陈", at=at("2026-12-04T02:00:00Z"))
    assert err(e) == ("conflicting_fields", "arrears")


def test_a_permit_is_valid_on_its_day_only_and_a_refusal_is_final():
    g, reg = example()
    with pytest.raises(StateError) as e:
        g.verify("GR-001", ITEMS, plate="浙A12345", actor="保安 刘", at=at("2026-12-05T10:00:00Z"))
    assert err(e) == ("outside_window", "at")
    assert g.state_at("GR-001", at("2026-12-05T16:00:00Z")) == "expired"
    assert g.state_at("GR-001", at("2026-12-05T15:59:00Z")) == "approved"
    with pytest.raises(StateError) as e:
        g.verify("GR-001", ITEMS, plate="浙A12345", actor="保安 刘", at=at("2026-12-06T02:00:00Z"))
    assert err(e) == ("permit_state", "permit_id")
    t = at("2026-12-06T03:00:00Z")
    debris = dict(id="GR-002", reason="debris", items=[("装修垃圾（袋）", 30)])
    with pytest.raises(ValidationError) as e:
        g.request(example_request(pass_date=D(2026, 12, 3), **debris), reg, arrears=0, actor="小陈", at=t)
    assert err(e) == ("out_of_range", "pass_date")
    twice = dict(debris, items=[("装修垃圾（袋）", 30), ("装修垃圾（袋）", 2)])
    with pytest.raises(ValidationError) as e:
        g.request(example_request(pass_date=D(2026, 12, 6), **twice), reg, arrears=0, actor="小陈", at=t)
    assert err(e) == ("duplicate_id", "items[1].name")
    g.request(example_request(pass_date=D(2026, 12, 6), **debris), reg, arrears=0, actor="小陈", at=t)
    p = g.refuse("GR-002", "未预约清运时间", actor="周经理", at=at("2026-12-06T03:10:00Z"))
    assert (p.state, p.refused_reason) == ("refused", "未预约清运时间")
    with pytest.raises(StateError) as e:
        g.approve("GR-002", reg, actor="周经理", at=at("2026-12-06T03:20:00Z"))
    assert err(e) == ("permit_state", "permit_id")

    text = g.to_json()
    assert GoodsRelease.from_json(text) == g
    doc = json.loads(text)
    doc["events"][1]["action"]["permit_id"] = "GR-404"
    with pytest.raises(ValidationError) as e:
        GoodsRelease.from_json(json.dumps(doc))
    assert err(e) == ("unknown_reference", "events[1].action.permit_id")
    doc = json.loads(text)
    doc["events"][2]["action"]["arrears"] = "-1"
    with pytest.raises(ValidationError) as e:
        GoodsRelease.from_json(json.dumps(doc))
    assert err(e) == ("negative", "events[2].action.arrears")
    doc = json.loads(text)
    doc["events"][1], doc["events"][2] = doc["events"][2], doc["events"][1]
    with pytest.raises(StateError) as e:
        GoodsRelease.from_json(json.dumps(doc))
    assert err(e) == ("event_out_of_order", "events[2].at")


def test_the_json_is_the_cores():
    g, _ = example()
    text = g.to_json()
    doc = json.loads(text)
    assert (doc["format_version"], doc["estate_id"], doc["policy"]) == (
        1, "lakeside", {"arrears": "warn", "utc_offset_minutes": 480})
    request = doc["events"][0]["action"]
    assert (request["type"], request["may_consent"], request["arrears"]) == ("request", True, "381.65")
    assert request["permit"]["items"] == [{"name": "冰箱", "quantity": 1}, {"name": "纸箱", "quantity": 12}]
    assert request["permit"]["window"] == {"start": "08:00:00", "end": "18:00:00"}
    assert doc["events"][1] == {"at": "2026-12-04T02:30:00Z", "actor": "周经理",
                                "action": {"type": "approve", "permit_id": "GR-001"}}
    assert GoodsRelease.from_json(text).to_json() == text
    assert pickle.loads(pickle.dumps(g)) == g and copy.deepcopy(g) == g


def test_a_whole_units_move_out_ends_with_the_unit_empty_and_its_final_readings():
    g, reg = example()
    template = CheckinTemplate.default_move_out()
    assert (template.id, len(template.steps)) == ("move_out", 6)
    g.request(example_request(id="GR-002", whole_unit=False), reg, arrears=0, actor="小陈",
              at=at("2026-12-04T03:00:00Z"))
    with pytest.raises(ValidationError) as e:
        g.start_move_out("GR-002", template, reg)
    assert err(e) == ("missing_value", "whole_unit")
    g.verify("GR-001", ITEMS, plate="浙A12345", actor="保安 刘", at=at("2026-12-05T02:00:00Z"))
    c = g.start_move_out("GR-001", template, reg)
    assert (c.unit_id, c.owner) == ("1-101", "王芳")

    estate = Estate.demo()

    def last(kind: str) -> Decimal:
        [m] = [m for m in estate.meters_of("1-101") if m.kind == kind]
        return m.readings[-1].value

    water, power = last("water") + Decimal("12.5"), last("electricity") + Decimal("310.7")
    minute = 0
    for step in template.steps:
        for item in step.items:
            if not item.mandatory:
                continue
            minute += 5
            if item.kind == "meter_reading":
                data = {"reading": water if item.meter_kind == "water" else power}
            else:
                data = {
                    "inspection": {"outcome": "accepted"},
                    "key_handover": {"keys": 3},
                    "signature": {"signature_ref": "SIG-MO-1"},
                }.get(item.kind, {})
            c.complete(item.code, actor="李四", role=item.roles[0],
                       at=at("2026-12-05T03:00:00Z") + datetime.timedelta(minutes=minute), data=data,
                       estate=estate)
    c.finish(actor="李四", role="receptionist", at=at("2026-12-05T06:00:00Z"))
    fx = c.completion_effects(estate, status="delivered")
    assert (fx.status_from, fx.status_to, fx.on) == ("occupied", "delivered", D(2026, 12, 5))
    assert [(r.kind, r.value) for r in fx.readings] == [("water", water), ("electricity", power)]
    assert all(not r.new_meter and r.date == D(2026, 12, 5) for r in fx.readings)
    assert fx.estate.unit("1-101").status == "delivered"
    assert fx.charges == []


def test_bad_arguments_name_their_field():
    with pytest.raises(ValidationError) as e:
        example_request(reason="party")
    assert err(e) == ("unknown_value", "reason")
    with pytest.raises(ValidationError) as e:
        example_request(items=[("冰箱", "one")])
    assert err(e) == ("wrong_type", "items[0].quantity")
    with pytest.raises(ValidationError) as e:
        example_request(items="冰箱")
    assert err(e) == ("wrong_type", "items")
    with pytest.raises(ValidationError) as e:
        ReleasePolicy("ignore")
    assert err(e) == ("unknown_value", "arrears")
    g, reg = example()
    with pytest.raises(ValidationError) as e:
        g.request(example_request(id="GR-9", id_ref="110101199003074514"), reg, arrears=0, actor="小陈",
                  at=at("2026-12-04T03:00:00Z"))
    assert err(e) == ("clear_id_number", "id_ref")
