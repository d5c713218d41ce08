"""Check-in: templates, the end-to-end walk (same JSON as Rust and Kotlin), typed errors,
defects and rectification, effects on the estate, audit and persistence."""

import datetime
import json
import pathlib
from decimal import Decimal

import pytest

import estatekit
from estatekit import CheckinTemplate, Checklist, StateError, ValidationError

WALK_JSON = (pathlib.Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "checkin_walk.json").read_text(
    encoding="utf-8"
)
UTC = datetime.timezone.utc
DOCUMENTS = [
    "house_acceptance_certificate",
    "temporary_management_statute",
    "decoration_management_agreement",
    "owners_manual",
    "occupancy_notice",
    "management_fee_agreement",
    "fire_safety_letter",
    "residential_quality_guarantee",
    "residential_usage_instructions",
]


def at(day: int, h: int, m: int) -> datetime.datetime:
    return datetime.datetime(2026, 11, day, h, m, tzinfo=UTC)


def before_inspection(c: Checklist) -> None:
    r = dict(actor="李四", role="receptionist")
    c.complete("occupancy_notice_presented", at=at(2, 1, 0), **r)
    c.complete("owner_registration", at=at(2, 1, 5), **r)
    c.complete("management_fee_prepayment", at=at(2, 1, 10), data={"receipt_ref": "R-2026-0001"}, **r)
    c.complete("admission_fee_record", at=at(2, 1, 12), **r)
    c.complete("statute_signed", at=at(2, 1, 15), data={"signature_ref": "SIG-001"}, **r)
    c.complete("decoration_agreement_signed", at=at(2, 1, 16), data={"signature_ref": "SIG-002"}, **r)
    for doc in DOCUMENTS:
        c.complete(doc, at=at(2, 1, 20), **r)
    c.complete("occupancy_sign_in", at=at(2, 1, 25), data={"signature_ref": "SIG-003"}, **r)
    c.complete("entrusted_services_record", at=at(2, 1, 30), data={"note": "none entrusted"}, **r)


DEFECT = dict(
    location="主卧 master bedroom",
    description="窗户密封条脱落 window seal loose",
    category="doors_windows",
    severity="major",
    responsible="developer",
)


def walk() -> Checklist:
    estate = estatekit.Estate.demo()
    c = Checklist.start(CheckinTemplate.default(), "1-603", "张三", datetime.date(2026, 11, 2))
    before_inspection(c)
    i = dict(actor="王五", role="inspector")
    assert c.record_defect(at=at(2, 2, 0), **DEFECT, **i) == "D1"
    c.complete("joint_inspection", at=at(2, 2, 10), data={"outcome": "accepted_with_rectification_list"}, estate=estate, **i)
    for code, value, minute in [
        ("water_meter_reading", "507.0", 15),
        ("electricity_meter_reading", "3424.5", 16),
        ("gas_meter_reading", "243.0", 17),
    ]:
        c.complete(code, at=at(2, 2, minute), data={"reading": Decimal(value)}, estate=estate, **i)
    c.complete("house_acceptance_record", at=at(2, 2, 20), **i)
    c.complete("key_handover", actor="李四", role="receptionist", at=at(2, 2, 25), data={"keys": 4, "signature_ref": "SIG-004"})
    c.complete("key_receipt_record", actor="李四", role="receptionist", at=at(2, 2, 26))
    c.finish(actor="李四", role="receptionist", at=at(2, 2, 30))
    c.mark_rectified("D1", at=at(10, 6, 0), note="seal replaced", **i)
    c.reinspect("D1", passed=False, at=at(11, 6, 0), note="still leaks air", **i)
    c.mark_rectified("D1", at=at(14, 6, 0), **i)
    c.reinspect("D1", passed=True, at=at(15, 6, 0), **i)
    c.complete("manager_audit", actor="赵六", role="manager", at=at(30, 8, 0), data={"note": "records complete"})
    return c


def test_walk_produces_the_same_json_as_rust_and_kotlin() -> None:
    c = walk()
    assert c.to_json() + "\n" == WALK_JSON
    assert c.is_complete and c.is_audited
    assert c.progress == (23, 23)
    assert c.missing() == []
    assert c.outcome == "accepted_with_rectification_list"
    d = c.defects[0]
    assert (d.id, d.deadline, d.status) == ("D1", datetime.date(2026, 11, 17), "closed")
    assert [r[2] for r in d.reinspections] == [False, True]
    assert len(c.events) == 31
    e = c.events[-1]
    assert (e.action, e.target, e.actor, e.role, e.at) == ("completed", "manager_audit", "赵六", "manager", at(30, 8, 0))
    assert Checklist.from_json(WALK_JSON, CheckinTemplate.default()) == c


def test_default_template() -> None:
    t = CheckinTemplate.default()
    assert [s.code for s in t.steps] == [
        "sale_formalities",
        "document_review",
        "charges",
        "agreements",
        "documents",
        "entrusted_services",
        "inspection",
        "manager_audit",
    ]
    items = [i for s in t.steps for i in s.items]
    assert [i.code for i in items if i.kind == "document_issued"] == DOCUMENTS
    guarantee = t.item("residential_quality_guarantee")
    assert guarantee is not None
    assert (guarantee.name_zh, guarantee.name_en, guarantee.mandatory) == ("住宅质量保证书", "Residential quality guarantee", True)
    fee = t.item("management_fee_prepayment")
    assert fee is not None and fee.amount == Decimal("1000.00") and fee.roles == ["receptionist", "manager"]
    gas = t.item("gas_meter_reading")
    assert gas is not None and (gas.meter_kind, gas.mandatory) == ("gas", False)
    assert t.steps[4].depends_on == ["charges", "agreements"]
    assert t.rectification_days == {"minor": 30, "major": 15, "critical": 3}
    assert CheckinTemplate.from_json(t.to_json()) == t


def test_template_cycle_is_a_typed_error() -> None:
    doc = json.loads(CheckinTemplate.default().to_json())
    doc["steps"][1]["depends_on"].append("charges")
    with pytest.raises(ValidationError) as e:
        CheckinTemplate.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("dependency_cycle", "steps[1].depends_on")
    assert str(e.value) == "steps[1].depends_on: dependency cycle document_review -> charges -> document_review"
    doc["steps"][1]["depends_on"] = ["nope"]
    with pytest.raises(ValidationError) as e:
        CheckinTemplate.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("unknown_dependency", "steps[1].depends_on[0]")


def started() -> Checklist:
    return Checklist.start(CheckinTemplate.default(), "1-603", "张三", datetime.date(2026, 11, 2), mode="centralized")


def test_bad_input_is_typed() -> None:
    c = started()
    assert c.mode == "centralized" and c.actionable() == ["sale_formalities"]
    r = dict(actor="李四", role="receptionist", at=at(2, 1, 0))
    with pytest.raises(ValidationError) as e:
        c.complete("nope", **r)
    assert (e.value.code, e.value.path) == ("unknown_item", "item_code")
    with pytest.raises(StateError) as s:
        c.complete("owner_registration", **r)
    assert (s.value.code, s.value.path) == ("dependencies_unmet", "item_code")
    assert str(s.value) == 'item_code: item "owner_registration" of step "document_review" waits for step(s) sale_formalities'
    with pytest.raises(ValidationError) as e:
        c.complete("occupancy_notice_presented", actor="王五", role="inspector", at=at(2, 1, 0))
    assert (e.value.code, e.value.path) == ("role_not_allowed", "role")
    with pytest.raises(ValidationError) as e:
        c.complete("occupancy_notice_presented", actor="李四", role="boss", at=at(2, 1, 0))
    assert (e.value.code, e.value.path) == ("unknown_value", "role")
    with pytest.raises(ValidationError) as e:
        c.complete("occupancy_notice_presented", actor="李四", role="receptionist", at=datetime.datetime(2026, 11, 2))
    assert (e.value.code, e.value.path) == ("naive_datetime", "at")
    with pytest.raises(ValidationError) as e:
        c.complete("occupancy_notice_presented", data={"colour": "red"}, **r)
    assert (e.value.code, e.value.path) == ("unknown_value", "data.colour")
    c.complete("occupancy_notice_presented", **r)
    with pytest.raises(StateError) as s:
        c.complete("occupancy_notice_presented", **r)
    assert s.value.code == "already_completed"
    with pytest.raises(StateError) as s:
        c.finish(**r)
    assert (s.value.code, s.value.path) == ("checklist_incomplete", "items")
    assert c.progress == (1, 23)
    # a timestamp with an offset is stored in UTC
    c.complete("owner_registration", actor="李四", role="receptionist", at=datetime.datetime(2026, 11, 2, 9, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=8))))
    assert c.items[1].at == at(2, 1, 5)
    c.undo("owner_registration", actor="李四", role="receptionist", at=at(2, 1, 6), reason="wrong ID")
    assert (c.events[-1].action, c.events[-1].note) == ("undone", "wrong ID")
    with pytest.raises(StateError) as s:
        c.undo("owner_registration", actor="李四", role="receptionist", at=at(2, 1, 6), reason="again")
    assert s.value.code == "not_completed"


def test_meter_readings() -> None:
    estate = estatekit.Estate.demo()
    c = started()
    before_inspection(c)
    i = dict(actor="王五", role="inspector", at=at(2, 2, 0))
    with pytest.raises(ValidationError) as e:
        c.complete("water_meter_reading", data={"reading": Decimal("-1")}, **i)
    assert (e.value.code, e.value.path) == ("negative_reading", "data.reading")
    with pytest.raises(ValidationError) as e:
        c.complete("water_meter_reading", data={"reading": Decimal("500")}, estate=estate, **i)
    assert (e.value.code, e.value.path) == ("decreasing_reading", "data.reading")
    assert str(e.value) == "data.reading: reading 500 is below meter W-1-603's previous reading 507.0"
    with pytest.raises(ValidationError) as e:
        c.complete("water_meter_reading", data={"reading": 1.5}, **i)
    assert (e.value.code, e.value.path) == ("invalid_decimal", "data.reading")


def test_failed_inspection_rectification_effects_and_queries() -> None:
    estate = estatekit.Estate.demo()
    c = started()
    before_inspection(c)
    i = dict(actor="王五", role="inspector")
    d1 = c.record_defect(at=at(2, 2, 0), **{**DEFECT, "severity": "critical"}, **i)
    assert c.defects[0].deadline == datetime.date(2026, 11, 5)
    c.complete("joint_inspection", at=at(2, 2, 5), data={"outcome": "refused"}, **i)
    c.complete("water_meter_reading", at=at(2, 2, 6), data={"reading": "507"}, estate=estate, **i)
    c.complete("electricity_meter_reading", at=at(2, 2, 7), data={"reading": 3430}, estate=estate, **i)
    c.complete("house_acceptance_record", at=at(2, 2, 8), **i)
    c.complete("key_handover", actor="李四", role="receptionist", at=at(2, 2, 9), data={"keys": 3})
    c.complete("key_receipt_record", actor="李四", role="receptionist", at=at(2, 2, 10))
    with pytest.raises(StateError) as s:
        c.finish(actor="李四", role="receptionist", at=at(2, 3, 0))
    assert (s.value.code, s.value.path) == ("handover_refused", "items.joint_inspection")
    overdue = estatekit.overdue_rectifications([c], datetime.date(2026, 11, 8))
    assert [(o.unit_id, o.defect_id, o.days_overdue, o.status) for o in overdue] == [("1-603", "D1", 3, "open")]
    c.mark_rectified(d1, at=at(4, 6, 0), **i)
    c.reinspect(d1, passed=False, at=at(4, 7, 0), **i)
    c.mark_rectified(d1, at=at(5, 6, 0), **i)
    c.reinspect(d1, passed=True, at=at(5, 7, 0), **i)
    with pytest.raises(StateError) as s:
        c.reinspect(d1, passed=True, at=at(5, 7, 0), **i)
    assert s.value.code == "defect_state"
    c.undo("joint_inspection", at=at(5, 8, 0), reason="re-inspection passed", **i)
    c.complete("joint_inspection", at=at(5, 8, 1), data={"outcome": "accepted"}, **i)
    c.finish(actor="李四", role="receptionist", at=at(5, 9, 0))
    assert c.is_complete and c.actionable() == ["manager_audit"]
    assert estatekit.overdue_rectifications([c], datetime.date(2026, 11, 8)) == []

    fx = c.completion_effects(estate, status="occupied")
    assert (fx.unit_id, fx.status_from, fx.status_to, fx.on, fx.delivered_on) == (
        "1-603", "unsold", "occupied", datetime.date(2026, 11, 5), datetime.date(2026, 11, 5))
    assert [(r.meter_id, r.date, r.value) for r in fx.readings] == [
        ("W-1-603", datetime.date(2026, 11, 2), Decimal("507")),
        ("E-1-603", datetime.date(2026, 11, 2), Decimal("3430")),
    ]
    assert [(ch.code, ch.amount, ch.receipt_ref) for ch in fx.charges] == [("management_fee_prepayment", Decimal("1000.00"), "R-2026-0001")]
    # The management fee paid in advance is a prepayment: money received, not revenue.
    assert [ch.nature for ch in fx.charges] == ["prepayment"]
    assert (fx.total_charges, fx.total_fees, fx.total_prepayments, fx.total_deposits) == (
        Decimal("1000.00"), Decimal("0.00"), Decimal("1000.00"), Decimal("0.00"))
    natures = [(i.code, i.nature) for s in estatekit.CheckinTemplate.default().steps for i in s.items if i.kind == "payment"]
    assert natures == [("management_fee_prepayment", "prepayment"), ("decoration_deposit", "deposit")]
    unit = fx.estate.unit("1-603")
    assert unit is not None and unit.status == "occupied"
    meter = fx.estate.meter("E-1-603")
    assert meter is not None and meter.readings[-1].value == Decimal("3430")
    assert estate.unit("1-603").status == "unsold"  # type: ignore[union-attr]

    other = started()
    assert estatekit.awaiting_audit([other, c], datetime.date(2026, 11, 30)) == [c]
    assert estatekit.awaiting_audit([other, c], datetime.date(2026, 11, 30))[0] is c
    c.complete("manager_audit", actor="赵六", role="manager", at=at(30, 8, 0))
    assert estatekit.awaiting_audit([other, c], datetime.date(2026, 11, 30)) == []
    assert estatekit.audit_dates("centralized", datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)) == [
        datetime.date(2026, 11, 7), datetime.date(2026, 11, 14), datetime.date(2026, 11, 21), datetime.date(2026, 11, 30)]
    assert estatekit.audit_dates("ordinary", datetime.date(2026, 11, 1), datetime.date(2026, 12, 31)) == [
        datetime.date(2026, 11, 30), datetime.date(2026, 12, 31)]


def test_restore_against_a_changed_template() -> None:
    saved = walk().to_json()
    doc = json.loads(CheckinTemplate.default().to_json())
    doc["version"] = 2
    doc["steps"][4]["items"] = [i for i in doc["steps"][4]["items"] if i["code"] != "owners_manual"]
    changed = CheckinTemplate.from_json(json.dumps(doc))
    with pytest.raises(ValidationError) as e:
        Checklist.from_json(saved, changed)
    assert (e.value.code, e.value.path) == ("template_mismatch", "template")
    restored, mismatches = Checklist.restore(saved, changed)
    assert [(m.kind, m.path) for m in mismatches] == [("template_version", "template_version"), ("item_removed", "items.owners_manual")]
    assert mismatches[1].detail == 'item "owners_manual" is not in the template any more (it was done)'
    assert restored.progress == (22, 22)


def test_chained_template_queries_are_linear() -> None:
    # 32,000 steps, each depending on the previous one: actionable() and missing() took
    # 3.8 s when every step looked at every item.
    n = 32_000
    steps = [
        {"code": f"s{s}", "name_zh": "步", "name_en": "Step", "depends_on": [f"s{s - 1}"] if s else [],
         "items": [{"code": f"s{s}i0", "kind": "record_made", "name_zh": "记录", "name_en": "Record",
                    "roles": ["receptionist"]}]}
        for s in range(n)
    ]
    t = CheckinTemplate.from_json(json.dumps({"id": "chain", "version": 1, "name_zh": "链", "name_en": "Chain",
                                              "steps": steps}))
    c = Checklist.start(t, "1-603", "张三", datetime.date(2026, 11, 2))
    for s in range(n // 2):
        c.complete(f"s{s}i0", actor="李四", role="receptionist", at=at(2, 1, 0))
    assert c.actionable() == ["s16000"]
    missing = c.missing()
    assert (len(missing), missing[0], missing[-1]) == (16_000, "s16000i0", "s31999i0")
    with pytest.raises(StateError) as e:
        c.undo("s0i0", actor="李四", role="receptionist", at=at(2, 2, 0), reason="wrong")
    assert e.value.code == "has_dependents"
    assert Checklist.from_json(c.to_json(), t).actionable() == ["s16000"]
