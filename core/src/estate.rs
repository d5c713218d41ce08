//! The estate model: estate (小区), buildings (楼栋), units (房屋), meters and readings.
//!
//! An [`Estate`] is always valid: it is built from [`EstateData`] (the plain serde
//! form, also the JSON document) by [`Estate::new`] or [`Estate::from_json`], which
//! check areas, ids and references and name the path of any bad field.
//!
//! ```
//! use estatekit::estate::{Estate, UnitStatus};
//!
//! let estate = Estate::demo();
//! let delivered = estate.units().iter().filter(|u| u.status != UnitStatus::Unsold).count();
//! assert!(delivered > 30);
//!
//! let err = Estate::from_json(r#"{"id": "x"}"#).unwrap_err();
//! assert_eq!(err.path(), "name");
//! ```

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::fees::calc::MeterChange;
use crate::i18n::Lang;
use crate::money::RoundingPolicy;

/// The estate JSON format version this library reads and writes.
pub const ESTATE_FORMAT_VERSION: u32 = 1;

const DEMO_JSON: &str = include_str!("../data/demo_estate.json");

/// The error of an unknown wire name of an estate enum.
fn unknown_value(path: String, value: &str, expected: String) -> EstateError {
    EstateError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::estate", error: EstateError, unknown: unknown_value,
            $(#[$meta])* $name (stringify!($name)) { $($body)* }
        }
    };
}

string_enum! {
    /// What a unit is used for; fee rules and rates differ by kind.
    ///
    /// ```
    /// use estatekit::estate::UnitKind;
    /// assert_eq!("parking".parse::<UnitKind>()?, UnitKind::Parking);
    /// # Ok::<(), estatekit::estate::EstateError>(())
    /// ```
    UnitKind {
        /// A flat (住宅).
        Residential => "residential",
        /// A shop or office (商铺).
        Commercial => "commercial",
        /// A parking space (车位).
        Parking => "parking",
        /// A storage room (储藏室).
        Storage => "storage",
    }
}

string_enum! {
    /// Where a unit stands in its life (房屋状态).
    ///
    /// ```
    /// use estatekit::estate::UnitStatus;
    /// assert_eq!(UnitStatus::Decorating.as_str(), "decorating");
    /// ```
    UnitStatus {
        /// Not yet sold (未售): no owner, not billed.
        Unsold => "unsold",
        /// Handed over to the owner but nobody lives there (已交房未入住).
        Delivered => "delivered",
        /// The owner lives there (已入住).
        Occupied => "occupied",
        /// Being renovated (装修中).
        Decorating => "decorating",
        /// Let to a tenant (出租).
        Rented => "rented",
    }
}

string_enum! {
    /// What a meter measures.
    ///
    /// ```
    /// use estatekit::estate::MeterKind;
    /// assert_eq!(MeterKind::Electricity.to_string(), "electricity");
    /// ```
    MeterKind {
        /// Cold water, m³.
        Water => "water",
        /// Electricity, kWh.
        Electricity => "electricity",
        /// Gas, m³.
        Gas => "gas",
        /// Heating, GJ or kWh.
        Heating => "heating",
    }
}

/// The unit an estate measures floor areas in; bill explanations name it (`89.50 m²
/// × 3.70/m²/month`), and area rates are per this unit.
///
/// ```
/// use estatekit::estate::AreaUnit;
/// use estatekit::i18n::Lang;
/// let u: AreaUnit = serde_json::from_str(r#""ping""#).unwrap();
/// assert_eq!((u.symbol(Lang::ZhCn), u.symbol(Lang::En)), ("坪", "ping"));
/// assert_eq!(AreaUnit::default().symbol(Lang::En), "m²");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaUnit {
    /// Square metres (平方米), `m²` (JSON `"m2"`).
    #[default]
    #[serde(rename = "m2")]
    SquareMetre,
    /// Ping (坪, 3.3058 m², Taiwan and Japan).
    Ping,
    /// Square feet (`sq ft`, Hong Kong and the US).
    SqFt,
}

impl AreaUnit {
    /// How explanations write the unit in `lang`.
    ///
    /// ```
    /// use estatekit::{estate::AreaUnit, i18n::Lang};
    /// assert_eq!(AreaUnit::SqFt.symbol(Lang::ZhCn), "平方英尺");
    /// ```
    pub fn symbol(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::SquareMetre, _) => "m²",
            (Self::Ping, Lang::ZhCn) => "坪",
            (Self::Ping, Lang::En) => "ping",
            (Self::SqFt, Lang::ZhCn) => "平方英尺",
            (Self::SqFt, Lang::En) => "sq ft",
        }
    }

    /// Whether this is the default (`m2`): JSON leaves it out.
    ///
    /// ```
    /// assert!(estatekit::estate::AreaUnit::SquareMetre.is_default());
    /// ```
    pub fn is_default(&self) -> bool {
        *self == Self::SquareMetre
    }
}

/// How a charge that spans several billing periods is rounded (the estate's `round`
/// policy): a unit delivered before the billed period is billed from its delivery in
/// one line when the run is told to bill `since` a date on or before the delivery
/// (see [`BillingInputs::since`](crate::fees::billing::BillingInputs::since)).
///
/// - `per_month` (the default, and what a run of each month would have charged): each
///   billing period's part is rounded, and the line is the sum of the rounded parts.
/// - `per_line`: the exact parts are added and the sum is rounded once.
///
/// ```
/// use estatekit::estate::ChargeRounding;
/// let r: ChargeRounding = serde_json::from_str(r#""per_line""#).unwrap();
/// assert_eq!(r, ChargeRounding::PerLine);
/// assert!(ChargeRounding::default().is_default());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeRounding {
    /// Each period's part rounded, the rounded parts added (JSON `"per_month"`).
    #[default]
    PerMonth,
    /// The exact parts added, the sum rounded once (JSON `"per_line"`).
    PerLine,
}

impl ChargeRounding {
    /// Whether this is the default (`per_month`): JSON leaves it out.
    ///
    /// ```
    /// assert!(!estatekit::estate::ChargeRounding::PerLine.is_default());
    /// ```
    pub fn is_default(&self) -> bool {
        *self == Self::PerMonth
    }
}

/// A building (楼栋) of the estate.
///
/// ```
/// let b = estatekit::estate::Building { id: "B1".into(), name: "1号楼".into() };
/// assert_eq!(b.id, "B1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Building {
    /// Unique id within the estate.
    pub id: String,
    /// Display name, e.g. "1号楼".
    pub name: String,
}

/// A unit (房屋): what is billed. Areas are in m².
///
/// ```
/// let estate = estatekit::estate::Estate::demo();
/// let unit = estate.unit("1-201").expect("demo unit");
/// assert_eq!(unit.building_id, "B1");
/// assert!(unit.internal_area.unwrap() <= unit.gross_area);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Unique id within the estate, e.g. "1-201".
    pub id: String,
    /// The building the unit is in.
    pub building_id: String,
    /// Floor number; basements are negative.
    pub floor: i32,
    /// Door number as printed, e.g. "201".
    pub number: String,
    /// Residential, commercial, parking or storage.
    pub kind: UnitKind,
    /// Gross floor area (建筑面积), m², > 0: the usual basis of management fees.
    #[serde(with = "crate::json::decimal")]
    pub gross_area: Decimal,
    /// Internal area (套内面积), m², > 0 and ≤ gross area; absent for e.g. parking spaces.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub internal_area: Option<Decimal>,
    /// People living in the unit (used by occupant-based pooled utilities).
    #[serde(default)]
    pub occupants: u32,
    /// Current status.
    pub status: UnitStatus,
    /// The date the current status began (required unless unsold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_since: Option<NaiveDate>,
    /// Handover (交房) date: billing starts here. Required unless unsold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_on: Option<NaiveDate>,
}

impl Unit {
    /// The area fees are computed on: internal if asked for and known, gross otherwise.
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// let unit = estate.unit("1-201").expect("demo unit");
    /// assert_eq!(unit.area(false), unit.gross_area);
    /// ```
    pub fn area(&self, internal: bool) -> Decimal {
        match (internal, self.internal_area) {
            (true, Some(a)) => a,
            _ => self.gross_area,
        }
    }

    /// True once the unit has been handed over (any status but unsold).
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// assert!(estate.unit("1-201").expect("demo unit").is_delivered());
    /// ```
    pub fn is_delivered(&self) -> bool {
        self.status != UnitStatus::Unsold
    }
}

/// One meter reading.
///
/// ```
/// use estatekit::estate::Reading;
/// let r = Reading::new("2026-10-31".parse().unwrap(), "1234.5".parse().unwrap());
/// assert_eq!(r.value.to_string(), "1234.5");
/// assert!(!r.estimated);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// Day the reading was taken.
    pub date: NaiveDate,
    /// The register value (≥ 0), before the multiplier.
    #[serde(with = "crate::json::decimal")]
    pub value: Decimal,
    /// An estimate (估抄) made by a billing run for a missing reading (JSON
    /// `estimated`, default false and written only when true): the next real reading
    /// trues it up (see [`BillingInputs::estimate`](crate::fees::billing::BillingInputs::estimate)).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

impl Reading {
    /// A real (not estimated) reading.
    ///
    /// ```
    /// let r = estatekit::estate::Reading::new("2026-10-31".parse().unwrap(), 18.into());
    /// assert_eq!((r.date.to_string(), r.estimated), ("2026-10-31".to_string(), false));
    /// ```
    pub fn new(date: NaiveDate, value: Decimal) -> Self {
        Self {
            date,
            value,
            estimated: false,
        }
    }
}

/// A meter change kept in the estate: a replacement or rollover and the day it
/// happened. Billing applies it to the consumption between the reading before that
/// day and the first reading on or after it: a reading taken on the day of a
/// replacement is the new meter's.
///
/// JSON: `{"date": "2026-11-15", "change": {"replacement": {"old_final": "1180",
/// "new_initial": "0"}}}` or `{"date": …, "change": {"rollover": {"wraps_at": "100000"}}}`.
///
/// ```
/// use estatekit::estate::MeterEvent;
/// use estatekit::fees::calc::MeterChange;
/// let e: MeterEvent = serde_json::from_str(
///     r#"{"date": "2026-11-15", "change": {"rollover": {"wraps_at": "100000"}}}"#).unwrap();
/// assert_eq!(e.change, MeterChange::Rollover { wraps_at: 100000.into() });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterEvent {
    /// The day of the change.
    pub date: NaiveDate,
    /// What happened.
    pub change: MeterChange,
}

/// A meter: a unit's own, or a common/master meter when `unit_id` is `None`.
///
/// ```
/// let estate = estatekit::estate::Estate::demo();
/// let master = estate.meters().iter().find(|m| m.unit_id.is_none()).expect("a master meter");
/// assert!(master.multiplier >= rust_decimal::Decimal::ONE);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meter {
    /// Unique id within the estate.
    pub id: String,
    /// The unit metered, or `None` for a common-area / master meter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<String>,
    /// Water, electricity, gas or heating.
    pub kind: MeterKind,
    /// Consumption = register difference × multiplier (current-transformer ratio), > 0.
    #[serde(with = "crate::json::decimal", default = "one")]
    pub multiplier: Decimal,
    /// Readings in strictly increasing date order.
    #[serde(default)]
    pub readings: Vec<Reading>,
    /// Replacements and rollovers, in strictly increasing date order (JSON `changes`,
    /// default empty and written only when not empty). See [`MeterEvent`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<MeterEvent>,
}

fn one() -> Decimal {
    Decimal::ONE
}

fn format_version() -> u32 {
    ESTATE_FORMAT_VERSION
}

/// The plain data of an estate: the JSON document, not yet validated.
///
/// ```
/// use estatekit::estate::{Estate, EstateData};
/// let data: EstateData = Estate::demo().into();
/// assert_eq!(data.currency, "CNY");
/// assert!(Estate::new(data).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstateData {
    /// Must be [`ESTATE_FORMAT_VERSION`].
    #[serde(default = "format_version")]
    pub format_version: u32,
    /// Estate id.
    pub id: String,
    /// Display name, e.g. "湖畔花园 Lakeside Garden".
    pub name: String,
    /// ISO 4217 currency code, e.g. "CNY".
    pub currency: String,
    /// How money is rounded (default: 2 places, half-up).
    #[serde(default)]
    pub rounding: RoundingPolicy,
    /// The unit areas are measured in (`m2`, the default and not written; `ping` 坪;
    /// `sq_ft`): bill explanations name it. Rates of area items are per this unit.
    #[serde(default, skip_serializing_if = "AreaUnit::is_default")]
    pub area_unit: AreaUnit,
    /// How a charge spanning several billing periods is rounded (JSON `round`:
    /// `per_month`, the default and not written, or `per_line`). See [`ChargeRounding`].
    #[serde(default, skip_serializing_if = "ChargeRounding::is_default")]
    pub round: ChargeRounding,
    /// The buildings.
    #[serde(default)]
    pub buildings: Vec<Building>,
    /// The units.
    #[serde(default)]
    pub units: Vec<Unit>,
    /// The meters, with their readings.
    #[serde(default)]
    pub meters: Vec<Meter>,
    /// Earlier statuses of units (JSON `status_history`, default empty and written
    /// only when not empty): each record is a status a unit held from its `since`
    /// until the unit's next record, or until its current `status_since`. Per unit in
    /// increasing date order, on or after its delivery date and before its
    /// `status_since`. [`Estate::updated`] records here the status a change ends.
    /// Billing applies status factors by day with it (a vacancy discount on the vacant
    /// days only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_history: Vec<StatusRecord>,
}

/// A status a unit held from a date (one record of [`EstateData::status_history`]).
///
/// ```
/// use estatekit::estate::{StatusRecord, UnitStatus};
/// let r: StatusRecord = serde_json::from_str(
///     r#"{"unit_id": "1-101", "status": "occupied", "since": "2026-01-01"}"#).unwrap();
/// assert_eq!((r.status, r.since.to_string()), (UnitStatus::Occupied, "2026-01-01".to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRecord {
    /// The unit.
    pub unit_id: String,
    /// The status it held.
    pub status: UnitStatus,
    /// The first day it held it.
    pub since: NaiveDate,
}

/// A validated estate (小区) with indexed lookups.
///
/// ```
/// use estatekit::estate::Estate;
/// let estate = Estate::demo();
/// let json = estate.to_json();
/// assert_eq!(Estate::from_json(&json)?, estate);
/// # Ok::<(), estatekit::estate::EstateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estate {
    data: EstateData,
    /// Id → position: hash maps (lookups only, never iterated), so a lookup costs the
    /// same in a million units as in forty.
    unit_index: HashMap<String, usize>,
    building_index: HashMap<String, usize>,
    meter_index: HashMap<String, usize>,
    /// The meters of unit `u`, by index in `data.meters` and in document order, are
    /// `unit_meters[meter_starts[u]..meter_starts[u + 1]]`: built once (a counting
    /// sort, linear), so a unit's meters are found without looking at any other.
    meter_starts: Vec<u32>,
    unit_meters: Vec<u32>,
    /// Unit index → its dated statuses, oldest first, ending with the current one;
    /// only for units with a [`EstateData::status_history`] (looked up, never iterated).
    status_periods: HashMap<usize, Vec<(NaiveDate, UnitStatus)>>,
}

/// Errors of the estate module; each names the path of the bad field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EstateError {
    /// A document larger than the loader reads
    /// ([`MAX_ESTATE_DOCUMENT_BYTES`](crate::MAX_ESTATE_DOCUMENT_BYTES)), refused before
    /// it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`: the whole document.
        path: String,
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The JSON is malformed, has a value of the wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where in the document (e.g. `units[3].gross_area`, or `$` for the whole).
        path: String,
        /// What the parser said.
        message: String,
    },
    /// An area is zero or negative.
    #[error("{path}: area must be greater than zero, got {value}")]
    NonPositiveArea {
        /// E.g. `units[3].gross_area`.
        path: String,
        /// The area given.
        value: Decimal,
    },
    /// Internal area is larger than gross area.
    #[error("{path}: internal area {internal} exceeds gross area {gross}")]
    InternalAreaExceedsGross {
        /// E.g. `units[3].internal_area`.
        path: String,
        /// Internal area.
        internal: Decimal,
        /// Gross area.
        gross: Decimal,
    },
    /// Two items share an id.
    #[error("{path}: duplicate id {id:?}")]
    DuplicateId {
        /// E.g. `units[7].id`.
        path: String,
        /// The repeated id.
        id: String,
    },
    /// A unit names a building that does not exist.
    #[error("{path}: unknown building {id:?}")]
    UnknownBuilding {
        /// E.g. `units[2].building_id`.
        path: String,
        /// The building id given.
        id: String,
    },
    /// A meter names a unit that does not exist.
    #[error("{path}: unknown unit {id:?}")]
    UnknownUnit {
        /// E.g. `meters[0].unit_id`.
        path: String,
        /// The unit id given.
        id: String,
    },
    /// The currency is not an ISO 4217 code.
    #[error("{path}: {value:?} is not an ISO 4217 currency code (three capital letters)")]
    InvalidCurrency {
        /// `currency`.
        path: String,
        /// The value given.
        value: String,
    },
    /// The document's format version is not supported.
    #[error("{path}: format version {found} is not supported (expected {supported})")]
    UnsupportedFormatVersion {
        /// `format_version`.
        path: String,
        /// Version found.
        found: u32,
        /// Version supported.
        supported: u32,
    },
    /// An invalid value of a named kind, `code` being one of
    /// [`EstateError::VALUE_CODES`]: `empty_field` (an empty id or number),
    /// `missing_value` (a delivery date or `status_since` the status requires),
    /// `conflicting_fields` (a delivery date on an unsold unit, occupants in a vacant
    /// one, a status history for an unsold unit), `ends_before_starts` (a status
    /// before the delivery), `not_increasing` (readings, changes or a status history
    /// out of date order), `out_of_range` (a zero multiplier, a rollover at zero),
    /// `negative_reading`, `inconsistent_readings` (a replacement or rollover that does
    /// not fit the readings), `invalid_transition` (a delivered unit made unsold),
    /// `too_many`, `overflow` (a total area too large), `unknown_value` (a name that
    /// is not one of the accepted values).
    #[error("{path}: {reason}")]
    InvalidField {
        /// Where.
        path: String,
        /// The kind of invalid value (one of [`EstateError::VALUE_CODES`]).
        code: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// An update names a meter that does not exist (see [`Estate::updated`]).
    #[error("{path}: unknown meter {id:?}")]
    UnknownMeter {
        /// E.g. `readings[2].meter_id`.
        path: String,
        /// The meter id given.
        id: String,
    },
    /// An update gives another value for something the estate already holds (a
    /// reading on the same day, a meter change on the same day, a status since the
    /// same day): nothing is ever overwritten (see [`Estate::updated`]).
    #[error("{path}: {reason}")]
    ConflictingUpdate {
        /// E.g. `readings[2].value`.
        path: String,
        /// What the estate holds and what was given.
        reason: String,
    },
}

crate::diagnostic::error_table! {
    EstateError;
    code_example: "let e = estatekit::estate::Estate::from_json(\"[]\").unwrap_err();\nassert_eq!(e.code(), \"json\");";
    path_example: "let e = estatekit::estate::Estate::from_json(\"{\").unwrap_err();\nassert_eq!(e.path(), \"$\");";
    Json => "json";
    DocumentTooLarge => "document_too_large";
    NonPositiveArea => "non_positive_area";
    InternalAreaExceedsGross => "internal_area_exceeds_gross";
    DuplicateId => "duplicate_id";
    UnknownBuilding => "unknown_building";
    UnknownUnit => "unknown_unit";
    InvalidCurrency => "invalid_currency";
    UnsupportedFormatVersion => "unsupported_format_version";
    InvalidField { code } => *code;
    UnknownMeter => "unknown_meter";
    ConflictingUpdate => "conflicting_update";
}

#[cfg(test)]
thread_local! {
    /// Meter records examined by meter lookups on this thread (tests only): the scaling
    /// tests check that it grows linearly with the estate.
    pub(crate) static METER_RECORDS_EXAMINED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Counts `n` meter records examined by a lookup (in tests; nothing otherwise).
#[inline(always)]
pub(crate) fn count_meter_records(n: usize) {
    #[cfg(test)]
    METER_RECORDS_EXAMINED.with(|c| c.set(c.get() + n as u64));
    #[cfg(not(test))]
    let _ = n;
}

crate::diagnostic::value_codes! {
    EstateError;
    example: "assert!(estatekit::estate::EstateError::VALUE_CODES.contains(&\"not_increasing\"));";
    codes: [
        "empty_field",
        "missing_value",
        "conflicting_fields",
        "ends_before_starts",
        "not_increasing",
        "out_of_range",
        "negative_reading",
        "inconsistent_readings",
        "invalid_transition",
        "too_many",
        "overflow",
        "unknown_value",
    ];
    /// [`EstateError::InvalidField`] with `code`, one of [`EstateError::VALUE_CODES`].
    fn value => InvalidField;
}

fn index_ids<'a>(
    ids: impl Iterator<Item = &'a str>,
    list: &str,
) -> Result<HashMap<String, usize>, EstateError> {
    let mut index = HashMap::new();
    for (i, id) in ids.enumerate() {
        // The path is formatted only for an error (a million ids are common).
        let path = || format!("{list}[{i}].id");
        if id.trim().is_empty() {
            return Err(EstateError::value(
                "empty_field",
                path(),
                "id must not be empty",
            ));
        }
        if index.insert(id.to_owned(), i).is_some() {
            return Err(EstateError::DuplicateId {
                path: path(),
                id: id.to_owned(),
            });
        }
    }
    Ok(index)
}

/// Groups the meters by unit: `(starts, meters)` such that the meters of unit `u` are
/// `meters[starts[u]..starts[u + 1]]`, in document order. `meter_units[m]` is the unit
/// of meter `m` (`u32::MAX` for a common meter). Linear (a stable counting sort).
fn index_meters(meter_units: &[u32], units: usize) -> Result<(Vec<u32>, Vec<u32>), EstateError> {
    if u32::try_from(meter_units.len()).is_err() {
        return Err(EstateError::value(
            "too_many",
            "meters",
            "more than 4 billion meters",
        ));
    }
    let mut starts = vec![0u32; units + 1];
    for &u in meter_units {
        if let Some(count) = starts.get_mut(u as usize + 1) {
            *count += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut meters = vec![0u32; starts.last().map_or(0, |&n| n as usize)];
    for (m, &u) in meter_units.iter().enumerate() {
        if let Some(slot) = next.get_mut(u as usize) {
            // Fewer than 2^32 meters (checked above).
            meters[*slot as usize] = m as u32;
            *slot += 1;
        }
    }
    Ok((starts, meters))
}

/// Checks `data.status_history` and indexes it by unit: per unit in increasing date
/// order, on or after the delivery date, before the current `status_since`, never
/// unsold, of a known unit that is not unsold.
fn index_status_history(
    data: &EstateData,
    unit_index: &HashMap<String, usize>,
) -> Result<HashMap<usize, Vec<(NaiveDate, UnitStatus)>>, EstateError> {
    let mut periods: HashMap<usize, Vec<(NaiveDate, UnitStatus)>> = HashMap::new();
    for (i, r) in data.status_history.iter().enumerate() {
        let p = |field: &str| format!("status_history[{i}].{field}");
        let Some(&u) = unit_index.get(&r.unit_id) else {
            return Err(EstateError::UnknownUnit {
                path: p("unit_id"),
                id: r.unit_id.clone(),
            });
        };
        let unit = &data.units[u];
        let (Some(delivered), Some(current)) = (unit.delivered_on, unit.status_since) else {
            return Err(EstateError::value(
                "conflicting_fields",
                p("unit_id"),
                format!("unit {:?} is unsold: it has no status history", r.unit_id),
            ));
        };
        if r.status == UnitStatus::Unsold {
            return Err(EstateError::value(
                "conflicting_fields",
                p("status"),
                "a delivered unit's history starts at its handover: no unsold record",
            ));
        }
        if r.since < delivered {
            return Err(EstateError::value(
                "ends_before_starts",
                p("since"),
                format!("{} is before the delivery date {delivered}", r.since),
            ));
        }
        let list = periods.entry(u).or_default();
        if let Some(&(last, _)) = list.last()
            && r.since <= last
        {
            return Err(EstateError::value(
                "not_increasing",
                p("since"),
                format!(
                    "status history out of order: {} follows {last} for unit {:?}",
                    r.since, r.unit_id
                ),
            ));
        }
        if r.since >= current {
            return Err(EstateError::value(
                "not_increasing",
                p("since"),
                format!(
                    "{} is not before unit {:?}'s current status_since {current}",
                    r.since, r.unit_id
                ),
            ));
        }
        list.push((r.since, r.status));
    }
    for (&u, list) in &mut periods {
        let unit = &data.units[u];
        let since = unit
            .status_since
            .expect("a unit with history has a status_since (checked above)");
        list.push((since, unit.status));
    }
    Ok(periods)
}

pub(crate) fn validate_unit(i: usize, u: &Unit) -> Result<(), EstateError> {
    let p = |field: &str| format!("units[{i}].{field}");
    if u.gross_area <= Decimal::ZERO {
        return Err(EstateError::NonPositiveArea {
            path: p("gross_area"),
            value: u.gross_area,
        });
    }
    if let Some(internal) = u.internal_area {
        if internal <= Decimal::ZERO {
            return Err(EstateError::NonPositiveArea {
                path: p("internal_area"),
                value: internal,
            });
        }
        if internal > u.gross_area {
            return Err(EstateError::InternalAreaExceedsGross {
                path: p("internal_area"),
                internal,
                gross: u.gross_area,
            });
        }
    }
    if u.number.trim().is_empty() {
        return Err(EstateError::value(
            "empty_field",
            p("number"),
            "number must not be empty",
        ));
    }
    match (u.status, u.delivered_on, u.status_since) {
        (UnitStatus::Unsold, Some(_), _) => {
            return Err(EstateError::value(
                "conflicting_fields",
                p("delivered_on"),
                "an unsold unit has no delivery date",
            ));
        }
        (UnitStatus::Unsold, None, _) => {}
        (status, None, _) => {
            return Err(EstateError::value(
                "missing_value",
                p("delivered_on"),
                format!("required for a unit that is {status}"),
            ));
        }
        (status, Some(_), None) => {
            return Err(EstateError::value(
                "missing_value",
                p("status_since"),
                format!("required for a unit that is {status}"),
            ));
        }
        (_, Some(delivered), Some(since)) if since < delivered => {
            return Err(EstateError::value(
                "ends_before_starts",
                p("status_since"),
                format!("{since} is before the delivery date {delivered}"),
            ));
        }
        _ => {}
    }
    if matches!(u.status, UnitStatus::Unsold | UnitStatus::Delivered) && u.occupants > 0 {
        return Err(EstateError::value(
            "conflicting_fields",
            p("occupants"),
            format!(
                "a {} unit is vacant, so it has no occupants (got {})",
                u.status, u.occupants
            ),
        ));
    }
    Ok(())
}

pub(crate) fn validate_meter(i: usize, m: &Meter) -> Result<(), EstateError> {
    if m.multiplier <= Decimal::ZERO {
        return Err(EstateError::value(
            "out_of_range",
            format!("meters[{i}].multiplier"),
            format!("multiplier must be greater than zero, got {}", m.multiplier),
        ));
    }
    let mut previous: Option<NaiveDate> = None;
    for (j, r) in m.readings.iter().enumerate() {
        if r.value < Decimal::ZERO {
            return Err(EstateError::value(
                "negative_reading",
                format!("meters[{i}].readings[{j}].value"),
                format!("a reading must not be negative, got {}", r.value),
            ));
        }
        if let Some(prev) = previous.filter(|p| r.date <= *p) {
            return Err(EstateError::value(
                "not_increasing",
                format!("meters[{i}].readings[{j}].date"),
                format!(
                    "readings must be in increasing date order: {} follows {prev}",
                    r.date
                ),
            ));
        }
        previous = Some(r.date);
    }
    validate_changes(i, m)
}

/// The meter's changes: in increasing date order, one per date, values ≥ 0, a
/// rollover's register bound > 0, and each change fitting the last real reading
/// before it (a replacement's `old_final` not below it, a rollover's `wraps_at`
/// above it). Estimated readings are not checked against: the next real reading
/// trues them up. Linear in the readings and changes (both are in date order).
fn validate_changes(i: usize, m: &Meter) -> Result<(), EstateError> {
    let mut previous: Option<NaiveDate> = None;
    // The last real reading before the change being checked.
    let mut before: Option<&Reading> = None;
    let mut next_reading = m.readings.iter().peekable();
    for (j, c) in m.changes.iter().enumerate() {
        let p = |field: &str| format!("meters[{i}].changes[{j}].{field}");
        match previous {
            Some(prev) if c.date == prev => {
                return Err(EstateError::value(
                    "not_increasing",
                    p("date"),
                    format!("a meter has at most one change a day: a second one on {prev}"),
                ));
            }
            Some(prev) if c.date < prev => {
                return Err(EstateError::value(
                    "not_increasing",
                    p("date"),
                    format!(
                        "changes must be in increasing date order: {} follows {prev}",
                        c.date
                    ),
                ));
            }
            _ => {}
        }
        previous = Some(c.date);
        while let Some(r) = next_reading.next_if(|r| r.date < c.date) {
            if !r.estimated {
                before = Some(r);
            }
        }
        let negative = |field: &str, value: Decimal| {
            EstateError::value(
                "negative_reading",
                p(field),
                format!("a register value must not be negative, got {value}"),
            )
        };
        match c.change {
            MeterChange::Replacement {
                old_final,
                new_initial,
            } => {
                if old_final < Decimal::ZERO {
                    return Err(negative("change.replacement.old_final", old_final));
                }
                if new_initial < Decimal::ZERO {
                    return Err(negative("change.replacement.new_initial", new_initial));
                }
                if let Some(r) = before.filter(|r| old_final < r.value) {
                    return Err(EstateError::value(
                        "inconsistent_readings",
                        p("change.replacement.old_final"),
                        format!(
                            "the old meter's final reading {old_final} is below its reading of {} on {}",
                            r.value, r.date
                        ),
                    ));
                }
            }
            MeterChange::Rollover { wraps_at } => {
                if wraps_at <= Decimal::ZERO {
                    return Err(EstateError::value(
                        "out_of_range",
                        p("change.rollover.wraps_at"),
                        format!("the register must wrap at a value above zero, got {wraps_at}"),
                    ));
                }
                if let Some(r) = before.filter(|r| r.value >= wraps_at) {
                    return Err(EstateError::value(
                        "inconsistent_readings",
                        p("change.rollover.wraps_at"),
                        format!(
                            "the register wraps at {wraps_at}, but it read {} on {}",
                            r.value, r.date
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// An error of [`validate_meter`] on meter `m` after an update, naming the update's
/// row: `readings[r]…` / `meter_changes[r]…` for what the update added; for a change
/// already in the estate, the new reading it contradicts (the last real reading
/// before it), when the update added that reading.
fn locate_update_error(
    mut e: EstateError,
    m: usize,
    meter: &Meter,
    reading_rows: &[Option<usize>],
    change_rows: Option<&Vec<Option<usize>>>,
) -> EstateError {
    let index = |path: &str, list: &str| -> Option<(usize, String)> {
        let rest = path.strip_prefix(&format!("meters[{m}].{list}["))?;
        let (k, rest) = rest.split_once(']')?;
        Some((k.parse().ok()?, rest.to_owned()))
    };
    let path = e.path().to_owned();
    let located = if let Some((k, rest)) = index(&path, "readings") {
        reading_rows
            .get(k)
            .copied()
            .flatten()
            .map(|r| format!("readings[{r}]{rest}"))
    } else if let Some((k, rest)) = index(&path, "changes") {
        match change_rows.and_then(|rows| rows.get(k).copied().flatten()) {
            Some(r) => Some(format!("meter_changes[{r}]{rest}")),
            None => meter.changes.get(k).and_then(|c| {
                let before = meter
                    .readings
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, x)| x.date < c.date && !x.estimated)?;
                let r = reading_rows.get(before.0).copied().flatten()?;
                Some(format!("readings[{r}].value"))
            }),
        }
    } else {
        None
    };
    if let Some(p) = located {
        *e.path_slot() = p;
    }
    e
}

/// The totals of [`Estate::summary`] must fit: the sums of gross and internal areas in
/// a decimal, the occupants in a `u32`. Checked once here so that the summary (and any
/// sum over a subset of units) cannot overflow.
fn check_totals(units: &[Unit]) -> Result<(), EstateError> {
    let mut gross = Decimal::ZERO;
    let mut internal = Decimal::ZERO;
    let mut occupants: u32 = 0;
    for (i, u) in units.iter().enumerate() {
        let too_large = |field: &str, what: &str| {
            EstateError::value(
                "overflow",
                format!("units[{i}].{field}"),
                format!("the estate's total {what} is too large"),
            )
        };
        gross = gross
            .checked_add(u.gross_area)
            .ok_or_else(|| too_large("gross_area", "gross area"))?;
        // A unit without an internal area adds nothing to the estate's internal total:
        // zero is what a missing one means here.
        internal = internal
            .checked_add(u.internal_area.unwrap_or_default())
            .ok_or_else(|| too_large("internal_area", "internal area"))?;
        occupants = occupants
            .checked_add(u.occupants)
            .ok_or_else(|| too_large("occupants", "number of occupants"))?;
    }
    Ok(())
}

impl Estate {
    /// Validates `data` and builds an estate.
    ///
    /// Linear (expected) in the number of buildings, units, meters and readings: the
    /// ids are indexed in hash maps, the meters grouped by unit by a counting sort.
    ///
    /// # Errors
    /// An [`EstateError`] naming the first bad field: unsupported format version,
    /// invalid currency, empty or duplicate ids, non-positive areas, internal area
    /// above gross, unknown building or unit references, missing dates, vacant units
    /// with occupants, non-positive multipliers, negative or unordered readings,
    /// meter changes out of date order, two on one day, or not fitting the last real
    /// reading before them (`meters[i].changes[j].change.replacement.old_final`).
    ///
    /// ```
    /// use estatekit::estate::{Estate, EstateData, EstateError};
    /// let mut data: EstateData = Estate::demo().into();
    /// data.units[3].internal_area = Some(data.units[3].gross_area + rust_decimal::Decimal::ONE);
    /// let err = Estate::new(data).unwrap_err();
    /// assert_eq!(err.path(), "units[3].internal_area");
    /// assert_eq!(err.code(), "internal_area_exceeds_gross");
    /// ```
    pub fn new(data: EstateData) -> Result<Self, EstateError> {
        if data.format_version != ESTATE_FORMAT_VERSION {
            return Err(EstateError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: data.format_version,
                supported: ESTATE_FORMAT_VERSION,
            });
        }
        if data.id.trim().is_empty() {
            return Err(EstateError::value(
                "empty_field",
                "id",
                "id must not be empty",
            ));
        }
        if !(data.currency.len() == 3 && data.currency.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(EstateError::InvalidCurrency {
                path: "currency".into(),
                value: data.currency,
            });
        }
        let building_index = index_ids(data.buildings.iter().map(|b| b.id.as_str()), "buildings")?;
        let unit_index = index_ids(data.units.iter().map(|u| u.id.as_str()), "units")?;
        let meter_index = index_ids(data.meters.iter().map(|m| m.id.as_str()), "meters")?;
        for (i, u) in data.units.iter().enumerate() {
            if !building_index.contains_key(&u.building_id) {
                return Err(EstateError::UnknownBuilding {
                    path: format!("units[{i}].building_id"),
                    id: u.building_id.clone(),
                });
            }
            validate_unit(i, u)?;
        }
        check_totals(&data.units)?;
        // The unit of every meter (`u32::MAX`: a common meter), to index them below.
        let mut meter_units = Vec::with_capacity(data.meters.len());
        for (i, m) in data.meters.iter().enumerate() {
            let mut unit = u32::MAX;
            if let Some(unit_id) = &m.unit_id {
                let Some(&u) = unit_index.get(unit_id) else {
                    return Err(EstateError::UnknownUnit {
                        path: format!("meters[{i}].unit_id"),
                        id: unit_id.clone(),
                    });
                };
                // Unit indices fit u32 (their ids fit 4 GiB, checked below); were one
                // not to, its meters would only be missing from the index.
                unit = u32::try_from(u).unwrap_or(u32::MAX);
            }
            validate_meter(i, m)?;
            meter_units.push(unit);
        }
        let (meter_starts, unit_meters) = index_meters(&meter_units, data.units.len())?;
        let status_periods = index_status_history(&data, &unit_index)?;
        // A billing run keeps the unit ids in one buffer with 32-bit offsets.
        let id_bytes = data.units.iter().map(|u| u.id.len()).sum::<usize>();
        if u32::try_from(id_bytes).is_err() {
            return Err(EstateError::value(
                "too_many",
                "units",
                "the unit ids exceed 4 GiB in all",
            ));
        }
        Ok(Self {
            data,
            unit_index,
            building_index,
            meter_index,
            meter_starts,
            unit_meters,
            status_periods,
        })
    }

    /// The dated statuses of unit `u` (its index in [`Estate::units`]) when it has a
    /// status history: oldest first, the last one its current status from
    /// `status_since`. `None` for a unit without history.
    pub(crate) fn status_periods_at(&self, u: usize) -> Option<&[(NaiveDate, UnitStatus)]> {
        self.status_periods.get(&u).map(Vec::as_slice)
    }

    /// The statuses unit `id` held, oldest first, each with the day it began: its
    /// [`EstateData::status_history`] records, then its current status from
    /// `status_since` (nothing for an unknown or unsold unit).
    ///
    /// ```
    /// use estatekit::estate::{Estate, EstateUpdate, StatusUpdate, UnitStatus};
    /// let estate = Estate::demo();
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    /// let since = estate.unit("1-101").unwrap().status_since.unwrap();
    /// let update = EstateUpdate { status_changes: vec![StatusUpdate { unit_id: "1-101".into(),
    ///     status: UnitStatus::Delivered, since: d("2026-10-16"), occupants: None }], ..Default::default() };
    /// let moved_out = estate.updated(&update)?;
    /// assert_eq!(moved_out.status_periods("1-101"),
    ///     [(since, UnitStatus::Occupied), (d("2026-10-16"), UnitStatus::Delivered)]);
    /// # Ok::<(), estatekit::estate::EstateError>(())
    /// ```
    pub fn status_periods(&self, id: &str) -> Vec<(NaiveDate, UnitStatus)> {
        let Some(&u) = self.unit_index.get(id) else {
            return Vec::new();
        };
        if let Some(p) = self.status_periods.get(&u) {
            return p.clone();
        }
        let unit = &self.data.units[u];
        unit.status_since
            .map(|since| vec![(since, unit.status)])
            .unwrap_or_default()
    }

    /// The meters of unit `u` (its index in [`Estate::units`]), in document order:
    /// O(its meters).
    pub(crate) fn meters_at(&self, u: usize) -> impl Iterator<Item = &Meter> + '_ {
        let (start, end) = match (self.meter_starts.get(u), self.meter_starts.get(u + 1)) {
            (Some(&s), Some(&e)) => (s as usize, e as usize),
            _ => (0, 0),
        };
        let of_unit = self
            .unit_meters
            .get(start..end)
            .expect("the meter index's ranges lie within it (built together by index_meters)");
        count_meter_records(of_unit.len());
        of_unit
            .iter()
            .filter_map(|&m| self.data.meters.get(m as usize))
    }

    /// Parses and validates an estate JSON document.
    ///
    /// Decimals (areas, multipliers, readings) are JSON strings such as `"89.50"`,
    /// dates ISO strings such as `"2026-03-01"`. Unknown fields are rejected.
    ///
    /// Linear in the length of the text (parsing, then validation as [`Estate::new`]).
    ///
    /// # Errors
    /// [`EstateError::Json`] with the path of the bad field for malformed JSON, wrong
    /// types, missing or unknown fields; any error of [`Estate::new`] otherwise.
    ///
    /// ```
    /// use estatekit::estate::Estate;
    /// let json = r#"{"id": "e1", "name": "Test", "currency": "CNY",
    ///   "buildings": [{"id": "B1", "name": "1号楼"}],
    ///   "units": [{"id": "1-101", "building_id": "B1", "floor": 1, "number": "101",
    ///              "kind": "residential", "gross_area": 89.5, "status": "unsold"}]}"#;
    /// let err = Estate::from_json(json).unwrap_err();
    /// assert_eq!(err.path(), "units[0].gross_area");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, EstateError> {
        crate::json::within(text, crate::MAX_ESTATE_DOCUMENT_BYTES).map_err(|(size, limit)| {
            EstateError::DocumentTooLarge {
                path: "$".to_owned(),
                size,
                limit,
            }
        })?;
        let data: EstateData = crate::json::parse(text).map_err(|f| EstateError::Json {
            path: f.path,
            message: f.message,
        })?;
        Self::new(data)
    }

    /// The estate as pretty-printed JSON; [`Estate::from_json`] reads it back unchanged.
    ///
    /// ```
    /// let json = estatekit::estate::Estate::demo().to_json();
    /// assert!(json.contains("\"gross_area\": \""));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.data)
            .expect("an estate serializes: plain data, string keys, decimals as strings")
    }

    /// The demo estate embedded in the library: two buildings, 40 units of every kind
    /// and status, unit and master meters with two months of readings.
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// assert_eq!((estate.buildings().len(), estate.units().len()), (2, 40));
    /// ```
    pub fn demo() -> Self {
        // The embedded document is checked by the test suite (`demo_estate_is_valid`).
        Self::from_json(DEMO_JSON).expect("the embedded demo estate is valid")
    }

    /// Estate id.
    ///
    /// ```
    /// assert_eq!(estatekit::estate::Estate::demo().id(), "lakeside");
    /// ```
    pub fn id(&self) -> &str {
        &self.data.id
    }

    /// Display name.
    ///
    /// ```
    /// assert!(estatekit::estate::Estate::demo().name().contains("Lakeside"));
    /// ```
    pub fn name(&self) -> &str {
        &self.data.name
    }

    /// ISO 4217 currency code.
    ///
    /// ```
    /// assert_eq!(estatekit::estate::Estate::demo().currency(), "CNY");
    /// ```
    pub fn currency(&self) -> &str {
        &self.data.currency
    }

    /// The unit the estate's areas are measured in.
    ///
    /// ```
    /// use estatekit::estate::{AreaUnit, Estate};
    /// assert_eq!(Estate::demo().area_unit(), AreaUnit::SquareMetre);
    /// ```
    pub fn area_unit(&self) -> AreaUnit {
        self.data.area_unit
    }

    /// How a charge spanning several billing periods is rounded (the `round` policy).
    ///
    /// ```
    /// use estatekit::estate::{ChargeRounding, Estate};
    /// assert_eq!(Estate::demo().charge_rounding(), ChargeRounding::PerMonth);
    /// ```
    pub fn charge_rounding(&self) -> ChargeRounding {
        self.data.round
    }

    /// The estate's rounding policy.
    ///
    /// ```
    /// assert_eq!(estatekit::estate::Estate::demo().rounding().scale(), 2);
    /// ```
    pub fn rounding(&self) -> &RoundingPolicy {
        &self.data.rounding
    }

    /// All buildings, in document order.
    ///
    /// ```
    /// assert_eq!(estatekit::estate::Estate::demo().buildings()[0].id, "B1");
    /// ```
    pub fn buildings(&self) -> &[Building] {
        &self.data.buildings
    }

    /// All units, in document order.
    ///
    /// ```
    /// assert_eq!(estatekit::estate::Estate::demo().units()[0].id, "1-101");
    /// ```
    pub fn units(&self) -> &[Unit] {
        &self.data.units
    }

    /// All meters, in document order.
    ///
    /// ```
    /// assert!(!estatekit::estate::Estate::demo().meters().is_empty());
    /// ```
    pub fn meters(&self) -> &[Meter] {
        &self.data.meters
    }

    /// The plain data behind the estate.
    ///
    /// ```
    /// assert_eq!(estatekit::estate::Estate::demo().data().format_version, 1);
    /// ```
    pub fn data(&self) -> &EstateData {
        &self.data
    }

    /// The unit with this id: O(1) expected (a hash map).
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// assert!(estate.unit("1-201").is_some());
    /// assert!(estate.unit("nope").is_none());
    /// ```
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.unit_index
            .get(id)
            .and_then(|&i| self.data.units.get(i))
    }

    /// The position of the unit with this id in [`Estate::units`]: O(1) expected.
    pub(crate) fn unit_position(&self, id: &str) -> Option<usize> {
        self.unit_index.get(id).copied()
    }

    /// The position of the building with this id in [`Estate::buildings`]: O(1) expected.
    pub(crate) fn building_position(&self, id: &str) -> Option<usize> {
        self.building_index.get(id).copied()
    }

    /// The building with this id: O(1) expected (a hash map).
    ///
    /// ```
    /// assert_eq!(estatekit::estate::Estate::demo().building("B2").map(|b| b.id.as_str()), Some("B2"));
    /// ```
    pub fn building(&self, id: &str) -> Option<&Building> {
        self.building_index
            .get(id)
            .and_then(|&i| self.data.buildings.get(i))
    }

    /// The meter with this id: O(1) expected (a hash map).
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// let id = estate.meters()[0].id.clone();
    /// assert_eq!(estate.meter(&id).map(|m| &m.id), Some(&id));
    /// ```
    pub fn meter(&self, id: &str) -> Option<&Meter> {
        self.meter_index
            .get(id)
            .and_then(|&i| self.data.meters.get(i))
    }

    /// The meters of one unit, in document order (empty for an unknown unit).
    ///
    /// O(1 + the unit's meters), expected: the meters are indexed by unit when the
    /// estate is built, so looking up every unit's meters is linear in all.
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// assert!(estate.meters_of("1-201").len() >= 2);
    /// assert!(estate.meters_of("nope").is_empty());
    /// ```
    pub fn meters_of(&self, unit_id: &str) -> Vec<&Meter> {
        match self.unit_index.get(unit_id) {
            Some(&u) => self.meters_at(u).collect(),
            None => Vec::new(),
        }
    }

    /// Counts and areas: units by kind and by status, total gross and internal area,
    /// occupants. Kinds and statuses appear in declaration order, zero counts included.
    /// Linear in the number of units.
    ///
    /// ```
    /// use estatekit::estate::{Estate, UnitKind};
    /// let s = Estate::demo().summary();
    /// assert_eq!(s.units, 40);
    /// assert_eq!(s.by_kind.iter().map(|(_, n)| n).sum::<usize>(), 40);
    /// assert_eq!(s.by_kind[0].0, UnitKind::Residential);
    /// ```
    pub fn summary(&self) -> EstateSummary {
        // The sums below cannot overflow: `check_totals` proved them at construction
        // (areas are positive, so no partial sum exceeds the total).
        let units = &self.data.units;
        let count_kind = |k: UnitKind| units.iter().filter(|u| u.kind == k).count();
        let count_status = |s: UnitStatus| units.iter().filter(|u| u.status == s).count();
        EstateSummary {
            buildings: self.data.buildings.len(),
            units: units.len(),
            by_kind: UnitKind::ALL.iter().map(|&k| (k, count_kind(k))).collect(),
            by_status: UnitStatus::ALL
                .iter()
                .map(|&s| (s, count_status(s)))
                .collect(),
            total_gross_area: units.iter().map(|u| u.gross_area).sum(),
            total_internal_area: units.iter().filter_map(|u| u.internal_area).sum(),
            occupants: units.iter().map(|u| u.occupants).sum(),
            meters: self.data.meters.len(),
        }
    }

    /// The estate with `update` applied, for the next month without rebuilding its
    /// JSON: a new estate, validated as [`Estate::new`]; `self` is untouched, and a
    /// bad row changes nothing (all or nothing).
    ///
    /// - **Readings** are sorted in by date, whatever order they come in. A reading the
    ///   meter already has (same date and value) is already there, so applying the
    ///   same update twice gives the same estate; another value on a day the meter
    ///   already has a reading for is refused, never overwritten (an estimate that was
    ///   billed is trued up by the next real reading, not replaced). When a real and
    ///   an estimated reading agree, the reading is real.
    /// - **Status changes** of one unit are taken in date order and the latest one
    ///   stands (the estate keeps a unit's current status and the day it began). None
    ///   may be dated before the unit's current status began; the unit's current
    ///   status on its own day is already there. From `unsold` the handover date
    ///   becomes the first change's day; `delivered` (vacant) has no occupants;
    ///   a unit never becomes `unsold` again.
    /// - **Meter changes** are kept in date order (see [`MeterEvent`]); the same change
    ///   on the same day is already there, another one that day is refused.
    ///
    /// Linear in the estate (it is validated again) and in the update.
    ///
    /// # Errors
    /// Naming the update's row: [`EstateError::UnknownMeter`] / [`EstateError::UnknownUnit`]
    /// (`readings[2].meter_id`, `status_changes[0].unit_id`),
    /// [`EstateError::ConflictingUpdate`] (`readings[2].value`,
    /// `meter_changes[0].change`, `status_changes[1].status`),
    /// [`EstateError::InvalidField`] for a negative reading, a status dated before the
    /// unit's current one, or a change that does not fit the readings
    /// (`meter_changes[0].change.replacement.old_final`, or the new reading it
    /// contradicts, `readings[3].value`).
    ///
    /// ```
    /// use estatekit::estate::{Estate, EstateUpdate, ReadingUpdate, StatusUpdate, UnitStatus};
    /// let estate = Estate::demo();
    /// let reading = |value: &str| ReadingUpdate { meter_id: "W-1-101".into(),
    ///     date: "2026-11-30".parse().unwrap(), value: value.parse().unwrap(), estimated: false };
    /// let update = EstateUpdate {
    ///     readings: vec![reading("135.0")],
    ///     status_changes: vec![StatusUpdate { unit_id: "1-102".into(), status: UnitStatus::Occupied,
    ///         since: "2026-11-10".parse().unwrap(), occupants: Some(2) }],
    ///     ..EstateUpdate::default()
    /// };
    /// let next = estate.updated(&update)?;
    /// assert_eq!(next.meter("W-1-101").unwrap().readings.len(), 3);
    /// assert_eq!(next.unit("1-102").unwrap().status, UnitStatus::Occupied);
    /// assert_eq!(next.updated(&update)?, next); // already there
    /// assert_eq!(estate, Estate::demo()); // untouched
    ///
    /// let conflicting = EstateUpdate { readings: vec![reading("136.0")], ..EstateUpdate::default() };
    /// let err = next.updated(&conflicting).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("conflicting_update", "readings[0].value"));
    /// # Ok::<(), estatekit::estate::EstateError>(())
    /// ```
    pub fn updated(&self, update: &EstateUpdate) -> Result<Estate, EstateError> {
        let mut data = self.data.clone();
        // Per meter touched: the update row of each of its readings and changes (`None`:
        // already in the estate), to name the row of an error.
        let mut reading_rows: HashMap<usize, Vec<Option<usize>>> = HashMap::new();
        let mut change_rows: HashMap<usize, Vec<Option<usize>>> = HashMap::new();
        for (r, row) in update.readings.iter().enumerate() {
            let p = |field: &str| format!("readings[{r}].{field}");
            let (m, meter) = self.meter_for_update(&mut data, &row.meter_id, || p("meter_id"))?;
            if row.value < Decimal::ZERO {
                return Err(EstateError::value(
                    "negative_reading",
                    p("value"),
                    format!("a reading must not be negative, got {}", row.value),
                ));
            }
            let rows = reading_rows
                .entry(m)
                .or_insert_with(|| vec![None; meter.readings.len()]);
            match meter.readings.binary_search_by_key(&row.date, |x| x.date) {
                Ok(k) => {
                    let Some(existing) = meter.readings.get_mut(k) else {
                        continue;
                    };
                    if existing.value != row.value {
                        let held = match rows.get(k).copied().flatten() {
                            Some(first) => format!("readings[{first}] gives {}", existing.value),
                            None => format!(
                                "meter {:?} already has {} of {} on {}",
                                row.meter_id,
                                if existing.estimated {
                                    "an estimated reading"
                                } else {
                                    "a reading"
                                },
                                existing.value,
                                row.date
                            ),
                        };
                        return Err(EstateError::ConflictingUpdate {
                            path: p("value"),
                            reason: format!(
                                "{held}, not {}: a reading is never overwritten",
                                row.value
                            ),
                        });
                    }
                    if !row.estimated {
                        existing.estimated = false;
                    }
                }
                Err(k) => {
                    meter.readings.insert(
                        k,
                        Reading {
                            date: row.date,
                            value: row.value,
                            estimated: row.estimated,
                        },
                    );
                    rows.insert(k, Some(r));
                }
            }
        }
        for (r, row) in update.meter_changes.iter().enumerate() {
            let p = |field: &str| format!("meter_changes[{r}].{field}");
            let (m, meter) = self.meter_for_update(&mut data, &row.meter_id, || p("meter_id"))?;
            let rows = change_rows
                .entry(m)
                .or_insert_with(|| vec![None; meter.changes.len()]);
            match meter.changes.binary_search_by_key(&row.date, |c| c.date) {
                Ok(k) => {
                    let existing = meter.changes.get(k).map(|c| c.change);
                    if existing != Some(row.change) {
                        let held = match rows.get(k).copied().flatten() {
                            Some(first) => format!("meter_changes[{first}] gives another change"),
                            None => format!(
                                "meter {:?} already has another change on {}",
                                row.meter_id, row.date
                            ),
                        };
                        return Err(EstateError::ConflictingUpdate {
                            path: p("change"),
                            reason: format!("{held}: a meter has at most one change a day"),
                        });
                    }
                }
                Err(k) => {
                    meter.changes.insert(
                        k,
                        MeterEvent {
                            date: row.date,
                            change: row.change,
                        },
                    );
                    rows.insert(k, Some(r));
                }
            }
        }
        let status_rows = self.apply_status_changes(&mut data, &update.status_changes)?;

        // The touched parts, checked by the rules of `Estate::new` with errors naming
        // the update's rows; the whole estate is then validated (and indexed) again.
        for (&m, rows) in &reading_rows {
            if let Some(meter) = data.meters.get(m) {
                validate_meter(m, meter)
                    .map_err(|e| locate_update_error(e, m, meter, rows, change_rows.get(&m)))?;
            }
        }
        for (&m, rows) in &change_rows {
            if let Some(meter) = data.meters.get(m) {
                let no_rows = vec![None; meter.readings.len()];
                let readings = reading_rows.get(&m).unwrap_or(&no_rows);
                validate_meter(m, meter)
                    .map_err(|e| locate_update_error(e, m, meter, readings, Some(rows)))?;
            }
        }
        for (&u, &r) in &status_rows {
            if let Some(unit) = data.units.get(u) {
                validate_unit(u, unit).map_err(|mut e| {
                    let field = match e.path().rsplit('.').next() {
                        Some("status_since" | "delivered_on") => "since",
                        Some("occupants") => "occupants",
                        _ => "status",
                    };
                    *e.path_slot() = format!("status_changes[{r}].{field}");
                    e
                })?;
            }
        }
        Estate::new(data)
    }

    /// The index and the (mutable) meter named by an update row.
    fn meter_for_update<'d>(
        &self,
        data: &'d mut EstateData,
        id: &str,
        path: impl FnOnce() -> String,
    ) -> Result<(usize, &'d mut Meter), EstateError> {
        let unknown = |path: String| EstateError::UnknownMeter {
            path,
            id: id.to_owned(),
        };
        let Some(&m) = self.meter_index.get(id) else {
            return Err(unknown(path()));
        };
        match data.meters.get_mut(m) {
            Some(meter) => Ok((m, meter)),
            None => Err(unknown(path())),
        }
    }

    /// Applies the status changes of [`Estate::updated`] to `data`: per unit, the
    /// latest one stands. Returns, per unit changed, the row of its latest change.
    fn apply_status_changes(
        &self,
        data: &mut EstateData,
        changes: &[StatusUpdate],
    ) -> Result<HashMap<usize, usize>, EstateError> {
        // Rows per unit, in date order (stable: rows of one day in row order).
        let mut by_unit: HashMap<usize, Vec<usize>> = HashMap::new();
        for (r, row) in changes.iter().enumerate() {
            let Some(&u) = self.unit_index.get(&row.unit_id) else {
                return Err(EstateError::UnknownUnit {
                    path: format!("status_changes[{r}].unit_id"),
                    id: row.unit_id.clone(),
                });
            };
            by_unit.entry(u).or_default().push(r);
        }
        let mut applied = HashMap::new();
        // In unit order, so the history records this adds are in a stable order.
        let mut by_unit: Vec<(usize, Vec<usize>)> = by_unit.into_iter().collect();
        by_unit.sort_unstable_by_key(|(u, _)| *u);
        for (u, mut rows) in by_unit {
            rows.sort_by_key(|&r| changes.get(r).map(|c| c.since));
            let Some(unit) = data.units.get_mut(u) else {
                continue;
            };
            let same = |c: &StatusUpdate, status: UnitStatus, occupants: u32| {
                c.status == status && c.occupants.is_none_or(|n| n == occupants)
            };
            let Some((r, last)) = rows.last().and_then(|&r| changes.get(r).map(|c| (r, c))) else {
                continue;
            };
            // The unit's current status is the update's latest: already applied.
            let done =
                unit.status_since == Some(last.since) && same(last, unit.status, unit.occupants);
            let mut previous: Option<&StatusUpdate> = None;
            for &r in &rows {
                let Some(c) = changes.get(r) else { continue };
                let p = |field: &str| format!("status_changes[{r}].{field}");
                if let Some(prev) = previous.filter(|prev| prev.since == c.since && *prev != c) {
                    return Err(EstateError::ConflictingUpdate {
                        path: p("status"),
                        reason: format!(
                            "another change of unit {:?} is dated {} too ({})",
                            c.unit_id, prev.since, prev.status
                        ),
                    });
                }
                previous = Some(c);
                if done {
                    continue;
                }
                if c.status == UnitStatus::Unsold && unit.status != UnitStatus::Unsold {
                    return Err(EstateError::value(
                        "invalid_transition",
                        p("status"),
                        format!(
                            "unit {:?} was handed over on {}: it cannot become unsold again",
                            c.unit_id,
                            unit.delivered_on.expect(
                                "a unit that is not unsold has a handover date (validated)"
                            )
                        ),
                    ));
                }
                match unit.status_since {
                    Some(since) if c.since < since => {
                        return Err(EstateError::value(
                            "ends_before_starts",
                            p("since"),
                            format!(
                                "{} is before unit {:?} became {} ({since}): status changes are applied in date order",
                                c.since, c.unit_id, unit.status
                            ),
                        ));
                    }
                    Some(since) if c.since == since && !same(c, unit.status, unit.occupants) => {
                        return Err(EstateError::ConflictingUpdate {
                            path: p("status"),
                            reason: format!(
                                "unit {:?} is {} with {} occupants since {since}, not {}{}",
                                c.unit_id,
                                unit.status,
                                unit.occupants,
                                c.status,
                                // No occupants given: nothing to add.
                                c.occupants
                                    .map(|n| format!(" with {n}"))
                                    .unwrap_or_default()
                            ),
                        });
                    }
                    _ => {}
                }
            }
            if done {
                continue;
            }
            // The statuses this update ends go to the history: the current one (when
            // the unit was delivered) and every change before the latest.
            if let (Some(since), true) = (unit.status_since, unit.status != UnitStatus::Unsold) {
                data.status_history.push(StatusRecord {
                    unit_id: unit.id.clone(),
                    status: unit.status,
                    since,
                });
            }
            for &r in &rows[..rows.len() - 1] {
                let Some(c) = changes.get(r) else { continue };
                let repeated = data
                    .status_history
                    .last()
                    .is_some_and(|h| h.unit_id == c.unit_id && h.since == c.since);
                if c.status != UnitStatus::Unsold && !repeated && c.since < last.since {
                    data.status_history.push(StatusRecord {
                        unit_id: c.unit_id.clone(),
                        status: c.status,
                        since: c.since,
                    });
                }
            }
            if unit.status == UnitStatus::Unsold && unit.delivered_on.is_none() {
                // Handed over on the first change's day.
                unit.delivered_on = rows
                    .first()
                    .and_then(|&f| changes.get(f))
                    .map(|f| f.since)
                    .filter(|_| last.status != UnitStatus::Unsold);
            }
            unit.status = last.status;
            unit.status_since = Some(last.since);
            match last.occupants {
                Some(n) => unit.occupants = n,
                None if matches!(last.status, UnitStatus::Unsold | UnitStatus::Delivered) => {
                    unit.occupants = 0;
                }
                None => {}
            }
            applied.insert(u, r);
        }
        Ok(applied)
    }
}

/// A reading to add with [`Estate::updated`]; also what a billing run estimated
/// ([`BillingRun::estimated_readings`](crate::fees::billing::BillingRun::estimated_readings),
/// with `estimated` true).
///
/// ```
/// use estatekit::estate::ReadingUpdate;
/// let r: ReadingUpdate = serde_json::from_str(
///     r#"{"meter_id": "W-1-101", "date": "2026-11-30", "value": "1160"}"#).unwrap();
/// assert!(!r.estimated);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingUpdate {
    /// Meter id.
    pub meter_id: String,
    /// Day the reading was taken.
    pub date: NaiveDate,
    /// Register value (≥ 0).
    #[serde(with = "crate::json::decimal")]
    pub value: Decimal,
    /// An estimate (估抄) rather than a reading (default false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimated: bool,
}

/// A unit's new status with [`Estate::updated`].
///
/// ```
/// use estatekit::estate::{StatusUpdate, UnitStatus};
/// let s: StatusUpdate = serde_json::from_str(
///     r#"{"unit_id": "1-102", "status": "occupied", "since": "2026-11-10", "occupants": 2}"#).unwrap();
/// assert_eq!((s.status, s.occupants), (UnitStatus::Occupied, Some(2)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
    /// Unit id.
    pub unit_id: String,
    /// The new status (never `unsold`: a handed-over unit stays handed over).
    pub status: UnitStatus,
    /// The day it began: not before the unit's current status began. From `unsold`
    /// it is also the handover (交房) date.
    pub since: NaiveDate,
    /// The unit's occupants from then on. `None`: unchanged, except that a vacant
    /// status (`delivered`) has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupants: Option<u32>,
}

/// A meter replacement or rollover to keep in the estate with [`Estate::updated`].
///
/// ```
/// use estatekit::estate::MeterChangeUpdate;
/// let c: MeterChangeUpdate = serde_json::from_str(r#"{"meter_id": "E-1-101", "date": "2026-11-15",
///     "change": {"replacement": {"old_final": "5230", "new_initial": "0"}}}"#).unwrap();
/// assert_eq!(c.date.to_string(), "2026-11-15");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterChangeUpdate {
    /// Meter id.
    pub meter_id: String,
    /// The day of the change.
    pub date: NaiveDate,
    /// What happened.
    pub change: MeterChange,
}

/// What changed in an estate since it was last stored: new readings (real or
/// estimated), unit status changes and meter changes. See [`Estate::updated`].
///
/// ```
/// let u = estatekit::estate::EstateUpdate::default();
/// assert!(u.readings.is_empty() && u.status_changes.is_empty() && u.meter_changes.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstateUpdate {
    /// New readings, in any order.
    #[serde(default)]
    pub readings: Vec<ReadingUpdate>,
    /// Status changes, in any order (applied in date order).
    #[serde(default)]
    pub status_changes: Vec<StatusUpdate>,
    /// Meter replacements and rollovers, in any order.
    #[serde(default)]
    pub meter_changes: Vec<MeterChangeUpdate>,
}

/// Counts and areas of an estate (see [`Estate::summary`]).
///
/// ```
/// let s = estatekit::estate::Estate::demo().summary();
/// assert_eq!(s.buildings, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EstateSummary {
    /// Number of buildings.
    pub buildings: usize,
    /// Number of units.
    pub units: usize,
    /// Units per kind, every kind in declaration order.
    pub by_kind: Vec<(UnitKind, usize)>,
    /// Units per status, every status in declaration order.
    pub by_status: Vec<(UnitStatus, usize)>,
    /// Sum of gross areas, m².
    pub total_gross_area: Decimal,
    /// Sum of the internal areas that are known, m².
    pub total_internal_area: Decimal,
    /// Sum of occupants.
    pub occupants: u32,
    /// Number of meters.
    pub meters: usize,
}

impl From<Estate> for EstateData {
    fn from(estate: Estate) -> Self {
        estate.data
    }
}

impl TryFrom<EstateData> for Estate {
    type Error = EstateError;
    fn try_from(data: EstateData) -> Result<Self, Self::Error> {
        Self::new(data)
    }
}

impl Serialize for Estate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.data.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Estate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let data = EstateData::deserialize(deserializer)?;
        Self::new(data).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_estate_is_valid() {
        let estate = Estate::from_json(DEMO_JSON).expect("demo estate");
        assert_eq!(estate.units().len(), 40);
    }

    /// `n` occupied units, each with a water and an electricity meter read at the end
    /// of September and of October 2026, and a master water meter.
    fn metered_estate(n: usize) -> Estate {
        let mut units = Vec::with_capacity(n);
        let mut meters = Vec::with_capacity(2 * n + 1);
        let reading = |date: &str, value: usize| {
            Reading::new(date.parse().expect("date"), Decimal::from(value))
        };
        for i in 0..n {
            let id = format!("U{i}");
            units.push(Unit {
                id: id.clone(),
                building_id: "B".into(),
                floor: 1,
                number: i.to_string(),
                kind: UnitKind::Residential,
                gross_area: Decimal::from(50 + i % 90),
                internal_area: None,
                occupants: 1 + (i % 4) as u32,
                status: UnitStatus::Occupied,
                status_since: "2024-06-01".parse().ok(),
                delivered_on: "2024-06-01".parse().ok(),
            });
            for (kind, prefix, used) in [
                (MeterKind::Water, "W", 5 + i * 13 % 20),
                (MeterKind::Electricity, "E", 100 + i * 37 % 250),
            ] {
                meters.push(Meter {
                    id: format!("{prefix}-{id}"),
                    unit_id: Some(id.clone()),
                    kind,
                    multiplier: Decimal::ONE,
                    readings: vec![
                        reading("2026-09-30", 1000),
                        reading("2026-10-31", 1000 + used),
                    ],
                    changes: Vec::new(),
                });
            }
        }
        meters.push(Meter {
            id: "W-MASTER".into(),
            unit_id: None,
            kind: MeterKind::Water,
            multiplier: Decimal::ONE,
            readings: vec![reading("2026-09-30", 0), reading("2026-10-31", 30 * n)],
            changes: Vec::new(),
        });
        Estate::new(EstateData {
            format_version: ESTATE_FORMAT_VERSION,
            id: "scale".into(),
            name: "Scale".into(),
            currency: "CNY".into(),
            rounding: RoundingPolicy::default(),
            area_unit: AreaUnit::default(),
            round: ChargeRounding::default(),
            buildings: vec![Building {
                id: "B".into(),
                name: "B".into(),
            }],
            units,
            meters,
            status_history: Vec::new(),
        })
        .expect("valid estate")
    }

    /// Meter records examined while billing `estate` with two metered items and a
    /// pooled item split by water usage.
    fn meter_records_examined_billing(estate: &Estate) -> u64 {
        use crate::fees::billing::{BillingInputs, BillingPeriod, bill_estate};
        use crate::fees::schedule::FeeSchedule;
        let schedule = FeeSchedule::from_json(
            r#"{"format_version": 1, "items": [
              {"code": "water", "name_zh": "水费", "name_en": "Water", "effective_from": "2020-01-01",
               "rule": {"metered": {"meter_kind": "water", "tiers": [{"up_to": "15", "price": "3.45"}, {"price": "5.83"}]}}},
              {"code": "electricity", "name_zh": "电费", "name_en": "Electricity", "effective_from": "2020-01-01",
               "rule": {"metered": {"meter_kind": "electricity", "tiers": [{"up_to": "180", "price": "0.56"}, {"price": "0.86"}]}}},
              {"code": "common_water", "name_zh": "公共用水", "name_en": "Common water", "effective_from": "2020-01-01",
               "rule": {"pooled": {"source": {"master_meter": {"meter_id": "W-MASTER", "price": "3.45", "subtract_sub_meters": true}},
                                   "method": "usage"}}}]}"#,
        )
        .expect("schedule");
        let period = BillingPeriod::month(2026, 10).expect("period");
        METER_RECORDS_EXAMINED.with(|c| c.set(0));
        let run = bill_estate(estate, &schedule, period, &BillingInputs::default()).expect("run");
        assert_eq!(run.bill_count(), estate.units().len());
        METER_RECORDS_EXAMINED.with(|c| c.get())
    }

    /// Billing looks up each unit's meters in an index: the meter records it examines
    /// grow linearly with the estate (a scan of every meter per unit grew 100-fold
    /// for 10 times the units).
    #[test]
    fn billing_examines_meter_records_linearly() {
        let small = meter_records_examined_billing(&metered_estate(200));
        let large = meter_records_examined_billing(&metered_estate(2000));
        assert!(small > 0);
        assert!(
            large <= 12 * small,
            "10x the units examined {large} meter records, {}x the {small} of 1x",
            large / small
        );
        // At most a few records per meter (its lookups and its readings).
        assert!(large <= 20 * 4001, "{large} records for 4001 meters");
    }
}
