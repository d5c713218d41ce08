//! The minimum lead time of planned outages: how long before an outage starts its
//! notice must be published.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{Notice, NoticeError, NoticeKind};

/// Hours a planned water stop must be announced ahead: 《城市供水条例》(Regulations on
/// Urban Water Supply, State Council decree 158, 1994) art. 22: a supplier that must
/// stop the supply for construction or equipment repair shall, with the approval of the
/// water-supply authority, notify the units and individuals using water 24 hours in
/// advance (应当……提前 24 小时通知用水单位和个人).
///
/// ```
/// assert_eq!(estatekit::notices::WATER_OUTAGE_LEAD_HOURS, 24);
/// ```
pub const WATER_OUTAGE_LEAD_HOURS: u32 = 24;

/// Hours a planned power maintenance outage must be announced ahead: 《电力供应与使用
/// 条例》(Regulations on Electricity Supply and Use, State Council decree 196, 1996)
/// art. 28: when the planned maintenance of supply facilities requires a power cut,
/// the supplier shall notify users or make an announcement 7 days in advance (应当提前
/// 7 天通知用户或者进行公告).
///
/// ```
/// assert_eq!(estatekit::notices::POWER_OUTAGE_LEAD_HOURS, 7 * 24);
/// ```
pub const POWER_OUTAGE_LEAD_HOURS: u32 = 7 * 24;

/// The longest minimum lead time a policy takes: one leap year, in hours.
///
/// ```
/// assert_eq!(estatekit::notices::MAX_LEAD_HOURS, 8784);
/// ```
pub const MAX_LEAD_HOURS: u32 = 366 * 24;

/// The minimum lead time, in hours, of each [`NoticeKind`] that has one. The default
/// follows the published rules: [`WATER_OUTAGE_LEAD_HOURS`] for water outages,
/// [`POWER_OUTAGE_LEAD_HOURS`] for power outages, none for other kinds. JSON:
/// `{"lead_hours": {"water_outage": 24, "power_outage": 168}}` (a kind left out has no
/// minimum).
///
/// ```
/// use estatekit::notices::{NoticeKind, NoticePolicy};
/// let p = NoticePolicy::default();
/// assert_eq!(p.lead_hours(NoticeKind::PowerOutage), Some(168));
/// assert_eq!(p.lead_hours(NoticeKind::GasOutage), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticePolicy {
    lead_hours: BTreeMap<NoticeKind, u32>,
}

impl Default for NoticePolicy {
    fn default() -> Self {
        Self {
            lead_hours: BTreeMap::from([
                (NoticeKind::WaterOutage, WATER_OUTAGE_LEAD_HOURS),
                (NoticeKind::PowerOutage, POWER_OUTAGE_LEAD_HOURS),
            ]),
        }
    }
}

/// A notice published later than its kind's minimum lead time before the start of what
/// it announces (code `lead_time_too_short`, path `starts_at`).
///
/// ```
/// use estatekit::notices::{Audience, Notice, NoticeKind, NoticePolicy};
/// let mut n = Notice::new("N1", NoticeKind::WaterOutage, "停水", "检修。", Audience::Estate,
///                         "2026-11-04T02:30:00Z".parse()?);
/// n.starts_at = Some("2026-11-05T01:00:00Z".parse()?);
/// let f = NoticePolicy::default().check(&n).expect("22.5 hours is short of 24");
/// assert_eq!((f.code(), f.required_hours, f.actual_hours.to_string()), ("lead_time_too_short", 24, "22.50".into()));
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeadTimeFinding {
    /// The notice's id.
    pub notice: String,
    /// Its kind.
    pub kind: NoticeKind,
    /// The minimum lead time of the kind, in hours.
    pub required_hours: u32,
    /// The lead time given (publication to start), in hours at scale 2, rounded toward
    /// zero (so a lead time short of the minimum never reads as the minimum); negative
    /// when the notice was published after the start.
    pub actual_hours: Decimal,
}

impl LeadTimeFinding {
    /// `lead_time_too_short`.
    ///
    /// ```
    /// # use estatekit::notices::{LeadTimeFinding, NoticeKind};
    /// let f = LeadTimeFinding { notice: "N1".into(), kind: NoticeKind::PowerOutage,
    ///                           required_hours: 168, actual_hours: "48.00".parse().unwrap() };
    /// assert_eq!((f.code(), f.path()), ("lead_time_too_short", "starts_at"));
    /// ```
    pub fn code(&self) -> &'static str {
        "lead_time_too_short"
    }

    /// `starts_at`: the field that is too close to publication.
    ///
    /// ```
    /// # use estatekit::notices::{LeadTimeFinding, NoticeKind};
    /// # let f = LeadTimeFinding { notice: "N1".into(), kind: NoticeKind::PowerOutage,
    /// #                           required_hours: 168, actual_hours: "48.00".parse().unwrap() };
    /// assert_eq!(f.path(), "starts_at");
    /// ```
    pub fn path(&self) -> &'static str {
        "starts_at"
    }
}

/// The error of a lead time out of range.
fn bad_hours(kind: NoticeKind, hours: i64) -> NoticeError {
    NoticeError::value(
        "out_of_range",
        format!("lead_hours.{kind}"),
        "",
        format!("{hours} hours is not a lead time of 0 to {MAX_LEAD_HOURS} hours"),
    )
}

impl NoticePolicy {
    /// A policy with exactly these minimum lead times in hours (a kind left out has
    /// none). Hours are signed so that a binding passes what it was given: a negative
    /// one is refused here, like one above [`MAX_LEAD_HOURS`].
    ///
    /// # Errors
    /// `out_of_range` at `lead_hours.<kind>` for hours below 0 or above
    /// [`MAX_LEAD_HOURS`].
    ///
    /// ```
    /// use estatekit::notices::{NoticeKind, NoticePolicy};
    /// let p = NoticePolicy::new([(NoticeKind::GasOutage, 48)])?;
    /// assert_eq!((p.lead_hours(NoticeKind::GasOutage), p.lead_hours(NoticeKind::WaterOutage)), (Some(48), None));
    /// let e = NoticePolicy::new([(NoticeKind::GasOutage, 9000)]).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("out_of_range", "lead_hours.gas_outage"));
    /// let e = NoticePolicy::new([(NoticeKind::WaterOutage, -1)]).unwrap_err();
    /// assert_eq!(e.to_string(), r#"lead_hours.water_outage: notice "": -1 hours is not a lead time of 0 to 8784 hours"#);
    /// # Ok::<(), estatekit::notices::NoticeError>(())
    /// ```
    pub fn new(
        lead_hours: impl IntoIterator<Item = (NoticeKind, i64)>,
    ) -> Result<Self, NoticeError> {
        let mut map = BTreeMap::new();
        for (kind, hours) in lead_hours {
            let hours = u32::try_from(hours)
                .ok()
                .filter(|h| *h <= MAX_LEAD_HOURS)
                .ok_or_else(|| bad_hours(kind, hours))?;
            map.insert(kind, hours);
        }
        Ok(Self { lead_hours: map })
    }

    fn validated(self) -> Result<Self, NoticeError> {
        if let Some((kind, hours)) = self.lead_hours.iter().find(|(_, h)| **h > MAX_LEAD_HOURS) {
            return Err(bad_hours(*kind, i64::from(*hours)));
        }
        Ok(self)
    }

    /// Parses a policy JSON document.
    ///
    /// # Errors
    /// `json` naming the bad field (an unknown kind names itself); those of
    /// [`NoticePolicy::new`].
    ///
    /// ```
    /// use estatekit::notices::{NoticeKind, NoticePolicy};
    /// let p = NoticePolicy::from_json(r#"{"lead_hours": {"water_outage": 48}}"#)?;
    /// assert_eq!(p.lead_hours(NoticeKind::WaterOutage), Some(48));
    /// assert_eq!(NoticePolicy::from_json(&p.to_json())?, p);
    /// # Ok::<(), estatekit::notices::NoticeError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, NoticeError> {
        super::parse_document::<Self>(text)?.validated()
    }

    /// The policy as JSON (every kind that has a minimum).
    ///
    /// ```
    /// let json = estatekit::notices::NoticePolicy::default().to_json();
    /// assert_eq!(json, r#"{"lead_hours":{"water_outage":24,"power_outage":168}}"#);
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a policy serializes: enum keys as strings, numbers")
    }

    /// The minimum lead time of `kind` in hours, if it has one.
    ///
    /// ```
    /// use estatekit::notices::{NoticeKind, NoticePolicy};
    /// assert_eq!(NoticePolicy::default().lead_hours(NoticeKind::WaterOutage), Some(24));
    /// ```
    pub fn lead_hours(&self, kind: NoticeKind) -> Option<u32> {
        self.lead_hours.get(&kind).copied()
    }

    /// Every kind with a minimum lead time and its hours, in the kinds' order.
    ///
    /// ```
    /// use estatekit::notices::{NoticeKind, NoticePolicy};
    /// assert_eq!(NoticePolicy::default().all_lead_hours(),
    ///            [(NoticeKind::WaterOutage, 24), (NoticeKind::PowerOutage, 168)]);
    /// ```
    pub fn all_lead_hours(&self) -> Vec<(NoticeKind, u32)> {
        self.lead_hours.iter().map(|(k, h)| (*k, *h)).collect()
    }

    /// Whether `notice` was published at least its kind's minimum lead time before it
    /// starts: `None` if it was, if the kind has no minimum, if it announces no start,
    /// or if it is an emergency notice (`emergency: true`, published as soon as the
    /// fault was known); otherwise the finding, with the required and actual hours.
    ///
    /// ```
    /// use estatekit::notices::{Audience, Notice, NoticeKind, NoticePolicy};
    /// let mut n = Notice::new("N1", NoticeKind::PowerOutage, "停电检修", "变压器检修。", Audience::Estate,
    ///                         "2026-11-01T00:00:00Z".parse()?);
    /// n.starts_at = Some("2026-11-04T00:00:00Z".parse()?);
    /// let f = NoticePolicy::default().check(&n).expect("3 days is short of 7");
    /// assert_eq!((f.required_hours, f.actual_hours.to_string()), (168, "72.00".into()));
    /// n.emergency = true;
    /// assert_eq!(NoticePolicy::default().check(&n), None);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn check(&self, notice: &Notice) -> Option<LeadTimeFinding> {
        if notice.emergency {
            return None;
        }
        let required = self.lead_hours(notice.kind)?;
        let starts_at = notice.starts_at?;
        let minutes = (starts_at - notice.published_at).num_minutes();
        if minutes >= i64::from(required) * 60 {
            return None;
        }
        let mut actual_hours = (Decimal::from(minutes) / Decimal::from(60))
            .round_dp_with_strategy(2, RoundingStrategy::ToZero);
        // At most 2 decimals already: shown at scale 2 exactly ("72.00").
        actual_hours.rescale(2);
        Some(LeadTimeFinding {
            notice: notice.id.clone(),
            kind: notice.kind,
            required_hours: required,
            actual_hours,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::Audience;

    fn outage(kind: NoticeKind, published: &str, starts: &str) -> Notice {
        let mut n = Notice::new(
            "N1",
            kind,
            "t",
            "b",
            Audience::Estate,
            published.parse().unwrap(),
        );
        n.starts_at = Some(starts.parse().unwrap());
        n
    }

    #[test]
    fn exactly_the_minimum_passes_a_minute_less_does_not() {
        let p = NoticePolicy::default();
        let on_time = outage(
            NoticeKind::WaterOutage,
            "2026-11-04T01:00:00Z",
            "2026-11-05T01:00:00Z",
        );
        assert_eq!(p.check(&on_time), None);
        let late = outage(
            NoticeKind::WaterOutage,
            "2026-11-04T01:01:00Z",
            "2026-11-05T01:00:00Z",
        );
        let f = p.check(&late).unwrap();
        assert_eq!(
            (f.required_hours, f.actual_hours.to_string()),
            (24, "23.98".to_owned())
        );
        let after = outage(
            NoticeKind::PowerOutage,
            "2026-11-05T01:20:00Z",
            "2026-11-05T01:00:00Z",
        );
        assert_eq!(p.check(&after).unwrap().actual_hours.to_string(), "-0.33");
        let gas = outage(
            NoticeKind::GasOutage,
            "2026-11-05T00:59:00Z",
            "2026-11-05T01:00:00Z",
        );
        assert_eq!(p.check(&gas), None);
    }

    #[test]
    fn json_refuses_unknown_kinds_and_fields() {
        let e = NoticePolicy::from_json(r#"{"lead_hours": {"flood": 1}}"#).unwrap_err();
        assert_eq!(e.code(), "json");
        assert!(e.to_string().contains("unknown variant `flood`"), "{e}");
        let e = NoticePolicy::from_json(r#"{"lead_hours": {}, "x": 1}"#).unwrap_err();
        assert_eq!((e.code(), e.path()), ("json", "x"));
        let e = NoticePolicy::from_json(r#"{"lead_hours": {"water_outage": 9000}}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("out_of_range", "lead_hours.water_outage")
        );
    }
}
