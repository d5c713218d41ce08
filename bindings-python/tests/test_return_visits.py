"""Return visits that count (issue 18.5): rating, unreachable attempts, the close rule,
the deadline, the visit policy, statistics with coverage, old documents."""

import copy
import datetime
import json
import pickle

import pytest

from estatekit import ReturnVisitPolicy, StateError, TicketFlow, ValidationError, ticket_statistics

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
H = datetime.timedelta(hours=1)
MONTH = (datetime.datetime(2026, 11, 1, tzinfo=UTC), datetime.datetime(2026, 12, 1, tzinfo=UTC))


def resolved(id: str = "T1", kind: str = "repair_request", channel: str = "hotline", **kw: object) -> TicketFlow:
    f = TicketFlow(id, unit="1-201", channel=channel, received_at=T0, reporter="王女士", text="text", kind=kind,
                   category="repair.plumbing", urgency="normal", department="engineering", receiver="前台",
                   **kw)  # type: ignore[arg-type]
    f.resolve("修好", actor="李工", at=T0 + H)
    return f


def test_rating_5_is_satisfied_and_3_reopens() -> None:
    f = resolved()
    assert f.return_visit_reached("phone", 5, "很满意", actor="回访员", at=T0 + 24 * H) == "return_visited"
    assert (f.satisfied, f.rating, f.reopened) == (True, 5, 0)
    assert f.close(actor="回访员", at=T0 + 25 * H) == "closed"
    assert [(e.action, e.detail) for e in f.events[2:]] == [("return_visit_reached", "很满意"), ("close", "")]

    g = resolved(kind="complaint")
    assert g.return_visit_reached("visit", 3, "还是吵", actor="回访员", at=T0 + 24 * H) == "assigned"
    assert (g.satisfied, g.rating, g.reopened, g.state) == (False, 3, 1, "assigned")


def test_rating_outside_1_to_5_and_unknown_mode_are_validation_errors() -> None:
    f = resolved()
    for r in (0, 6):
        with pytest.raises(ValidationError) as e:
            f.return_visit_reached("phone", r, actor="回访员", at=T0 + 24 * H)
        assert (e.value.code, e.value.path, str(e.value)) == ("invalid_option", "rating", f"rating: a rating is 1 to 5, got {r}")
    with pytest.raises(ValidationError) as e:
        f.return_visit_reached("pigeon", 5, actor="回访员", at=T0 + 24 * H)  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("unknown_value", "mode")
    assert (f.state, len(f.events)) == ("resolved", 2)


def test_three_unreachable_attempts_then_close() -> None:
    f = resolved(kind="complaint")
    for i in range(1, 4):
        assert f.return_visit_unreachable("phone", "无人接听", actor="回访员", at=T0 + 24 * i * H) == "resolved"
    assert (f.unreachable_attempts, f.satisfied, f.rating) == (3, None, None)
    assert f.close(actor="回访员", at=T0 + 80 * H) == "closed"


def test_two_unreachable_attempts_then_close_is_a_state_error() -> None:
    f = resolved(kind="complaint")
    f.return_visit_unreachable("phone", actor="回访员", at=T0 + 24 * H)
    f.return_visit_unreachable("app", actor="回访员", at=T0 + 48 * H)
    with pytest.raises(StateError) as e:
        f.close(actor="回访员", at=T0 + 50 * H)
    assert (e.value.code, e.value.path) == ("return_visit_required", "ticket.T1.return_visit")
    assert str(e.value) == ("ticket T1: a complaint must be return-visited before it is closed; no visit reached "
                            "the owner and 2 of 3 unreachable attempts were made")
    assert f.state == "resolved"


@pytest.mark.parametrize("kind, channel", [("complaint", "patrol"), ("repair_request", "patrol"),
                                           ("praise", "hotline"), ("service_request", "app")])
def test_exempt_tickets_close_without_a_visit(kind: str, channel: str) -> None:
    f = resolved(kind=kind, channel=channel)
    assert (f.return_visit_required, f.return_visit_due) == (False, None)
    assert f.close(actor="主管", at=T0 + 2 * H) == "closed"


def test_due_date_and_overdue_in_beijing_time() -> None:
    f = resolved(utc_offset_minutes=480)  # resolved 2026-11-02 10:00 Beijing time
    assert f.return_visit_required
    assert f.return_visit_due == datetime.date(2026, 11, 5)
    assert not f.return_visit_overdue(datetime.datetime(2026, 11, 5, 15, 59, 59, tzinfo=UTC))
    assert f.return_visit_overdue(datetime.datetime(2026, 11, 5, 16, 0, tzinfo=UTC))
    f.return_visit_reached("phone", 4, actor="回访员", at=datetime.datetime(2026, 11, 6, tzinfo=UTC))
    assert not f.return_visit_overdue(datetime.datetime(2026, 11, 7, tzinfo=UTC))


def test_policy_is_configured_stored_and_checked() -> None:
    p = ReturnVisitPolicy()
    assert (p.required_kinds, p.exempt_channels, p.max_unreachable_attempts, p.deadline_days,
            p.satisfaction_target, p.min_coverage) == (["complaint", "repair_request"], ["patrol"], 3, 3, 0.95, 0.8)
    assert p.to_json() == ('{"required_kinds":["complaint","repair_request"],"exempt_channels":["patrol"],'
                           '"max_unreachable_attempts":3,"deadline_days":3,"satisfaction_target":0.95,"min_coverage":0.8}')
    assert ReturnVisitPolicy.from_json("{}") == p
    assert pickle.loads(pickle.dumps(p)) == p and copy.copy(p) == p
    two = ReturnVisitPolicy(required_kinds=["complaint"], exempt_channels=[], max_unreachable_attempts=2)
    f = resolved(kind="complaint", channel="patrol", return_visit_policy=two)
    assert f.return_visit_policy == two and f.return_visit_required
    f.return_visit_unreachable("phone", actor="回访员", at=T0 + 2 * H)
    f.return_visit_unreachable("phone", actor="回访员", at=T0 + 3 * H)
    assert f.close(actor="主管", at=T0 + 4 * H) == "closed"
    back = TicketFlow.from_json(f.to_json())
    assert back == f and back.return_visit_policy == two
    for kwargs, path in [({"max_unreachable_attempts": 0}, "max_unreachable_attempts"),
                         ({"deadline_days": 400}, "deadline_days"),
                         ({"satisfaction_target": 1.5}, "satisfaction_target"),
                         ({"min_coverage": -0.1}, "min_coverage"),
                         ({"required_kinds": ["complaint", "rumour"]}, "required_kinds[1]"),
                         ({"exempt_channels": ["pigeon"]}, "exempt_channels[0]")]:
        with pytest.raises(ValidationError) as e:
            ReturnVisitPolicy(**kwargs)  # type: ignore[arg-type]
        assert e.value.path == path, kwargs
    with pytest.raises(ValidationError) as e:
        ReturnVisitPolicy.from_json('{"target": 0.9}')
    assert (e.value.code, e.value.path) == ("json", "target")


def month() -> list[TicketFlow]:
    """10 resolved must-visit tickets: 6 reached (5 satisfied), 2 unreachable-closed,
    2 not yet visited; a patrol complaint and a praise, not counted."""
    flows = []
    for i, rating in enumerate([5, 5, 4, 5, 4, 2]):
        f = resolved(f"R{i}")
        f.return_visit_reached("phone", rating, actor="回访员", at=T0 + 24 * H)
        flows.append(f)
    for i in range(2):
        f = resolved(f"U{i}", kind="complaint", channel="app")
        for h in range(3):
            f.return_visit_unreachable("phone", actor="回访员", at=T0 + (24 + h) * H)
        f.close(actor="回访员", at=T0 + 30 * H)
        flows.append(f)
    flows += [resolved(f"P{i}", kind="complaint") for i in range(2)]
    flows += [resolved("X1", kind="complaint", channel="patrol"), resolved("X2", kind="praise")]
    return flows


def test_statistics_of_a_hand_built_month() -> None:
    s = ticket_statistics(month(), *MONTH, units=100)
    assert (s.visits_required, s.visits_reached, s.visits_satisfied, s.visits_unreachable) == (10, 6, 5, 2)
    assert (s.return_visit_rate, s.unreachable_rate) == (0.8, 0.2)
    assert (s.return_visit_satisfaction, s.return_visit_coverage) == (0.8333, 0.6)
    assert (s.satisfaction_target, s.min_coverage, s.meets_satisfaction_target) == (0.95, 0.8, False)
    assert (s.return_visits, s.satisfied, s.satisfaction_rate) == (6, 5, 0.8333)
    lax = ReturnVisitPolicy(satisfaction_target=0.8, min_coverage=0.6)
    s = ticket_statistics(month(), *MONTH, units=100, return_visit_policy=lax)
    assert (s.satisfaction_target, s.min_coverage, s.meets_satisfaction_target) == (0.8, 0.6, True)


def test_one_satisfied_visit_among_100_does_not_meet_the_target() -> None:
    flows = [resolved(f"C{i:03}", kind="complaint") for i in range(100)]
    flows[0].return_visit_reached("app", 5, actor="回访员", at=T0 + 24 * H)
    s = ticket_statistics(flows, *MONTH, units=100)
    assert (s.visits_required, s.visits_reached, s.return_visit_satisfaction, s.return_visit_coverage) == (100, 1, 1.0, 0.01)
    assert s.satisfaction_rate == 1.0
    assert s.meets_satisfaction_target is False


def test_old_documents_load_and_legacy_visits_count_as_reached() -> None:
    f = resolved(kind="complaint")
    f.return_visit(True, "满意", actor="回访员", at=T0 + 24 * H)  # the legacy form, kept
    f.close(actor="回访员", at=T0 + 25 * H)
    doc = json.loads(f.to_json())
    # As written before return-visit policies: no policy, a complaint closed without a visit.
    del doc["return_visit_policy"]
    old = TicketFlow.from_json(json.dumps(doc))
    assert (old.return_visit_policy, old.return_visit_required, old.satisfied, old.rating) == (None, False, True, None)
    assert [e.action for e in old.events] == ["receive", "resolve", "return_visit", "close"]
    g = resolved("T2", kind="complaint")
    doc2 = json.loads(g.to_json())
    del doc2["return_visit_policy"]
    doc2["events"].append({"at": "2026-11-02T03:00:00Z", "actor": "主管", "action": "close"})
    doc2["state"] = "closed"
    closed = TicketFlow.from_json(json.dumps(doc2))
    assert closed.state == "closed"
    s = ticket_statistics([old, closed], *MONTH, units=10)
    assert (s.visits_required, s.visits_reached, s.visits_satisfied, s.return_visit_coverage) == (2, 1, 1, 0.5)


def test_a_document_closed_without_the_required_visit_is_refused() -> None:
    f = resolved(kind="complaint")
    f.return_visit_unreachable("phone", actor="回访员", at=T0 + 2 * H)
    doc = json.loads(f.to_json())
    doc["events"].append({"at": "2026-11-02T04:00:00Z", "actor": "主管", "action": "close"})
    doc["state"] = "closed"
    with pytest.raises(ValidationError) as e:
        TicketFlow.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("inconsistent_document", "events[3].action")
    doc["events"][2] = {"at": "2026-11-02T03:00:00Z", "actor": "回访员", "action": "return_visit_reached",
                        "mode": "phone", "rating": 9, "comment": ""}
    with pytest.raises(ValidationError) as e:
        TicketFlow.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("invalid_document", "events[2].rating")
