//! Local time at a fixed offset from UTC: the one conversion every module uses (check-in
//! checklists, tickets and their clocks, decoration, surveys, patrols, keys, goods
//! release), so that they agree to the minute and at the ends of the calendar.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// The local time of `at`, `offset_minutes` ahead of UTC. Within 18 hours of the ends
/// of chrono's range (year ±262143), where the shifted time does not exist, it
/// saturates at that end: a fixed, documented value rather than a panic or the UTC time.
/// Instants taken from callers are checked against the years 1–9999 first, far from
/// those ends.
pub(crate) fn local(at: DateTime<Utc>, offset_minutes: i32) -> NaiveDateTime {
    let offset = Duration::minutes(i64::from(offset_minutes));
    at.naive_utc()
        .checked_add_signed(offset)
        .unwrap_or(if offset > Duration::zero() {
            NaiveDateTime::MAX
        } else {
            NaiveDateTime::MIN
        })
}

/// The local date of `at`, `offset_minutes` ahead of UTC (see [`local`]).
pub(crate) fn local_date(at: DateTime<Utc>, offset_minutes: i32) -> NaiveDate {
    local(at, offset_minutes).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_time_is_the_instant_plus_the_offset_and_saturates_at_the_ends() {
        let at: DateTime<Utc> = "2026-11-02T23:30:00Z".parse().unwrap();
        assert_eq!(local(at, 480).to_string(), "2026-11-03 07:30:00");
        assert_eq!(local(at, -300).to_string(), "2026-11-02 18:30:00");
        assert_eq!(local_date(at, 30).to_string(), "2026-11-03");
        assert_eq!(local_date(at, 0).to_string(), "2026-11-02");
        assert_eq!(local(DateTime::<Utc>::MAX_UTC, 60), NaiveDateTime::MAX);
        assert_eq!(local(DateTime::<Utc>::MIN_UTC, -60), NaiveDateTime::MIN);
        assert_eq!(
            local(DateTime::<Utc>::MAX_UTC, -60),
            NaiveDateTime::MAX - Duration::minutes(60)
        );
    }
}
