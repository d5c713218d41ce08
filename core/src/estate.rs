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
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::RoundingPolicy;

/// The estate JSON format version this library reads and writes.
pub const ESTATE_FORMAT_VERSION: u32 = 1;

const DEMO_JSON: &str = include_str!("../data/demo_estate.json");

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable snake_case name used in JSON and by the bindings.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = EstateError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    EstateError::InvalidField {
                        path: stringify!($name).to_owned(),
                        reason: format!(
                            "unknown value {s:?}; expected one of {}",
                            Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    }
                })
            }
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
    #[serde(with = "rust_decimal::serde::str")]
    pub gross_area: Decimal,
    /// Internal area (套内面积), m², > 0 and ≤ gross area; absent for e.g. parking spaces.
    #[serde(
        default,
        with = "rust_decimal::serde::str_option",
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
/// let r = Reading { date: "2026-10-31".parse().unwrap(), value: "1234.5".parse().unwrap() };
/// assert_eq!(r.value.to_string(), "1234.5");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// Day the reading was taken.
    pub date: NaiveDate,
    /// The register value (≥ 0), before the multiplier.
    #[serde(with = "rust_decimal::serde::str")]
    pub value: Decimal,
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
    #[serde(with = "rust_decimal::serde::str", default = "one")]
    pub multiplier: Decimal,
    /// Readings in strictly increasing date order.
    #[serde(default)]
    pub readings: Vec<Reading>,
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
    /// The buildings.
    #[serde(default)]
    pub buildings: Vec<Building>,
    /// The units.
    #[serde(default)]
    pub units: Vec<Unit>,
    /// The meters, with their readings.
    #[serde(default)]
    pub meters: Vec<Meter>,
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
    /// Per unit, in order: what the fee engine reads of every unit, compactly.
    cores: Vec<UnitCore>,
    /// The unit ids one after the other (see [`UnitCore::id_end`]).
    unit_ids: String,
    /// The meters of unit `u`, by index in `data.meters` and in document order, are
    /// `unit_meters[meter_starts[u]..meter_starts[u + 1]]`: built once (a counting
    /// sort, linear), so a unit's meters are found without looking at any other.
    meter_starts: Vec<u32>,
    unit_meters: Vec<u32>,
}

/// What the fee engine reads of every unit, laid out compactly and built once when
/// the estate is validated: a billing run over a million units then reads about
/// 40 MB of these and one buffer of ids instead of 128 MB of [`Unit`]s and a million
/// separately allocated id strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UnitCore {
    pub(crate) gross_area: Decimal,
    pub(crate) delivered_on: Option<NaiveDate>,
    pub(crate) status_since: Option<NaiveDate>,
    pub(crate) occupants: u32,
    /// Where the unit's id ends in the estate's id buffer; it starts where the
    /// previous unit's ends.
    pub(crate) id_end: u32,
    pub(crate) kind: UnitKind,
    pub(crate) status: UnitStatus,
}

/// Errors of the estate module; each names the path of the bad field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EstateError {
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
    /// Any other invalid value.
    #[error("{path}: {reason}")]
    InvalidField {
        /// Where.
        path: String,
        /// Why it is invalid.
        reason: String,
    },
}

impl EstateError {
    /// The path of the bad field, e.g. `units[3].gross_area`.
    ///
    /// ```
    /// let e = estatekit::estate::Estate::from_json("{").unwrap_err();
    /// assert_eq!(e.path(), "$");
    /// ```
    pub fn path(&self) -> &str {
        match self {
            Self::Json { path, .. }
            | Self::NonPositiveArea { path, .. }
            | Self::InternalAreaExceedsGross { path, .. }
            | Self::DuplicateId { path, .. }
            | Self::UnknownBuilding { path, .. }
            | Self::UnknownUnit { path, .. }
            | Self::InvalidCurrency { path, .. }
            | Self::UnsupportedFormatVersion { path, .. }
            | Self::InvalidField { path, .. } => path,
        }
    }

    /// A stable snake_case code for the error kind, e.g. `"internal_area_exceeds_gross"`.
    ///
    /// ```
    /// let e = estatekit::estate::Estate::from_json("[]").unwrap_err();
    /// assert_eq!(e.code(), "json");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::Json { .. } => "json",
            Self::NonPositiveArea { .. } => "non_positive_area",
            Self::InternalAreaExceedsGross { .. } => "internal_area_exceeds_gross",
            Self::DuplicateId { .. } => "duplicate_id",
            Self::UnknownBuilding { .. } => "unknown_building",
            Self::UnknownUnit { .. } => "unknown_unit",
            Self::InvalidCurrency { .. } => "invalid_currency",
            Self::UnsupportedFormatVersion { .. } => "unsupported_format_version",
            Self::InvalidField { .. } => "invalid_field",
        }
    }
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

fn invalid(path: String, reason: impl Into<String>) -> EstateError {
    EstateError::InvalidField {
        path,
        reason: reason.into(),
    }
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
            return Err(invalid(path(), "id must not be empty"));
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
        return Err(invalid("meters".into(), "more than 4 billion meters"));
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
        return Err(invalid(p("number"), "number must not be empty"));
    }
    match (u.status, u.delivered_on, u.status_since) {
        (UnitStatus::Unsold, Some(_), _) => {
            return Err(invalid(
                p("delivered_on"),
                "an unsold unit has no delivery date",
            ));
        }
        (UnitStatus::Unsold, None, _) => {}
        (status, None, _) => {
            return Err(invalid(
                p("delivered_on"),
                format!("required for a {status} unit"),
            ));
        }
        (status, Some(_), None) => {
            return Err(invalid(
                p("status_since"),
                format!("required for a {status} unit"),
            ));
        }
        (_, Some(delivered), Some(since)) if since < delivered => {
            return Err(invalid(
                p("status_since"),
                format!("{since} is before the delivery date {delivered}"),
            ));
        }
        _ => {}
    }
    if matches!(u.status, UnitStatus::Unsold | UnitStatus::Delivered) && u.occupants > 0 {
        return Err(invalid(
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
        return Err(invalid(
            format!("meters[{i}].multiplier"),
            format!("multiplier must be greater than zero, got {}", m.multiplier),
        ));
    }
    let mut previous: Option<NaiveDate> = None;
    for (j, r) in m.readings.iter().enumerate() {
        if r.value < Decimal::ZERO {
            return Err(invalid(
                format!("meters[{i}].readings[{j}].value"),
                format!("a reading must not be negative, got {}", r.value),
            ));
        }
        if let Some(prev) = previous.filter(|p| r.date <= *p) {
            return Err(invalid(
                format!("meters[{i}].readings[{j}].date"),
                format!(
                    "readings must be in increasing date order: {} follows {prev}",
                    r.date
                ),
            ));
        }
        previous = Some(r.date);
    }
    Ok(())
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
            invalid(
                format!("units[{i}].{field}"),
                format!("the estate's total {what} is too large"),
            )
        };
        gross = gross
            .checked_add(u.gross_area)
            .ok_or_else(|| too_large("gross_area", "gross area"))?;
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
    /// with occupants, non-positive multipliers, negative or unordered readings.
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
            return Err(invalid("id".into(), "id must not be empty"));
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
        let mut unit_ids = String::with_capacity(data.units.iter().map(|u| u.id.len()).sum());
        let mut cores = Vec::with_capacity(data.units.len());
        for u in &data.units {
            unit_ids.push_str(&u.id);
            cores.push(UnitCore {
                gross_area: u.gross_area,
                delivered_on: u.delivered_on,
                status_since: u.status_since,
                occupants: u.occupants,
                id_end: u32::try_from(unit_ids.len())
                    .map_err(|_| invalid("units".into(), "the unit ids exceed 4 GiB in all"))?,
                kind: u.kind,
                status: u.status,
            });
        }
        Ok(Self {
            data,
            unit_index,
            building_index,
            meter_index,
            cores,
            unit_ids,
            meter_starts,
            unit_meters,
        })
    }

    /// The meters of unit `u` (its index in [`Estate::units`]), in document order:
    /// O(its meters).
    pub(crate) fn meters_at(&self, u: usize) -> impl Iterator<Item = &Meter> + '_ {
        let (start, end) = match (self.meter_starts.get(u), self.meter_starts.get(u + 1)) {
            (Some(&s), Some(&e)) => (s as usize, e as usize),
            _ => (0, 0),
        };
        let of_unit = self.unit_meters.get(start..end).unwrap_or_default();
        count_meter_records(of_unit.len());
        of_unit
            .iter()
            .filter_map(|&m| self.data.meters.get(m as usize))
    }

    /// The compact view of the units, in order (see [`UnitCore`]).
    pub(crate) fn unit_cores(&self) -> &[UnitCore] {
        &self.cores
    }

    /// The id of unit `i` from the id buffer (empty when `i` is out of range).
    pub(crate) fn unit_id_at(&self, i: usize) -> &str {
        let start = match i.checked_sub(1) {
            Some(p) => self.cores.get(p).map_or(0, |c| c.id_end as usize),
            None => 0,
        };
        let end = self.cores.get(i).map_or(start, |c| c.id_end as usize);
        self.unit_ids.get(start..end).unwrap_or_default()
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
        // Serializing plain data with string keys cannot fail.
        serde_json::to_string_pretty(&self.data).unwrap_or_default()
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
        let reading = |date: &str, value: usize| Reading {
            date: date.parse().expect("date"),
            value: Decimal::from(value),
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
                });
            }
        }
        meters.push(Meter {
            id: "W-MASTER".into(),
            unit_id: None,
            kind: MeterKind::Water,
            multiplier: Decimal::ONE,
            readings: vec![reading("2026-09-30", 0), reading("2026-10-31", 30 * n)],
        });
        Estate::new(EstateData {
            format_version: ESTATE_FORMAT_VERSION,
            id: "scale".into(),
            name: "Scale".into(),
            currency: "CNY".into(),
            rounding: RoundingPolicy::default(),
            buildings: vec![Building {
                id: "B".into(),
                name: "B".into(),
            }],
            units,
            meters,
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
