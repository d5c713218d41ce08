"""Decoration management (装修管理) from Python: a renovation from application to deposit
refund, the rules of 建设部令第110号《住宅室内装饰装修管理办法》 as the default policy
encodes them, deadlines, statistics, working hours, and documents that replay.

The walk mirrors core/tests/decoration.rs `a_renovation_from_application_to_refund`:
every amount, state, code and path is the core's."""

import datetime as dt
import json
import pickle
from decimal import Decimal as D
from typing import Any

import pytest

import estatekit
from estatekit import (
    Contractor,
    DecorationPolicy,
    Decorations,
    Estate,
    FeeSchedule,
    Receivables,
    Submission,
    Worker,
)

UTC = dt.timezone.utc
BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# The occupant registry of the core test: 张三 owns 1-201 (王五 lives there), 李四 rents
# 1-203 with the owner's written consent C-203, 赵六 rents 1-202 without one.
REGISTRY = {
    "format_version": 1,
    "estate_id": Estate.demo().id,
    "persons": [
        {"id": "P-ZHANG", "name": "张三"},
        {"id": "P-LI", "name": "李四"},
        {"id": "P-WANG", "name": "王五"},
        {"id": "P-ZHAO", "name": "赵六"},
    ],
    "roles": [
        {"unit_id": "1-201", "person_id": "P-ZHANG", "role": "owner", "from": "2024-06-01"},
        {"unit_id": "1-201", "person_id": "P-WANG", "role": "household_member", "from": "2024-06-01"},
        {"unit_id": "1-203", "person_id": "P-LI", "role": "tenant", "from": "2025-03-01", "to": "2027-02-28",
         "lease_start": "2025-03-01", "lease_end": "2027-02-28", "consent_ref": "C-203"},
        {"unit_id": "1-202", "person_id": "P-ZHAO", "role": "tenant", "from": "2025-03-01", "to": "2027-02-28",
         "lease_start": "2025-03-01", "lease_end": "2027-02-28"},
    ],
}


def registry() -> estatekit.Registry:
    return estatekit.Registry.from_json(json.dumps(REGISTRY))


DOCS = ["ownership_proof", "applicant_id", "decoration_plan"]


def application(rid: str, unit: str, person: str, scope: list[str], **kw: Any) -> Submission:
    kw.setdefault("documents", DOCS)
    return Submission(rid, unit, person, scope, day("2026-11-09"), day("2026-12-31"), **kw)


def roundtrip(d: Decorations) -> None:
    back = Decorations.from_json(d.to_json())
    assert back == d and back.to_json() == d.to_json()


def test_a_renovation_from_application_to_refund() -> None:
    estate = Estate.demo()
    reg = registry()
    d = Decorations(estate)
    crew = Contractor("安居装饰", "赵工", licence_ref="D2-3301",
                      workers=[Worker(f"工人{i}", p) for i, p in enumerate(["P-001", "P-002", "P-003"])])
    s = application("R-1", "1-201", "P-ZHANG", ["flooring", "waterproofing", "electrical"],
                    documents=DOCS + ["waterproofing_plan", "contractor_licence"], contractor=crew)

    r = d.submit(estate, reg, s, actor="小陈", role="customer_service", at=at("2026-11-02T02:00:00Z"))
    assert (r.id, r.unit_id, r.state) == ("R-1", "1-201", "submitted")
    assert (r.applicant.person_id, r.applicant.consent, r.applicant.consent_ref) == ("P-ZHANG", "owner", None)
    assert r.contractor == crew and r.contractor.workers[1].pass_no == "P-002"
    assert r.planned == (day("2026-11-09"), day("2026-12-31"))
    # A retry of the same application changes nothing.
    d.submit(estate, reg, s, actor="小陈", role="customer_service", at=at("2026-11-02T02:01:00Z"))
    assert len(d.renovation("R-1").events) == 1  # type: ignore[union-attr]
    roundtrip(d)

    fees = d.approve("R-1", estate, actor="周经理", role="manager", at=at("2026-11-03T02:00:00Z"))
    assert [(f.code, f.quantity, f.rate, f.amount) for f in fees] == [
        ("debris_removal", D("89.50"), D("3.00"), D("268.50")),
        ("worker_pass", D("3"), D("10.00"), D("30.00")),
    ]
    assert fees[0].explain() == "装修垃圾清运费：89.50 × 3.00 = 268.50"
    assert fees[1].explain("en") == "workers' passes: 3 × 10.00 = 30.00"
    rows = d.charge_rows("R-1")
    assert rows[0] == {
        "unit_id": "1-201", "ref": "R-1/debris_removal", "item_code": "debris_removal", "amount": D("268.50"),
        "issued_on": day("2026-11-03"), "due": day("2026-11-10"), "period_start": None, "period_end": None,
        "description": "装修垃圾清运费 debris removal", "penalty": True,
    }

    # The fees go to the book as they come; posting twice posts once.
    book = Receivables(estate, FeeSchedule.demo())
    first, again = book.post_charges(rows), book.post_charges(rows)
    assert (len(first.posted), len(again.posted), len(again.already_posted)) == (2, 0, 2)

    with pytest.raises(estatekit.StateError) as e:
        d.start_works("R-1", estate, actor="小陈", role="customer_service", at=at("2026-11-09T01:00:00Z"))
    assert (e.value.code, e.value.path) == ("payment_missing", "renovation_id")  # type: ignore[attr-defined]
    assert str(e.value) == 'renovation_id: renovation "R-1" cannot start: fees and deposit not received'
    d.record_fees_paid("R-1", "RC-1", actor="钱会计", role="finance", at=at("2026-11-04T02:00:00Z"))
    with pytest.raises(estatekit.ValidationError) as e:
        d.record_deposit("R-1", D("1000.00"), "RC-2", actor="钱会计", role="finance", at=at("2026-11-04T02:01:00Z"))
    assert (e.value.code, e.value.path) == ("mismatch", "amount")  # type: ignore[attr-defined]
    r = d.record_deposit("R-1", D("2000.00"), "RC-2", actor="钱会计", role="finance", at=at("2026-11-04T02:01:00Z"))
    assert r.deposit_received == D("2000.00")
    # Before the planned start: refused.
    with pytest.raises(estatekit.ValidationError) as e:
        d.start_works("R-1", estate, actor="小陈", role="customer_service", at=at("2026-11-05T01:00:00Z"))
    assert (e.value.code, e.value.path) == ("out_of_range", "at")  # type: ignore[attr-defined]
    change = d.start_works("R-1", estate, actor="小陈", role="customer_service", at=at("2026-11-09T01:00:00Z"))
    assert change == {"unit_id": "1-201", "status": "decorating", "since": day("2026-11-09"), "occupants": 4}
    estate2 = estate.updated(status_changes=[change])
    assert estate2.unit("1-201").status == "decorating"  # type: ignore[union-attr]
    roundtrip(d)

    # A site check finds damage by the contractor and hot work by the owner's side; works stop.
    v = d.record_violation("R-1", "common_area_damage", "contractor", amount=D("1800"), note="电梯轿厢划伤",
                           actor="吴工", role="engineer", at=at("2026-11-12T03:00:00Z"))
    assert (v.id, v.amount, v.due, v.status, v.liable, v.name_zh) == (
        "V1", D("1800.00"), day("2026-11-19"), "open", "contractor", "损坏公共部位及设施")
    d.record_violation("R-1", "unapproved_hot_work", "owner", amount=D("600.00"),
                       actor="孙巡", role="security", at=at("2026-11-13T03:00:00Z"))
    d.record_violation("R-1", "common_area_damage", "staff", amount=D("120.00"), note="保洁推车撞坏门框",
                       actor="吴工", role="engineer", at=at("2026-11-13T04:00:00Z"))
    d.suspend("R-1", "动火未审批", actor="吴工", role="engineer", at=at("2026-11-13T05:00:00Z"))
    r = d.record_site_check("R-1", "已停工，现场整改中", actor="孙巡", role="security", at=at("2026-11-14T02:00:00Z"))
    assert r.site_checks == 1 and r.events[-1].details == {"findings": "已停工，现场整改中"}
    with pytest.raises(estatekit.ValidationError) as e:
        d.record_site_check("R-1", " ", actor="孙巡", role="security", at=at("2026-11-14T02:00:00Z"))
    assert (e.value.code, e.value.path) == ("empty_field", "findings")
    assert d.work_check("1-201", at("2026-11-16T02:00:00Z"), True).verdict == "suspended"
    for vid in ["V1", "V2", "V3"]:
        d.rectify_violation("R-1", vid, actor="吴工", role="engineer", at=at("2026-11-16T02:00:00Z"))
    d.resume("R-1", actor="吴工", role="engineer", at=at("2026-11-16T03:00:00Z"))
    r = d.extend("R-1", day("2027-01-20"), "材料延期到货", actor="周经理", role="manager", at=at("2026-12-20T02:00:00Z"))
    assert (r.permitted_end, [(x.new_end, x.reason) for x in r.extensions]) == (
        day("2027-01-20"), [(day("2027-01-20"), "材料延期到货")])
    d.return_passes("R-1", ["P-001", "P-003"], actor="小陈", role="customer_service", at=at("2027-01-10T01:00:00Z"))
    d.report_completion("R-1", actor="小陈", role="customer_service", at=at("2027-01-10T02:00:00Z"))
    assert d.inspect("R-1", False, note="防水闭水试验不合格", actor="吴工", role="engineer",
                     at=at("2027-01-11T02:00:00Z")) is None
    # No refund before acceptance: a state error.
    with pytest.raises(estatekit.StateError) as e:
        d.settle_deposit("R-1", actor="钱会计", role="finance", at=at("2027-01-11T03:00:00Z"))
    assert (e.value.code, e.value.path) == ("renovation_state", "renovation_id")  # type: ignore[attr-defined]
    assert str(e.value) == 'renovation_id: renovation "R-1" is acceptance_failed; cannot settle the deposit'
    d.report_completion("R-1", actor="小陈", role="customer_service", at=at("2027-01-13T02:00:00Z"))
    back = d.inspect("R-1", True, actor="吴工", role="engineer", at=at("2027-01-14T02:00:00Z"))
    assert back == {"unit_id": "1-201", "status": "occupied", "since": day("2027-01-14"), "occupants": 4}
    estate3 = estate2.updated(status_changes=[back])
    assert estate3.unit("1-201").status == "occupied"  # type: ignore[union-attr]

    # The owner paid 30.00, which the book put on the oldest charge: 238.50 and 30.00 owed.
    book.apply_payments([{"unit_id": "1-201", "amount": D("30.00"), "date": day("2026-11-05"), "ref": "BANK-1"}])
    s2 = d.settle_deposit("R-1", book, actor="钱会计", role="finance", at=at("2027-01-15T02:00:00Z"))
    assert [(x.kind, x.source, x.liable, x.amount) for x in s2.deductions] == [
        ("violation", "V1", "contractor", D("1800.00")),
        ("unreturned_pass", "P-002", "contractor", D("20.00")),
        ("violation", "V2", "owner", D("600.00")),
        ("unpaid_fee", "debris_removal", "owner", D("238.50")),
        ("unpaid_fee", "worker_pass", "owner", D("30.00")),
    ]
    # 2,000.00 covers the contractor's 1,820.00 and 180.00 of the owner's 868.50.
    assert (s2.deposit, s2.deducted, s2.refund, s2.shortfall, s2.shortfall_charge, s2.contractor_claim) == (
        D("2000.00"), D("2000.00"), D("0.00"), D("688.50"), D("688.50"), D("0.00"))
    assert [(c.source, c.liable, c.amount) for c in s2.claims] == [("V3", "staff", D("120.00"))]
    assert (s2.deductions[3].reason_zh, s2.refund_due) == ("装修垃圾清运费未缴", day("2027-02-13"))
    charge = d.shortfall_charge("R-1")
    assert charge is not None
    assert (charge["ref"], charge["item_code"], charge["amount"], charge["issued_on"], charge["due"]) == (
        "R-1/deposit_shortfall", "decoration_shortfall", D("688.50"), day("2027-01-15"), day("2027-01-22"))
    book.post_charges([charge])
    book.post_charges([charge])
    assert book.balance("1-201", day("2027-01-23"))["principal_outstanding"] == D("957.00")  # 238.50 + 30.00 + 688.50
    r = d.close("R-1", "TR-0", actor="钱会计", role="finance", at=at("2027-01-16T02:00:00Z"))
    roundtrip(d)
    assert (r.state, len(r.extensions), r.failed_inspections, len(r.events)) == ("closed", 1, 1, 22)
    assert r.settlement == s2
    assert d.open_for("1-201") is None
    assert [e.action for e in r.events][:6] == ["submit", "approve", "fees_paid", "deposit_received", "start",
                                                  "record_violation"]
    assert (r.events[1].actor, r.events[1].role, r.events[1].at) == ("周经理", "manager", at("2026-11-03T02:00:00Z"))
    assert r.events[1].details["fee_due"] == day("2026-11-10")
    assert r.events[3].details == {"amount": D("2000.00"), "receipt": "RC-2"}
    assert r.events[4].details == {"prior_status": "occupied", "prior_occupants": 4}
    assert r.events[-2].details == {"unpaid_fees": [{"code": "debris_removal", "amount": D("238.50")},
                                                    {"code": "worker_pass", "amount": D("30.00")}]}
    assert Decorations.label("state", "deposit_settled") == "押金已结算"
    assert Decorations.label("state", r.state, "en") == "closed"

    st = d.statistics(at("2027-01-16T03:00:00Z"))
    assert (st.total, st.started, st.violations, st.violations_per_100, st.extended, st.median_review_hours) == (
        1, 1, 3, D("300.00"), 1, D("24.00"))
    assert st.by_state["closed"] == 1 and list(st.by_state)[0] == "submitted" and len(st.by_state) == 10
    assert (st.deposits_held_count, st.deposits_held, st.refunds_payable, st.refunds_overdue) == (0, D("0"), D("0"), 0)


def test_the_refusals_of_ministry_order_110_and_of_the_registry() -> None:
    estate, reg, d = Estate.demo(), registry(), Decorations(Estate.demo())
    now = at("2026-11-02T02:00:00Z")

    def refused(s: Submission) -> tuple[type, str, str, str]:
        with pytest.raises(estatekit.EstateKitError) as e:
            d.submit(estate, reg, s, actor="小陈", role="customer_service", at=now)
        return type(e.value), e.value.code, e.value.path, str(e.value)  # type: ignore[attr-defined]

    # Art. 5: load-bearing walls are never touched.
    cls, code, path, _ = refused(application("R-9", "1-201", "P-ZHANG", ["flooring", "load_bearing_wall"]))
    assert (cls, code, path) == (estatekit.ValidationError, "prohibited_scope", "scope[1]")
    # Art. 6: a gas pipe change needs the gas operator's approval, named with what requires it.
    assert refused(application("R-9", "1-201", "P-ZHANG", ["gas_change"])) == (
        estatekit.ValidationError, "missing_document", "documents",
        'documents: document "gas_approval" (燃气管理单位批准文件) is required by scope item "gas_change"')
    # Art. 13: a tenant needs the owner's written consent: one without it is the
    # registry's no_consent, a state error there and here.
    assert refused(application("R-9", "1-202", "P-ZHAO", ["wall_finishes"])) == (
        estatekit.StateError, "no_consent", "applicant_id",
        'applicant_id: person_id: person "P-ZHAO" may not consent for unit "1-202": '
        "a tenant without the owner's written consent (consent_ref)")
    # A tenant with it must also show it.
    assert refused(application("R-9", "1-203", "P-LI", ["wall_finishes"]))[1:3] == ("missing_document", "documents")
    r = d.submit(estate, reg, application("R-9", "1-203", "P-LI", ["wall_finishes"], documents=DOCS + ["owner_consent"]),
                 actor="小陈", role="customer_service", at=now)
    assert (r.applicant.consent, r.applicant.consent_ref) == ("tenant", "C-203")
    assert Decorations.label("consent", "tenant", "zh") == "租户（经业主书面同意）"
    # One open renovation per unit: a state error.
    cls, code, path, _ = refused(application("R-10", "1-203", "P-LI", ["wall_finishes"], documents=DOCS + ["owner_consent"]))
    assert (cls, code, path) == (estatekit.StateError, "open_renovation", "unit_id")
    # Bad arguments name themselves.
    with pytest.raises(estatekit.ValidationError) as e:
        d.approve("R-9", estate, actor="周经理", role="boss", at=now)
    assert (e.value.code, e.value.path) == ("unknown_value", "role")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        d.approve("R-9", estate, actor="周经理", role="manager", at=dt.datetime(2026, 11, 2, 10))
    assert (e.value.code, e.value.path) == ("naive_datetime", "at")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        d.approve("R-9", estate, actor="小陈", role="customer_service", at=now)
    assert (e.value.code, e.value.path) == ("role_not_allowed", "role")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        d.record_deposit("R-9", 2000.0, "RC", actor="钱会计", role="finance", at=now)  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("invalid_decimal", "amount")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        d.renovation("R-404") or d.reject("R-404", "x", actor="周经理", role="manager", at=now)
    assert (e.value.code, e.value.path) == ("unknown_renovation", "renovation_id")  # type: ignore[attr-defined]
    # A state error: the register is unchanged by a refused action.
    before = d.to_json()
    with pytest.raises(estatekit.StateError) as e:
        d.report_completion("R-9", actor="小陈", role="customer_service", at=now)
    assert (e.value.code, e.value.path) == ("renovation_state", "renovation_id")  # type: ignore[attr-defined]
    assert str(e.value) == 'renovation_id: renovation "R-9" is submitted; cannot report completion'
    with pytest.raises(estatekit.StateError):
        d.charge_rows("R-9")
    assert d.to_json() == before
    r = d.reject("R-9", "图纸不全", actor="周经理", role="manager", at=at("2026-11-03T02:00:00Z"))
    assert (r.state, r.events[-1].details) == ("rejected", {"reason": "图纸不全"})


def test_the_default_policy_follows_ministry_order_110() -> None:
    p = DecorationPolicy.default()
    prohibited = [i.code for i in p.catalogue if i.rule == "prohibited"]
    # Art. 5 (变动承重结构, 无防水要求的房间改为卫生间/厨房, 扩大承重墙门窗, 损坏节能设施).
    assert prohibited == ["load_bearing_wall", "structural_slab", "wet_room_conversion", "bearing_wall_openings",
                          "energy_saving_damage"]
    # Art. 6 (planning, heating, gas), 7 (designer's plan), 8 (waterproofing), 13 (documents).
    gas = p.scope_item("gas_change")
    assert gas is not None and (gas.rule, gas.documents, gas.noisy) == ("needs_approval", ["gas_approval"], True)
    assert p.scope_item("facade_change").documents == ["planning_approval"]  # type: ignore[union-attr]
    assert p.scope_item("floor_load_increase").documents == ["design_plan"]  # type: ignore[union-attr]
    assert p.scope_item("waterproofing").rule == "allowed"  # type: ignore[union-attr]
    assert (p.always_required, p.tenant_requires) == (DOCS, ["owner_consent"])
    assert p.document("gas_approval").name_zh == "燃气管理单位批准文件"  # type: ignore[union-attr]
    assert (p.deposit, p.pass_replacement, p.review_working_days, p.max_duration_days, p.acceptance_days,
            p.refund_days) == (D("2000.00"), D("20.00"), 3, 90, 7, 30)
    assert [(f.code, f.basis, f.rate) for f in p.fees] == [("debris_removal", "per_m2", D("3.00")),
                                                             ("worker_pass", "per_pass", D("10.00"))]
    facade = p.violation("unapproved_facade_change")
    assert facade is not None and (facade.damages, facade.damages_min, facade.damages_max) == (
        "range", D("500.00"), D("5000.00"))
    assert p.violation("noise_outside_hours").rectify_days == 1  # type: ignore[union-attr]
    assert p.hours["working_days"]["noisy"] == [(dt.time(8), dt.time(12)), (dt.time(14), dt.time(18))]
    assert p.hours["rest_days"] == {"noisy": [], "quiet": []}
    assert p.calendar.utc_offset_minutes == 480
    assert p.violation("x") is None and p.document("x") is None and p.scope_item("x") is None
    # The policy's JSON reads back equal; a bad one names its field.
    text = p.to_json()
    assert DecorationPolicy.from_json(text) == p
    assert DecorationPolicy.from_json(text.replace('"max_duration_days": 90', '"max_duration_days": 120')).max_duration_days == 120
    with pytest.raises(estatekit.ValidationError) as e:
        DecorationPolicy.from_json(text.replace('"max_duration_days": 90', '"max_duration_days": 0'))
    assert (e.value.code, e.value.path) == ("out_of_range", "max_duration_days")  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(p)) == p


def test_hammering_from_seven_in_the_morning() -> None:
    # "楼上装修从早上七点就开始砸墙": Tuesday 2026-11-10, 07:00 in Beijing.
    d, rid = started()
    seven = dt.datetime(2026, 11, 10, 7, 0, tzinfo=BEIJING)
    check = d.work_check("1-201", seven, True)
    assert (check.verdict, check.local, check.working_day) == ("outside_hours", dt.datetime(2026, 11, 10, 7, 0), True)
    assert check.windows == [(dt.time(8), dt.time(12)), (dt.time(14), dt.time(18))]
    assert Decorations.label("verdict", check.verdict) == "非施工时间"
    assert Decorations.label("verdict", check.verdict, "en") == "outside working hours"
    assert d.work_check("1-201", seven + dt.timedelta(hours=2), True).verdict == "allowed"
    assert d.work_check("1-101", seven + dt.timedelta(hours=2), True).verdict == "no_permit"
    # The policy alone: a Saturday is a rest day, quiet work at lunch time is allowed.
    p = d.policy
    assert p.work_allowed(dt.datetime(2026, 11, 7, 10, tzinfo=BEIJING), False).verdict == "rest_day"
    assert p.work_allowed(dt.datetime(2026, 11, 9, 12, 30, tzinfo=BEIJING), False).verdict == "allowed"
    assert p.work_allowed(dt.datetime(2026, 11, 9, 12, 30, tzinfo=BEIJING), True).verdict == "outside_hours"
    with pytest.raises(estatekit.ValidationError) as e:
        Decorations.label("verdict", "maybe")
    assert (e.value.code, e.value.path) == ("unknown_value", "value")  # type: ignore[attr-defined]


def started() -> tuple[Decorations, str]:
    estate, d = Estate.demo(), Decorations(Estate.demo(), DecorationPolicy.default())
    d.submit(estate, registry(), application("R-1", "1-201", "P-ZHANG", ["flooring"]),
             actor="小陈", role="customer_service", at=at("2026-11-02T02:00:00Z"))
    d.approve("R-1", estate, actor="周经理", role="manager", at=at("2026-11-03T02:00:00Z"))
    d.record_fees_paid("R-1", "RC-1", actor="钱会计", role="finance", at=at("2026-11-04T02:00:00Z"))
    d.record_deposit("R-1", "2000.00", "RC-2", actor="钱会计", role="finance", at=at("2026-11-04T02:01:00Z"))
    d.start_works("R-1", estate, actor="小陈", role="customer_service", at=at("2026-11-09T01:00:00Z"))
    return d, "R-1"


def test_overdue_and_statistics() -> None:
    d, rid = started()
    estate = Estate.demo()
    # A second application, from the tenant of 1-203, never reviewed: due Thursday 11-05
    # (3 working days of 09:00–18:00 from Monday 10:00).
    d.submit(estate, registry(), application("R-2", "1-203", "P-LI", ["wall_finishes"], documents=DOCS + ["owner_consent"]),
             actor="小陈", role="customer_service", at=at("2026-11-02T02:00:00Z"))
    assert [(o.renovation_id, o.kind, o.due, o.days_over) for o in d.overdue(at("2026-11-06T02:00:00Z"))] == [
        ("R-2", "review", day("2026-11-05"), 1)]
    assert d.overdue(at("2026-11-05T02:00:00Z")) == []
    # A violation past its day, and the works past their planned end.
    d.record_violation("R-1", "debris_in_common_area", "owner", actor="孙巡", role="security",
                       at=at("2026-11-10T02:00:00Z"))
    late = d.overdue(at("2027-01-05T02:00:00Z"))
    assert [(o.renovation_id, o.unit_id, o.kind, o.violation_id, o.due, o.days_over) for o in late] == [
        ("R-1", "1-201", "duration", None, day("2026-12-31"), 5),
        ("R-1", "1-201", "rectification", "V1", day("2026-11-11"), 55),
        ("R-2", "1-203", "review", None, day("2026-11-05"), 61),
    ]
    assert Decorations.label("overdue_kind", late[0].kind) == "装修超期"
    st = d.statistics(at("2027-01-05T02:00:00Z"))
    assert (st.total, st.started, st.violations, st.violations_per_100, st.overrunning, st.median_review_hours) == (
        2, 1, 1, D("100.00"), 1, D("24.00"))
    assert dict(st.by_state) == {"submitted": 1, "rejected": 0, "approved": 0, "in_progress": 1, "suspended": 0,
                                 "completion_reported": 0, "acceptance_failed": 0, "accepted": 0,
                                 "deposit_settled": 0, "closed": 0}
    assert (st.deposits_held_count, st.deposits_held, st.refunds_payable, st.refunds_overdue) == (
        1, D("2000.00"), D("0"), 0)
    empty = Decorations(estate).statistics(at("2027-01-05T02:00:00Z"))
    assert (empty.total, empty.median_review_hours, empty.violations_per_100) == (0, None, None)


def test_documents_replay_exactly() -> None:
    d, rid = started()
    text = d.to_json()
    back = Decorations.from_json(text)
    assert back == d and back.to_json() == text and back.estate_id == d.estate_id == Estate.demo().id
    assert back.renovations == d.renovations and back.policy == d.policy
    assert pickle.loads(pickle.dumps(d)) == d
    # A recorded state the log does not give is refused, naming it.
    doc = json.loads(text)
    doc["renovations"][0]["state"] = "accepted"
    with pytest.raises(estatekit.ValidationError) as e:
        Decorations.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("inconsistent_document", "renovations[0].state")  # type: ignore[attr-defined]
    with pytest.raises(estatekit.ValidationError) as e:
        Decorations.from_json("{")
    assert (e.value.code, e.value.path) == ("json", "$")  # type: ignore[attr-defined]
    assert repr(d) == "Decorations(estate_id=\"lakeside\", renovations=1)"
    # A policy amount finer than the estate's money scale is refused when the register is made.
    fine = DecorationPolicy.from_json(DecorationPolicy.default().to_json().replace('"deposit": "2000.00"', '"deposit": "2000.005"'))
    assert fine.deposit == D("2000.005")
    with pytest.raises(estatekit.ValidationError) as e:
        Decorations(Estate.demo(), fine)
    assert (e.value.code, e.value.path) == ("too_many_decimals", "policy.deposit")  # type: ignore[attr-defined]
    assert repr(d.renovation(rid)) == "Renovation(id='R-1', unit_id='1-201', state='in_progress')"
