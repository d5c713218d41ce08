"""Issue 19.3: allowed actions (to enable buttons) for a ticket and a checklist item or
defect, each exactly what the operation accepts; versions and one-call `perform` saves,
ordered across threads."""

import datetime as dt
import threading

import pytest

import estatekit

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
M = dt.timedelta(minutes=10)

COMMANDS = {
    "assign": {"action": "assign", "to": "李工"},
    "start": {"action": "start"},
    "pause": {"action": "pause", "reason": "等业主"},
    "resume": {"action": "resume"},
    "resolve": {"action": "resolve", "note": "修好"},
    "return_visit": {"action": "return_visit", "satisfied": True},
    "return_visit_reached": {"action": "return_visit_reached", "mode": "phone", "rating": 5, "comment": "满意"},
    "return_visit_unreachable": {"action": "return_visit_unreachable", "mode": "phone", "note": "无人接听"},
    "close": {"action": "close"},
    "escalate": {"action": "escalate", "to": "经理", "reason": "超出权限"},
}


def new_flow(kind="repair_request"):
    return estatekit.TicketFlow("T1", unit="1-201", channel="hotline", received_at=T0, reporter="王女士",
                                text="卫生间漏水", kind=kind, category="repair.plumbing", urgency="urgent",
                                department="engineering", receiver="小张")


def test_ticket_allowed_actions_are_what_perform_accepts():
    f = new_flow()
    assert f.allowed_actions("小张") == ["assign", "resolve", "escalate"]
    steps = [({"action": "assign", "to": "李工"}, "小张"), ({"action": "start"}, "李工"),
             ({"action": "pause", "reason": "等业主"}, "李工"), ({"action": "resume"}, "李工"),
             ({"action": "resolve", "note": "修好"}, "李工"),
             ({"action": "return_visit_reached", "mode": "phone", "rating": 2, "comment": "还漏"}, "客服小刘"),
             ({"action": "resolve", "note": "再修"}, "李工"),
             ({"action": "return_visit_reached", "mode": "phone", "rating": 5, "comment": "好了"}, "客服小刘"),
             ({"action": "close"}, "客服小刘")]
    at = T0
    for command, by in steps:
        at += M
        for actor in ("小张", "李工", "客服小刘"):
            allowed = f.allowed_actions(actor)
            for name, cmd in COMMANDS.items():
                copy = estatekit.TicketFlow.from_json(f.to_json())
                try:
                    copy.perform(cmd, actor=actor, at=at)
                    ok = True
                except estatekit.EstateKitError:
                    ok = False
                assert (name in allowed) == ok, (name, actor, f.state, allowed)
                assert copy.version == f.version + ok
        saved = f.perform(command, actor=by, at=at)
        assert (saved.version, saved.json) == (f.version, f.to_json())
    assert (f.state, f.version) == ("closed", 9)
    assert f.allowed_actions("经理", "manager") == []
    assert estatekit.TicketFlow.from_json(f.saved().json).version == 9
    with pytest.raises(estatekit.StateError):
        f.perform({"action": "start"}, actor="李工", at=at)
    assert f.version == 9


def test_ticket_commands_are_checked_field_by_field():
    f = new_flow()
    for command, code, path in [({"action": "fly"}, "unknown_value", "command.action"),
                                ({"action": "assign"}, "missing_value", "command.to"),
                                ({"action": "assign", "to": 7}, "wrong_type", "command.to"),
                                ({"action": "assign", "to": "x", "reason": "y"}, "unknown_value", "command.reason"),
                                ({"action": "return_visit_reached", "mode": "phone", "rating": 300, "comment": ""},
                                 "invalid_integer", "command.rating"),
                                ({"action": "return_visit_reached", "mode": "fax", "rating": 5, "comment": ""},
                                 "unknown_value", "command.mode"),
                                ({"to": "x"}, "missing_value", "command.action")]:
        with pytest.raises(estatekit.ValidationError) as e:
            f.perform(command, actor="小张", at=T0)
        assert (e.value.code, e.value.path) == (code, path), command
    assert f.version == 0


def test_readme_lifecycle_shortcuts():
    # resolve straight from received; close straight from resolved when no visit is required.
    f = new_flow(kind="praise")
    f.perform({"action": "resolve", "note": "已转达"}, actor="小张", at=T0)
    assert f.allowed_actions("小张") == ["close"]
    assert f.close(actor="小张", at=T0) == "closed"


def started():
    return estatekit.Checklist.start(estatekit.CheckinTemplate.default(), "1-603", "张三", "2026-11-02")


def test_checklist_allowed_item_and_defect_actions():
    c = started()
    r = "receptionist"
    assert c.allowed_item_actions("occupancy_notice_presented", role=r) == ["complete"]
    assert c.allowed_item_actions("key_handover", role=r) == []
    s = c.perform({"action": "complete", "item_code": "occupancy_notice_presented"}, actor="李四", role=r, at=T0)
    assert (s.version, s.json) == (1, c.to_json())
    assert c.allowed_item_actions("occupancy_notice_presented", role=r) == ["undo"]
    for item in c.items:
        for role in ("receptionist", "inspector", "manager"):
            allowed = c.allowed_item_actions(item.code, role=role)
            copy = estatekit.Checklist.from_json(c.to_json(), estatekit.CheckinTemplate.default())
            try:
                copy.perform({"action": "undo", "item_code": item.code, "reason": "重做"}, actor="李四", role=role,
                             at=T0)
                ok = True
            except estatekit.EstateKitError:
                ok = False
            assert ("undo" in allowed) == ok, (item.code, role)
    with pytest.raises(estatekit.ValidationError) as e:
        c.allowed_item_actions("nope", role=r)
    assert (e.value.code, e.value.path) == ("unknown_item", "item_code")
    with pytest.raises(estatekit.ValidationError) as e:
        c.allowed_defect_actions("D1", role="inspector")
    assert e.value.code == "unknown_defect"
    with pytest.raises(estatekit.StateError):
        c.perform({"action": "complete", "item_code": "occupancy_notice_presented"}, actor="李四", role=r, at=T0)
    assert c.version == 1


def test_the_walk_document_carries_its_version():
    from pathlib import Path
    walk = (Path(__file__).parents[2] / "core/tests/data/checkin_walk.json").read_text(encoding="utf-8")
    c = estatekit.Checklist.from_json(walk, estatekit.CheckinTemplate.default())
    assert c.version == 31
    old = walk.replace('  "version": 31,\n', "")
    assert estatekit.Checklist.from_json(old, estatekit.CheckinTemplate.default()).version == 0


def test_concurrent_perform_snapshots_are_ordered_by_version():
    c = started()
    r = "receptionist"
    c.complete("occupancy_notice_presented", actor="李四", role=r, at=T0)
    c.complete("owner_registration", actor="李四", role=r, at=T0)
    c.complete("management_fee_prepayment", actor="李四", role=r, at=T0, data={"receipt_ref": "R-1"})
    c.complete("admission_fee_record", actor="李四", role=r, at=T0)
    c.complete("statute_signed", actor="李四", role=r, at=T0, data={"signature_ref": "SIG-1"})
    c.complete("decoration_agreement_signed", actor="李四", role=r, at=T0, data={"signature_ref": "SIG-2"})
    codes = [i.code for i in c.items
             if i.kind == "document_issued" and c.allowed_item_actions(i.code, role=r) == ["complete"]]
    assert len(codes) >= 4
    saves = []
    lock = threading.Lock()

    def work(code):
        s = c.perform({"action": "complete", "item_code": code}, actor="李四", role=r, at=T0)
        with lock:
            saves.append(s)

    threads = [threading.Thread(target=work, args=(code,)) for code in codes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(s.version for s in saves) == list(range(7, 7 + len(codes)))
    latest = max(saves, key=lambda s: s.version)
    back = estatekit.Checklist.from_json(latest.json, estatekit.CheckinTemplate.default())
    assert back.version == latest.version
    assert all(next(i for i in back.items if i.code == code).done for code in codes)
    assert back == c
