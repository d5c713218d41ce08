"""Ticket-flow documents that cannot lie, and the access policy (who may do what)."""

import datetime as dt
import json

import pytest

import estatekit

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 6, 9, 0, tzinfo=UTC)
H = dt.timedelta(hours=1)


def new_flow(policy=None, id="T1"):
    return estatekit.TicketFlow(id, unit="1-101", channel="app", received_at=T0, reporter="王女士", text="停电了",
                                kind="repair_request", category="repair.electrical", urgency="urgent",
                                department="engineering", receiver="前台", policy=policy)


def closed():
    f = new_flow()
    f.assign("李工", actor="前台", at=T0 + H)
    f.start(actor="李工", at=T0 + 2 * H)
    f.resolve("换了保险丝", actor="李工", at=T0 + 3 * H)
    f.return_visit(True, "满意", actor="回访员", at=T0 + 24 * H)
    f.close(actor="回访员", at=T0 + 25 * H)
    return f


def refused(doc, policy=None):
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.TicketFlow.from_json(json.dumps(doc, ensure_ascii=False), policy)
    return e.value.code, e.value.path


def test_round_trip_is_byte_identical():
    f = closed()
    back = estatekit.TicketFlow.from_json(f.to_json())
    assert back == f and back.to_json() == f.to_json()
    assert back.policy == estatekit.AccessPolicy()


def test_contradictions_are_refused_with_code_and_path():
    base = json.loads(closed().to_json())
    doc = json.loads(json.dumps(base))
    del doc["events"][1:]
    assert refused(doc) == ("inconsistent_document", "state")
    doc = json.loads(json.dumps(base))
    doc["ticket"]["received_at"] = "2033-08-06T09:00:00Z"
    assert refused(doc) == ("inconsistent_document", "events[0].at")
    doc = json.loads(json.dumps(base))
    doc["events"][3]["at"] = "2026-11-06T08:00:00Z"
    assert refused(doc) == ("event_out_of_order", "events[3].at")
    doc = json.loads(json.dumps(base))
    doc["owner"] = "王经理"
    assert refused(doc) == ("inconsistent_document", "owner")
    try:
        estatekit.TicketFlow.from_json(json.dumps(doc))
    except estatekit.ValidationError as e:
        assert str(e) == 'owner: the document says "王经理"; its event log leads to "李工"'


def test_default_policy_refuses_the_handlers_own_return_visit():
    f = new_flow()
    f.assign("李工", actor="前台", at=T0)
    f.resolve("好了", actor="李工", at=T0 + H)
    before = f.to_json()
    with pytest.raises(estatekit.ValidationError) as e:
        f.return_visit(True, actor="李工", at=T0 + 2 * H)
    assert (e.value.code, e.value.path) == ("not_permitted", "actor")
    assert f.to_json() == before
    doc = json.loads(closed().to_json())
    doc["events"][4]["actor"] = "李工"
    assert refused(doc) == ("not_permitted", "events[4].actor")
    lenient = estatekit.AccessPolicy(handler_may_record_return_visit=True)
    assert estatekit.TicketFlow.from_json(json.dumps(doc), lenient).events[4].actor == "李工"


def test_configured_policy_refuses_a_role():
    policy = estatekit.AccessPolicy({"resolve": ["engineer"], "close": ["manager"]})
    assert policy.roles == {"close": ["manager"], "resolve": ["engineer"]}
    # About roles: a return-visit policy that requires no visit before closing.
    f = estatekit.TicketFlow("T1", unit="1-101", channel="app", received_at=T0, reporter="王女士", text="停电了",
                             kind="repair_request", category="repair.electrical", urgency="urgent",
                             department="engineering", receiver="前台", policy=policy,
                             return_visit_policy=estatekit.ReturnVisitPolicy(required_kinds=[]))
    f.assign("李工", actor="前台", at=T0)
    with pytest.raises(estatekit.ValidationError) as e:
        f.resolve("好了", actor="李工", at=T0, role="receptionist")
    assert (e.value.code, e.value.path) == ("not_permitted", "role")
    with pytest.raises(estatekit.ValidationError) as e:
        f.resolve("好了", actor="李工", at=T0)
    assert (e.value.code, e.value.path) == ("not_permitted", "role")
    f.resolve("好了", actor="李工", at=T0, role="engineer")
    f.close(actor="客服主管", at=T0, role="manager")
    assert [e.role for e in f.events] == [None, None, "engineer", "manager"]
    back = estatekit.TicketFlow.from_json(f.to_json(), policy)
    assert back == f and back.to_json() == f.to_json() and back.policy == policy
    assert refused(json.loads(closed().to_json()), policy) == ("not_permitted", "events[3].role")


def test_first_contact_ownership():
    policy = estatekit.AccessPolicy.from_json('{"first_contact_ownership": true}')
    assert policy.first_contact_ownership and not policy.handler_may_record_return_visit
    f = new_flow(policy)
    with pytest.raises(estatekit.ValidationError) as e:
        f.assign("李工", actor="客服经理", at=T0)
    assert (e.value.code, e.value.path) == ("not_permitted", "actor")
    f.assign("李工", actor="前台", at=T0)
    g = new_flow()
    g.assign("李工", actor="客服经理", at=T0)          # allowed by the default policy
    assert refused(json.loads(g.to_json()), policy) == ("not_permitted", "events[1].actor")


def test_policy_json():
    p = estatekit.AccessPolicy.from_json('{"roles": {"close": ["manager"]}, "first_contact_ownership": true}')
    assert estatekit.AccessPolicy.from_json(p.to_json()) == p
    for text, code, path in [('{"roles": {"fly": ["pilot"]}}', "unknown_value", "roles.fly"),
                             ('{"roles": {"close": []}}', "empty_field", "roles.close"),
                             ('{"owner_only": true}', "json", "owner_only")]:
        with pytest.raises(estatekit.ValidationError) as e:
            estatekit.AccessPolicy.from_json(text)
        assert (e.value.code, e.value.path) == (code, path)
    with pytest.raises(estatekit.ValidationError) as e:
        estatekit.AccessPolicy({"receive": ["x"]})
    assert (e.value.code, e.value.path) == ("unknown_value", "roles.receive")


def test_documents_without_history_are_rebuilt():
    doc = json.loads(closed().to_json())
    del doc["events"]
    f = estatekit.TicketFlow.from_json(json.dumps(doc))
    assert [e.action for e in f.events] == ["receive", "assign", "resolve", "return_visit", "close"]
    doc["state"] = "received"
    assert refused(doc) == ("inconsistent_document", "state")
