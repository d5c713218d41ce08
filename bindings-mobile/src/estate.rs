//! The estate model: an `Estate` object and plain records for its parts.

use estatekit_ffi_guard::guard;
use std::sync::Arc;

use chrono::NaiveDate;
use estatekit::estate::{self, Building, Meter, MeterKind, Reading, Unit, UnitKind, UnitStatus};
use rust_decimal::Decimal;

use crate::EstateKitError;
use crate::money::{RoundingPolicy, core_policy};
use estatekit::tables::{self, EstateTables};
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
    /// Columns `meter_id, date, value`.
    #[uniffi(default = [])]
    pub readings: Vec<HashMap<String, String>>,
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
    let rows = |t: Vec<HashMap<String, String>>| -> Vec<tables::Row> {
        t.into_iter().map(|r| r.into_iter().collect()).collect()
    };
    let mut t = EstateTables::new(&tables.id, &tables.name);
    t.currency = tables.currency;
    t.rounding = core_policy(tables.rounding)?;
    t.buildings = rows(tables.buildings);
    t.units = rows(tables.units);
    t.meters = rows(tables.meters);
    t.readings = rows(tables.readings);
    let import = t.import().map_err(|e| EstateKitError::Records {
        code: e.code().to_owned(),
        detail: e.to_string(),
        problems: e
            .problems
            .iter()
            .map(|p| RecordProblem {
                table: p.table.clone(),
                row: p.row as u64,
                id: p.id.clone(),
                column: p.column.clone(),
                path: p.path.clone(),
                code: p.code.clone(),
                message: p.message.clone(),
            })
            .collect(),
        more: e.more as u64,
    })?;
    Ok(EstateFromRecords {
        estate: Arc::new(Estate {
            inner: import.estate,
        }),
        normalisations: import
            .normalisations
            .into_iter()
            .map(|n| Normalisation {
                table: n.table,
                row: n.row as u64,
                id: n.id,
                column: n.column,
                before: n.before,
                after: n.after,
            })
            .collect(),
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
}

#[uniffi::remote(Record)]
pub struct Meter {
    pub id: String,
    pub unit_id: Option<String>,
    pub kind: MeterKind,
    pub multiplier: Decimal,
    pub readings: Vec<Reading>,
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
