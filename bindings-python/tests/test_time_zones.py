"""Issue 18.3: every timestamp argument takes any timezone-aware datetime (converted to
UTC); a naive one is ValidationError('naive_datetime') naming the argument; dates
derived from instants use the estate's UTC offset stored in the document."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest

from estatekit import BusinessCalendar, CheckinTemplate, Checklist, TicketFlow, ValidationError, ticket_statistics

from test_checkin import DEFECT, before_inspection

UTC = datetime.timezone.utc
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
SHANGHAI = ZoneInfo("Asia/Shanghai")

# 2026-11-06 17:00 Beijing = 09:00 UTC, in every spelling.
SAME_INSTANT = [
    datetime.datetime(2026, 11, 6, 9, 0, tzinfo=UTC),
    datetime.datetime(2026, 11, 6, 9, 0, tzinfo=ZoneInfo("UTC")),
    datetime.datetime(2026, 11, 6, 17, 0, tzinfo=BEIJING),
    datetime.datetime(2026, 11, 6, 17, 0, tzinfo=SHANGHAI),
    datetime.datetime(2026, 11, 6, 4, 0, tzinfo=ZoneInfo("America/New_York")),  # EST, UTC-5
]


def flow(received_at: datetime.datetime, **kw: object) -> TicketFlow:
    return TicketFlow(
        "T1", unit="1-101", channel="hotline", received_at=received_at, reporter="王女士", text="漏水",
        kind="repair_request", category="repair.plumbing", urgency="urgent", department="engineering",
        receiver="前台小张", **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("when", SAME_INSTANT, ids=["utc", "zoneinfo-utc", "fixed+8", "shanghai", "new-york"])
def test_every_aware_datetime_is_the_same_instant(when: datetime.datetime) -> None:
    f = flow(when)
    assert f.received_at == datetime.datetime(2026, 11, 6, 9, 0, tzinfo=UTC)
    assert f.received_at.tzinfo is UTC
    f.assign("李工", actor="前台小张", at=when + datetime.timedelta(minutes=5))
    assert f.events[1].at == datetime.datetime(2026, 11, 6, 9, 5, tzinfo=UTC)
    s = f.sla(when + datetime.timedelta(hours=1))
    assert s.response_due == datetime.datetime(2026, 11, 6, 11, 0, tzinfo=UTC)
    cal = BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480)
    # Friday 17:00 Beijing + 2 working hours = Monday 10:00 Beijing (02:00 UTC).
    assert cal.add_seconds(when, 7200) == datetime.datetime(2026, 11, 9, 2, 0, tzinfo=UTC)
    assert cal.seconds_between(when, datetime.datetime(2026, 11, 9, 10, 0, tzinfo=SHANGHAI)) == 7200
    stats = ticket_statistics([f], when, when + datetime.timedelta(days=1), units=100)
    assert stats.total == 1
    later = ticket_statistics([f], when + datetime.timedelta(microseconds=1), when + datetime.timedelta(days=1), units=100)
    assert later.total == 0


def test_naive_datetimes_name_the_argument() -> None:
    naive = datetime.datetime(2026, 11, 6, 9, 0)
    aware = naive.replace(tzinfo=UTC)
    cal = BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4])
    f = flow(aware)
    cases = [
        (lambda: flow(naive), "received_at"),
        (lambda: f.assign("李工", actor="前台小张", at=naive), "at"),
        (lambda: f.sla(naive), "as_of"),
        (lambda: cal.seconds_between(aware, naive), "end"),
        (lambda: cal.add_seconds(naive, 60), "start"),
        (lambda: ticket_statistics([f], naive, aware, units=1), "start"),
    ]
    for call, path in cases:
        with pytest.raises(ValidationError) as e:
            call()
        assert (e.value.code, e.value.path) == ("naive_datetime", path)
        assert str(e.value).startswith(f"{path}: a naive datetime (without tzinfo) is ambiguous")
    # A date is not a datetime: TypeError, as for any wrong type.
    with pytest.raises(TypeError):
        flow(datetime.date(2026, 11, 6))  # type: ignore[arg-type]
    # datetime.min at UTC+8 is before year 1 in UTC.
    with pytest.raises(ValidationError) as e:
        flow(datetime.datetime.min.replace(tzinfo=BEIJING))
    assert (e.value.code, e.value.path) == ("out_of_range", "received_at")


def test_flow_document_stores_the_estate_offset() -> None:
    f = flow(datetime.datetime(2026, 11, 6, 17, 0, tzinfo=SHANGHAI), utc_offset_minutes=480)
    assert f.utc_offset_minutes == 480
    doc = json.loads(f.to_json())
    assert doc["utc_offset_minutes"] == 480
    assert TicketFlow.from_json(f.to_json()).utc_offset_minutes == 480
    assert flow(datetime.datetime(2026, 11, 6, 9, 0, tzinfo=UTC)).utc_offset_minutes == 0
    with pytest.raises(ValidationError) as e:
        flow(datetime.datetime(2026, 11, 6, 9, 0, tzinfo=UTC), utc_offset_minutes=1081)
    assert (e.value.code, e.value.path) == ("invalid_option", "utc_offset_minutes")


def test_defect_deadline_counts_from_the_beijing_date() -> None:
    t = CheckinTemplate.default()
    c = Checklist.start(t, "1-603", "张三", datetime.date(2026, 11, 2), utc_offset_minutes=480)
    assert c.utc_offset_minutes == 480
    before_inspection(c)
    # 07:30 Beijing on 3 November = 23:30 UTC on 2 November.
    logged = datetime.datetime(2026, 11, 3, 7, 30, tzinfo=SHANGHAI)
    c.record_defect(at=logged, actor="王五", role="inspector", **DEFECT)
    d = c.defects[0]
    assert d.found_at == datetime.datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    assert d.deadline == datetime.date(2026, 11, 18)  # major: 15 days from 3 November
    back = Checklist.from_json(c.to_json(), t)
    assert (back.utc_offset_minutes, back.defects[0].deadline) == (480, datetime.date(2026, 11, 18))

    utc = Checklist.start(t, "1-603", "张三", datetime.date(2026, 11, 2))
    before_inspection(utc)
    utc.record_defect(at=logged, actor="王五", role="inspector", **DEFECT)
    assert (utc.utc_offset_minutes, utc.defects[0].deadline) == (0, datetime.date(2026, 11, 17))
    with pytest.raises(ValidationError) as e:
        utc.record_defect(at=datetime.datetime(2026, 11, 3, 7, 30), actor="王五", role="inspector", **DEFECT)
    assert (e.value.code, e.value.path) == ("naive_datetime", "at")
    with pytest.raises(ValidationError) as e:
        Checklist.start(t, "1-603", "张三", datetime.date(2026, 11, 2), utc_offset_minutes=-1081)
    assert (e.value.code, e.value.path) == ("out_of_range", "utc_offset_minutes")


def test_national_day_week_with_a_make_up_saturday() -> None:
    """Issue 18.4: holidays 2026-10-01..08 and the make-up Saturday 2026-10-10 (调休)."""
    holidays = [datetime.date(2026, 10, d) for d in range(1, 9)]
    cal = BusinessCalendar.weekly(
        "09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480, holidays=holidays,
        workdays=[datetime.date(2026, 10, 10)])
    assert cal.workdays == [datetime.date(2026, 10, 10)]
    friday_5pm = datetime.datetime(2026, 10, 9, 17, 0, tzinfo=SHANGHAI)
    # 1 h on Friday, 1 h on the make-up Saturday: Saturday 10:00 Beijing.
    assert cal.add_seconds(friday_5pm, 7200) == datetime.datetime(2026, 10, 10, 2, 0, tzinfo=UTC)
    plain = BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480, holidays=holidays)
    assert plain.workdays == []
    assert plain.add_seconds(friday_5pm, 7200) == datetime.datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
    # Wednesday 09-30 17:00 to Monday 10-12 09:00 Beijing: 1 + 9 + 9 working hours.
    assert cal.seconds_between(
        datetime.datetime(2026, 9, 30, 17, 0, tzinfo=SHANGHAI),
        datetime.datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)) == 19 * 3600
    with pytest.raises(ValidationError) as e:
        BusinessCalendar.weekly("09:00", "18:00", [0], workdays=["2026-10-1"])
    assert (e.value.code, e.value.path) == ("invalid_date", "workdays[0]")
