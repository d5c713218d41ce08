"""Notices (通知): validation against the estate, the audience, the lead times of the
published rules (24 h water, 7 days power), distribution tracking with duplicate,
out-of-order and out-of-audience events, headers, documents."""

import copy
import datetime
import pickle
from decimal import Decimal

import pytest

from estatekit import (
    Audience,
    Estate,
    Notice,
    NoticeEvent,
    NoticePolicy,
    NoticeTracker,
    ValidationError,
    notice_audience_units,
    notice_from_json,
    notice_header,
    notice_to_json,
    validate_notice,
)

UTC = datetime.timezone.utc
CST = datetime.timezone(datetime.timedelta(hours=8))
H = datetime.timedelta(hours=1)
PUBLISHED = datetime.datetime(2026, 11, 4, 1, 0, tzinfo=UTC)


def water_stop(**kw: object) -> Notice:
    args: dict[str, object] = dict(
        kind="water_outage",
        title_zh="2号楼停水检修",
        title_en="Water stop in building 2",
        body="二次供水水箱清洗，请提前储水。",
        audience=Audience.buildings(["B2"]),
        published_at=PUBLISHED,
        starts_at=datetime.datetime(2026, 11, 5, 9, 0, tzinfo=CST),
        ends_at=datetime.datetime(2026, 11, 5, 17, 0, tzinfo=CST),
        requires_ack=True,
        ack_due=PUBLISHED + 12 * H,
    )
    args.update(kw)
    return Notice("N-118", **args)  # type: ignore[arg-type]


def test_audience_units_in_estate_order_homes_and_shops_once() -> None:
    estate = Estate.demo()
    units = notice_audience_units(water_stop(), estate)
    # B2's 22 units less 3 unsold homes and shops, 4 parking spaces and a storage room
    # reached at home, 2 unsold parking/storage: the 12 below.
    assert units == ["2-S01", "2-201", "2-202", "2-203", "2-301", "2-302", "2-303", "2-401", "2-402",
                     "2-403", "2-501", "2-502"]
    both = water_stop(audience=Audience.buildings(["B2", "B1", "B2"]))
    assert len(notice_audience_units(both, estate)) == 29
    named = water_stop(audience=Audience.units(["2-502", "P-05", "1-101", "2-502"]))
    assert notice_audience_units(named, estate) == ["1-101", "2-502", "P-05"]
    a = Audience.units(["1-101"])
    assert (a.scope, a.ids, Audience.estate().scope, Audience.estate().ids) == ("units", ["1-101"], "estate", [])


@pytest.mark.parametrize(
    "change, code, path",
    [
        (dict(audience=Audience.units(["1-101", "9-999"])), "unknown_unit", "audience.ids[1]"),
        (dict(audience=Audience.buildings(["B9"])), "unknown_building", "audience.ids[0]"),
        (dict(audience=Audience.units([])), "empty_audience", "audience"),
        (dict(title_zh=" "), "empty_field", "title_zh"),
        (dict(ends_at=PUBLISHED + 24 * H), "ends_before_starts", "ends_at"),
        (dict(starts_at=None, ends_at=None), "missing_start", "starts_at"),
        (dict(requires_ack=False), "ack_due_without_ack", "ack_due"),
    ],
)
def test_validation_errors_name_the_field(change: dict[str, object], code: str, path: str) -> None:
    with pytest.raises(ValidationError) as e:
        validate_notice(water_stop(**change), Estate.demo())
    assert (e.value.code, e.value.path) == (code, path)
    assert isinstance(e.value, ValueError)


def test_validation_message_names_the_notice() -> None:
    with pytest.raises(ValidationError) as e:
        validate_notice(water_stop(audience=Audience.units(["1-101", "9-999"])), Estate.demo())
    assert str(e.value) == 'audience.ids[1]: notice "N-118": unknown unit "9-999"'


def test_bad_arguments() -> None:
    with pytest.raises(ValidationError) as e:
        water_stop(kind="flood")
    assert (e.value.code, e.value.path) == ("unknown_value", "kind")
    with pytest.raises(ValidationError) as e:
        water_stop(published_at=datetime.datetime(2026, 11, 4, 9, 0))
    assert (e.value.code, e.value.path) == ("naive_datetime", "published_at")


def test_lead_times_of_the_published_rules() -> None:
    """城市供水条例 art. 22: a planned water stop announced 24 hours ahead; 电力供应与使用条例
    art. 28: planned power maintenance announced 7 days ahead."""
    policy = NoticePolicy()
    start = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=CST)
    assert (policy.lead_hours("water_outage"), policy.lead_hours("power_outage"), policy.lead_hours("gas_outage")) == (
        24, 168, None)
    assert policy.all_lead_hours() == {"water_outage": 24, "power_outage": 168}
    assert policy.check(water_stop(published_at=start - 24 * H, starts_at=start, ends_at=None)) is None
    f = policy.check(water_stop(published_at=start - 23 * H, starts_at=start, ends_at=None))
    assert f is not None
    assert (f.code, f.path, f.notice, f.kind, f.required_hours, f.actual_hours) == (
        "lead_time_too_short", "starts_at", "N-118", "water_outage", 24, Decimal("23.00"))
    power = dict(kind="power_outage", starts_at=start, ends_at=None)
    assert policy.check(water_stop(published_at=start - 7 * 24 * H, **power)) is None
    f = policy.check(water_stop(published_at=start - 6 * 24 * H, **power))
    assert f is not None and (f.required_hours, f.actual_hours) == (168, Decimal("144.00"))
    assert policy.check(water_stop(published_at=start - 2 * H, emergency=True, **power)) is None
    strict = NoticePolicy({"gas_outage": 48})
    assert (strict.lead_hours("water_outage"), strict.to_json()) == (None, '{"lead_hours":{"gas_outage":48}}')
    assert NoticePolicy.from_json(strict.to_json()) == strict
    assert pickle.loads(pickle.dumps(strict)) == strict
    with pytest.raises(ValidationError) as e:
        NoticePolicy({"flood": 1})  # type: ignore[dict-item]
    assert (e.value.code, e.value.path) == ("unknown_value", "lead_hours")
    for hours in (9000, -1):
        with pytest.raises(ValidationError) as e:
            NoticePolicy({"gas_outage": hours})
        assert (e.value.code, e.value.path) == ("out_of_range", "lead_hours.gas_outage")
    assert str(e.value) == 'lead_hours.gas_outage: notice "": -1 hours is not a lead time of 0 to 8784 hours'


def tracker() -> NoticeTracker:
    return NoticeTracker(water_stop(), Estate.demo())


def events() -> list[NoticeEvent]:
    out = []
    for i, unit in enumerate(tracker().units):
        out.append(NoticeEvent.delivery(unit, "sms", PUBLISHED + datetime.timedelta(minutes=1 + i)))
        if i < 9:
            out.append(NoticeEvent.ack(unit, PUBLISHED + 2 * H + datetime.timedelta(minutes=i), f"业主{i}"))
    return out


def test_tracking_is_idempotent_and_order_independent() -> None:
    t = tracker()
    evs = events()
    assert t.import_events(evs + evs[:5]) == 12 + 9
    assert t.import_events(evs) == 0
    assert t.record_delivery("2-S01", "sms", PUBLISHED + datetime.timedelta(minutes=1)) is False
    assert t.record_delivery("2-S01", "board", PUBLISHED + 3 * H) is True
    other = tracker()
    for e in reversed(evs + [NoticeEvent.delivery("2-S01", "board", PUBLISHED + 3 * H)]):
        other.import_events([e])
    assert other == t and other.to_json() == t.to_json()
    assert [e.type for e in t.events()][:2] == ["delivery", "delivery"]
    first_ack = next(e for e in t.events() if e.type == "ack")
    assert (first_ack.unit, first_ack.by, first_ack.channel, first_ack.at) == (
        "2-S01", "业主0", None, PUBLISHED + 2 * H)
    c = t.coverage()
    assert (c.audience, c.delivered, c.acknowledged, c.delivery_rate, c.ack_rate) == (
        12, 12, 9, Decimal("1.0000"), Decimal("0.7500"))
    late = t.pending(PUBLISHED + 13 * H)
    assert [(p.unit, p.delivered, p.overdue) for p in late] == [
        ("2-403", True, True), ("2-501", True, True), ("2-502", True, True)]
    early = t.pending(PUBLISHED + 2 * H)
    assert (len(early), early[0].unit, early[0].overdue) == (11, "2-201", False)


def test_events_outside_the_audience_or_before_publication_record_nothing() -> None:
    t = tracker()
    bad = events() + [NoticeEvent.ack("1-101", PUBLISHED + H, "王女士")]
    with pytest.raises(ValidationError) as e:
        t.import_events(bad)
    assert (e.value.code, e.value.path) == ("not_in_audience", "events[21].unit")
    assert str(e.value) == 'events[21].unit: notice "N-118": unit "1-101" is not in the audience'
    assert t.events() == []
    with pytest.raises(ValidationError) as e:
        t.record_ack("2-201", PUBLISHED - H, "王女士")
    assert (e.value.code, e.value.path) == ("before_publication", "at")
    with pytest.raises(ValidationError) as e:
        t.record_delivery("2-201", "fax", PUBLISHED)  # type: ignore[arg-type]
    assert (e.value.code, e.value.path) == ("unknown_value", "channel")


def test_documents_round_trip() -> None:
    n = water_stop()
    assert notice_from_json(notice_to_json(n)) == n
    assert pickle.loads(pickle.dumps(n)) == n and copy.copy(n) == n
    assert (n.starts_at, n.audience, n.kind) == (
        datetime.datetime(2026, 11, 5, 1, 0, tzinfo=UTC), Audience.buildings(["B2"]), "water_outage")
    t = tracker()
    t.import_events(events())
    again = NoticeTracker.from_json(t.to_json())
    assert again == t and pickle.loads(pickle.dumps(t)) == t
    assert again.notice_id == "N-118"
    with pytest.raises(ValidationError) as e:
        NoticeTracker.from_json(t.to_json().replace('"format_version": 1', '"format_version": 2'))
    assert (e.value.code, e.value.path) == ("unsupported_format_version", "format_version")


def test_headers() -> None:
    n = water_stop()
    assert notice_header(n, "zh-CN", 480) == "【停水通知】2号楼停水检修（2026-11-05 09:00 至 2026-11-05 17:00）"
    assert notice_header(n, "en", 480) == (
        "[Water outage notice] Water stop in building 2 (2026-11-05 09:00 to 2026-11-05 17:00, UTC+08:00)")
    with pytest.raises(ValidationError) as e:
        notice_header(n, "fr")
    assert (e.value.code, e.value.path) == ("unknown_value", "lang")
