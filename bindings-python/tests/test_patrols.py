"""Patrol rounds (巡查) from Python: tasks generated from plans and the calendar, visits
timed against their windows, findings that need a note and become tickets and lines
of the building log, the statistics of a month, documents that check themselves.

Mirrors core/tests/patrols.rs: every count, rate, code and path is the core's."""

import csv
import datetime as dt
import json
import os
import pathlib
import pickle
from decimal import Decimal as D

import pytest

import estatekit
from estatekit import (
    Checkpoint,
    ItemResult,
    PatrolBook,
    Plan,
    Recurrence,
    TicketClassifier,
    TicketFlow,
    Visit,
)

UTC = dt.timezone.utc
HERE = pathlib.Path(__file__).resolve().parent
# The development data beside the repository (not part of it); skipped when missing.
SHARED = pathlib.Path(os.environ.get("ESTATEKIT_SHARED_DATA", HERE.parent.parent.parent / "shared" / "data"))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def book() -> PatrolBook:
    """The core test's book: a lobby, a pump room and a renovation site in building B1;
    a day plan of two rounds (甲, deputy 乙), a site plan on Monday, Wednesday and Friday
    (乙), an alternate-day night plan from 11-01 (丙); Beijing time."""

    def cp(id: str, kind: str, items: list[str]) -> Checkpoint:
        return Checkpoint(id, id, kind, items, building_id="B1")

    cps = [
        cp("LOBBY", "environment", ["地面清洁"]),
        cp("PUMP", "equipment", ["水泵运行正常", "无漏水"]),
        cp("SITE-1201", "decoration_site", ["按时施工", "垃圾入袋"]),
    ]
    plans = [
        Plan("DAY", ["LOBBY", "PUMP"], Recurrence.daily(), [("09:00", "10:00"), (dt.time(15), dt.time(16))], "甲", deputy="乙"),
        Plan("SITE", ["SITE-1201"], Recurrence.weekdays([0, 2, 4]), [("10:00", "11:00")], "乙"),
        Plan("ALT", ["PUMP"], Recurrence.alternate_days("2026-11-01"), [("21:00", "22:00")], "丙"),
    ]
    return PatrolBook(cps, plans, utc_offset_minutes=480)


def ok(items: list[str]) -> list[ItemResult]:
    return [ItemResult(i, True) for i in items]


def test_the_definition_reads_back() -> None:
    b = book()
    cp = b.checkpoints[2]
    assert (cp.id, cp.name, cp.building_id, cp.kind, cp.items) == (
        "SITE-1201",
        "SITE-1201",
        "B1",
        "decoration_site",
        ["按时施工", "垃圾入袋"],
    )
    day_plan, site, alt = b.plans
    assert day_plan.windows == [(dt.time(9), dt.time(10)), (dt.time(15), dt.time(16))]
    assert (day_plan.staff, day_plan.deputy, site.deputy) == ("甲", "乙", None)
    assert (site.recurrence.kind, site.recurrence.days, site.recurrence.start) == ("weekdays", [0, 2, 4], None)
    assert (alt.recurrence.kind, alt.recurrence.start) == ("alternate_days", day("2026-11-01"))
    assert day_plan.recurrence == Recurrence.daily()
    # 2026-11-04 is a Wednesday, three days after the 1st.
    assert site.recurrence.on("2026-11-04") and not alt.recurrence.on(day("2026-11-04"))
    assert alt.recurrence.on(day("2026-11-03"))
    assert PatrolBook.label("task_status", "absent") == "缺勤"
    assert PatrolBook.label("timing", "on_time", "en") == "on time"
    assert PatrolBook.label("checkpoint_kind", "decoration_site") == "装修现场"
    with pytest.raises(estatekit.ValidationError) as e:
        PatrolBook.label("timing", "punctual")
    assert (e.value.code, e.value.path) == ("unknown_value", "value")


def test_a_bad_definition_is_refused() -> None:
    gate = Checkpoint("A", "大门", "security", ["门岗在岗"])
    plan = Plan("P", ["B"], Recurrence.daily(), [("22:00", "23:00")], "刘")
    with pytest.raises(estatekit.ValidationError) as e:
        PatrolBook([gate], [plan], utc_offset_minutes=480)
    assert (e.value.code, e.value.path) == ("unknown_reference", "plans[0].route[0]")
    inverted = Plan("P", ["A"], Recurrence.daily(), [("23:00", "22:00")], "刘")
    with pytest.raises(estatekit.ValidationError) as e:
        PatrolBook([gate], [inverted], utc_offset_minutes=480)
    assert (e.value.code, e.value.path) == ("out_of_range", "plans[0].windows[0].end")
    sunday8 = Plan("P", ["A"], Recurrence.weekdays([7]), [("22:00", "23:00")], "刘")
    with pytest.raises(estatekit.ValidationError) as e:
        PatrolBook([gate], [sunday8], utc_offset_minutes=480)
    assert (e.value.code, e.value.path) == ("out_of_range", "plans[0].recurrence.weekdays")
    with pytest.raises(estatekit.ValidationError) as e:
        Checkpoint("A", "大门", "lobby", ["门岗在岗"])
    assert (e.value.code, e.value.path) == ("unknown_value", "kind")
    with pytest.raises(estatekit.ValidationError) as e:
        Plan("P", ["A"], Recurrence.daily(), [("22h", "23:00")], "刘")
    assert (e.value.code, e.value.path) == ("invalid_time", "windows[0].start")
    with pytest.raises(estatekit.ValidationError) as e:
        PatrolBook([gate], [], utc_offset_minutes=19 * 60)
    assert (e.value.code, e.value.path) == ("out_of_range", "utc_offset_minutes")


def test_tasks_follow_the_calendar_and_generate_once() -> None:
    """November 2026: 30 days of two day rounds, 13 Mondays, Wednesdays and Fridays, 15
    alternate days from the 1st."""
    b = book()
    assert b.generate("2026-11-01", day("2026-11-30")) == 30 * 2 + 13 + 15
    assert b.generate("2026-11-01", "2026-11-30") == 0
    site = [t.date.day for t in b.tasks if t.plan_id == "SITE"]
    assert site == [2, 4, 6, 9, 11, 13, 16, 18, 20, 23, 25, 27, 30]
    first = b.tasks[0]
    assert (first.id, first.plan_id, first.date, first.window, first.staff, first.deputy, first.visits) == (
        "ALT/2026-11-01/0",
        "ALT",
        day("2026-11-01"),
        (dt.time(21), dt.time(22)),
        "丙",
        None,
        [],
    )
    with pytest.raises(estatekit.ValidationError) as e:
        b.generate("2026-11-02", "2026-11-01")
    assert (e.value.code, e.value.path) == ("out_of_range", "to")
    with pytest.raises(estatekit.ValidationError) as e:
        b.generate("2026-01-01", "2027-01-03")
    assert e.value.code == "out_of_range"


def test_visits_are_timed_and_findings_need_a_note() -> None:
    b = book()
    # 11-02 (a Monday): two day rounds and the site; 11-03: two day rounds and ALT.
    assert b.generate("2026-11-02", "2026-11-03") == 6
    assert b.task_status("DAY/2026-11-02/0", at("2026-11-02T00:00:00Z")) == "not_started"
    # 08:59:59 is early, 09:00 on time, 10:00 late (the window's end is exclusive).
    assert b.record_visit("DAY/2026-11-02/0", Visit("LOBBY", at("2026-11-02T00:59:59Z"), "甲", ok(["地面清洁"]))) is None
    assert b.task_status("DAY/2026-11-02/0", at("2026-11-02T01:30:00Z")) == "in_progress"
    assert b.point_timings("DAY/2026-11-02/0", at("2026-11-02T01:30:00Z")) == [("LOBBY", "early"), ("PUMP", None)]
    b.record_visit("DAY/2026-11-02/0", Visit("PUMP", at("2026-11-02T02:00:00Z"), "甲", ok(["水泵运行正常", "无漏水"])))
    assert b.point_timings("DAY/2026-11-02/0", at("2026-11-02T03:00:00Z")) == [("LOBBY", "early"), ("PUMP", "late")]
    assert b.task_status("DAY/2026-11-02/0", at("2026-11-02T03:00:00Z")) == "completed"
    # An aware datetime at any offset: 15:10 Beijing is on time in the second round.
    b.record_visit(
        "DAY/2026-11-02/1",
        Visit("LOBBY", dt.datetime(2026, 11, 2, 15, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))), "乙", ok(["地面清洁"])),
    )
    assert b.point_timings("DAY/2026-11-02/1", at("2026-11-02T08:00:00Z")) == [("LOBBY", "on_time"), ("PUMP", "missed")]
    assert b.task_status("DAY/2026-11-02/1", at("2026-11-02T08:00:00Z")) == "overdue"
    assert b.task_status("ALT/2026-11-03/0", at("2026-11-04T00:00:00Z")) == "absent"

    with pytest.raises(estatekit.StateError) as se:
        b.record_visit("DAY/2026-11-02/0", Visit("LOBBY", at("2026-11-02T02:10:00Z"), "甲", ok(["地面清洁"])))
    assert (se.value.code, se.value.path) == ("already_done", "checkpoint_id")
    with pytest.raises(estatekit.ValidationError) as e:
        b.record_visit("DAY/2026-11-02/1", Visit("SITE-1201", at("2026-11-02T07:20:00Z"), "甲", ok(["按时施工"])))
    assert (e.value.code, e.value.path) == ("unknown_reference", "checkpoint_id")
    with pytest.raises(estatekit.ValidationError) as e:
        b.record_visit("DAY/2026-11-02/1", Visit("PUMP", at("2026-11-02T07:20:00Z"), "甲", ok(["水泵运行正常"])))
    assert (e.value.code, e.value.path) == ("missing_value", "results")
    with pytest.raises(estatekit.ValidationError) as e:
        b.record_visit("NOPE/2026-11-02/0", Visit("PUMP", at("2026-11-02T07:20:00Z"), "甲", []))
    assert (e.value.code, e.value.path) == ("unknown_reference", "task_id")
    with pytest.raises(estatekit.ValidationError) as e:
        b.task_status("NOPE", at("2026-11-02T07:20:00Z"))
    assert (e.value.code, e.value.path) == ("unknown_reference", "task_id")
    with pytest.raises(estatekit.ValidationError) as e:
        b.record_visit("DAY/2026-11-02/1", Visit("PUMP", dt.datetime(2026, 11, 2, 7, 20), "甲", []))
    assert (e.value.code, e.value.path) == ("naive_datetime", "at")

    # An abnormal site visit: refused without a note, then a finding, a ticket, a log line.
    results = [ItemResult("按时施工", False), ItemResult("垃圾入袋", True)]
    with pytest.raises(estatekit.ValidationError) as e:
        b.record_visit("SITE/2026-11-02/0", Visit("SITE-1201", at("2026-11-02T02:30:00Z"), "乙", results))
    assert (e.value.code, e.value.path) == ("missing_value", "note")
    with pytest.raises(estatekit.ValidationError) as e:
        b.record_visit("SITE/2026-11-02/0", Visit("SITE-1201", at("2026-11-02T02:30:00Z"), "乙", results, note="  "))
    assert (e.value.code, e.value.path) == ("missing_value", "note")
    f = b.record_visit(
        "SITE/2026-11-02/0",
        Visit("SITE-1201", at("2026-11-02T02:30:00Z"), "乙", results, note="1201室中午12点仍在电钻作业"),
    )
    assert f is not None
    assert (f.id, f.task_id, f.checkpoint_id, f.building_id, f.at, f.by, f.failed, f.note, f.closed_at) == (
        "F1",
        "SITE/2026-11-02/0",
        "SITE-1201",
        "B1",
        at("2026-11-02T02:30:00Z"),
        "乙",
        ["按时施工"],
        "1201室中午12点仍在电钻作业",
        None,
    )
    assert b.findings == [f]

    ticket, cls = b.finding_ticket("F1", TicketClassifier.default())
    assert ticket == {
        "id": "PATROL-F1",
        "unit": "",
        "channel": "patrol",
        "received_at": at("2026-11-02T02:30:00Z"),
        "reporter": "乙",
        "text": "SITE-1201：1201室中午12点仍在电钻作业（未通过：按时施工）",
        "kind": cls.kind,
    }
    assert (cls.category, cls.department) == ("decoration", "customer_service")
    # The classification is the classifier's own on the ticket's text.
    same = TicketClassifier.default().classify(ticket["text"])
    assert (same.category, same.kind, same.urgency) == (cls.category, cls.kind, cls.urgency)
    # The ticket is handled as any other: a TicketFlow of channel patrol.
    flow = TicketFlow(
        **ticket, category=cls.category, urgency=cls.urgency, department=cls.department, receiver="客服小王", utc_offset_minutes=480
    )
    assert (flow.id, flow.channel, flow.unit, flow.reporter, flow.state, flow.category) == (
        "PATROL-F1",
        "patrol",
        "",
        "乙",
        "received",
        "decoration",
    )
    assert flow.assign("装修管理员", actor="客服小王", at=at("2026-11-02T02:40:00Z")) == "assigned"
    with pytest.raises(estatekit.ValidationError) as e:
        b.finding_ticket("F9", TicketClassifier.default())
    assert (e.value.code, e.value.path) == ("unknown_reference", "finding_id")

    assert b.building_log("B1", "2026-11-02") == ["10:30 SITE-1201 乙：按时施工；1201室中午12点仍在电钻作业"]
    assert b.building_log("B1", "2026-11-03") == []
    assert b.building_log("B2", "2026-11-02") == []

    with pytest.raises(estatekit.ValidationError) as e:
        b.close_finding("F1", at("2026-11-02T02:00:00Z"))
    assert (e.value.code, e.value.path) == ("out_of_range", "at")
    b.close_finding("F1", at("2026-11-02T08:30:00Z"))
    assert b.findings[0].closed_at == at("2026-11-02T08:30:00Z")
    with pytest.raises(estatekit.StateError) as se:
        b.close_finding("F1", at("2026-11-02T09:30:00Z"))
    assert (se.value.code, se.value.path) == ("already_done", "finding_id")

    s = b.statistics(at("2026-11-03T00:00:00Z"))
    assert (s.key, s.findings, s.findings_closed, s.mean_closure_hours) == ("", 1, 1, D("6.00"))
    assert str(s.mean_closure_hours) == "6.00"
    text = b.to_json()
    again = PatrolBook.from_json(text)
    assert again == b and again.to_json() == text
    assert pickle.loads(pickle.dumps(b)) == b


def test_a_month_of_rounds() -> None:
    """Every second round of the day plan skipped, the site visited late on Fridays; the
    rates come out of the counts."""
    b = book()
    b.generate("2026-11-01", "2026-11-30")
    plans = {p.id: p for p in b.plans}
    items = {c.id: c.items for c in b.checkpoints}
    visits = on_time = 0
    for t in b.tasks:
        if t.plan_id == "DAY" and t.id.endswith("/1"):
            continue  # absent
        start = dt.datetime.combine(t.date, t.window[0], UTC) - dt.timedelta(hours=8)
        late = t.plan_id == "SITE" and t.date.weekday() == 4
        for k, cp in enumerate(plans[t.plan_id].route):
            when = start + dt.timedelta(minutes=90 if late else 10 + 5 * k)
            assert b.record_visit(t.id, Visit(cp, when, plans[t.plan_id].staff, ok(items[cp]))) is None
            visits += 1
            on_time += not late
    s = b.statistics(at("2026-12-01T00:00:00Z"))
    assert (s.tasks, s.completed, s.absent, s.missed_points) == (88, 58, 30, 60)
    assert (s.visits, s.on_time) == (visits, on_time) == (60 + 13 + 15, 60 + 9 + 15)
    assert s.completion_rate == D("0.6591") and str(s.completion_rate) == "0.6591"
    assert str(s.on_time_rate) == "0.9545"  # 84 / 88
    assert (s.findings, s.findings_closed, s.mean_closure_hours) == (0, 0, None)
    by_route = [(r.key, r.tasks, r.completed, r.on_time, str(r.completion_rate)) for r in b.statistics_by_route(at("2026-12-01T00:00:00Z"))]
    assert by_route == [
        ("DAY", 60, 30, 60, "0.5000"),
        ("SITE", 13, 13, 9, "1.0000"),
        ("ALT", 15, 15, 15, "1.0000"),
    ]
    site = b.statistics_by_route(at("2026-12-01T00:00:00Z"))[1]
    assert str(site.on_time_rate) == "0.6923"  # 9 / 13
    people = [(p.key, p.tasks) for p in b.statistics_by_person(at("2026-12-01T00:00:00Z"))]
    assert people == [("丙", 15), ("乙", 13), ("甲", 60)]
    # Before any window ended, nothing counts and the rates are None.
    empty = b.statistics(at("2026-11-01T00:00:00Z"))
    assert (empty.tasks, empty.completion_rate, empty.on_time_rate) == (0, None, None)
    assert PatrolBook.from_json(b.to_json()) == b


def test_documents_check_themselves() -> None:
    b = book()
    b.generate("2026-11-02", "2026-11-02")
    b.record_visit(
        "SITE/2026-11-02/0",
        Visit("SITE-1201", at("2026-11-02T02:30:00Z"), "乙", [ItemResult("按时施工", False), ItemResult("垃圾入袋", True)], note="电钻作业"),
    )
    text = b.to_json()
    doc = json.loads(text)
    assert doc["format_version"] == 1 and doc["findings"][0]["id"] == "F1"

    def err(t: str) -> tuple[str, str]:
        with pytest.raises(estatekit.ValidationError) as e:
            PatrolBook.from_json(t)
        return e.value.code, e.value.path

    assert err(text.replace('"DAY/2026-11-02/0"', '"DAY/2026-11-02/7"', 1)) == ("unknown_value", "tasks[0].id")
    assert err(text.replace('"电钻作业"', '""', 1))[0] == "missing_value"
    assert err(text.replace('"format_version": 1', '"format_version": 3', 1)) == (
        "unsupported_format_version",
        "format_version",
    )
    assert err(text.replace('"F1"', '"F7"', 1)) == ("unknown_value", "findings[0].id")
    assert err("[]") == ("json", "$")
    assert err(text[:-2]) == ("json", "$")
    assert PatrolBook.from_json(text) == b


@pytest.mark.skipif(not (SHARED / "zh_dev_labelled.csv").is_file(), reason="shared development data not present")
def test_real_complaints_found_on_patrol_keep_their_category() -> None:
    """The 32 real messages about compounds of the hand-labelled message board
    (../shared/data/zh_dev_labelled.csv), each the note of a finding on one round: the
    ticket's text wraps the note (`公共区域：{note}（未通过：巡查项目）`), and the wrapping
    changes no category: each is the category of the bare title, 28 of 32 the hand label."""
    with open(SHARED / "zh_dev_labelled.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["relevant"] == "yes"]
    assert len(rows) == 32
    clf = TicketClassifier.default()
    cp = Checkpoint("CP", "公共区域", "environment", ["巡查项目"], building_id="B1")
    b = PatrolBook([cp], [Plan("P", ["CP"], Recurrence.daily(), [("08:00", "09:00")], "巡查员")], utc_offset_minutes=480)
    assert b.generate("2026-11-01", "2026-12-02") == 32
    agree = 0
    for i, (r, t) in enumerate(zip(rows, b.tasks)):
        when = dt.datetime.combine(t.date, dt.time(0, 30), UTC)  # 08:30 Beijing
        f = b.record_visit(t.id, Visit("CP", when, "巡查员", [ItemResult("巡查项目", False)], note=r["title"]))
        assert f is not None and f.id == f"F{i + 1}"
        ticket, c = b.finding_ticket(f.id, clf)
        assert ticket["text"] == f"公共区域：{r['title'].strip()}（未通过：巡查项目）"
        assert c.category == clf.classify(r["title"]).category, r["id"]
        assert b.building_log("B1", t.date) == [f"08:30 公共区域 巡查员：巡查项目；{r['title'].strip()}"]
        agree += c.category == r["category"]
    assert agree == 28
    s = b.statistics(at("2026-12-03T00:00:00Z"))
    assert (s.tasks, s.completed, s.findings, s.findings_closed, s.completion_rate) == (32, 32, 32, 0, D("1.0000"))
