//! Notices on mobile: the `Notice` record, `NoticePolicy`, `NoticeTracker` and the notice
//! functions (`validateNotice`, `noticeAudienceUnits`, `noticeHeader`,
//! `noticeFromJson`, `noticeToJson`). This file converts; the rules are in
//! `estatekit::notices`. Timestamps cross as [`Timestamp`](crate::Timestamp).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use estatekit::i18n::Lang;
use estatekit::notices::{
    self, Audience, Notice, NoticeChannel, NoticeEvent, NoticeKind, PendingUnit,
};
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::{EstateKitError, Timestamp};

#[uniffi::remote(Enum)]
pub enum NoticeKind {
    WaterOutage,
    PowerOutage,
    GasOutage,
    ElevatorMaintenance,
    FeeCollection,
    FireDrill,
    General,
}

#[uniffi::remote(Enum)]
pub enum NoticeChannel {
    App,
    Sms,
    Paper,
    Board,
}

/// Whom a notice is for.
#[uniffi::remote(Enum)]
pub enum Audience {
    Estate,
    Buildings { ids: Vec<String> },
    Units { ids: Vec<String> },
}

/// A notice: what, to whom, when, the window it announces, and whether units must
/// acknowledge it by `ack_due`.
#[uniffi::remote(Record)]
pub struct Notice {
    pub id: String,
    pub kind: NoticeKind,
    pub title_zh: String,
    #[uniffi(default = None)]
    pub title_en: Option<String>,
    pub body: String,
    pub audience: Audience,
    pub published_at: Timestamp,
    #[uniffi(default = None)]
    pub starts_at: Option<Timestamp>,
    #[uniffi(default = None)]
    pub ends_at: Option<Timestamp>,
    #[uniffi(default = false)]
    pub requires_ack: bool,
    #[uniffi(default = None)]
    pub ack_due: Option<Timestamp>,
    #[uniffi(default = false)]
    pub emergency: bool,
}

/// A delivery or an acknowledgment of a notice at a unit.
#[uniffi::remote(Enum)]
pub enum NoticeEvent {
    Delivery {
        unit: String,
        channel: NoticeChannel,
        at: Timestamp,
    },
    Ack {
        unit: String,
        at: Timestamp,
        by: String,
    },
}

/// A unit that has not acknowledged a notice.
#[uniffi::remote(Record)]
pub struct PendingUnit {
    pub unit: String,
    pub delivered: bool,
    pub overdue: bool,
}

crate::mirror_record! {
    /// How far a notice has reached: counts and rates (scale 4, rounded toward zero).
    pub struct Coverage mirrors notices::Coverage {
        /// Units the notice reaches.
        audience: i64,
        /// Units it has been delivered to.
        delivered: i64,
        /// Units that have acknowledged it.
        acknowledged: i64,
        /// `delivered / audience`.
        delivery_rate: Decimal,
        /// `acknowledged / audience`.
        ack_rate: Decimal,
    }
}

/// A notice published later than its kind's minimum lead time (code
/// `lead_time_too_short`, path `starts_at`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LeadTimeFinding {
    /// `lead_time_too_short`.
    pub code: String,
    /// `starts_at`.
    pub path: String,
    /// The notice's id.
    pub notice: String,
    /// Its kind.
    pub kind: NoticeKind,
    /// The minimum lead time, hours.
    pub required_hours: i64,
    /// The lead time given, hours at scale 2 (rounded toward zero).
    pub actual_hours: Decimal,
}

impl From<notices::LeadTimeFinding> for LeadTimeFinding {
    fn from(f: notices::LeadTimeFinding) -> Self {
        Self {
            code: f.code().to_owned(),
            path: f.path().to_owned(),
            notice: f.notice,
            kind: f.kind,
            required_hours: i64::from(f.required_hours),
            actual_hours: f.actual_hours,
        }
    }
}

/// Checks `notice` against `estate`; throws `Validation` naming the field.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn validate_notice(notice: Notice, estate: Arc<crate::Estate>) -> Result<(), EstateKitError> {
    Ok(notice.validate(estate.core())?)
}

/// The ids of the units `notice` reaches, in the estate's order, each once.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn notice_audience_units(
    notice: Notice,
    estate: Arc<crate::Estate>,
) -> Result<Vec<String>, EstateKitError> {
    Ok(notice.audience_units(estate.core())?)
}

/// The notice's header in `lang` (default zh-CN), the window in local time at
/// `utc_offset_minutes`.
#[guard(crate::panic_guard)]
#[uniffi::export(default(lang = None, utc_offset_minutes = 0))]
pub fn notice_header(
    notice: Notice,
    lang: Option<Lang>,
    utc_offset_minutes: i32,
) -> Result<String, EstateKitError> {
    Ok(notice.header(lang.unwrap_or(Lang::ZhCn), utc_offset_minutes)?)
}

/// Parses a notice JSON document (read, not validated).
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn notice_from_json(text: String) -> Result<Notice, EstateKitError> {
    Ok(Notice::from_json(&text)?)
}

/// The notice as JSON.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn notice_to_json(notice: Notice) -> String {
    notice.to_json()
}

/// Minimum lead times of planned outages, in hours by kind (default: water outages 24,
/// power outages 168).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Eq, Hash)]
pub struct NoticePolicy {
    inner: notices::NoticePolicy,
}

crate::json_eq!(NoticePolicy, |s| s.inner.to_json());

#[guard(crate::panic_guard)]
#[uniffi::export]
impl NoticePolicy {
    /// `lead_hours`: exactly these minimums (a kind left out has none); null: the
    /// defaults of the published rules.
    #[uniffi::constructor(default(lead_hours = None))]
    pub fn new(lead_hours: Option<HashMap<NoticeKind, i64>>) -> Result<Arc<Self>, EstateKitError> {
        let inner = match lead_hours {
            None => notices::NoticePolicy::default(),
            Some(map) => notices::NoticePolicy::new(map)?,
        };
        Ok(Arc::new(Self { inner }))
    }

    /// Parses a policy JSON document.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: notices::NoticePolicy::from_json(&text)?,
        }))
    }

    /// The policy as JSON.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The minimum lead time of `kind` in hours, or null.
    pub fn lead_hours(&self, kind: NoticeKind) -> Option<i64> {
        self.inner.lead_hours(kind).map(i64::from)
    }

    /// Every kind with a minimum and its hours.
    pub fn all_lead_hours(&self) -> HashMap<NoticeKind, i64> {
        self.inner
            .all_lead_hours()
            .into_iter()
            .map(|(k, h)| (k, i64::from(h)))
            .collect()
    }

    /// Null if `notice` respects its kind's minimum lead time (or is an emergency);
    /// else the finding.
    pub fn check(&self, notice: Notice) -> Option<LeadTimeFinding> {
        self.inner.check(&notice).map(LeadTimeFinding::from)
    }
}

/// The deliveries and acknowledgments of one notice (thread-safe; idempotent and
/// order-independent).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Eq, Hash)]
pub struct NoticeTracker {
    inner: Mutex<notices::NoticeTracker>,
}

crate::json_eq!(NoticeTracker, |s| s.lock().to_json());

impl NoticeTracker {
    fn lock(&self) -> MutexGuard<'_, notices::NoticeTracker> {
        // A poisoned lock means a call panicked (reported as Internal); every core
        // operation checks before it changes anything, so the value is whole.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl NoticeTracker {
    /// A tracker of `notice`, validated against `estate`.
    #[uniffi::constructor]
    pub fn new(notice: Notice, estate: Arc<crate::Estate>) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: Mutex::new(notices::NoticeTracker::new(&notice, estate.core())?),
        }))
    }

    /// Reads a tracker document.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: Mutex::new(notices::NoticeTracker::from_json(&text)?),
        }))
    }

    /// The tracker as JSON (events in time order).
    pub fn to_json(&self) -> String {
        self.lock().to_json()
    }

    /// The notice's id.
    pub fn notice_id(&self) -> String {
        self.lock().notice_id().to_owned()
    }

    /// The units the notice reaches, in the estate's order.
    pub fn units(&self) -> Vec<String> {
        self.lock().units().to_vec()
    }

    /// Records a delivery; true if new, false if recorded already.
    pub fn record_delivery(
        &self,
        unit: String,
        channel: NoticeChannel,
        at: Timestamp,
    ) -> Result<bool, EstateKitError> {
        Ok(self.lock().record_delivery(&unit, channel, at)?)
    }

    /// Records an acknowledgment; true if new, false if recorded already.
    pub fn record_ack(
        &self,
        unit: String,
        at: Timestamp,
        by: String,
    ) -> Result<bool, EstateKitError> {
        Ok(self.lock().record_ack(&unit, at, &by)?)
    }

    /// Records a list of events, all or nothing; returns how many were new.
    pub fn import_events(&self, events: Vec<NoticeEvent>) -> Result<i64, EstateKitError> {
        Ok(crate::ToMobile::<i64>::to_mobile(
            self.lock().import_events(&events)?,
        ))
    }

    /// Every distinct event, in time order.
    pub fn events(&self) -> Vec<NoticeEvent> {
        self.lock().events()
    }

    /// The units that have not acknowledged by `as_of`, in the estate's order. Throws
    /// only for an instant outside years 1–9999 (`out_of_range`, path `argument`).
    pub fn pending(&self, as_of: Timestamp) -> Result<Vec<PendingUnit>, EstateKitError> {
        Ok(self.lock().pending(as_of))
    }

    /// Units reached and acknowledged, and the rates at scale 4.
    pub fn coverage(&self) -> Coverage {
        self.lock().coverage().into()
    }
}
