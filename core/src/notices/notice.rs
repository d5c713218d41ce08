//! The notice itself: what, to whom, when; its validation against an estate, the units
//! it reaches, and its header in zh-CN or en.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::{NoticeError, NoticeKind};
use crate::estate::Estate;
use crate::i18n::{Label, Lang};

/// Whom a notice is for. In JSON: `{"scope": "estate"}`, `{"scope": "buildings",
/// "ids": ["B1"]}` or `{"scope": "units", "ids": ["1-101"]}`.
///
/// ```
/// use estatekit::notices::Audience;
/// let a: Audience = serde_json::from_str(r#"{"scope": "buildings", "ids": ["B1", "B2"]}"#)?;
/// assert_eq!(a, Audience::Buildings { ids: vec!["B1".into(), "B2".into()] });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
pub enum Audience {
    /// Every delivered residential and commercial unit of the estate.
    Estate,
    /// Every delivered residential and commercial unit of these buildings.
    Buildings {
        /// Building ids.
        ids: Vec<String>,
    },
    /// These units, whatever their kind and status (the sender named them).
    Units {
        /// Unit ids.
        ids: Vec<String>,
    },
}

/// A notice (通知): drafted, published to an [`Audience`], possibly announcing a window
/// (an outage from `starts_at` to `ends_at`), possibly to be acknowledged by every unit
/// it reaches by `ack_due`. Instants are UTC (JSON: RFC 3339, e.g.
/// `"2026-11-04T01:00:00Z"`; any offset is read and kept as the same instant).
///
/// ```
/// use estatekit::notices::{Audience, Notice, NoticeKind};
/// let n = Notice::new("N-1", NoticeKind::General, "中秋活动", "周六晚在中心花园赏月。",
///                     Audience::Estate, "2026-09-20T02:00:00Z".parse()?);
/// assert_eq!(Notice::from_json(&n.to_json())?, n);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Notice id, e.g. `N-2026-118`.
    pub id: String,
    /// What it announces.
    pub kind: NoticeKind,
    /// The title in Chinese (required).
    pub title_zh: String,
    /// The title in English, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// The text.
    pub body: String,
    /// Whom it is for.
    pub audience: Audience,
    /// When it was published (posted, sent).
    pub published_at: DateTime<Utc>,
    /// When what it announces starts (an outage); required for outages and elevator
    /// maintenance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<Utc>>,
    /// When it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime<Utc>>,
    /// Whether every unit reached must acknowledge it (签收).
    #[serde(default)]
    pub requires_ack: bool,
    /// By when (only with `requires_ack`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ack_due: Option<DateTime<Utc>>,
    /// An emergency notice (a burst main, a failed transformer): published as soon as
    /// known, so no minimum lead time applies.
    #[serde(default)]
    pub emergency: bool,
}

/// The largest UTC offset [`Notice::header`] takes, in minutes (±18 hours).
const MAX_OFFSET_MINUTES: i32 = 18 * 60;

impl Notice {
    /// A notice with no window, no acknowledgment and not an emergency; set the other
    /// fields directly.
    ///
    /// ```
    /// use estatekit::notices::{Audience, Notice, NoticeKind};
    /// let n = Notice::new("N-2", NoticeKind::FeeCollection, "缴费通知", "请于月底前缴纳物业费。",
    ///                     Audience::Estate, "2026-11-01T00:00:00Z".parse()?);
    /// assert!(!n.requires_ack && n.starts_at.is_none());
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn new(
        id: impl Into<String>,
        kind: NoticeKind,
        title_zh: impl Into<String>,
        body: impl Into<String>,
        audience: Audience,
        published_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id: id.into(),
            kind,
            title_zh: title_zh.into(),
            title_en: None,
            body: body.into(),
            audience,
            published_at,
            starts_at: None,
            ends_at: None,
            requires_ack: false,
            ack_due: None,
            emergency: false,
        }
    }

    /// Parses a notice JSON document (at most [`crate::MAX_DOCUMENT_BYTES`]). The
    /// document is read, not validated: see [`Notice::validate`].
    ///
    /// # Errors
    /// [`NoticeError::Json`] naming the bad field (an unknown kind, a time without an
    /// offset, an unknown field); `document_too_large`.
    ///
    /// ```
    /// let e = estatekit::notices::Notice::from_json(r#"{"id": "N1", "kind": "flood"}"#).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("json", "kind"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, NoticeError> {
        super::parse_document(text)
    }

    /// The notice as pretty-printed JSON; [`Notice::from_json`] reads it back unchanged.
    ///
    /// ```
    /// use estatekit::notices::{Audience, Notice, NoticeKind};
    /// let n = Notice::new("N1", NoticeKind::General, "t", "b", Audience::Estate, "2026-01-01T00:00:00Z".parse()?);
    /// assert!(n.to_json().contains(r#""audience": {
    ///     "scope": "estate"
    ///   }"#));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a notice serializes: plain data, string keys, instants as RFC 3339")
    }

    /// Checks the notice against `estate`: non-empty id, Chinese title and body (an
    /// English title, when given, non-empty too); the audience names only buildings
    /// and units the estate has and reaches at least one unit; the window ends after it
    /// starts and, for outages and elevator maintenance, has a start; an
    /// acknowledgment deadline only with `requires_ack`, after publication; every
    /// instant within the years 1–9999 (UTC), as checklists and tickets require.
    ///
    /// Linear in the units of the estate and the ids of the audience.
    ///
    /// # Errors
    /// The first problem, in the order above, as a [`NoticeError`] naming the field and
    /// the notice: `empty_field`, `unknown_building` / `unknown_unit`
    /// (`audience.ids[i]`), `empty_audience`, `ends_before_starts`, `missing_start`,
    /// `ack_due_without_ack`, and [`NoticeError::InvalidField`]'s causes:
    /// `out_of_range` (an instant outside the years 1–9999, e.g. `published_at`),
    /// `missing_value` (`ends_at` without `starts_at`), `ends_before_starts` (`ack_due`
    /// not after publication).
    ///
    /// ```
    /// use estatekit::estate::Estate;
    /// use estatekit::notices::{Audience, Notice, NoticeKind};
    /// let mut n = Notice::new("N1", NoticeKind::General, "t", "b",
    ///     Audience::Units { ids: vec!["1-101".into(), "9-999".into()] }, "2026-01-01T00:00:00Z".parse()?);
    /// let e = n.validate(&Estate::demo()).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("unknown_unit", "audience.ids[1]"));
    /// assert_eq!(e.to_string(), r#"audience.ids[1]: notice "N1": unknown unit "9-999""#);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn validate(&self, estate: &Estate) -> Result<(), NoticeError> {
        self.audience_units(estate).map(|_| ())
    }

    /// The ids of the units the notice reaches, in the estate's order, each once (a unit
    /// named twice, or inside a building also named, counts once). The estate and
    /// building scopes reach delivered residential and commercial units (not unsold
    /// ones, where nobody lives, nor parking spaces and storage rooms, whose owners are
    /// reached at home); a unit named on its own is reached whatever it is.
    ///
    /// Validates the notice first, as [`Notice::validate`].
    ///
    /// # Errors
    /// Those of [`Notice::validate`].
    ///
    /// ```
    /// use estatekit::estate::Estate;
    /// use estatekit::notices::{Audience, Notice, NoticeKind};
    /// let n = Notice::new("N1", NoticeKind::General, "t", "b",
    ///     Audience::Units { ids: vec!["1-201".into(), "1-101".into(), "1-201".into()] },
    ///     "2026-01-01T00:00:00Z".parse()?);
    /// assert_eq!(n.audience_units(&Estate::demo())?, ["1-101", "1-201"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn audience_units(&self, estate: &Estate) -> Result<Vec<String>, NoticeError> {
        self.check_fields()?;
        let units = estate.units();
        let mut reached = vec![false; units.len()];
        match &self.audience {
            Audience::Estate => {
                for (r, u) in reached.iter_mut().zip(units) {
                    *r = is_household(u);
                }
            }
            Audience::Buildings { ids } => {
                for (i, id) in ids.iter().enumerate() {
                    if estate.building(id).is_none() {
                        return Err(NoticeError::UnknownBuilding {
                            path: format!("audience.ids[{i}]"),
                            notice: self.id.clone(),
                            id: id.clone(),
                        });
                    }
                }
                let named: HashSet<&str> = ids.iter().map(String::as_str).collect();
                for (r, u) in reached.iter_mut().zip(units) {
                    *r = is_household(u) && named.contains(u.building_id.as_str());
                }
            }
            Audience::Units { ids } => {
                let position: HashMap<&str, usize> = units
                    .iter()
                    .enumerate()
                    .map(|(i, u)| (u.id.as_str(), i))
                    .collect();
                for (i, id) in ids.iter().enumerate() {
                    let Some(&at) = position.get(id.as_str()) else {
                        return Err(NoticeError::UnknownUnit {
                            path: format!("audience.ids[{i}]"),
                            notice: self.id.clone(),
                            id: id.clone(),
                        });
                    };
                    *reached
                        .get_mut(at)
                        .expect("a position taken from the estate's own units") = true;
                }
            }
        }
        let ids: Vec<String> = units
            .iter()
            .zip(&reached)
            .filter(|(_, r)| **r)
            .map(|(u, _)| u.id.clone())
            .collect();
        if ids.is_empty() {
            return Err(NoticeError::EmptyAudience {
                path: "audience".into(),
                notice: self.id.clone(),
            });
        }
        self.check_times()?;
        Ok(ids)
    }

    /// The checks that need no estate: required texts.
    fn check_fields(&self) -> Result<(), NoticeError> {
        let empty = |path: &str| NoticeError::EmptyField {
            path: path.to_owned(),
            notice: self.id.clone(),
        };
        if self.id.trim().is_empty() {
            return Err(empty("id"));
        }
        if self.title_zh.trim().is_empty() {
            return Err(empty("title_zh"));
        }
        if self
            .title_en
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(empty("title_en"));
        }
        if self.body.trim().is_empty() {
            return Err(empty("body"));
        }
        Ok(())
    }

    /// The instants (years 1–9999 UTC), the window and the acknowledgment deadline.
    fn check_times(&self) -> Result<(), NoticeError> {
        for (path, at) in [
            ("published_at", Some(self.published_at)),
            ("starts_at", self.starts_at),
            ("ends_at", self.ends_at),
            ("ack_due", self.ack_due),
        ] {
            if let Some(at) = at {
                super::in_supported_years(path, &self.id, at)?;
            }
        }
        match (self.starts_at, self.ends_at) {
            (Some(starts_at), Some(ends_at)) if ends_at <= starts_at => {
                return Err(NoticeError::EndsBeforeStarts {
                    path: "ends_at".into(),
                    notice: self.id.clone(),
                    starts_at,
                    ends_at,
                });
            }
            (None, _) if self.kind.has_window() => {
                return Err(NoticeError::MissingStart {
                    path: "starts_at".into(),
                    notice: self.id.clone(),
                    kind: self.kind,
                });
            }
            (None, Some(_)) => {
                return Err(NoticeError::value(
                    "missing_value",
                    "ends_at",
                    &self.id,
                    "an end needs a start (starts_at)",
                ));
            }
            _ => {}
        }
        if let Some(due) = self.ack_due {
            if !self.requires_ack {
                return Err(NoticeError::AckDueWithoutAck {
                    path: "ack_due".into(),
                    notice: self.id.clone(),
                });
            }
            if due <= self.published_at {
                return Err(NoticeError::value(
                    "ends_before_starts",
                    "ack_due",
                    &self.id,
                    format!(
                        "the acknowledgment deadline {due} is not after publication at {}",
                        self.published_at
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The notice's header in `lang`: the kind's title in brackets, the title (the
    /// English one in English when given, else the Chinese one), and the window in
    /// local time at `utc_offset_minutes` (Beijing: 480).
    ///
    /// # Errors
    /// `out_of_range` at `utc_offset_minutes` beyond ±18 hours.
    ///
    /// ```
    /// use estatekit::i18n::Lang;
    /// use estatekit::notices::{Audience, Notice, NoticeKind};
    /// let mut n = Notice::new("N1", NoticeKind::WaterOutage, "2号楼停水", "水箱清洗。",
    ///                         Audience::Estate, "2026-11-04T01:00:00Z".parse()?);
    /// n.title_en = Some("Water stop in building 2".into());
    /// n.starts_at = Some("2026-11-05T01:00:00Z".parse()?);
    /// n.ends_at = Some("2026-11-05T09:00:00Z".parse()?);
    /// assert_eq!(n.header(Lang::ZhCn, 480)?, "【停水通知】2号楼停水（2026-11-05 09:00 至 2026-11-05 17:00）");
    /// assert_eq!(n.header(Lang::En, 480)?,
    ///     "[Water outage notice] Water stop in building 2 (2026-11-05 09:00 to 2026-11-05 17:00, UTC+08:00)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn header(&self, lang: Lang, utc_offset_minutes: i32) -> Result<String, NoticeError> {
        let offset = (-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES)
            .contains(&utc_offset_minutes)
            .then(|| FixedOffset::east_opt(utc_offset_minutes * 60))
            .flatten()
            .ok_or_else(|| {
                NoticeError::value(
                    "out_of_range",
                    "utc_offset_minutes",
                    &self.id,
                    format!("{utc_offset_minutes} is beyond ±{MAX_OFFSET_MINUTES} minutes"),
                )
            })?;
        let local = |t: DateTime<Utc>| t.with_timezone(&offset).format("%Y-%m-%d %H:%M");
        let kind = self.kind.label(lang);
        Ok(match lang {
            Lang::ZhCn => {
                let window = match (self.starts_at, self.ends_at) {
                    (Some(s), Some(e)) => format!("（{} 至 {}）", local(s), local(e)),
                    (Some(s), None) => format!("（{} 起）", local(s)),
                    _ => String::new(),
                };
                format!("【{kind}】{}{window}", self.title_zh)
            }
            Lang::En => {
                let title = self.title_en.as_deref().unwrap_or(&self.title_zh);
                let window = match (self.starts_at, self.ends_at) {
                    (Some(s), Some(e)) => format!(" ({} to {}, UTC{offset})", local(s), local(e)),
                    (Some(s), None) => format!(" (from {}, UTC{offset})", local(s)),
                    _ => String::new(),
                };
                format!("[{kind}] {title}{window}")
            }
        })
    }
}

/// Whether the estate and building scopes reach `unit`: a delivered (not unsold)
/// residential or commercial unit, where someone lives or trades. Parking spaces and
/// storage rooms are reached through their owner's home, so they would only stay
/// pending; name one in a units audience to reach it.
fn is_household(unit: &crate::estate::Unit) -> bool {
    use crate::estate::UnitKind;
    unit.is_delivered() && matches!(unit.kind, UnitKind::Residential | UnitKind::Commercial)
}

impl NoticeKind {
    /// Whether notices of this kind announce a window that must have a start (outages
    /// and elevator maintenance).
    fn has_window(self) -> bool {
        matches!(
            self,
            Self::WaterOutage | Self::PowerOutage | Self::GasOutage | Self::ElevatorMaintenance
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn notice(audience: Audience) -> Notice {
        Notice::new(
            "N1",
            NoticeKind::General,
            "通知",
            "正文",
            audience,
            at("2026-11-01T00:00:00Z"),
        )
    }

    #[test]
    fn buildings_reach_their_delivered_homes_and_shops_once_in_estate_order() {
        let estate = Estate::demo();
        let n = notice(Audience::Buildings {
            ids: vec!["B2".into(), "B1".into(), "B2".into()],
        });
        let units = n.audience_units(&estate).unwrap();
        // 40 units: 6 unsold (1-603, 2-S02, 2-503, P-05, P-06, S-02) and 5 delivered
        // parking spaces and storage rooms (P-01..P-04, S-01) are not reached.
        assert_eq!(units.len(), 29);
        assert_eq!(
            (
                units[0].as_str(),
                units[16].as_str(),
                units[17].as_str(),
                units[28].as_str()
            ),
            ("1-101", "1-602", "2-S01", "2-502")
        );
        for left_out in ["1-603", "2-503", "P-01", "S-01"] {
            assert!(!units.iter().any(|u| u == left_out), "{left_out}");
        }
        let all = notice(Audience::Estate).audience_units(&estate).unwrap();
        assert_eq!(all, units);
    }

    #[test]
    fn an_unsold_unit_named_on_its_own_is_reached() {
        let estate = Estate::demo();
        let unsold = estate
            .units()
            .iter()
            .find(|u| !u.is_delivered())
            .expect("the demo has an unsold unit")
            .id
            .clone();
        let n = notice(Audience::Units {
            ids: vec![unsold.clone()],
        });
        assert_eq!(n.audience_units(&estate).unwrap(), [unsold]);
    }

    #[test]
    fn validation_names_the_field_and_the_notice() {
        let estate = Estate::demo();
        type Change = Box<dyn Fn(&mut Notice)>;
        let cases: Vec<(Change, &str, &str)> = vec![
            (
                Box::new(|n| n.title_zh = " ".into()),
                "empty_field",
                "title_zh",
            ),
            (
                Box::new(|n| n.title_en = Some(String::new())),
                "empty_field",
                "title_en",
            ),
            (Box::new(|n| n.body = String::new()), "empty_field", "body"),
            (Box::new(|n| n.id = String::new()), "empty_field", "id"),
            (
                Box::new(|n| {
                    n.audience = Audience::Buildings {
                        ids: vec!["B9".into()],
                    }
                }),
                "unknown_building",
                "audience.ids[0]",
            ),
            (
                Box::new(|n| n.audience = Audience::Units { ids: vec![] }),
                "empty_audience",
                "audience",
            ),
            (
                Box::new(|n| {
                    n.starts_at = Some(at("2026-11-02T08:00:00Z"));
                    n.ends_at = Some(at("2026-11-02T08:00:00Z"));
                }),
                "ends_before_starts",
                "ends_at",
            ),
            (
                Box::new(|n| n.ends_at = Some(at("2026-11-02T08:00:00Z"))),
                "missing_value",
                "ends_at",
            ),
            (
                Box::new(|n| n.kind = NoticeKind::GasOutage),
                "missing_start",
                "starts_at",
            ),
            (
                Box::new(|n| n.ack_due = Some(at("2026-11-03T00:00:00Z"))),
                "ack_due_without_ack",
                "ack_due",
            ),
            (
                Box::new(|n| {
                    n.requires_ack = true;
                    n.ack_due = Some(n.published_at);
                }),
                "ends_before_starts",
                "ack_due",
            ),
        ];
        for (change, code, path) in cases {
            let mut n = notice(Audience::Estate);
            change(&mut n);
            let e = n.validate(&estate).unwrap_err();
            assert_eq!((e.code(), e.path()), (code, path), "{e}");
        }
        let mut n = notice(Audience::Estate);
        n.kind = NoticeKind::GasOutage;
        assert_eq!(
            n.validate(&estate).unwrap_err().to_string(),
            "starts_at: notice \"N1\": a gas_outage notice must say when it starts"
        );
    }

    #[test]
    fn header_without_a_window_and_with_a_start_only() {
        let mut n = notice(Audience::Estate);
        assert_eq!(n.header(Lang::ZhCn, 480).unwrap(), "【通知】通知");
        assert_eq!(n.header(Lang::En, 480).unwrap(), "[Notice] 通知");
        n.starts_at = Some(at("2026-11-01T16:30:00Z"));
        assert_eq!(
            n.header(Lang::ZhCn, 480).unwrap(),
            "【通知】通知（2026-11-02 00:30 起）"
        );
        assert_eq!(
            n.header(Lang::En, -300).unwrap(),
            "[Notice] 通知 (from 2026-11-01 11:30, UTC-05:00)"
        );
        let e = n.header(Lang::En, 18 * 60 + 1).unwrap_err();
        assert_eq!((e.code(), e.path()), ("out_of_range", "utc_offset_minutes"));
    }

    #[test]
    fn json_round_trip_and_refusals() {
        let mut n = notice(Audience::Units {
            ids: vec!["1-101".into()],
        });
        n.requires_ack = true;
        n.ack_due = Some(at("2026-11-03T10:00:00Z"));
        assert_eq!(Notice::from_json(&n.to_json()).unwrap(), n);
        let offset = n
            .to_json()
            .replace("2026-11-03T10:00:00Z", "2026-11-03T18:00:00+08:00");
        assert_eq!(Notice::from_json(&offset).unwrap(), n);
        let naive = n
            .to_json()
            .replace("2026-11-03T10:00:00Z", "2026-11-03T10:00:00");
        let e = Notice::from_json(&naive).unwrap_err();
        assert_eq!((e.code(), e.path()), ("json", "ack_due"));
        let bad_scope = n.to_json().replace("\"units\"", "\"floors\"");
        assert_eq!(
            Notice::from_json(&bad_scope).unwrap_err().path(),
            "audience.scope"
        );
    }
}
