//! Notices (通知 / 公告): drafted, published to an audience, delivered to units through
//! channels, and tracked until every unit that must acknowledge has done so (the
//! closed loop of a customer-service notice).
//!
//! - [`Notice`]: what is announced ([`NoticeKind`]: a water, power or gas outage,
//!   elevator maintenance, fee collection, a fire drill, anything else), to whom
//!   ([`Audience`]: the estate, buildings or units), when it was published, the
//!   window it announces, and whether units must acknowledge it by a deadline.
//!   [`Notice::validate`] checks it against an [`Estate`](crate::estate::Estate);
//!   [`Notice::audience_units`] lists the units it reaches; [`Notice::header`] renders
//!   its header in zh-CN or en.
//! - [`NoticePolicy`]: the minimum lead time of planned outages, as published rules
//!   state them (24 hours for a water stop, 7 days for planned power maintenance).
//! - [`NoticeTracker`]: deliveries (app, SMS, paper, notice board) and
//!   acknowledgments, idempotent and order-independent; what is pending or overdue,
//!   and the coverage as exact rates.
//!
//! ```
//! use estatekit::estate::Estate;
//! use estatekit::notices::{Audience, Notice, NoticeChannel, NoticeKind, NoticePolicy, NoticeTracker};
//!
//! let estate = Estate::demo();
//! let mut notice = Notice::new("N-1", NoticeKind::WaterOutage, "2号楼停水检修", "二次供水水箱清洗。",
//!     Audience::Buildings { ids: vec!["B2".into()] }, "2026-11-04T01:00:00Z".parse()?);
//! notice.starts_at = Some("2026-11-05T01:00:00Z".parse()?);
//! notice.ends_at = Some("2026-11-05T09:00:00Z".parse()?);
//! notice.requires_ack = true;
//! assert!(NoticePolicy::default().check(&notice).is_none()); // exactly 24 hours ahead
//!
//! let mut tracker = NoticeTracker::new(&notice, &estate)?;
//! let unit = tracker.units()[0].clone();
//! tracker.record_delivery(&unit, NoticeChannel::Sms, "2026-11-04T01:05:00Z".parse()?)?;
//! tracker.record_ack(&unit, "2026-11-04T02:00:00Z".parse()?, "王女士")?;
//! assert_eq!(tracker.coverage().acknowledged, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, Utc};

mod notice;
mod policy;
mod tracker;

pub use notice::{Audience, Notice};
pub use policy::{
    LeadTimeFinding, MAX_LEAD_HOURS, NoticePolicy, POWER_OUTAGE_LEAD_HOURS, WATER_OUTAGE_LEAD_HOURS,
};
pub use tracker::{
    Coverage, MAX_TRACKED_EVENTS, NoticeEvent, NoticeTracker, PendingUnit, TRACKER_FORMAT_VERSION,
};

/// The error of an unknown wire name of a notice enum.
fn unknown_value(path: String, value: &str, expected: String) -> NoticeError {
    NoticeError::UnknownValue {
        path,
        value: value.to_owned(),
        expected,
    }
}

crate::wire::wire_enum! {
    module: "estatekit::notices", error: crate::notices::NoticeError, unknown: unknown_value,
    /// What a notice announces.
    ///
    /// ```
    /// use estatekit::notices::NoticeKind;
    /// assert_eq!("water_outage".parse::<NoticeKind>()?, NoticeKind::WaterOutage);
    /// assert_eq!("flood".parse::<NoticeKind>().unwrap_err().code(), "unknown_value");
    /// # Ok::<(), estatekit::notices::NoticeError>(())
    /// ```
    NoticeKind ("kind") {
        /// A water stop (停水): planned ones must be announced 24 hours ahead.
        WaterOutage => "water_outage",
        /// A power cut (停电): planned maintenance must be announced 7 days ahead.
        PowerOutage => "power_outage",
        /// A gas stop (停气).
        GasOutage => "gas_outage",
        /// Elevator maintenance (电梯维保).
        ElevatorMaintenance => "elevator_maintenance",
        /// A notice to pay fees (交费通知单).
        FeeCollection => "fee_collection",
        /// A fire drill (消防演练).
        FireDrill => "fire_drill",
        /// Anything else (通知).
        General => "general",
    }
}

crate::wire::wire_enum! {
    module: "estatekit::notices", error: crate::notices::NoticeError, unknown: unknown_value,
    /// How a notice reached a unit.
    ///
    /// ```
    /// use estatekit::notices::NoticeChannel;
    /// assert_eq!(NoticeChannel::Board.as_str(), "board");
    /// ```
    NoticeChannel ("channel") {
        /// A push message in the butler app.
        App => "app",
        /// A text message.
        Sms => "sms",
        /// A paper notice handed over or put in the letter box (派发).
        Paper => "paper",
        /// The notice board of the building (公告栏).
        Board => "board",
    }
}

impl crate::i18n::Label for NoticeKind {
    /// The kind's title in `lang`, as printed at the head of a notice.
    ///
    /// ```
    /// use estatekit::i18n::{Label, Lang};
    /// use estatekit::notices::NoticeKind;
    /// assert_eq!(NoticeKind::WaterOutage.label(Lang::ZhCn), "停水通知");
    /// assert_eq!(NoticeKind::FireDrill.label(Lang::En), "Fire drill notice");
    /// ```
    fn label(&self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::{En, ZhCn};
        match (self, lang) {
            (Self::WaterOutage, ZhCn) => "停水通知",
            (Self::WaterOutage, En) => "Water outage notice",
            (Self::PowerOutage, ZhCn) => "停电通知",
            (Self::PowerOutage, En) => "Power outage notice",
            (Self::GasOutage, ZhCn) => "停气通知",
            (Self::GasOutage, En) => "Gas outage notice",
            (Self::ElevatorMaintenance, ZhCn) => "电梯维保通知",
            (Self::ElevatorMaintenance, En) => "Elevator maintenance notice",
            (Self::FeeCollection, ZhCn) => "缴费通知",
            (Self::FeeCollection, En) => "Fee collection notice",
            (Self::FireDrill, ZhCn) => "消防演练通知",
            (Self::FireDrill, En) => "Fire drill notice",
            (Self::General, ZhCn) => "通知",
            (Self::General, En) => "Notice",
        }
    }
}

/// Errors of the notices module; each names the path of the field concerned, and the
/// notice where there is one.
///
/// ```
/// use estatekit::diagnostic::Diagnostic;
/// let e = estatekit::notices::Notice::from_json("{").unwrap_err();
/// assert_eq!((Diagnostic::code(&e), e.path()), ("json", "$"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoticeError {
    /// A document larger than [`MAX_DOCUMENT_BYTES`](crate::MAX_DOCUMENT_BYTES), refused
    /// before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`: the whole document.
        path: String,
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where in the document (`$` for the whole).
        path: String,
        /// What the parser said.
        message: String,
    },
    /// A tracker document of another format version.
    #[error("{path}: unsupported format version {found}, expected {supported}")]
    UnsupportedFormatVersion {
        /// `format_version`.
        path: String,
        /// The version found.
        found: u32,
        /// The version this library reads.
        supported: u32,
    },
    /// A name that is not one of an enum's wire names.
    #[error("{path}: unknown value {value:?}; expected one of {expected}")]
    UnknownValue {
        /// The argument or field, e.g. `kind`.
        path: String,
        /// The value given.
        value: String,
        /// The names allowed, comma-separated.
        expected: String,
    },
    /// A required text is empty or blank (an id, the Chinese title, the body, who
    /// acknowledged).
    #[error("{path}: notice {notice:?}: must not be empty")]
    EmptyField {
        /// E.g. `title_zh`.
        path: String,
        /// The notice's id.
        notice: String,
    },
    /// Another invalid value, `code` naming the cause (one of
    /// [`NoticeError::VALUE_CODES`]): `missing_value` (an end without a start),
    /// `ends_before_starts` (an acknowledgment deadline not after publication),
    /// `out_of_range` (an instant outside the years 1–9999 UTC, as checklists and
    /// tickets refuse one; an offset beyond ±18 hours; a lead time outside 0–8784
    /// hours), `duplicate_id` (a unit listed twice in a tracker).
    ///
    /// ```
    /// use estatekit::notices::{NoticeKind, NoticePolicy};
    /// let e = NoticePolicy::new([(NoticeKind::GasOutage, -1)]).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("out_of_range", "lead_hours.gas_outage"));
    /// ```
    #[error("{path}: notice {notice:?}: {reason}")]
    InvalidField {
        /// Where.
        path: String,
        /// The cause (one of [`NoticeError::VALUE_CODES`]).
        code: &'static str,
        /// The notice's id.
        notice: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The audience names a building the estate does not have.
    #[error("{path}: notice {notice:?}: unknown building {id:?}")]
    UnknownBuilding {
        /// E.g. `audience.ids[1]`.
        path: String,
        /// The notice's id.
        notice: String,
        /// The building id given.
        id: String,
    },
    /// The audience names a unit the estate does not have.
    #[error("{path}: notice {notice:?}: unknown unit {id:?}")]
    UnknownUnit {
        /// E.g. `audience.ids[3]`.
        path: String,
        /// The notice's id.
        notice: String,
        /// The unit id given.
        id: String,
    },
    /// The audience reaches no unit (no ids, or buildings without a delivered unit).
    #[error("{path}: notice {notice:?}: the audience reaches no unit")]
    EmptyAudience {
        /// `audience`.
        path: String,
        /// The notice's id.
        notice: String,
    },
    /// The announced window ends before it starts.
    #[error("{path}: notice {notice:?}: ends at {ends_at} before it starts at {starts_at}")]
    EndsBeforeStarts {
        /// `ends_at`.
        path: String,
        /// The notice's id.
        notice: String,
        /// The start.
        starts_at: DateTime<Utc>,
        /// The end.
        ends_at: DateTime<Utc>,
    },
    /// An outage or maintenance notice without the time it starts.
    #[error("{path}: notice {notice:?}: a {kind} notice must say when it starts")]
    MissingStart {
        /// `starts_at`.
        path: String,
        /// The notice's id.
        notice: String,
        /// The notice's kind.
        kind: NoticeKind,
    },
    /// An acknowledgment deadline on a notice that does not require acknowledgment.
    #[error("{path}: notice {notice:?}: an acknowledgment deadline needs requires_ack")]
    AckDueWithoutAck {
        /// `ack_due`.
        path: String,
        /// The notice's id.
        notice: String,
    },
    /// A delivery or acknowledgment for a unit the notice does not reach.
    #[error("{path}: notice {notice:?}: unit {unit:?} is not in the audience")]
    NotInAudience {
        /// `unit`, or `events[i].unit` in a list of events.
        path: String,
        /// The notice's id.
        notice: String,
        /// The unit given.
        unit: String,
    },
    /// A delivery or acknowledgment dated before the notice was published.
    #[error("{path}: notice {notice:?}: {at} is before publication at {published_at}")]
    BeforePublication {
        /// `at`, or `events[i].at` in a list of events.
        path: String,
        /// The notice's id.
        notice: String,
        /// The event's time.
        at: DateTime<Utc>,
        /// When the notice was published.
        published_at: DateTime<Utc>,
    },
    /// More events than a tracker holds ([`MAX_TRACKED_EVENTS`]).
    #[error("{path}: notice {notice:?}: more than {limit} events")]
    TooManyEvents {
        /// `events`.
        path: String,
        /// The notice's id.
        notice: String,
        /// The limit.
        limit: usize,
    },
}

crate::diagnostic::error_table! {
    NoticeError;
    code_example: "let e = \"fax\".parse::<estatekit::notices::NoticeChannel>().unwrap_err();\nassert_eq!((e.code(), e.path()), (\"unknown_value\", \"channel\"));";
    path_example: "let e = \"fax\".parse::<estatekit::notices::NoticeChannel>().unwrap_err();\nassert_eq!(e.path(), \"channel\");";
    DocumentTooLarge => "document_too_large";
    Json => "json";
    UnsupportedFormatVersion => "unsupported_format_version";
    UnknownValue => "unknown_value";
    EmptyField => "empty_field";
    InvalidField { code } => *code;
    UnknownBuilding => "unknown_building";
    UnknownUnit => "unknown_unit";
    EmptyAudience => "empty_audience";
    EndsBeforeStarts => "ends_before_starts";
    MissingStart => "missing_start";
    AckDueWithoutAck => "ack_due_without_ack";
    NotInAudience => "not_in_audience";
    BeforePublication => "before_publication";
    TooManyEvents => "too_many_events";
}

crate::diagnostic::value_codes! {
    NoticeError;
    example: "assert!(estatekit::notices::NoticeError::VALUE_CODES.contains(&\"duplicate_id\"));";
    codes: ["missing_value", "ends_before_starts", "out_of_range", "duplicate_id"];
    /// [`NoticeError::InvalidField`] with `code`, one of [`NoticeError::VALUE_CODES`],
    /// about notice `notice`.
    fn value => InvalidField { notice };
}

/// `out_of_range` at `path` for an instant outside the years 1–9999 (UTC), as
/// checklists and tickets refuse one.
fn in_supported_years(path: &str, notice: &str, at: DateTime<Utc>) -> Result<(), NoticeError> {
    if crate::diagnostic::in_supported_years(&at) {
        Ok(())
    } else {
        Err(NoticeError::value(
            "out_of_range",
            path,
            notice,
            format!("{at} is outside the supported years 1–9999 (UTC)"),
        ))
    }
}

impl NoticeError {
    /// The error with its path prefixed by `prefix` (`events[3].` + `unit`).
    fn within(mut self, prefix: &str) -> Self {
        let slot = self.path_slot();
        slot.insert_str(0, prefix);
        self
    }
}

/// Parses a JSON document of at most [`crate::MAX_DOCUMENT_BYTES`], reporting a failure
/// as a [`NoticeError`] with the path of the bad field.
fn parse_document<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, NoticeError> {
    crate::json::within_limit(text).map_err(|(size, limit)| NoticeError::DocumentTooLarge {
        path: "$".to_owned(),
        size,
        limit,
    })?;
    crate::json::parse(text).map_err(|f| NoticeError::Json {
        path: f.path,
        message: f.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, ErrorClass};
    use crate::i18n::{Label, Lang};

    #[test]
    fn wire_names_and_labels() {
        assert_eq!(
            NoticeKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>(),
            [
                "water_outage",
                "power_outage",
                "gas_outage",
                "elevator_maintenance",
                "fee_collection",
                "fire_drill",
                "general"
            ]
        );
        assert_eq!(
            NoticeKind::ElevatorMaintenance.label(Lang::ZhCn),
            "电梯维保通知"
        );
        assert_eq!(NoticeKind::General.label(Lang::En), "Notice");
        let e = "fax".parse::<NoticeChannel>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "channel: unknown value \"fax\"; expected one of app, sms, paper, board"
        );
    }

    #[test]
    fn errors_are_validation_diagnostics_and_take_a_prefix() {
        let e = NoticeError::NotInAudience {
            path: "unit".into(),
            notice: "N1".into(),
            unit: "9-999".into(),
        }
        .within("events[3].");
        assert_eq!(
            (
                Diagnostic::code(&e),
                Diagnostic::path(&e).as_ref(),
                e.class()
            ),
            ("not_in_audience", "events[3].unit", ErrorClass::Validation)
        );
        assert_eq!(
            e.to_string(),
            "events[3].unit: notice \"N1\": unit \"9-999\" is not in the audience"
        );
    }
}
