"""Issue 19: each value error names its cause (no invalid_field, invalid_sla or
invalid_policy), in Python as in the core: one site per module, exact code and path."""
import datetime as dt

import pytest

import estatekit
from estatekit import ValidationError

DAY = dt.date(2026, 11, 2)
AT = dt.datetime(2026, 11, 2, 9, tzinfo=dt.timezone.utc)


def _error(call) -> tuple:
    with pytest.raises(ValidationError) as e:
        call()
    return (e.value.code, e.value.path)


def test_checkin_causes() -> None:
    t = estatekit.CheckinTemplate.default()
    assert _error(lambda: estatekit.Checklist.start(t, "1-603", " ", DAY)) == ("empty_field", "owner")
    assert _error(lambda: estatekit.Checklist.start(t, "1-603", "张三", DAY, utc_offset_minutes=1081)) == (
        "out_of_range", "utc_offset_minutes")
    c = estatekit.Checklist.start(t, "1-603", "张三", DAY)
    assert _error(lambda: c.complete("occupancy_notice_presented", actor="李四", role="receptionist", at=AT,
                                     data={"reading": 1})) == ("conflicting_fields", "data.reading")
    assert _error(lambda: c.complete("occupancy_notice_presented", actor="李四", role="receptionist", at=AT,
                                     data={"keys": -1})) == ("out_of_range", "data.keys")
    # Commands name their own causes.
    for command, code, path in [({"action": "fly"}, "unknown_value", "command.action"),
                                ({"action": "complete"}, "missing_value", "command.item_code"),
                                ({"action": "complete", "item_code": 7}, "wrong_type", "command.item_code"),
                                ({"action": "complete", "item_code": "x", "data": []}, "wrong_type", "command.data"),
                                ({"action": "finish", "note": ""}, "unknown_value", "command.note")]:
        assert _error(lambda: c.perform(command, actor="李四", role="receptionist", at=AT)) == (code, path), command
    assert c.version == 0


def test_ticket_causes() -> None:
    assert _error(lambda: estatekit.BusinessCalendar.weekly("09:00", "25:00", [0])) == ("invalid_time", "end")
    assert _error(lambda: estatekit.BusinessCalendar.weekly("09:00", "18:00", [0, 7])) == ("out_of_range", "days[1]")
    cal = estatekit.BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480)
    assert _error(lambda: cal.add_seconds(AT, -1)) == ("negative", "seconds")
    assert _error(lambda: estatekit.AccessPolicy.from_json('{"roles": {"close": [" "]}}')) == (
        "empty_field", "roles.close[0]")
    assert _error(lambda: estatekit.ReturnVisitPolicy.from_json('{"min_coverage": 2}')) == (
        "out_of_range", "min_coverage")


def test_notice_causes() -> None:
    assert _error(lambda: estatekit.NoticePolicy({"water_outage": 9000})) == (
        "out_of_range", "lead_hours.water_outage")
