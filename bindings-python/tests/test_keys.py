"""Key custody (钥匙管理) from Python: loans with identity and authorisation, a short
return charged to the unit and posted to the book once, claims against staff, a vacant
unit's keys handed over at check-in with a matching count, stock-takes, and a register
whose JSON is the core's and restores exactly."""

import copy
import datetime
import json
import pickle
from decimal import Decimal

import pytest

from estatekit import (
    CheckinTemplate,
    Checklist,
    Estate,
    FeeSchedule,
    KeyPolicy,
    KeyRegister,
    KeySetInput,
    LoanInput,
    Receivables,
    Registry,
    StateError,
    ValidationError,
)

UTC = datetime.timezone.utc
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
MANAGER = {"by": "manager", "name": "周经理"}


def at(s: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def roof_loan(loan_id: str = "L-1", **over) -> LoanInput:
    fields = dict(
        id=loan_id,
        key_set_id="K-ROOF-1",
        borrower="王芳",
        party="owner",
        authorisation=MANAGER,
        reason="检查天台太阳能热水器",
        count=2,
        id_checked=True,
        unit_id="1-101",
    )
    fields.update(over)
    return LoanInput(**fields)


def example() -> KeyRegister:
    """The core's KeyRegister::example(), built through the binding."""
    estate = Estate.demo()
    reg = KeyRegister(estate.id, KeyPolicy(Decimal("150.00")))
    reg.register(estate, KeySetInput("K-ROOF-1", "public_room", "1号楼天台", "A-01", 2),
                 actor="李主管", at=at("2026-11-01T01:00:00Z"))
    reg.register(estate, KeySetInput("K-PUMP", "public_room", "水泵房", "A-03", 2,
                                     lock_replacement=Decimal("300.00")),
                 actor="李主管", at=at("2026-11-01T01:05:00Z"))
    reg.register(estate, KeySetInput("K-1-603", "vacant_unit", "1-603", "B-06", 2, unit_id="1-603"),
                 actor="李主管", at=at("2026-11-01T01:10:00Z"))
    reg.take_into_custody("K-1-603", 2, actor="李主管", at=at("2026-11-01T01:15:00Z"))
    reg.lend(roof_loan(), actor="小陈", at=datetime.datetime(2026, 11, 3, 10, 0, tzinfo=BEIJING))
    return reg


def registry() -> Registry:
    r = Registry("lakeside")
    r.add_person(id="P-WANG", name="王芳")
    for u in ("1-101", "1-603"):
        r.add_role(unit_id=u, person_id="P-WANG", role="owner", from_="2026-10-01")
    return r


def err(exc) -> tuple:
    return (exc.value.code, exc.value.path)


def test_a_short_return_charges_the_owners_unit_and_the_book_takes_it_once():
    reg = example()
    loan = reg.loan("L-1")
    assert loan.due == at("2026-11-03T16:00:00Z")  # the end of the Beijing day
    assert loan.due.tzinfo is not None
    assert loan.input.authorisation == MANAGER
    assert reg.overdue(at("2026-11-03T16:00:00Z")) == []
    assert [l.id for l in reg.overdue(at("2026-11-04T01:00:00Z"))] == ["L-1"]

    back = reg.return_loan("L-1", 1, actor="小陈", at=at("2026-11-04T01:30:00Z"))
    assert (back.returned, back.returned_at) == (1, at("2026-11-04T01:30:00Z"))
    roof = reg.key_set("K-ROOF-1")
    assert (roof.status, roof.count, roof.loan_id) == ("in_custody", 1, None)
    [loss] = reg.losses
    assert (loss.id, loss.missing, loss.party, loss.responsible, loss.unit_id, loss.amount, loss.is_claim) == (
        "LOSS-1", 1, "owner", "王芳", "1-101", Decimal("150.00"), False)
    assert reg.claims == []
    # A retry changes nothing; another count is refused.
    before = reg.to_json()
    reg.return_loan("L-1", 1, actor="小陈", at=at("2026-11-04T01:31:00Z"))
    assert reg.to_json() == before
    with pytest.raises(StateError) as e:
        reg.return_loan("L-1", 2, actor="小陈", at=at("2026-11-04T01:32:00Z"))
    assert err(e) == ("key_state", "loan_id")

    row = reg.loss_charge("LOSS-1")
    assert (row["unit_id"], row["item_code"], row["amount"], row["ref"]) == (
        "1-101", "lock_replacement", Decimal("150.00"), "LOSS-1/lock_replacement")
    assert (row["issued_on"], row["due"]) == (datetime.date(2026, 11, 4), datetime.date(2026, 11, 19))
    with pytest.raises(ValidationError) as e:
        reg.loss_charge("LOSS-9")
    assert err(e) == ("unknown_reference", "loss_id")

    book = Receivables(Estate.demo(), FeeSchedule.demo())
    posted = book.post_charges([row, row])
    assert (len(posted.posted), len(posted.already_posted), len(posted.rejected)) == (1, 1, 0)
    assert book.balance("1-101", "2026-11-20")["billed"] == Decimal("150.00")

    k = reg.replace_lock("K-ROOF-1", 3, actor="李主管", at=at("2026-11-05T02:00:00Z"))
    assert k.count == 3
    assert reg.losses[0].replaced_at == at("2026-11-05T02:00:00Z")
    assert KeyRegister.from_json(reg.to_json()) == reg


def test_loans_need_identity_authorisation_and_a_free_set():
    reg, people = example(), registry()
    t = at("2026-11-04T02:00:00Z")
    with pytest.raises(StateError) as e:
        reg.lend(roof_loan("L-2"), actor="小陈", at=t)
    assert err(e) == ("key_state", "key_set_id")
    # The same loan again is a retry.
    before = reg.to_json()
    assert reg.lend(roof_loan(), actor="小陈", at=t).out_at == at("2026-11-03T02:00:00Z")
    assert reg.to_json() == before
    with pytest.raises(ValidationError) as e:
        reg.lend(roof_loan(reason="另一件事"), actor="小陈", at=t)
    assert err(e) == ("duplicate_id", "loan.id")

    def pump(loan_id, auth, **over):
        f = dict(id=loan_id, key_set_id="K-PUMP", borrower="水泵维保 赵工", party="contractor",
                 authorisation=auth, reason="水泵季度保养", count=1, id_checked=True)
        f.update(over)
        return LoanInput(**f)

    owner = lambda p: {"by": "owner", "person_id": p}  # noqa: E731
    with pytest.raises(StateError) as e:
        reg.lend(pump("L-2", owner("P-WANG")), people, actor="小陈", at=t)
    assert err(e) == ("not_authorised", "authorisation")
    with pytest.raises(StateError) as e:
        reg.lend(pump("L-2", MANAGER, id_checked=False), actor="小陈", at=t)
    assert err(e) == ("not_authorised", "id_checked")
    with pytest.raises(ValidationError) as e:
        reg.lend(pump("L-2", MANAGER, count=3), actor="小陈", at=t)
    assert err(e) == ("out_of_range", "count")
    assert reg.to_json() == before
    reg.lend(pump("L-2", MANAGER), actor="小陈", at=t)

    estate = Estate.demo()
    reg.register(estate, KeySetInput("K-1-101", "entrusted", "1-101", "C-01", 2, unit_id="1-101"),
                 actor="李主管", at=t)

    def unit_loan(loan_id, auth):
        return LoanInput(loan_id, "K-1-101", "维修工 钱", "staff", auth, "楼下漏水，入户查漏", 1,
                         id_checked=True, due=at("2026-11-04T10:00:00Z"))

    with pytest.raises(StateError) as e:
        reg.lend(unit_loan("L-3", MANAGER), people, actor="小陈", at=t)
    assert err(e) == ("not_authorised", "authorisation")
    # A tenant without the owner's written consent may not; the owner may.
    people.add_person(id="P-TENANT", name="租户 孙")
    people.add_role(unit_id="1-101", person_id="P-TENANT", role="tenant", from_="2026-10-01",
                    lease_start="2026-10-01", lease_end="2027-09-30")
    with pytest.raises(StateError) as e:
        reg.lend(unit_loan("L-3", owner("P-TENANT")), people, actor="小陈", at=t)
    assert err(e) == ("no_consent", "authorisation.person_id")
    assert "P-TENANT" in str(e.value)
    with pytest.raises(StateError) as e:
        reg.lend(unit_loan("L-3", owner("P-WANG")), actor="小陈", at=t)
    assert err(e) == ("no_consent", "authorisation.person_id")
    loan = reg.lend(unit_loan("L-3", owner("P-WANG")), people, actor="小陈", at=t)
    assert loan.due == at("2026-11-04T10:00:00Z")
    # Staff lost the key: a claim, not a charge on the unit.
    reg.return_loan("L-3", 0, actor="小陈", at=at("2026-11-04T09:00:00Z"))
    [loss] = reg.losses
    assert (loss.party, loss.unit_id, loss.is_claim, loss.amount) == ("staff", None, True, Decimal("150.00"))
    assert [c.id for c in reg.claims] == [loss.id]
    assert reg.loss_charge(loss.id) is None
    assert reg.key_set("K-1-101").count == 1
    assert KeyRegister.from_json(reg.to_json()) == reg


def checkin_1_603() -> Checklist:
    """1-603's check-in by 王芳, done up to its key handover (two keys)."""
    template = CheckinTemplate.default()
    c = Checklist.start(template, "1-603", "王芳", "2026-11-10")
    minute = 0
    start = at("2026-11-10T01:00:00Z")
    for step in template.steps:
        for item in step.items:
            if not item.mandatory:
                continue
            minute += 2
            data = {
                "signature": {"signature_ref": f"SIG-{minute}"},
                "payment": {"receipt_ref": f"R-{minute}"},
                "key_handover": {"keys": 2},
                "meter_reading": {"reading": Decimal("600.0")},
                "inspection": {"outcome": "accepted"},
            }.get(item.kind, {})
            c.complete(item.code, actor="李四", role=item.roles[0],
                       at=start + datetime.timedelta(minutes=minute), data=data)
            if item.kind == "key_handover":
                return c
    raise AssertionError("no key handover")


def test_a_vacant_units_keys_are_counted_in_and_handed_over_at_check_in():
    reg, checklist, estate = example(), checkin_1_603(), Estate.demo()
    k = reg.register(estate, KeySetInput("K-1-602", "vacant_unit", "1-602", "B-07", 3, unit_id="1-602"),
                     actor="李主管", at=at("2026-11-05T01:00:00Z"))
    assert k.status == "received"
    with pytest.raises(ValidationError) as e:
        reg.take_into_custody("K-1-602", 2, actor="李主管", at=at("2026-11-05T01:10:00Z"))
    assert err(e) == ("mismatch", "counted")
    with pytest.raises(StateError) as e:
        reg.lend(roof_loan("L-2", key_set_id="K-1-602"), actor="小陈", at=at("2026-11-05T01:20:00Z"))
    assert err(e) == ("key_state", "key_set_id")
    reg.take_into_custody("K-1-602", 3, actor="李主管", at=at("2026-11-05T01:30:00Z"))

    with pytest.raises(ValidationError) as e:
        reg.hand_over("K-1-602", checklist, actor="小陈", at=at("2026-11-10T03:00:00Z"))
    assert err(e) == ("unknown_value", "unit_id")
    reg.add_duplicates("K-1-603", 1, actor="李主管", at=at("2026-11-06T01:00:00Z"))
    with pytest.raises(ValidationError) as e:
        reg.hand_over("K-1-603", checklist, actor="小陈", at=at("2026-11-10T03:00:00Z"))
    assert err(e) == ("mismatch", "keys")
    assert "2 keys counted, 3 on record" in str(e.value)
    loss = reg.report_lost("K-1-603", 1, "staff", "客服 小陈", actor="李主管", at=at("2026-11-07T01:00:00Z"))
    assert (loss.id, loss.is_claim, loss.loan_id) == ("LOSS-1", True, None)
    k = reg.hand_over("K-1-603", checklist, actor="小陈", at=at("2026-11-10T03:00:00Z"))
    assert (k.status, k.handed_to, k.count) == ("handed_over", "王芳", 2)
    n = reg.event_count
    reg.hand_over("K-1-603", checklist, actor="小陈", at=at("2026-11-10T03:05:00Z"))
    assert reg.event_count == n

    st = reg.stock_take({"K-PUMP": 2, "K-1-602": 2, "K-ROOF-1": 0}, actor="李主管", at=at("2026-11-30T09:00:00Z"))
    assert [(l.key_set_id, l.expected, l.counted, l.difference) for l in st.lines] == [
        ("K-1-602", 3, 2, -1), ("K-PUMP", 2, 2, 0), ("K-ROOF-1", 0, 0, 0)]
    assert [l.key_set_id for l in st.differences] == ["K-1-602"]
    assert st.not_counted == []
    assert (st.by, st.at) == ("李主管", at("2026-11-30T09:00:00Z"))
    assert KeyRegister.from_json(reg.to_json()) == reg


def test_the_json_is_the_cores_and_a_saved_register_checks_itself():
    reg = example()
    text = reg.to_json()
    doc = json.loads(text)
    assert (doc["format_version"], doc["estate_id"]) == (1, "lakeside")
    assert doc["policy"] == {"lock_replacement": "150.00", "charge_due_days": 15, "utc_offset_minutes": 480}
    # The loan as lent, its default due time recorded as decided (the end of the Beijing day).
    assert doc["events"][4] == {
        "at": "2026-11-03T02:00:00Z", "actor": "小陈",
        "action": {"type": "lend", "loan": {
            "id": "L-1", "key_set_id": "K-ROOF-1", "borrower": "王芳", "party": "owner", "unit_id": "1-101",
            "id_checked": True, "authorisation": {"by": "manager", "name": "周经理"},
            "reason": "检查天台太阳能热水器", "count": 2, "due": "2026-11-03T16:00:00Z"}},
    }
    assert doc["events"][1]["action"]["set"] == {
        "id": "K-PUMP", "kind": "public_room", "name": "水泵房", "slot": "A-03", "count": 2, "lock_replacement": "300.00"}
    assert KeyRegister.from_json(text).loan("L-1").input.due == at("2026-11-03T16:00:00Z")
    again = KeyRegister.from_json(text)
    assert again.to_json() == text and again == reg
    assert pickle.loads(pickle.dumps(reg)) == reg and copy.deepcopy(reg) == reg

    doc["events"][4]["action"]["loan"]["id_checked"] = False
    with pytest.raises(StateError) as e:
        KeyRegister.from_json(json.dumps(doc))
    assert err(e) == ("not_authorised", "events[4].action.loan.id_checked")
    doc = json.loads(text)
    doc["events"].insert(0, doc["events"].pop(4))
    with pytest.raises(ValidationError) as e:
        KeyRegister.from_json(json.dumps(doc))
    assert err(e) == ("unknown_reference", "events[0].action.loan.key_set_id")


def test_bad_arguments_name_their_field():
    with pytest.raises(ValidationError) as e:
        KeySetInput("K1", "garage", "车库", "A-1", 1)
    assert err(e) == ("unknown_value", "kind")
    with pytest.raises(ValidationError) as e:
        roof_loan(party="visitor")
    assert err(e) == ("unknown_value", "party")
    with pytest.raises(ValidationError) as e:
        roof_loan(authorisation={"by": "guard", "name": "x"})
    assert err(e) == ("unknown_value", "authorisation.by")
    with pytest.raises(ValidationError) as e:
        roof_loan(authorisation={"by": "owner"})
    assert err(e) == ("missing_value", "authorisation.person_id")
    with pytest.raises(ValidationError) as e:
        KeyRegister("lakeside", KeyPolicy(Decimal("150.001")))
    assert err(e) == ("too_many_decimals", "policy.lock_replacement")
    with pytest.raises(ValidationError) as e:
        example().return_loan("L-1", 1, actor="小陈", at=datetime.datetime(2026, 11, 4, 9, 0))
    assert e.value.code == "naive_datetime"
