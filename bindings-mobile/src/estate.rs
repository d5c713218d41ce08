//! The estate model: an `Estate` object and plain records for its parts.

use estatekit_ffi_guard::guard;
use std::sync::Arc;

use chrono::NaiveDate;
use estatekit::estate::{
    self, Building, Meter, MeterChangeUpdate, MeterEvent, MeterKind, Reading, ReadingUpdate,
    StatusUpdate, Unit, UnitKind, UnitStatus,
};
use estatekit::fees::calc::MeterChange;
use rust_decimal::Decimal;

use crate::EstateKitError;
use crate::money::{RoundingPolicy, core_policy};
use estatekit::tables::EstateTables;
use std::collections::HashMap;

/// An estate as spreadsheet tables: each row maps column names to cell text (an
/// absent key or an empty cell is missing). See the README, "Estates from spreadsheets".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EstateTablesRecord {
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

/// A change made to a cell's text before reading it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Normalisation {
    /// `buildings`, `units`, `meters` or `readings`.
    pub table: String,
    /// 1-based data row number.
    pub row: u64,
    /// The row's id (readings: `meter_id@date`), if any.
    pub id: Option<String>,
    /// The column.
    pub column: String,
    /// The cell as given.
    pub before: String,
    /// The text that was read.
    pub after: String,
}

/// One problem in the tables.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RecordProblem {
    /// `estate`, `buildings`, `units`, `meters` or `readings`.
    pub table: String,
    /// 1-based data row number (0: the estate's fields or a whole table/column).
    pub row: u64,
    /// The row's id, if any.
    pub id: Option<String>,
    /// The column, if any.
    pub column: Option<String>,
    /// E.g. `units[id=3-1-1203].gross_area`.
    pub path: String,
    /// Stable code, e.g. `invalid_decimal`, `duplicate_id`.
    pub code: String,
    /// What is wrong, naming the accepted forms.
    pub message: String,
}

/// An estate read from tables, and the normalisations made.
#[derive(Debug, Clone, uniffi::Record)]
pub struct EstateFromRecords {
    /// The validated estate.
    pub estate: Arc<Estate>,
    /// Each change made to a cell's text.
    pub normalisations: Vec<Normalisation>,
}

/// Builds an estate from spreadsheet tables: lenient about cell text (spaces,
/// thousands separators, `YYYY/M/D` dates, case), strict about column names; every
/// problem at once as `EstateKitError.Records`.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn estate_from_records(
    tables: EstateTablesRecord,
) -> Result<EstateFromRecords, EstateKitError> {
    let rows = crate::records::core_rows;
    let mut t = EstateTables::new(&tables.id, &tables.name);
    t.currency = tables.currency;
    t.rounding = core_policy(tables.rounding)?;
    t.buildings = rows(tables.buildings);
    t.units = rows(tables.units);
    t.meters = rows(tables.meters);
    t.readings = rows(tables.readings);
    t.meter_changes = rows(tables.meter_changes);
    let import = t.import()?;
    Ok(EstateFromRecords {
        estate: Arc::new(Estate {
            inner: import.estate,
        }),
        normalisations: import.normalisations.into_iter().map(Into::into).collect(),
    })
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

#[uniffi::remote(Record)]
pub struct Unit {
    pub id: String,
    pub building_id: String,
    pub floor: i32,
    pub number: String,
    pub kind: UnitKind,
    pub gross_area: Decimal,
    pub internal_area: Option<Decimal>,
    pub occupants: u32,
    pub status: UnitStatus,
    pub status_since: Option<NaiveDate>,
    pub delivered_on: Option<NaiveDate>,
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

#[uniffi::remote(Record)]
pub struct StatusUpdate {
    pub unit_id: String,
    pub status: UnitStatus,
    pub since: NaiveDate,
    #[uniffi(default = None)]
    pub occupants: Option<u32>,
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
pub struct EstateUpdateRecord {
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

/// Counts and areas of an estate.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EstateSummary {
    /// Number of buildings.
    pub buildings: u64,
    /// Number of units.
    pub units: u64,
    /// Units per kind, every kind in declaration order.
    pub by_kind: Vec<KindCount>,
    /// Units per status, every status in declaration order.
    pub by_status: Vec<StatusCount>,
    /// Sum of gross areas, m².
    pub total_gross_area: Decimal,
    /// Sum of the known internal areas, m².
    pub total_internal_area: Decimal,
    /// Sum of occupants.
    pub occupants: u32,
    /// Number of meters.
    pub meters: u64,
}

/// Units of one kind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KindCount {
    /// The kind.
    pub kind: UnitKind,
    /// How many units.
    pub count: u64,
}

/// Units in one status.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusCount {
    /// The status.
    pub status: UnitStatus,
    /// How many units.
    pub count: u64,
}

/// A validated estate (immutable, shareable across threads).
#[derive(Debug, uniffi::Object)]
pub struct Estate {
    pub(crate) inner: estate::Estate,
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
    /// Parses and validates estate JSON; errors name the path of the bad field.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: estate::Estate::from_json(&text)?,
        }))
    }

    /// The embedded demo estate: two buildings, 40 units, unit and master meters.
    #[uniffi::constructor]
    pub fn demo() -> Arc<Self> {
        Arc::new(Self {
            inner: estate::Estate::demo(),
        })
    }

    /// The estate as JSON; `fromJson` reads it back unchanged.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The estate for the next month: `update` applied to a new, validated estate
    /// (this one is untouched; a bad row changes nothing). A reading the meter already
    /// has (same day and value) is already there, so applying the same update twice
    /// gives the same estate; another value on that day is refused
    /// (`conflicting_update`, path `readings[i].value`), never overwritten. Errors
    /// name the update's row (`readings[2].meter_id`, `status_changes[0].since`,
    /// `meter_changes[0].change.replacement.old_final`).
    pub fn updated(&self, update: EstateUpdateRecord) -> Result<Arc<Self>, EstateKitError> {
        let update = estate::EstateUpdate {
            readings: update.readings,
            status_changes: update.status_changes,
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
    pub fn units(&self) -> Vec<Unit> {
        self.inner.units().to_vec()
    }

    /// All meters with their readings.
    pub fn meters(&self) -> Vec<Meter> {
        self.inner.meters().to_vec()
    }

    /// The unit with this id, if any.
    pub fn unit(&self, id: String) -> Option<Unit> {
        self.inner.unit(&id).cloned()
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
        let s = self.inner.summary();
        EstateSummary {
            buildings: s.buildings as u64,
            units: s.units as u64,
            by_kind: s
                .by_kind
                .into_iter()
                .map(|(kind, n)| KindCount {
                    kind,
                    count: n as u64,
                })
                .collect(),
            by_status: s
                .by_status
                .into_iter()
                .map(|(status, n)| StatusCount {
                    status,
                    count: n as u64,
                })
                .collect(),
            total_gross_area: s.total_gross_area,
            total_internal_area: s.total_internal_area,
            occupants: s.occupants,
            meters: s.meters as u64,
        }
    }
}
