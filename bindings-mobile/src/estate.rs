//! The estate model: an `Estate` object and plain records for its parts.

use estatekit_ffi_guard::guard;
use std::sync::Arc;

use chrono::NaiveDate;
use estatekit::estate::{self, Building, Meter, MeterKind, Reading, Unit, UnitKind, UnitStatus};
use rust_decimal::Decimal;

use crate::EstateKitError;
use crate::money::RoundingPolicy;

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
