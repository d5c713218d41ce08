//! The estate model: an `Estate` object and plain records for its parts.

use estatekit_ffi_guard::guard;
use std::sync::Arc;

use chrono::NaiveDate;
use estatekit::estate::{
    self, Building, Meter, MeterChangeUpdate, MeterEvent, MeterKind, Reading, ReadingUpdate,
    UnitKind, UnitStatus,
};
use estatekit::fees::calc::MeterChange;
use rust_decimal::Decimal;

use crate::EstateKitError;
use crate::money::{RoundingPolicy, core_policy};
use estatekit::tables;
use std::collections::HashMap;

/// An estate as spreadsheet tables: each row maps column names to cell text (an
/// absent key or an empty cell is missing). See the README, "Estates from spreadsheets".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EstateTables {
    /// Estate id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO 4217 currency code.
    #[uniffi(default = "CNY")]
    pub currency: String,
    /// Rounding policy (default 2 places, half-up).
    #[uniffi(default = None)]
    pub rounding: Option<RoundingPolicy>,
    /// Columns `id, name`.
    pub buildings: Vec<HashMap<String, String>>,
    /// Columns `id, building_id, floor, number, kind, gross_area, status`, optionally
    /// `internal_area, occupants, status_since, delivered_on`.
    pub units: Vec<HashMap<String, String>>,
    /// Columns `id, kind`, optionally `unit_id` (empty: a common meter), `multiplier`.
    #[uniffi(default = [])]
    pub meters: Vec<HashMap<String, String>>,
    /// Columns `meter_id, date, value`, optionally `estimated` (`true` for an estimate).
    #[uniffi(default = [])]
    pub readings: Vec<HashMap<String, String>>,
    /// Columns `meter_id, date, kind` (`replacement` with `old_final, new_initial`, or
    /// `rollover` with `wraps_at`; the other kind's cells empty).
    #[uniffi(default = [])]
    pub meter_changes: Vec<HashMap<String, String>>,
}

crate::mirror_record! {
    /// A change made to a cell's text before reading it.
    #[derive(Eq)]
    pub struct Normalisation mirrors tables::Normalisation {
        /// The table.
        table: String,
        /// 1-based data row.
        row: i64,
        /// The row's id, when it has one.
        id: Option<String>,
        /// The column.
        column: String,
        /// The cell's text as given.
        before: String,
        /// The text that was read.
        after: String,
    }
}

crate::mirror_record! {
    /// One problem in the tables.
    #[derive(Eq)]
    pub struct RecordProblem mirrors tables::TableProblem {
        /// The table.
        table: String,
        /// 1-based data row (0 for the table as a whole).
        row: i64,
        /// The row's id, when it has one.
        id: Option<String>,
        /// The column, when the problem is one cell's.
        column: Option<String>,
        /// The path of the field in the estate document.
        path: String,
        /// Stable code.
        code: String,
        /// Human-readable message.
        message: String,
    }
}

/// An estate read from tables, and the normalisations made. An object, not a record,
/// because it carries an object: closing it leaves the `Estate` taken from it open
/// (see `CompletionEffects`).
#[derive(Debug, uniffi::Object)]
pub struct EstateFromRecords {
    pub(crate) estate: Arc<Estate>,
    pub(crate) normalisations: Vec<Normalisation>,
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl EstateFromRecords {
    /// The validated estate (a new handle on every call, to the same estate).
    pub fn estate(&self) -> Arc<Estate> {
        Arc::clone(&self.estate)
    }

    /// Each change made to a cell's text.
    pub fn normalisations(&self) -> Vec<Normalisation> {
        self.normalisations.clone()
    }
}

/// Builds an estate from spreadsheet tables: lenient about cell text (spaces,
/// thousands separators, `YYYY/M/D` dates, case), strict about column names; every
/// problem at once as `EstateKitError.Records`.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn estate_from_records(tables: EstateTables) -> Result<Arc<EstateFromRecords>, EstateKitError> {
    let rows = crate::records::core_rows;
    let mut t = tables::EstateTables::new(&tables.id, &tables.name);
    t.currency = tables.currency;
    t.rounding = core_policy(tables.rounding)?;
    t.buildings = rows(tables.buildings);
    t.units = rows(tables.units);
    t.meters = rows(tables.meters);
    t.readings = rows(tables.readings);
    t.meter_changes = rows(tables.meter_changes);
    let import = t.import()?;
    Ok(Arc::new(EstateFromRecords {
        estate: Arc::new(Estate {
            inner: import.estate,
        }),
        normalisations: import.normalisations.into_iter().map(Into::into).collect(),
    }))
}

#[uniffi::remote(Enum)]
pub enum UnitKind {
    Residential,
    Commercial,
    Parking,
    Storage,
}

#[uniffi::remote(Enum)]
pub enum UnitStatus {
    Unsold,
    Delivered,
    Occupied,
    Decorating,
    Rented,
}

#[uniffi::remote(Enum)]
pub enum MeterKind {
    Water,
    Electricity,
    Gas,
    Heating,
}

#[uniffi::remote(Record)]
pub struct Building {
    pub id: String,
    pub name: String,
}

crate::mirror_record! {
    /// A unit (房屋): an apartment, shop, parking space or storeroom. Python's `Unit`
    /// (`Unit` is `kotlin.Unit` and `Foundation.Unit`).
    #[derive(Eq)]
    pub struct EstateUnit mirrors estate::Unit {
        /// Unit id, unique in the estate.
        id: String,
        /// The building it is in.
        building_id: String,
        /// Floor (negative below ground).
        floor: i32,
        /// Door number.
        number: String,
        /// Kind.
        kind: UnitKind,
        /// Gross (建筑) area, m².
        gross_area: Decimal,
        /// Internal (套内) area, m², when known.
        internal_area: Option<Decimal>,
        /// Occupants.
        occupants: i64,
        /// Current status.
        status: UnitStatus,
        /// Since when the status holds.
        status_since: Option<NaiveDate>,
        /// Day the unit was handed over, once delivered.
        delivered_on: Option<NaiveDate>,
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl EstateUnit {
    /// The area fees are charged on: internal when `internal` (default false) and
    /// known, else gross.
    #[uniffi::method(default(internal = false))]
    pub fn area(&self, internal: bool) -> Result<Decimal, EstateKitError> {
        Ok(estate::Unit::try_from(self.clone())?.area(internal))
    }

    /// Whether the unit has been handed over to its owner.
    pub fn is_delivered(&self) -> Result<bool, EstateKitError> {
        Ok(estate::Unit::try_from(self.clone())?.is_delivered())
    }
}

#[uniffi::remote(Record)]
pub struct Reading {
    pub date: NaiveDate,
    pub value: Decimal,
    #[uniffi(default = false)]
    pub estimated: bool,
}

#[uniffi::remote(Record)]
pub struct MeterEvent {
    pub date: NaiveDate,
    pub change: MeterChange,
}

#[uniffi::remote(Record)]
pub struct Meter {
    pub id: String,
    pub unit_id: Option<String>,
    pub kind: MeterKind,
    pub multiplier: Decimal,
    pub readings: Vec<Reading>,
    #[uniffi(default = [])]
    pub changes: Vec<MeterEvent>,
}

#[uniffi::remote(Record)]
pub struct ReadingUpdate {
    pub meter_id: String,
    pub date: NaiveDate,
    pub value: Decimal,
    #[uniffi(default = false)]
    pub estimated: bool,
}

crate::mirror_record! {
    /// A unit's status change for [`Estate::updated`] (per unit the latest stands).
    #[derive(Eq)]
    pub struct StatusUpdate mirrors estate::StatusUpdate {
        /// The unit.
        unit_id: String,
        /// Its new status.
        status: UnitStatus,
        /// From this day on.
        since: NaiveDate,
        /// Its occupants from then on (none: unchanged).
        #[uniffi(default = None)]
        occupants: Option<i64>,
    }
}

#[uniffi::remote(Record)]
pub struct MeterChangeUpdate {
    pub meter_id: String,
    pub date: NaiveDate,
    pub change: MeterChange,
}

/// What changed in an estate since last month, for [`Estate::updated`]: new readings
/// (real, or a billing run's `estimatedReadings()`), unit status changes, meter
/// replacements and rollovers. Each list may come in any order.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct EstateUpdate {
    /// New readings, sorted in by date.
    #[uniffi(default = [])]
    pub readings: Vec<ReadingUpdate>,
    /// Status changes (per unit the latest stands).
    #[uniffi(default = [])]
    pub status_changes: Vec<StatusUpdate>,
    /// Meter replacements and rollovers, kept in the estate.
    #[uniffi(default = [])]
    pub meter_changes: Vec<MeterChangeUpdate>,
}

/// A status a unit held from a day on (one entry of [`Estate::status_periods`]).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusPeriod {
    /// The first day of the status.
    pub since: NaiveDate,
    /// The status.
    pub status: UnitStatus,
}

/// Counts and totals of an estate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EstateSummary {
    /// Buildings.
    pub buildings: i64,
    /// Units.
    pub units: i64,
    /// Units by kind.
    pub by_kind: HashMap<UnitKind, i64>,
    /// Units by status.
    pub by_status: HashMap<UnitStatus, i64>,
    /// Sum of gross areas.
    pub total_gross_area: Decimal,
    /// Sum of internal areas (gross where unknown).
    pub total_internal_area: Decimal,
    /// Occupants.
    pub occupants: i64,
    /// Meters.
    pub meters: i64,
}

impl From<estate::EstateSummary> for EstateSummary {
    fn from(s: estate::EstateSummary) -> Self {
        use crate::ToMobile;
        Self {
            buildings: s.buildings.to_mobile(),
            units: s.units.to_mobile(),
            by_kind: s
                .by_kind
                .into_iter()
                .map(|(k, n)| (k, n.to_mobile()))
                .collect(),
            by_status: s
                .by_status
                .into_iter()
                .map(|(k, n)| (k, n.to_mobile()))
                .collect(),
            total_gross_area: s.total_gross_area,
            total_internal_area: s.total_internal_area,
            occupants: s.occupants.to_mobile(),
            meters: s.meters.to_mobile(),
        }
    }
}

crate::json_object! {
    /// A validated estate (immutable, shareable across threads).
    pub struct Estate(estate::Estate);
}

impl Estate {
    /// The core estate.
    pub(crate) fn core(&self) -> &estate::Estate {
        &self.inner
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Estate {
    /// The embedded demo estate: two buildings, 40 units, unit and master meters.
    #[uniffi::constructor]
    pub fn demo() -> Arc<Self> {
        Arc::new(Self {
            inner: estate::Estate::demo(),
        })
    }

    /// The estate for the next month: `update` applied to a new, validated estate
    /// (this one is untouched; a bad row changes nothing). A reading the meter already
    /// has (same day and value) is already there, so applying the same update twice
    /// gives the same estate; another value on that day is refused
    /// (`conflicting_update`, path `readings[i].value`), never overwritten. Errors
    /// name the update's row (`readings[2].meter_id`, `status_changes[0].since`,
    /// `meter_changes[0].change.replacement.old_final`).
    pub fn updated(&self, update: EstateUpdate) -> Result<Arc<Self>, EstateKitError> {
        let update = estate::EstateUpdate {
            readings: update.readings,
            status_changes: crate::IntoCore::into_core(update.status_changes, "status_changes")?,
            meter_changes: update.meter_changes,
        };
        Ok(Arc::new(Self {
            inner: self.inner.updated(&update)?,
        }))
    }

    /// Estate id.
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// Display name.
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// ISO 4217 currency code.
    pub fn currency(&self) -> String {
        self.inner.currency().to_owned()
    }

    /// The rounding policy.
    pub fn rounding(&self) -> RoundingPolicy {
        (*self.inner.rounding()).into()
    }

    /// All buildings.
    pub fn buildings(&self) -> Vec<Building> {
        self.inner.buildings().to_vec()
    }

    /// All units.
    pub fn units(&self) -> Vec<EstateUnit> {
        self.inner.units().iter().cloned().map(Into::into).collect()
    }

    /// All meters with their readings.
    pub fn meters(&self) -> Vec<Meter> {
        self.inner.meters().to_vec()
    }

    /// The unit with this id, if any.
    pub fn unit(&self, id: String) -> Option<EstateUnit> {
        self.inner.unit(&id).cloned().map(Into::into)
    }

    /// The meter with this id, if any.
    pub fn meter(&self, id: String) -> Option<Meter> {
        self.inner.meter(&id).cloned()
    }

    /// The building with this id, if any.
    pub fn building(&self, id: String) -> Option<Building> {
        self.inner.building(&id).cloned()
    }

    /// The meters of one unit.
    pub fn meters_of(&self, unit_id: String) -> Vec<Meter> {
        self.inner
            .meters_of(&unit_id)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Counts by kind and status, total areas, occupants.
    pub fn summary(&self) -> EstateSummary {
        self.inner.summary().into()
    }

    /// The statuses a unit held, oldest first: its status history (JSON
    /// `status_history`, kept by [`Estate::updated`]), then its current status from
    /// `status_since`. Fees apply each status's factor to its days. Empty for an
    /// unknown or unsold unit.
    pub fn status_periods(&self, unit_id: String) -> Vec<StatusPeriod> {
        self.inner
            .status_periods(&unit_id)
            .into_iter()
            .map(|(since, status)| StatusPeriod { since, status })
            .collect()
    }
}
