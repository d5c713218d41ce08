"""Issue 18.4, SLA clocks that agree: each target names its clock, a response is never
due after the resolution, working days skip holidays and count make-up days, a promised
reply time replaces the response target. Deadlines are hand-computed in Beijing time
(UTC+8) in the comments."""

import datetime
import json

import pytest

from estatekit import BusinessCalendar, SlaPolicy, TicketFlow, ValidationError, ticket_statistics

UTC = datetime.timezone.utc
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def bj(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]


def weekdays(**kw: object) -> BusinessCalendar:
    return BusinessCalendar.weekly("09:00", "18:00", [0, 1, 2, 3, 4], utc_offset_minutes=480, **kw)  # type: ignore[arg-type]


# The State Council's 2026 arrangement: Mid-Autumn 09-25..27 and National Day 10-01..07
# off; Sunday 09-20 and Saturday 10-10 worked (调休补班).
HOLIDAYS = [datetime.date(2026, 9, d) for d in (25, 26, 27)] + [datetime.date(2026, 10, d) for d in range(1, 8)]
MAKE_UP = [datetime.date(2026, 9, 20), datetime.date(2026, 10, 10)]


def china_2026() -> BusinessCalendar:
    return weekdays(holidays=HOLIDAYS, workdays=MAKE_UP)


def policy(normal_resolution: dict, calendar: BusinessCalendar) -> SlaPolicy:
    doc = {
        "by_urgency": {
            "emergency": {"response": {"minutes": 15}, "resolution": {"minutes": 240}},
            "urgent": {"response": {"business_minutes": 120}, "resolution": {"minutes": 1440}},
            "normal": {"response": {"business_minutes": 120}, "resolution": normal_resolution},
        },
        "calendar": json.loads(SlaPolicy(calendar=calendar).to_json())["calendar"],
    }
    return SlaPolicy.from_json(json.dumps(doc))


def flow(received: datetime.datetime, urgency: str = "normal", **kw: object) -> TicketFlow:
    return TicketFlow("T-7", unit="3-502", channel="hotline", received_at=received, reporter="李先生",
                      text="门禁刷卡没反应", kind="repair_request", category="repair.facility", urgency=urgency,  # type: ignore[arg-type]
                      department="engineering", receiver="前台小张", utc_offset_minutes=480, **kw)  # type: ignore[arg-type]


def test_friday_afternoon_urgent_ticket() -> None:
    received = bj(2026, 11, 6, 16, 30)
    standard = SlaPolicy(calendar=weekdays())
    s = flow(received, "urgent").sla(received, standard)
    assert (s.response_clock, s.response_amount, s.resolution_clock, s.resolution_amount) == (
        "business_minutes", 120, "minutes", 1440)
    # Resolve within 24 hours: Saturday 16:30. Respond within 2 working hours would be
    # Monday 09:30 (90 min Friday + 30 Monday): brought forward to Saturday 16:30.
    assert s.resolution_due == bj(2026, 11, 7, 16, 30)
    assert s.response_due == bj(2026, 11, 7, 16, 30)
    assert (s.response_clamped, s.response_promised, s.response_remaining_seconds) == (True, False, 5400)
    allowed = SlaPolicy(calendar=weekdays(), response_may_follow_resolution=True)
    assert allowed.response_may_follow_resolution
    s = flow(received, "urgent").sla(received, allowed)
    assert (s.response_due, s.response_clamped) == (bj(2026, 11, 9, 9, 30), False)


def test_a_normal_ticket_is_due_in_8_calendar_days() -> None:
    received = bj(2026, 11, 2, 9, 0)
    s = flow(received).sla(received, SlaPolicy(calendar=weekdays()))
    assert s.resolution_due == bj(2026, 11, 10, 9, 0)
    assert (s.resolution_clock, s.resolution_amount) == ("calendar_days", 8)
    assert SlaPolicy().targets("normal", "noise", received) == (("minutes", 120), ("calendar_days", 8))


def test_working_days_resolution() -> None:
    p = policy({"working_days": 8}, weekdays())
    # Monday 11-02 10:00, 8 working days: Tue 3 ... Thu 12 → Thursday 11-12 18:00.
    received = bj(2026, 11, 2, 10, 0)
    s = flow(received).sla(received, p)
    assert s.resolution_due == bj(2026, 11, 12, 18, 0)
    assert (s.resolution_clock, s.resolution_amount) == ("working_days", 8)
    assert s.resolution_remaining_seconds == (8 + 8 * 9) * 3600
    cal = weekdays()
    # 1 working day: Monday 10:00 → Tuesday 18:00; Monday 07:00 the same (the day of
    # receipt never counts); Friday 16:30 → Monday 18:00.
    assert cal.add_working_days(bj(2026, 11, 2, 10, 0), 1) == bj(2026, 11, 3, 18, 0)
    assert cal.add_working_days(bj(2026, 11, 2, 7, 0), 1) == bj(2026, 11, 3, 18, 0)
    assert cal.add_working_days(bj(2026, 11, 6, 16, 30), 1) == bj(2026, 11, 9, 18, 0)
    with pytest.raises(ValidationError) as e:
        cal.add_working_days(received, 0)
    assert (e.value.code, e.value.path) == ("out_of_range", "days")
    with pytest.raises(ValidationError) as e:
        cal.add_working_days(datetime.datetime(9999, 12, 30, 12, tzinfo=UTC), 2)
    assert (e.value.code, e.value.path) == ("no_working_days", "calendar")


def test_holiday_with_a_make_up_saturday() -> None:
    cal = china_2026()
    assert cal.is_working_day(datetime.date(2026, 10, 10)) and not cal.is_working_day("2026-10-01")
    p = policy({"working_days": 3}, cal)
    # Business-time response: Friday 10-09 17:00 + 2 working hours = 1 h Friday + 1 h
    # on the make-up Saturday → Saturday 10-10 10:00.
    received = bj(2026, 10, 9, 17, 0)
    assert flow(received).sla(received, p).response_due == bj(2026, 10, 10, 10, 0)
    # Wednesday 09-30 17:00: 1 h that day, 10-01..07 off, 1 h Thursday 10-08 → 10:00.
    received = bj(2026, 9, 30, 17, 0)
    assert flow(received).sla(received, p).response_due == bj(2026, 10, 8, 10, 0)
    # Working-day resolution: Wednesday 09-30 10:00, 3 working days: 10-08, 10-09 and
    # the make-up Saturday 10-10 → Saturday 18:00; without the make-up, Monday 10-12.
    received = bj(2026, 9, 30, 10, 0)
    assert flow(received).sla(received, p).resolution_due == bj(2026, 10, 10, 18, 0)
    plain = policy({"working_days": 3}, weekdays(holidays=HOLIDAYS))
    assert flow(received).sla(received, plain).resolution_due == bj(2026, 10, 12, 18, 0)
    # The make-up Sunday: Friday 09-18 15:00, 1 working day → Sunday 09-20 18:00.
    assert cal.add_working_days(bj(2026, 9, 18, 15, 0), 1) == bj(2026, 9, 20, 18, 0)


def test_promised_reply_time() -> None:
    standard = SlaPolicy(calendar=weekdays())
    received = bj(2026, 11, 6, 16, 30)
    f = flow(received)
    assert f.promised_reply_at is None
    assert f.sla(received, standard).response_due == bj(2026, 11, 9, 9, 30)
    # The owner agreed to a call on Monday 11:00, later than the target: it is the due.
    saved = f.promise_reply(bj(2026, 11, 9, 11, 0))
    assert (saved.version, saved.json) == (1, f.to_json())
    s = f.sla(bj(2026, 11, 9, 10, 0), standard)
    assert (s.response_due, s.response_promised, s.response_breached) == (bj(2026, 11, 9, 11, 0), True, False)
    assert s.response_remaining_seconds == 3600
    assert f.promised_reply_at == bj(2026, 11, 9, 11, 0)
    doc = f.to_json()
    assert json.loads(doc)["promised_reply_at"] == "2026-11-09T03:00:00Z"
    assert TicketFlow.from_json(doc) == f
    # Set at creation; answered at 11:30, half an hour late; the statistics agree.
    g = flow(received, promised_reply_at=bj(2026, 11, 9, 11, 0))
    g.assign("王工", actor="前台小张", at=bj(2026, 11, 9, 11, 10))
    g.start(actor="王工", at=bj(2026, 11, 9, 11, 30))
    s = g.sla(bj(2026, 11, 9, 12, 0), standard)
    assert (s.response_breached, s.response_remaining_seconds) == (True, -1800)
    stats = ticket_statistics([g], bj(2026, 11, 1, 0, 0), bj(2026, 11, 10, 0, 0), units=10, policy=standard)
    assert stats.response_rate == 0.0
    # Before the receipt: refused, at creation and later.
    with pytest.raises(ValidationError) as e:
        flow(received, promised_reply_at=bj(2026, 11, 6, 16, 0))
    assert (e.value.code, e.value.path) == ("invalid_option", "promised_reply_at")
    with pytest.raises(ValidationError) as e:
        f.promise_reply(bj(2026, 11, 6, 16, 0))
    assert str(e.value) == (
        "promised_reply_at: 2026-11-06 08:00:00 UTC is before the receipt at 2026-11-06 08:30:00 UTC")
    with pytest.raises(ValidationError) as e:
        f.promise_reply(datetime.datetime(2026, 11, 9, 11, 0))
    assert (e.value.code, e.value.path) == ("naive_datetime", "at")


def test_old_documents_keep_loading() -> None:
    old = {"response_minutes": 120, "resolution_minutes": 11520}
    doc = {"by_urgency": {"emergency": old, "urgent": old, "normal": old},
           "calendar": json.loads(SlaPolicy(calendar=weekdays()).to_json())["calendar"]}
    p = SlaPolicy.from_json(json.dumps(doc))
    received = bj(2026, 11, 2, 9, 0)
    # As before: 11520 working minutes = 192 working hours → Tuesday 12-01 12:00.
    s = flow(received).sla(received, p)
    assert s.resolution_due == bj(2026, 12, 1, 12, 0)
    assert (s.resolution_clock, s.resolution_amount) == ("business_minutes", 11520)
    assert json.loads(p.to_json())["by_urgency"]["normal"] == {
        "response": {"business_minutes": 120}, "resolution": {"business_minutes": 11520}}
    # A flow document without a promise loads with none.
    f = flow(received)
    assert "promised_reply_at" not in f.to_json()
    assert TicketFlow.from_json(f.to_json()).promised_reply_at is None


NORMAL_R = {"business_minutes": 120}


@pytest.mark.parametrize("normal, calendar, message, code", [
    ({"response": NORMAL_R, "resolution": {"working_days": 0}}, True,
     "by_urgency.normal.resolution.working_days: must be at least 1 day, got 0", "out_of_range"),
    ({"response": NORMAL_R, "resolution": {"working_days": -2}}, True,
     "by_urgency.normal.resolution.working_days: must be at least 1 day, got -2", "out_of_range"),
    ({"response": NORMAL_R, "resolution": {"working_days": 8}}, False,
     "by_urgency.normal.resolution.working_days: working days need a calendar (the policy's \"calendar\")", "missing_value"),
    ({"response": NORMAL_R, "resolution": {"working_days": 8, "calendar_days": 8}}, True,
     "by_urgency.normal.resolution: one clock per target, got calendar_days and working_days", "conflicting_fields"),
    ({"response": NORMAL_R, "resolution": {}}, True,
     "by_urgency.normal.resolution: no clock: give one of minutes, business_minutes, calendar_days, working_days", "missing_value"),
    ({"response": {"calendar_days": 1}, "resolution": {"working_days": 8}}, True,
     "by_urgency.normal.response.calendar_days: a response target is minutes or business_minutes", "conflicting_fields"),
    ({"response": {"minutes": -5}, "resolution": {"working_days": 8}}, True,
     "by_urgency.normal.response.minutes: must not be negative, got -5", "negative"),
    ({"response": NORMAL_R, "response_minutes": 60, "resolution": {"working_days": 8}}, True,
     "by_urgency.normal.response: given twice: response and response_minutes; give one", "conflicting_fields"),
    ({"resolution": {"working_days": 8}}, True,
     "by_urgency.normal.response: missing: give response, e.g. {\"business_minutes\": 120}", "missing_value"),
])
def test_each_typed_error_names_the_field(normal: dict, calendar: bool, message: str, code: str) -> None:
    doc: dict = {"by_urgency": {
        "emergency": {"response": {"minutes": 15}, "resolution": {"minutes": 240}},
        "urgent": {"response": NORMAL_R, "resolution": {"minutes": 1440}},
        "normal": normal}}
    if calendar:
        doc["calendar"] = json.loads(SlaPolicy(calendar=weekdays()).to_json())["calendar"]
    with pytest.raises(ValidationError) as e:
        SlaPolicy.from_json(json.dumps(doc))
    assert (e.value.code, str(e.value)) == (code, message)
    assert e.value.path == message.split(":")[0]


def test_unknown_fields_and_emergency_working_days_are_refused() -> None:
    cal = weekdays()
    with pytest.raises(ValidationError) as e:
        policy({"hours": 8}, cal)
    assert (e.value.code, e.value.path) == ("json", "by_urgency.normal.resolution.hours")
    doc = json.loads(policy({"working_days": 8}, cal).to_json())
    doc["by_urgency"]["emergency"]["resolution"] = {"working_days": 1}
    with pytest.raises(ValidationError) as e:
        SlaPolicy.from_json(json.dumps(doc))
    assert (e.value.code, e.value.path) == ("conflicting_fields", "by_urgency.emergency.resolution.working_days")
