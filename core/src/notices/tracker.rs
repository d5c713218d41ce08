//! Distribution tracking: deliveries and acknowledgments of one notice, until every
//! unit it reaches has acknowledged it.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::{Notice, NoticeChannel, NoticeError};
use crate::estate::Estate;

/// The format version of tracker documents this library writes and reads.
///
/// ```
/// assert_eq!(estatekit::notices::TRACKER_FORMAT_VERSION, 1);
/// ```
pub const TRACKER_FORMAT_VERSION: u32 = 1;

/// The most distinct events one tracker holds (a million: a delivery on each channel
/// and an acknowledgment for every unit of an estate of 200,000 units); more is
/// `too_many_events`.
///
/// ```
/// assert_eq!(estatekit::notices::MAX_TRACKED_EVENTS, 1_000_000);
/// ```
pub const MAX_TRACKED_EVENTS: usize = 1_000_000;

/// One thing that happened to a notice at a unit. JSON: `{"type": "delivery", "unit":
/// "1-101", "channel": "sms", "at": "…"}` or `{"type": "ack", "unit": "1-101", "at":
/// "…", "by": "王女士"}`.
///
/// ```
/// use estatekit::notices::{NoticeChannel, NoticeEvent};
/// let e: NoticeEvent = serde_json::from_str(
///     r#"{"type": "delivery", "unit": "1-101", "channel": "board", "at": "2026-11-04T01:00:00Z"}"#)?;
/// assert_eq!(e.unit(), "1-101");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum NoticeEvent {
    /// The notice reached the unit through `channel`.
    Delivery {
        /// The unit.
        unit: String,
        /// How.
        channel: NoticeChannel,
        /// When.
        at: DateTime<Utc>,
    },
    /// Someone of the unit acknowledged the notice (签收).
    Ack {
        /// The unit.
        unit: String,
        /// When.
        at: DateTime<Utc>,
        /// Who acknowledged (a name, or the app account).
        by: String,
    },
}

impl NoticeEvent {
    /// The unit the event concerns.
    ///
    /// ```
    /// use estatekit::notices::NoticeEvent;
    /// let e = NoticeEvent::Ack { unit: "1-101".into(), by: "王女士".into(), at: "2026-11-04T01:00:00Z".parse()? };
    /// assert_eq!(e.unit(), "1-101");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn unit(&self) -> &str {
        match self {
            Self::Delivery { unit, .. } | Self::Ack { unit, .. } => unit,
        }
    }

    /// When it happened.
    ///
    /// ```
    /// use estatekit::notices::{NoticeChannel, NoticeEvent};
    /// let at = "2026-11-04T01:00:00Z".parse()?;
    /// assert_eq!(NoticeEvent::Delivery { unit: "1-101".into(), channel: NoticeChannel::App, at }.at(), at);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::Delivery { at, .. } | Self::Ack { at, .. } => *at,
        }
    }
}

/// A unit that has not acknowledged a notice (see [`NoticeTracker::pending`]).
///
/// ```
/// let p = estatekit::notices::PendingUnit { unit: "1-101".into(), delivered: true, overdue: false };
/// assert!(p.delivered && !p.overdue);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingUnit {
    /// The unit id.
    pub unit: String,
    /// Whether the notice has been delivered to it (on any channel).
    pub delivered: bool,
    /// Whether the acknowledgment deadline has passed.
    pub overdue: bool,
}

/// How far a notice has reached (see [`NoticeTracker::coverage`]).
///
/// ```
/// # use estatekit::notices::Coverage;
/// let c = Coverage { audience: 3, delivered: 2, acknowledged: 1,
///                    delivery_rate: "0.6666".parse().unwrap(), ack_rate: "0.3333".parse().unwrap() };
/// assert_eq!(c.delivered, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Units the notice reaches.
    pub audience: usize,
    /// Units it has been delivered to (on any channel).
    pub delivered: usize,
    /// Units that have acknowledged it.
    pub acknowledged: usize,
    /// `delivered / audience` at scale 4, rounded toward zero (1.0000 only when every
    /// unit has it).
    pub delivery_rate: Decimal,
    /// `acknowledged / audience` at scale 4, rounded toward zero.
    pub ack_rate: Decimal,
}

/// The distribution of one notice: the units it reaches (in the estate's order) and
/// every distinct delivery and acknowledgment. Recording is idempotent (the same event
/// twice is kept once) and order-independent (the state is the set of events, so
/// events arriving in any order give the same state, results and JSON).
///
/// ```
/// use estatekit::estate::Estate;
/// use estatekit::notices::{Audience, Notice, NoticeChannel, NoticeKind, NoticeTracker};
/// let mut n = Notice::new("N1", NoticeKind::FireDrill, "消防演练", "周五下午。",
///     Audience::Units { ids: vec!["1-101".into(), "1-201".into()] }, "2026-11-01T00:00:00Z".parse()?);
/// n.requires_ack = true;
/// n.ack_due = Some("2026-11-03T00:00:00Z".parse()?);
/// let mut t = NoticeTracker::new(&n, &Estate::demo())?;
/// assert!(t.record_delivery("1-101", NoticeChannel::Paper, "2026-11-01T02:00:00Z".parse()?)?);
/// assert!(!t.record_delivery("1-101", NoticeChannel::Paper, "2026-11-01T02:00:00Z".parse()?)?);
/// t.record_ack("1-101", "2026-11-01T03:00:00Z".parse()?, "张先生")?;
/// let pending = t.pending("2026-11-04T00:00:00Z".parse()?);
/// assert_eq!((pending.len(), pending[0].unit.as_str(), pending[0].overdue), (1, "1-201", true));
/// assert_eq!(t.coverage().ack_rate.to_string(), "0.5000");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTracker {
    notice_id: String,
    published_at: DateTime<Utc>,
    requires_ack: bool,
    ack_due: Option<DateTime<Utc>>,
    units: Vec<String>,
    /// Unit id → position in `units` (lookups only, never iterated).
    index: HashMap<String, usize>,
    events: BTreeSet<NoticeEvent>,
}

/// The JSON form of a tracker.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackerDocument {
    format_version: u32,
    notice_id: String,
    published_at: DateTime<Utc>,
    #[serde(default)]
    requires_ack: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ack_due: Option<DateTime<Utc>>,
    units: Vec<String>,
    #[serde(default)]
    events: Vec<NoticeEvent>,
}

impl NoticeTracker {
    /// A tracker of `notice`, validated against `estate` ([`Notice::validate`]), with
    /// no events yet.
    ///
    /// # Errors
    /// Those of [`Notice::validate`].
    ///
    /// ```
    /// use estatekit::estate::Estate;
    /// use estatekit::notices::{Audience, Notice, NoticeKind, NoticeTracker};
    /// let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Estate, "2026-11-01T00:00:00Z".parse()?);
    /// let t = NoticeTracker::new(&n, &Estate::demo())?;
    /// // The demo's 40 units: 6 unsold, 5 delivered parking spaces and storage rooms.
    /// assert_eq!((t.notice_id(), t.units().len()), ("N1", 29));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(notice: &Notice, estate: &Estate) -> Result<Self, NoticeError> {
        let units = notice.audience_units(estate)?;
        Ok(Self::build(
            notice.id.clone(),
            notice.published_at,
            notice.requires_ack,
            notice.ack_due,
            units,
        ))
    }

    fn build(
        notice_id: String,
        published_at: DateTime<Utc>,
        requires_ack: bool,
        ack_due: Option<DateTime<Utc>>,
        units: Vec<String>,
    ) -> Self {
        let index = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.clone(), i))
            .collect();
        Self {
            notice_id,
            published_at,
            requires_ack,
            ack_due,
            units,
            index,
            events: BTreeSet::new(),
        }
    }

    /// The notice's id.
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Estate, "2026-11-01T00:00:00Z".parse()?);
    /// let t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// assert_eq!(t.notice_id(), "N1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn notice_id(&self) -> &str {
        &self.notice_id
    }

    /// The units the notice reaches, in the estate's order.
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-201".into(), "1-101".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// assert_eq!(t.units(), ["1-101", "1-201"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn units(&self) -> &[String] {
        &self.units
    }

    /// Checks one event; the path is the event's field (`unit`, `by`, `at`).
    fn check(&self, event: &NoticeEvent) -> Result<(), NoticeError> {
        if !self.index.contains_key(event.unit()) {
            return Err(NoticeError::NotInAudience {
                path: "unit".into(),
                notice: self.notice_id.clone(),
                unit: event.unit().to_owned(),
            });
        }
        if let NoticeEvent::Ack { by, .. } = event {
            if by.trim().is_empty() {
                return Err(NoticeError::EmptyField {
                    path: "by".into(),
                    notice: self.notice_id.clone(),
                });
            }
        }
        super::in_supported_years("at", &self.notice_id, event.at())?;
        if event.at() < self.published_at {
            return Err(NoticeError::BeforePublication {
                path: "at".into(),
                notice: self.notice_id.clone(),
                at: event.at(),
                published_at: self.published_at,
            });
        }
        Ok(())
    }

    /// Records one event: `true` if it is new, `false` if the tracker has it already.
    fn record(&mut self, event: NoticeEvent) -> Result<bool, NoticeError> {
        self.check(&event)?;
        if self.events.contains(&event) {
            return Ok(false);
        }
        self.make_room(1)?;
        Ok(self.events.insert(event))
    }

    fn make_room(&self, new: usize) -> Result<(), NoticeError> {
        if self.events.len().saturating_add(new) > MAX_TRACKED_EVENTS {
            return Err(NoticeError::TooManyEvents {
                path: "events".into(),
                notice: self.notice_id.clone(),
                limit: MAX_TRACKED_EVENTS,
            });
        }
        Ok(())
    }

    /// Records that the notice reached `unit` through `channel` at `at`: `true` if new,
    /// `false` if this delivery was recorded already (nothing changes).
    ///
    /// # Errors
    /// `not_in_audience` (path `unit`) for a unit the notice does not reach;
    /// `out_of_range` (path `at`) for an instant outside the years 1–9999 (UTC), as
    /// checklists and tickets refuse one; `before_publication` (path `at`);
    /// `too_many_events`.
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-101".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let mut t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// let e = t.record_delivery("1-201", NoticeChannel::Sms, "2026-11-01T01:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("not_in_audience", "unit"));
    /// let e = t.record_delivery("1-101", NoticeChannel::Sms, "+10000-01-01T00:00:00Z".parse()?).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("out_of_range", "at"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_delivery(
        &mut self,
        unit: &str,
        channel: NoticeChannel,
        at: DateTime<Utc>,
    ) -> Result<bool, NoticeError> {
        self.record(NoticeEvent::Delivery {
            unit: unit.to_owned(),
            channel,
            at,
        })
    }

    /// Records that `by` acknowledged the notice for `unit` at `at`: `true` if new,
    /// `false` if recorded already. A unit acknowledged twice (by two people, or at two
    /// times) keeps both events and counts once.
    ///
    /// # Errors
    /// `not_in_audience` (path `unit`); `empty_field` (path `by`);
    /// `out_of_range` (path `at`) outside the years 1–9999; `before_publication` (path
    /// `at`); `too_many_events`.
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-101".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let mut t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// let e = t.record_ack("1-101", "2026-10-31T23:00:00Z".parse()?, "王女士").unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("before_publication", "at"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_ack(
        &mut self,
        unit: &str,
        at: DateTime<Utc>,
        by: &str,
    ) -> Result<bool, NoticeError> {
        self.record(NoticeEvent::Ack {
            unit: unit.to_owned(),
            by: by.to_owned(),
            at,
        })
    }

    /// Records a list of events (e.g. an export from the app and the SMS gateway),
    /// all or nothing: every event is checked first. Returns how many were new; events
    /// the tracker has already, or that appear twice in the list, count once, so
    /// importing the same list again returns 0 and changes nothing.
    ///
    /// # Errors
    /// The first bad event's error, its path prefixed by `events[i].`; nothing is
    /// recorded then.
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-101".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let mut t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// let ack = NoticeEvent::Ack { unit: "1-101".into(), by: "王女士".into(), at: "2026-11-01T05:00:00Z".parse()? };
    /// assert_eq!(t.import_events(&[ack.clone(), ack.clone()])?, 1);
    /// assert_eq!(t.import_events(&[ack])?, 0);
    /// let bad = NoticeEvent::Ack { unit: "2-101".into(), by: "李先生".into(), at: "2026-11-01T05:00:00Z".parse()? };
    /// assert_eq!(t.import_events(&[bad]).unwrap_err().path(), "events[0].unit");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_events(&mut self, events: &[NoticeEvent]) -> Result<usize, NoticeError> {
        for (i, e) in events.iter().enumerate() {
            self.check(e)
                .map_err(|err| err.within(&format!("events[{i}].")))?;
        }
        let new: BTreeSet<&NoticeEvent> = events
            .iter()
            .filter(|e| !self.events.contains(*e))
            .collect();
        self.make_room(new.len())?;
        let count = new.len();
        let new: Vec<NoticeEvent> = new.into_iter().cloned().collect();
        self.events.extend(new);
        Ok(count)
    }

    /// Every distinct event, in time order (at one instant: deliveries first, then by
    /// unit, channel or name): the same list whatever order they were recorded in.
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-101".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let mut t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// t.record_ack("1-101", "2026-11-01T05:00:00Z".parse()?, "王女士")?;
    /// t.record_delivery("1-101", NoticeChannel::App, "2026-11-01T01:00:00Z".parse()?)?;
    /// assert!(matches!(t.events()[0], NoticeEvent::Delivery { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn events(&self) -> Vec<NoticeEvent> {
        let mut events: Vec<NoticeEvent> = self.events.iter().cloned().collect();
        events.sort_by(|a, b| a.at().cmp(&b.at()).then_with(|| a.cmp(b)));
        events
    }

    /// The units that have not acknowledged the notice by `as_of` (events after it are
    /// not counted), in the estate's order, each with whether the notice had been
    /// delivered to it by then and whether the acknowledgment deadline had passed
    /// (`as_of` after `ack_due`; never without a deadline).
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-101".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let mut t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// t.record_ack("1-101", "2026-11-01T05:00:00Z".parse()?, "王女士")?;
    /// assert_eq!(t.pending("2026-11-01T04:00:00Z".parse()?).len(), 1);
    /// assert!(t.pending("2026-11-01T05:00:00Z".parse()?).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pending(&self, as_of: DateTime<Utc>) -> Vec<PendingUnit> {
        let (delivered, acked) = self.reached(Some(as_of));
        let overdue = self.requires_ack && self.ack_due.is_some_and(|due| as_of > due);
        self.units
            .iter()
            .zip(delivered.iter().zip(&acked))
            .filter(|(_, (_, a))| !**a)
            .map(|(u, (d, _))| PendingUnit {
                unit: u.clone(),
                delivered: *d,
                overdue,
            })
            .collect()
    }

    /// Which units have a delivery and which an acknowledgment (at or before `as_of`
    /// when given), by position in `units`.
    fn reached(&self, as_of: Option<DateTime<Utc>>) -> (Vec<bool>, Vec<bool>) {
        let mut delivered = vec![false; self.units.len()];
        let mut acked = vec![false; self.units.len()];
        for e in &self.events {
            if as_of.is_some_and(|t| e.at() > t) {
                continue;
            }
            let i = *self
                .index
                .get(e.unit())
                .expect("every recorded event was checked to be in the audience");
            let slot = match e {
                NoticeEvent::Delivery { .. } => &mut delivered,
                NoticeEvent::Ack { .. } => &mut acked,
            };
            *slot.get_mut(i).expect("the index maps into units") = true;
        }
        (delivered, acked)
    }

    /// Units reached and acknowledged so far, and the rates at scale 4 (rounded toward
    /// zero, so 1.0000 means every unit).
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-101".into(), "1-102".into(), "1-201".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let mut t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// t.record_delivery("1-101", NoticeChannel::Board, "2026-11-01T01:00:00Z".parse()?)?;
    /// t.record_delivery("1-201", NoticeChannel::Board, "2026-11-01T01:00:00Z".parse()?)?;
    /// let c = t.coverage();
    /// assert_eq!((c.audience, c.delivered, c.delivery_rate.to_string(), c.ack_rate.to_string()),
    ///            (3, 2, "0.6666".into(), "0.0000".into()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn coverage(&self) -> Coverage {
        let (delivered, acked) = self.reached(None);
        let count = |v: &[bool]| v.iter().filter(|b| **b).count();
        let (delivered, acknowledged) = (count(&delivered), count(&acked));
        let audience = self.units.len();
        let rate = |n: usize| {
            assert!(
                audience > 0,
                "a tracker's audience is never empty (validated)"
            );
            let mut r = (Decimal::from(n) / Decimal::from(audience))
                .round_dp_with_strategy(4, RoundingStrategy::ToZero);
            r.rescale(4);
            r
        };
        Coverage {
            audience,
            delivered,
            acknowledged,
            delivery_rate: rate(delivered),
            ack_rate: rate(acknowledged),
        }
    }

    /// The tracker as pretty-printed JSON: the notice's id, publication, deadline, the
    /// units and the events in [`NoticeTracker::events`] order.
    ///
    /// ```
    /// # use estatekit::notices::*;
    /// # let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Units { ids: vec!["1-101".into()] }, "2026-11-01T00:00:00Z".parse()?);
    /// let t = NoticeTracker::new(&n, &estatekit::Estate::demo())?;
    /// assert_eq!(NoticeTracker::from_json(&t.to_json())?, t);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&TrackerDocument {
            format_version: TRACKER_FORMAT_VERSION,
            notice_id: self.notice_id.clone(),
            published_at: self.published_at,
            requires_ack: self.requires_ack,
            ack_due: self.ack_due,
            units: self.units.clone(),
            events: self.events(),
        })
        .expect("a tracker serializes: plain data, string keys, instants as RFC 3339")
    }

    /// Reads a tracker document (at most [`crate::MAX_DOCUMENT_BYTES`]), checking every
    /// event as it would be recorded.
    ///
    /// # Errors
    /// `json` naming the field; `unsupported_format_version`; `empty_audience`;
    /// `out_of_range` at `published_at` or `ack_due` outside the years 1–9999;
    /// `duplicate_id` at `units[i]` for a unit listed twice; an event's error at
    /// `events[i]….`.
    ///
    /// ```
    /// use estatekit::notices::NoticeTracker;
    /// let doc = r#"{"format_version": 1, "notice_id": "N1", "published_at": "2026-11-01T00:00:00Z",
    ///   "units": ["1-101"], "events": [{"type": "ack", "unit": "1-102", "by": "王", "at": "2026-11-01T01:00:00Z"}]}"#;
    /// let e = NoticeTracker::from_json(doc).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("not_in_audience", "events[0].unit"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, NoticeError> {
        let doc: TrackerDocument = super::parse_document(text)?;
        if doc.format_version != TRACKER_FORMAT_VERSION {
            return Err(NoticeError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: doc.format_version,
                supported: TRACKER_FORMAT_VERSION,
            });
        }
        if doc.units.is_empty() {
            return Err(NoticeError::EmptyAudience {
                path: "units".into(),
                notice: doc.notice_id,
            });
        }
        super::in_supported_years("published_at", &doc.notice_id, doc.published_at)?;
        if let Some(due) = doc.ack_due {
            super::in_supported_years("ack_due", &doc.notice_id, due)?;
        }
        let mut t = Self::build(
            doc.notice_id,
            doc.published_at,
            doc.requires_ack,
            doc.ack_due,
            doc.units,
        );
        if t.index.len() != t.units.len() {
            let mut seen = std::collections::HashSet::new();
            let (i, unit) = t
                .units
                .iter()
                .enumerate()
                .find(|(_, u)| !seen.insert(u.as_str()))
                .expect("fewer distinct ids than ids: one repeats");
            return Err(NoticeError::value(
                "duplicate_id",
                format!("units[{i}]"),
                &t.notice_id,
                format!("unit {unit:?} is listed twice"),
            ));
        }
        if doc.ack_due.is_some() && !doc.requires_ack {
            return Err(NoticeError::AckDueWithoutAck {
                path: "ack_due".into(),
                notice: t.notice_id,
            });
        }
        t.import_events(&doc.events)?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::{Audience, NoticeKind};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn tracker() -> NoticeTracker {
        let mut n = Notice::new(
            "N1",
            NoticeKind::WaterOutage,
            "停水",
            "检修",
            Audience::Units {
                ids: vec!["1-101".into(), "1-102".into(), "1-201".into()],
            },
            at("2026-11-04T01:00:00Z"),
        );
        n.starts_at = Some(at("2026-11-05T01:00:00Z"));
        n.requires_ack = true;
        n.ack_due = Some(at("2026-11-04T13:00:00Z"));
        NoticeTracker::new(&n, &Estate::demo()).unwrap()
    }

    #[test]
    fn any_order_gives_the_same_state_and_json() {
        let events = vec![
            NoticeEvent::Delivery {
                unit: "1-201".into(),
                channel: NoticeChannel::Sms,
                at: at("2026-11-04T01:05:00Z"),
            },
            NoticeEvent::Ack {
                unit: "1-201".into(),
                by: "王女士".into(),
                at: at("2026-11-04T02:00:00Z"),
            },
            NoticeEvent::Delivery {
                unit: "1-101".into(),
                channel: NoticeChannel::Paper,
                at: at("2026-11-04T01:05:00Z"),
            },
            NoticeEvent::Ack {
                unit: "1-201".into(),
                by: "王先生".into(),
                at: at("2026-11-04T03:00:00Z"),
            },
        ];
        let mut forward = tracker();
        assert_eq!(forward.import_events(&events).unwrap(), 4);
        let mut backward = tracker();
        for e in events.iter().rev() {
            assert!(backward.import_events(std::slice::from_ref(e)).unwrap() == 1);
        }
        assert_eq!(forward, backward);
        assert_eq!(forward.to_json(), backward.to_json());
        assert_eq!(forward.import_events(&events).unwrap(), 0);
        let c = forward.coverage();
        assert_eq!(
            (
                c.delivered,
                c.acknowledged,
                c.delivery_rate.to_string(),
                c.ack_rate.to_string()
            ),
            (2, 1, "0.6666".to_owned(), "0.3333".to_owned())
        );
        let p = forward.pending(at("2026-11-04T14:00:00Z"));
        assert_eq!(
            p,
            [
                PendingUnit {
                    unit: "1-101".into(),
                    delivered: true,
                    overdue: true
                },
                PendingUnit {
                    unit: "1-102".into(),
                    delivered: false,
                    overdue: true
                },
            ]
        );
        let first = forward.events();
        assert!(matches!(&first[0], NoticeEvent::Delivery { unit, .. } if unit == "1-101"));
    }

    #[test]
    fn a_bad_event_in_a_list_records_nothing() {
        let mut t = tracker();
        let ok = NoticeEvent::Ack {
            unit: "1-101".into(),
            by: "甲".into(),
            at: at("2026-11-04T02:00:00Z"),
        };
        let blank = NoticeEvent::Ack {
            unit: "1-101".into(),
            by: " ".into(),
            at: at("2026-11-04T02:00:00Z"),
        };
        let e = t.import_events(&[ok.clone(), blank]).unwrap_err();
        assert_eq!((e.code(), e.path()), ("empty_field", "events[1].by"));
        assert!(t.events().is_empty());
        let early = NoticeEvent::Delivery {
            unit: "1-101".into(),
            channel: NoticeChannel::App,
            at: at("2026-11-04T00:59:59Z"),
        };
        let e = t.import_events(&[ok, early]).unwrap_err();
        assert_eq!((e.code(), e.path()), ("before_publication", "events[1].at"));
        assert_eq!(t.coverage().acknowledged, 0);
    }

    #[test]
    fn documents_round_trip_and_refuse_contradictions() {
        let mut t = tracker();
        t.record_delivery("1-102", NoticeChannel::Board, at("2026-11-04T01:00:00Z"))
            .unwrap();
        let json = t.to_json();
        assert_eq!(NoticeTracker::from_json(&json).unwrap(), t);
        let twice = json.replacen("\"1-201\"", "\"1-101\"", 1);
        let e = NoticeTracker::from_json(&twice).unwrap_err();
        assert_eq!((e.code(), e.path()), ("duplicate_id", "units[2]"));
        let v2 = json.replace("\"format_version\": 1", "\"format_version\": 2");
        assert_eq!(
            NoticeTracker::from_json(&v2).unwrap_err().code(),
            "unsupported_format_version"
        );
        let unknown = json.replace("\"channel\": \"board\"", "\"channel\": \"fax\"");
        let e = NoticeTracker::from_json(&unknown).unwrap_err();
        // Inside a tagged event the parser names the event, and the value in the message.
        assert_eq!((e.code(), e.path()), ("json", "events[0]"));
        assert!(e.to_string().contains("unknown variant `fax`"), "{e}");
    }
}
