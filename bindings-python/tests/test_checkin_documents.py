"""Documents that cannot lie: a saved checklist loads only when replaying its event log
gives exactly what it says, and every check-in action is dated in order."""

import datetime
import json
import pathlib

import pytest

from estatekit import CheckinTemplate, Checklist, ValidationError

WALK_JSON = (pathlib.Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "checkin_walk.json").read_text(
    encoding="utf-8"
)
UTC = datetime.timezone.utc
TEMPLATE = CheckinTemplate.default()


def at(year: int, month: int, day: int, hour: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=UTC)


def walk() -> dict:
    return json.loads(WALK_JSON)


def item(doc: dict, code: str) -> dict:
    return next(i for i in doc["items"] if i["code"] == code)


def refused(doc: dict) -> tuple:
    with pytest.raises(ValidationError) as e:
        Checklist.from_json(json.dumps(doc, ensure_ascii=False), TEMPLATE)
    return e.value.code, e.value.path


def test_the_walk_loads_and_writes_back_identically():
    c = Checklist.from_json(WALK_JSON, TEMPLATE)
    assert c.to_json() == WALK_JSON.rstrip("\n")


def test_operations_refuse_time_travel():
    c = Checklist.start(TEMPLATE, "1-603", "张三", datetime.date(2026, 11, 2))
    reception = dict(actor="李四", role="receptionist")
    # A completion dated 1900: before the start day.
    with pytest.raises(ValidationError) as e:
        c.complete("occupancy_notice_presented", at=at(1900, 1, 1), **reception)
    assert (e.value.code, e.value.path) == ("event_out_of_order", "at")
    assert c.events == [] and c.progress == (0, 23)
    c.complete("occupancy_notice_presented", at=at(2026, 11, 2, 9), **reception)
    before = c.to_json()
    # An undo dated before the completion it undoes.
    with pytest.raises(ValidationError) as e:
        c.undo("occupancy_notice_presented", at=at(2026, 11, 2, 8), reason="wrong owner", **reception)
    assert (e.value.code, e.value.path) == ("event_out_of_order", "at")
    assert "2026-11-02 09:00:00 UTC" in str(e.value)
    # A finish dated 2020 (checked before anything else).
    with pytest.raises(ValidationError) as e:
        c.finish(at=at(2020, 1, 1), **reception)
    assert (e.value.code, e.value.path) == ("event_out_of_order", "at")
    assert c.to_json() == before
    # The same time as the last event is in order.
    c.undo("occupancy_notice_presented", at=at(2026, 11, 2, 9), reason="wrong owner", **reception)


def test_documents_with_time_travel_do_not_load():
    doc = walk()
    doc["events"][25]["at"] = doc["finished_at"] = "2020-01-01T00:00:00Z"
    assert refused(doc) == ("event_out_of_order", "events[25].at")


def test_contradictions_do_not_load():
    # The manager's audit recorded as done by a receptionist, in the items only…
    doc = walk()
    item(doc, "manager_audit")["completion"]["role"] = "receptionist"
    assert refused(doc) == ("inconsistent_document", "items.manager_audit.completion.role")
    # …and in the log too: the role is not allowed for the item.
    doc["events"][30]["role"] = "receptionist"
    assert refused(doc) == ("role_not_allowed", "events[30].role")
    # A refused handover, finished anyway.
    doc = walk()
    item(doc, "joint_inspection")["completion"]["data"]["outcome"] = "refused"
    doc["events"][18]["data"]["outcome"] = "refused"
    with pytest.raises(ValidationError) as e:
        Checklist.from_json(json.dumps(doc), TEMPLATE)
    assert (e.value.code, e.value.path) == ("inconsistent_document", "events[25]")
    assert "handover_refused" in str(e.value)
    # A closed defect never re-inspected.
    doc = walk()
    del doc["events"][26:30]
    doc["defects"][0]["reinspections"] = []
    del doc["defects"][0]["rectified_at"]
    assert refused(doc) == ("inconsistent_document", "defects[0].status")
    # An empty event log.
    doc = walk()
    doc["events"] = []
    assert refused(doc) == ("inconsistent_document", "events")
