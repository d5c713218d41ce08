//! The occupant registry on mobile: the `Registry` object, the `Person`, `RoleRecord`,
//! `Vehicle` and `Transfer` records (the core's own), `ConsentBasis`, and
//! `registryIdDigest`. This file converts; the rules are in `estatekit::registry`.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use estatekit::registry::{
    self, ArrearsCheck, OccupantRole, Person, RoleRecord, Transfer, Vehicle,
};
use estatekit_ffi_guard::guard;
use rust_decimal::Decimal;

use crate::EstateKitError;

/// A person's role on a unit.
#[uniffi::remote(Enum)]
pub enum OccupantRole {
    Owner,
    CoOwner,
    HouseholdMember,
    Tenant,
}

/// A person of the registry: no ID number in clear (`id_ref` is a reference or
/// `registryIdDigest`).
#[uniffi::remote(Record)]
pub struct Person {
    pub id: String,
    pub name: String,
    #[uniffi(default = [])]
    pub phones: Vec<String>,
    #[uniffi(default = None)]
    pub email: Option<String>,
    #[uniffi(default = None)]
    pub id_ref: Option<String>,
}

/// A person's role on a unit from `from` (move-in) to `to` (the last day, inclusive;
/// move-out); a tenant's has the lease's days and the owner's consent reference.
#[uniffi::remote(Record)]
pub struct RoleRecord {
    pub unit_id: String,
    pub person_id: String,
    pub role: OccupantRole,
    pub from: NaiveDate,
    #[uniffi(default = None)]
    pub to: Option<NaiveDate>,
    #[uniffi(default = None)]
    pub lease_start: Option<NaiveDate>,
    #[uniffi(default = None)]
    pub lease_end: Option<NaiveDate>,
    #[uniffi(default = None)]
    pub consent_ref: Option<String>,
}

/// A vehicle (plate normalised: trimmed, uppercase, no inner spaces).
#[uniffi::remote(Record)]
pub struct Vehicle {
    pub plate: String,
    pub person_id: String,
    pub unit_id: String,
    #[uniffi(default = None)]
    pub space: Option<String>,
}

/// An ownership transfer (过户): the day, the previous and the new owners (owner
/// first), the arrears checked (zero).
#[uniffi::remote(Record)]
pub struct Transfer {
    pub unit_id: String,
    pub on: NaiveDate,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub arrears_checked: Decimal,
}

/// Why a person may consent for a unit: `basis` "owner", "co_owner" or "tenant"; a
/// tenant's `consent_ref` is the owner's written consent.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentBasis {
    /// "owner", "co_owner" or "tenant".
    pub basis: String,
    /// The owner's written consent of a tenant; null otherwise.
    pub consent_ref: Option<String>,
}

/// The keyed digest of an identity number for a person's `id_ref`: "hmac-sha256:" and
/// 64 hex digits, HMAC-SHA256 with `key` (not empty) of the number trimmed with a final
/// x uppercased. An 18-digit PRC ID number must have the GB 11643 check digit
/// (`invalid_id_number`).
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn registry_id_digest(key: Vec<u8>, id_number: String) -> Result<String, EstateKitError> {
    Ok(registry::Registry::id_digest(&key, &id_number)?)
}

/// The occupant registry of one estate (客户档案): persons, roles on units, vehicles and
/// ownership transfers, validated, with JSON that restores exactly (thread-safe).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Eq, Hash)]
pub struct Registry {
    inner: Mutex<registry::Registry>,
}

crate::json_eq!(Registry, |s| s.lock().to_json());

impl Registry {
    pub(crate) fn lock(&self) -> MutexGuard<'_, registry::Registry> {
        // A poisoned lock means a call panicked (reported as Internal); every core
        // operation checks before it changes anything, so the value is whole.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[guard(crate::panic_guard)]
#[uniffi::export]
impl Registry {
    /// An empty registry of the estate `estate_id`.
    #[uniffi::constructor]
    pub fn new(estate_id: String) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(registry::Registry::new(estate_id)),
        })
    }

    /// Reads and validates a registry document; errors name the record
    /// (`persons[3].id`, `roles[2].from`, …).
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, EstateKitError> {
        Ok(Arc::new(Self {
            inner: Mutex::new(registry::Registry::from_json(&text)?),
        }))
    }

    /// The registry as JSON (format_version 1).
    pub fn to_json(&self) -> String {
        self.lock().to_json()
    }

    /// The estate's id.
    pub fn estate_id(&self) -> String {
        self.lock().estate_id().to_owned()
    }

    /// Checks the registry against its estate: the same estate id (`mismatch` at
    /// `estate_id`), every unit named in the estate (`unknown_unit` at e.g.
    /// `roles[2].unit_id`).
    pub fn validate_against(&self, estate: Arc<crate::Estate>) -> Result<(), EstateKitError> {
        Ok(self.lock().validate_against(estate.core())?)
    }

    /// Adds a person; an `id_ref` that looks like an 18-digit ID number is refused
    /// (`clear_id_number`).
    pub fn add_person(&self, person: Person) -> Result<(), EstateKitError> {
        Ok(self.lock().add_person(person)?)
    }

    /// Adds a role (a move-in from `from`).
    pub fn add_role(&self, role: RoleRecord) -> Result<(), EstateKitError> {
        Ok(self.lock().add_role(role)?)
    }

    /// Adds a vehicle, its plate normalised.
    pub fn add_vehicle(&self, vehicle: Vehicle) -> Result<(), EstateKitError> {
        Ok(self.lock().add_vehicle(vehicle)?)
    }

    /// The person with this id, or null.
    pub fn person(&self, id: String) -> Option<Person> {
        self.lock().person(&id).cloned()
    }

    /// Every person, in the order added.
    pub fn persons(&self) -> Vec<Person> {
        self.lock().persons().to_vec()
    }

    /// Every role, in the order added.
    pub fn roles(&self) -> Vec<RoleRecord> {
        self.lock().roles().to_vec()
    }

    /// Every vehicle, in the order added.
    pub fn vehicles(&self) -> Vec<Vehicle> {
        self.lock().vehicles().to_vec()
    }

    /// Every ownership transfer, in the order recorded.
    pub fn transfers(&self) -> Vec<Transfer> {
        self.lock().transfers().to_vec()
    }

    /// The roles on `unit_id` that cover the day `on`, in the order added.
    pub fn occupants(&self, unit_id: String, on: NaiveDate) -> Vec<RoleRecord> {
        self.lock()
            .occupants(&unit_id, on)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Whether `person_id` may consent for `unit_id` on `on`. Throws `State`
    /// (`no_consent`: a household member, a tenant without the owner's consent, a role
    /// ended, no role) or `Validation` (`unknown_person`).
    pub fn may_consent(
        &self,
        unit_id: String,
        person_id: String,
        on: NaiveDate,
    ) -> Result<ConsentBasis, EstateKitError> {
        let b = self.lock().may_consent(&unit_id, &person_id, on)?;
        Ok(ConsentBasis {
            basis: b.as_str().to_owned(),
            consent_ref: b.consent_ref().map(str::to_owned),
        })
    }

    /// `person_id` moves out of `unit_id` on `on` (their last day): their household and
    /// tenant roles covering the day end on it. Ownership ends by `transfer`
    /// (`not_occupant`, a `State` error).
    pub fn move_out(
        &self,
        unit_id: String,
        person_id: String,
        on: NaiveDate,
    ) -> Result<(), EstateKitError> {
        Ok(self.lock().move_out(&unit_id, &person_id, on)?)
    }

    /// Transfers the ownership of `unit_id` (过户) on `on` to `to` (the first the owner,
    /// the others co-owners) once the arrears are zero: checked against `book`
    /// (principal and penalty outstanding on `on`) or the plain amount `arrears`
    /// (exactly one of the two). The owners' roles end the day before; tenants'
    /// consent references lapse. The same transfer again returns the recorded one.
    #[uniffi::method(default(book = None, arrears = None))]
    pub fn transfer(
        &self,
        unit_id: String,
        to: Vec<String>,
        on: NaiveDate,
        book: Option<Arc<crate::receivables::Receivables>>,
        arrears: Option<Decimal>,
    ) -> Result<Transfer, EstateKitError> {
        let to: Vec<&str> = to.iter().map(String::as_str).collect();
        let check_with = |check: ArrearsCheck<'_>| self.lock().transfer(&unit_id, &to, on, check);
        match (book, arrears) {
            (Some(b), None) => {
                let held = b.lock();
                Ok(check_with(ArrearsCheck::Book(&held))?)
            }
            (None, Some(a)) => Ok(check_with(ArrearsCheck::Amount(a))?),
            (Some(_), Some(_)) => Err(EstateKitError::validation(
                "conflicting_fields",
                "arrears",
                "arrears: give book or arrears, not both".to_owned(),
            )),
            (None, None) => Err(EstateKitError::validation(
                "missing_value",
                "arrears",
                "arrears: give book (the receivables book) or arrears (an amount)".to_owned(),
            )),
        }
    }
}
