//! The registry document: validation, queries, move-outs and transfers.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::id_number;
use super::{ConsentBasis, OccupantRole, Person, RegistryError, RoleRecord, Transfer, Vehicle};

/// The `format_version` of the registry documents this library writes and reads.
///
/// ```
/// assert_eq!(estatekit::registry::REGISTRY_FORMAT_VERSION, 1);
/// ```
pub const REGISTRY_FORMAT_VERSION: u32 = 1;

/// How [`Registry::transfer`] checks that the unit owes nothing: against the estate's
/// receivables book (principal and penalty outstanding on the day, see
/// [`Balance`](crate::fees::ledger::Balance)), or a plain amount when there is no
/// book.
///
/// ```
/// use estatekit::registry::ArrearsCheck;
/// let a = ArrearsCheck::Amount("0".parse()?);
/// assert!(matches!(a, ArrearsCheck::Amount(d) if d.is_zero()));
/// # Ok::<(), rust_decimal::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub enum ArrearsCheck<'a> {
    /// The book: `balance(unit, on)`, principal plus penalty outstanding.
    Book(&'a crate::fees::receivables::Receivables),
    /// The arrears as the caller knows them (zero or more).
    Amount(Decimal),
}

/// A plate as the registry keeps it: trimmed, uppercase, without inner spaces (any
/// Unicode white space, the ideographic space included).
///
/// ```
/// assert_eq!(estatekit::registry::normalise_plate(" 京a 1234５ "), "京A1234５");
/// assert_eq!(estatekit::registry::normalise_plate("沪B\u{3000}77777"), "沪B77777");
/// ```
pub fn normalise_plate(plate: &str) -> String {
    plate
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The occupant registry of one estate: persons, their roles on units, vehicles and
/// ownership transfers; validated (ids unique, every person reference resolved, dates
/// in order, no two owners of a unit on a day), with JSON that restores exactly.
///
/// ```
/// use estatekit::registry::{OccupantRole, Person, Registry, RoleRecord};
/// let mut r = Registry::new("demo");
/// r.add_person(Person::new("P1", "张三"))?;
/// r.add_role(RoleRecord::new("1-101", "P1", OccupantRole::Owner, "2024-08-01".parse()?))?;
/// assert_eq!(r.occupants("1-101", "2026-12-07".parse()?).len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    estate_id: String,
    persons: Vec<Person>,
    roles: Vec<RoleRecord>,
    vehicles: Vec<Vehicle>,
    transfers: Vec<Transfer>,
    /// Person id → position in `persons`.
    index: HashMap<String, usize>,
}

#[derive(Serialize)]
struct DocumentOut<'a> {
    format_version: u32,
    estate_id: &'a str,
    persons: &'a [Person],
    roles: &'a [RoleRecord],
    vehicles: &'a [Vehicle],
    transfers: &'a [Transfer],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentIn {
    format_version: u32,
    estate_id: String,
    #[serde(default)]
    persons: Vec<Person>,
    #[serde(default)]
    roles: Vec<RoleRecord>,
    #[serde(default)]
    vehicles: Vec<Vehicle>,
    #[serde(default)]
    transfers: Vec<Transfer>,
}

fn empty(path: &str) -> RegistryError {
    RegistryError::value("empty_field", path, "must not be empty")
}

fn non_empty(value: &str, path: &str) -> Result<(), RegistryError> {
    if value.trim().is_empty() {
        Err(empty(path))
    } else {
        Ok(())
    }
}

fn in_years(d: NaiveDate, path: &str) -> Result<(), RegistryError> {
    if crate::diagnostic::in_supported_years(&d) {
        Ok(())
    } else {
        Err(RegistryError::value(
            "out_of_range",
            path,
            format!("{d} is outside the supported years 1–9999"),
        ))
    }
}

/// Checks one person on its own (paths relative to the person).
fn check_person(p: &Person) -> Result<(), RegistryError> {
    non_empty(&p.id, "id")?;
    non_empty(&p.name, "name")?;
    for (i, phone) in p.phones.iter().enumerate() {
        non_empty(phone, &format!("phones[{i}]"))?;
    }
    if let Some(email) = &p.email {
        non_empty(email, "email")?;
    }
    if let Some(r) = &p.id_ref {
        non_empty(r, "id_ref")?;
        if id_number::looks_like_id_number(r.trim()) {
            return Err(RegistryError::ClearIdNumber {
                path: "id_ref".to_owned(),
                person: p.id.clone(),
            });
        }
    }
    Ok(())
}

/// Checks one role on its own (paths relative to the role), its person known.
fn check_role(r: &RoleRecord, known: impl Fn(&str) -> bool) -> Result<(), RegistryError> {
    non_empty(&r.unit_id, "unit_id")?;
    non_empty(&r.person_id, "person_id")?;
    if !known(&r.person_id) {
        return Err(RegistryError::UnknownPerson {
            path: "person_id".to_owned(),
            person: r.person_id.clone(),
        });
    }
    in_years(r.from, "from")?;
    for (d, path) in [
        (r.to, "to"),
        (r.lease_start, "lease_start"),
        (r.lease_end, "lease_end"),
    ] {
        if let Some(d) = d {
            in_years(d, path)?;
        }
    }
    if let Some(to) = r.to
        && to < r.from
    {
        return Err(RegistryError::value(
            "ends_before_starts",
            "to",
            format!("the role ends on {to}, before it starts on {}", r.from),
        ));
    }
    if let Some(c) = &r.consent_ref {
        non_empty(c, "consent_ref")?;
    }
    if r.role == OccupantRole::Tenant {
        let start = r.lease_start.ok_or_else(|| {
            RegistryError::value(
                "missing_value",
                "lease_start",
                "a tenant's role needs the lease's first day",
            )
        })?;
        let end = r.lease_end.ok_or_else(|| {
            RegistryError::value(
                "missing_value",
                "lease_end",
                "a tenant's role needs the lease's last day",
            )
        })?;
        if end < start {
            return Err(RegistryError::value(
                "ends_before_starts",
                "lease_end",
                format!("the lease ends on {end}, before it starts on {start}"),
            ));
        }
        if r.from < start || r.from > end {
            return Err(RegistryError::value(
                "out_of_range",
                "from",
                format!("{} is outside the lease {start} to {end}", r.from),
            ));
        }
        if let Some(to) = r.to
            && to > end
        {
            return Err(RegistryError::value(
                "out_of_range",
                "to",
                format!("{to} is after the lease's last day {end}"),
            ));
        }
    } else {
        for (given, path) in [
            (r.lease_start.is_some(), "lease_start"),
            (r.lease_end.is_some(), "lease_end"),
            (r.consent_ref.is_some(), "consent_ref"),
        ] {
            if given {
                return Err(RegistryError::value(
                    "conflicting_fields",
                    path,
                    format!("only a tenant's role has {path}; this is a {} role", r.role),
                ));
            }
        }
    }
    Ok(())
}

/// Checks one vehicle on its own (paths relative to it), its plate normalised.
fn check_vehicle(v: &mut Vehicle, known: impl Fn(&str) -> bool) -> Result<(), RegistryError> {
    v.plate = normalise_plate(&v.plate);
    non_empty(&v.plate, "plate")?;
    non_empty(&v.person_id, "person_id")?;
    non_empty(&v.unit_id, "unit_id")?;
    if let Some(s) = &v.space {
        non_empty(s, "space")?;
    }
    if !known(&v.person_id) {
        return Err(RegistryError::UnknownPerson {
            path: "person_id".to_owned(),
            person: v.person_id.clone(),
        });
    }
    Ok(())
}

/// Whether two roles share a day.
fn overlap(a: &RoleRecord, b: &RoleRecord) -> bool {
    a.last_day().is_none_or(|l| b.from <= l) && b.last_day().is_none_or(|l| a.from <= l)
}

/// Why two roles on the same unit may not share a day, if they may not.
fn clash(a: &RoleRecord, b: &RoleRecord) -> Option<&'static str> {
    if a.unit_id != b.unit_id {
        return None;
    }
    let same_person = a.person_id == b.person_id;
    if same_person && a.role == b.role {
        Some("the same role of the same person")
    } else if same_person && a.role.is_ownership() && b.role.is_ownership() {
        Some("two ownership roles of the same person")
    } else if a.role == OccupantRole::Owner && b.role == OccupantRole::Owner {
        Some("two owners of the unit (name the others co-owners)")
    } else {
        None
    }
}

fn overlapping(path: &str, a: &RoleRecord, b: &RoleRecord, why: &str) -> RegistryError {
    RegistryError::value(
        "overlapping_periods",
        path,
        format!(
            "{why}: {} as {} from {} overlaps {} as {} from {} on unit {:?}",
            b.person_id, b.role, b.from, a.person_id, a.role, a.from, a.unit_id
        ),
    )
}

/// The first pair of roles (in a sweep by start day) that may not share a day:
/// `(earlier, later)` indices. Each class of clash (same person and role, same
/// person's ownership, the unit's owner) is swept separately in O(n log n).
fn first_clash(roles: &[RoleRecord]) -> Option<(usize, usize, &'static str)> {
    let mut groups: BTreeMap<(&str, &str, u8), Vec<usize>> = BTreeMap::new();
    for (i, r) in roles.iter().enumerate() {
        let role = r.role as u8;
        groups
            .entry((&r.unit_id, &r.person_id, role))
            .or_default()
            .push(i);
        if r.role.is_ownership() {
            groups
                .entry((&r.unit_id, &r.person_id, 100))
                .or_default()
                .push(i);
        }
        if r.role == OccupantRole::Owner {
            groups.entry((&r.unit_id, "", 200)).or_default().push(i);
        }
    }
    let mut found: Option<(usize, usize, &'static str)> = None;
    for ((_, _, class), mut members) in groups {
        if members.len() < 2 {
            continue;
        }
        members.sort_by_key(|&i| (roles[i].from, i));
        // The member reaching furthest so far (None: open-ended).
        let mut reach = members[0];
        for &j in &members[1..] {
            if overlap(&roles[reach], &roles[j]) {
                let why = match class {
                    100 => "two ownership roles of the same person",
                    200 => "two owners of the unit (name the others co-owners)",
                    _ => "the same role of the same person",
                };
                let pair = (reach.min(j), reach.max(j), why);
                if found.is_none_or(|f| (pair.1, pair.0) < (f.1, f.0)) {
                    found = Some(pair);
                }
                break;
            }
            let longer = match (roles[reach].last_day(), roles[j].last_day()) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(a), Some(b)) => b > a,
            };
            if longer {
                reach = j;
            }
        }
    }
    found
}

impl Registry {
    /// An empty registry of the estate `estate_id`.
    ///
    /// ```
    /// let r = estatekit::registry::Registry::new("demo");
    /// assert_eq!((r.estate_id(), r.persons().len()), ("demo", 0));
    /// ```
    pub fn new(estate_id: impl Into<String>) -> Registry {
        Registry {
            estate_id: estate_id.into(),
            persons: Vec::new(),
            roles: Vec::new(),
            vehicles: Vec::new(),
            transfers: Vec::new(),
            index: HashMap::new(),
        }
    }

    /// Reads and validates a registry document (at most
    /// [`MAX_DOCUMENT_BYTES`](crate::MAX_DOCUMENT_BYTES)); plates are normalised.
    ///
    /// # Errors
    /// `document_too_large`, `json` (naming the field), `unsupported_format_version`,
    /// and each record's errors under its path (`persons[3].id`, `roles[2].from`,
    /// `vehicles[0].plate`, `transfers[1].to[0]`): `empty_field`, `duplicate_id`,
    /// `clear_id_number`, `unknown_person`, `missing_value`, `conflicting_fields`,
    /// `ends_before_starts`, `out_of_range`, `overlapping_periods`,
    /// `arrears_outstanding`, `negative`, `conflicting_transfer`.
    ///
    /// ```
    /// use estatekit::registry::Registry;
    /// let r = Registry::from_json(r#"{"format_version": 1, "estate_id": "demo",
    ///   "persons": [{"id": "P1", "name": "张三"}],
    ///   "roles": [{"unit_id": "1-101", "person_id": "P2", "role": "owner", "from": "2024-08-01"}]}"#);
    /// let e = r.unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("unknown_person", "roles[0].person_id"));
    /// ```
    pub fn from_json(text: &str) -> Result<Registry, RegistryError> {
        crate::json::within_limit(text).map_err(|(size, limit)| {
            RegistryError::DocumentTooLarge {
                path: "$".to_owned(),
                size,
                limit,
            }
        })?;
        let doc: DocumentIn = crate::json::parse(text).map_err(|f| RegistryError::Json {
            path: f.path,
            message: f.message,
        })?;
        if doc.format_version != REGISTRY_FORMAT_VERSION {
            return Err(RegistryError::UnsupportedFormatVersion {
                path: "format_version".to_owned(),
                found: doc.format_version,
                supported: REGISTRY_FORMAT_VERSION,
            });
        }
        non_empty(&doc.estate_id, "estate_id")?;
        let mut r = Registry::new(doc.estate_id);
        for (i, p) in doc.persons.iter().enumerate() {
            check_person(p).map_err(|e| e.within(&format!("persons[{i}].")))?;
        }
        if let Some(dup) = crate::ids::first_duplicate(doc.persons.iter().map(|p| p.id.as_str())) {
            let i = doc
                .persons
                .iter()
                .enumerate()
                .filter(|(_, p)| p.id == dup)
                .nth(1)
                .map_or(0, |(i, _)| i);
            return Err(RegistryError::value(
                "duplicate_id",
                format!("persons[{i}].id"),
                format!("person {dup:?} is given twice"),
            ));
        }
        r.index = doc
            .persons
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        r.persons = doc.persons;
        for (i, role) in doc.roles.iter().enumerate() {
            check_role(role, |p| r.index.contains_key(p))
                .map_err(|e| e.within(&format!("roles[{i}].")))?;
        }
        if let Some((a, b, why)) = first_clash(&doc.roles) {
            return Err(overlapping(
                &format!("roles[{b}].from"),
                &doc.roles[a],
                &doc.roles[b],
                why,
            ));
        }
        r.roles = doc.roles;
        let mut vehicles = doc.vehicles;
        let mut plates = HashSet::new();
        for (i, v) in vehicles.iter_mut().enumerate() {
            check_vehicle(v, |p| r.index.contains_key(p))
                .map_err(|e| e.within(&format!("vehicles[{i}].")))?;
            if !plates.insert(v.plate.clone()) {
                return Err(RegistryError::value(
                    "duplicate_id",
                    format!("vehicles[{i}].plate"),
                    format!("plate {:?} is given twice", v.plate),
                ));
            }
        }
        r.vehicles = vehicles;
        let mut last: HashMap<&str, NaiveDate> = HashMap::new();
        for (i, t) in doc.transfers.iter().enumerate() {
            r.check_recorded_transfer(t)
                .map_err(|e| e.within(&format!("transfers[{i}].")))?;
            if let Some(prev) = last.insert(&t.unit_id, t.on)
                && prev >= t.on
            {
                return Err(RegistryError::value(
                    "conflicting_transfer",
                    format!("transfers[{i}].on"),
                    format!(
                        "unit {:?}: a transfer on {} follows one on {prev}: one transfer a day, in date order",
                        t.unit_id, t.on
                    ),
                ));
            }
        }
        r.transfers = doc.transfers;
        Ok(r)
    }

    fn check_recorded_transfer(&self, t: &Transfer) -> Result<(), RegistryError> {
        non_empty(&t.unit_id, "unit_id")?;
        in_years(t.on, "on")?;
        self.check_persons("from", &t.from)?;
        if t.to.is_empty() {
            return Err(empty("to"));
        }
        self.check_persons("to", &t.to)?;
        if t.arrears_checked < Decimal::ZERO {
            return Err(RegistryError::value(
                "negative",
                "arrears_checked",
                format!("arrears of {} are below zero", t.arrears_checked),
            ));
        }
        if !t.arrears_checked.is_zero() {
            return Err(RegistryError::value(
                "arrears_outstanding",
                "arrears_checked",
                format!(
                    "unit {:?}: a transfer is recorded with arrears of {}; a transfer needs them cleared",
                    t.unit_id, t.arrears_checked
                ),
            ));
        }
        Ok(())
    }

    /// Each id known and given once (paths `field[i]`).
    fn check_persons<S: AsRef<str>>(&self, field: &str, ids: &[S]) -> Result<(), RegistryError> {
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            let id = id.as_ref();
            if !self.index.contains_key(id) {
                return Err(RegistryError::UnknownPerson {
                    path: format!("{field}[{i}]"),
                    person: id.to_owned(),
                });
            }
            if !seen.insert(id) {
                return Err(RegistryError::value(
                    "duplicate_id",
                    format!("{field}[{i}]"),
                    format!("person {id:?} is named twice"),
                ));
            }
        }
        Ok(())
    }

    /// The registry as a JSON document (`format_version` 1; every list, empty or not;
    /// optional fields left out when unset), which [`Registry::from_json`] restores
    /// exactly.
    ///
    /// ```
    /// let r = estatekit::registry::Registry::new("demo");
    /// assert_eq!(r.to_json(), "{\n  \"format_version\": 1,\n  \"estate_id\": \"demo\",\n  \"persons\": [],\n  \"roles\": [],\n  \"vehicles\": [],\n  \"transfers\": []\n}");
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&DocumentOut {
            format_version: REGISTRY_FORMAT_VERSION,
            estate_id: &self.estate_id,
            persons: &self.persons,
            roles: &self.roles,
            vehicles: &self.vehicles,
            transfers: &self.transfers,
        })
        .expect("a registry serializes: strings, dates and decimal strings")
    }

    /// Checks the registry against its estate: the estate's id is the registry's, and
    /// every unit a role, a vehicle or a transfer names is in the estate.
    ///
    /// # Errors
    /// `mismatch` at `estate_id`; `unknown_unit` at `roles[i].unit_id`,
    /// `vehicles[i].unit_id` or `transfers[i].unit_id` (the first, in that order).
    ///
    /// ```
    /// use estatekit::{estate::Estate, registry::{OccupantRole, Person, Registry, RoleRecord}};
    /// let estate = Estate::demo();
    /// let mut r = Registry::new(estate.id());
    /// r.add_person(Person::new("P1", "张三"))?;
    /// r.add_role(RoleRecord::new("9-999", "P1", OccupantRole::Owner, "2024-08-01".parse()?))?;
    /// let e = r.validate_against(&estate).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("unknown_unit", "roles[0].unit_id"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn validate_against(&self, estate: &crate::estate::Estate) -> Result<(), RegistryError> {
        if estate.id() != self.estate_id {
            return Err(RegistryError::value(
                "mismatch",
                "estate_id",
                format!(
                    "the registry is of estate {:?}, the estate given is {:?}",
                    self.estate_id,
                    estate.id()
                ),
            ));
        }
        let units = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("roles[{i}].unit_id"), &r.unit_id))
            .chain(
                self.vehicles
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("vehicles[{i}].unit_id"), &v.unit_id)),
            )
            .chain(
                self.transfers
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (format!("transfers[{i}].unit_id"), &t.unit_id)),
            );
        for (path, unit) in units {
            if estate.unit(unit).is_none() {
                return Err(RegistryError::UnknownUnit {
                    path,
                    unit: unit.clone(),
                });
            }
        }
        Ok(())
    }

    /// The estate's id.
    ///
    /// ```
    /// assert_eq!(estatekit::registry::Registry::new("demo").estate_id(), "demo");
    /// ```
    pub fn estate_id(&self) -> &str {
        &self.estate_id
    }

    /// Every person, in the order added.
    ///
    /// ```
    /// assert!(estatekit::registry::Registry::new("demo").persons().is_empty());
    /// ```
    pub fn persons(&self) -> &[Person] {
        &self.persons
    }

    /// Every role, in the order added (a transfer appends the new owners' roles and
    /// the tenants' roles without consent).
    ///
    /// ```
    /// assert!(estatekit::registry::Registry::new("demo").roles().is_empty());
    /// ```
    pub fn roles(&self) -> &[RoleRecord] {
        &self.roles
    }

    /// Every vehicle, in the order added.
    ///
    /// ```
    /// assert!(estatekit::registry::Registry::new("demo").vehicles().is_empty());
    /// ```
    pub fn vehicles(&self) -> &[Vehicle] {
        &self.vehicles
    }

    /// Every ownership transfer, in the order recorded.
    ///
    /// ```
    /// assert!(estatekit::registry::Registry::new("demo").transfers().is_empty());
    /// ```
    pub fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }

    /// Adds a person; nothing changes on error.
    ///
    /// # Errors
    /// `empty_field` (`id`, `name`, `phones[i]`, `email`, `id_ref`), `clear_id_number`
    /// (`id_ref`), `duplicate_id` (`id`).
    ///
    /// ```
    /// use estatekit::registry::{Person, Registry};
    /// let mut r = Registry::new("demo");
    /// let mut p = Person::new("P1", "张三");
    /// p.id_ref = Some("11010519491231002X".into());
    /// assert_eq!(r.add_person(p.clone()).unwrap_err().code(), "clear_id_number");
    /// p.id_ref = Some(Registry::id_digest(b"the estate's secret key", "11010519491231002X")?);
    /// r.add_person(p.clone())?;
    /// assert_eq!(r.add_person(p).unwrap_err().code(), "duplicate_id");
    /// # Ok::<(), estatekit::registry::RegistryError>(())
    /// ```
    pub fn add_person(&mut self, p: Person) -> Result<(), RegistryError> {
        check_person(&p)?;
        if self.index.contains_key(&p.id) {
            return Err(RegistryError::value(
                "duplicate_id",
                "id",
                format!("person {:?} is already registered", p.id),
            ));
        }
        self.index.insert(p.id.clone(), self.persons.len());
        self.persons.push(p);
        Ok(())
    }

    /// Adds a role (a move-in from `from`); nothing changes on error.
    ///
    /// # Errors
    /// `empty_field`, `unknown_person` (`person_id`), `out_of_range`,
    /// `ends_before_starts`, `missing_value` / `conflicting_fields` (lease and consent
    /// fields), `overlapping_periods` (`from`: the same role of the same person, two
    /// ownership roles of a person, or two owners of the unit on a common day).
    ///
    /// ```
    /// use estatekit::registry::{OccupantRole, Person, Registry, RoleRecord};
    /// let mut r = Registry::new("demo");
    /// r.add_person(Person::new("P3", "赵六"))?;
    /// let mut t = RoleRecord::new("1-101", "P3", OccupantRole::Tenant, "2026-01-01".parse()?);
    /// let e = r.add_role(t.clone()).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("missing_value", "lease_start"));
    /// t.lease_start = Some("2026-01-01".parse()?);
    /// t.lease_end = Some("2026-12-31".parse()?);
    /// r.add_role(t)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_role(&mut self, r: RoleRecord) -> Result<(), RegistryError> {
        check_role(&r, |p| self.index.contains_key(p))?;
        if let Some((other, why)) = self
            .roles
            .iter()
            .find_map(|o| clash(o, &r).filter(|_| overlap(o, &r)).map(|why| (o, why)))
        {
            return Err(overlapping("from", other, &r, why));
        }
        self.roles.push(r);
        Ok(())
    }

    /// Adds a vehicle, its plate normalised ([`normalise_plate`]); nothing changes on
    /// error.
    ///
    /// # Errors
    /// `empty_field`, `unknown_person` (`person_id`), `duplicate_id` (`plate`).
    ///
    /// ```
    /// use estatekit::registry::{Person, Registry, Vehicle};
    /// let mut r = Registry::new("demo");
    /// r.add_person(Person::new("P1", "张三"))?;
    /// r.add_vehicle(Vehicle::new(" 京a 12345", "P1", "1-101"))?;
    /// assert_eq!(r.vehicles()[0].plate, "京A12345");
    /// let e = r.add_vehicle(Vehicle::new("京A12345", "P1", "1-101")).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("duplicate_id", "plate"));
    /// # Ok::<(), estatekit::registry::RegistryError>(())
    /// ```
    pub fn add_vehicle(&mut self, mut v: Vehicle) -> Result<(), RegistryError> {
        check_vehicle(&mut v, |p| self.index.contains_key(p))?;
        if self.vehicles.iter().any(|o| o.plate == v.plate) {
            return Err(RegistryError::value(
                "duplicate_id",
                "plate",
                format!("plate {:?} is already registered", v.plate),
            ));
        }
        self.vehicles.push(v);
        Ok(())
    }

    /// The person with this id.
    ///
    /// ```
    /// use estatekit::registry::{Person, Registry};
    /// let mut r = Registry::new("demo");
    /// r.add_person(Person::new("P1", "张三"))?;
    /// assert_eq!(r.person("P1").map(|p| p.name.as_str()), Some("张三"));
    /// assert!(r.person("P2").is_none());
    /// # Ok::<(), estatekit::registry::RegistryError>(())
    /// ```
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.index.get(id).map(|&i| &self.persons[i])
    }

    /// The roles on `unit_id` that cover the day `on`, in the order added.
    ///
    /// ```
    /// use estatekit::registry::{OccupantRole, Person, Registry, RoleRecord};
    /// let mut r = Registry::new("demo");
    /// r.add_person(Person::new("P1", "张三"))?;
    /// let mut role = RoleRecord::new("1-101", "P1", OccupantRole::Owner, "2024-08-01".parse()?);
    /// role.to = Some("2025-12-31".parse()?);
    /// r.add_role(role)?;
    /// assert_eq!(r.occupants("1-101", "2025-12-31".parse()?).len(), 1);
    /// assert!(r.occupants("1-101", "2026-01-01".parse()?).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn occupants(&self, unit_id: &str, on: NaiveDate) -> Vec<&RoleRecord> {
        self.roles
            .iter()
            .filter(|r| r.unit_id == unit_id && r.covers(on))
            .collect()
    }

    fn known_person(&self, person_id: &str) -> Result<(), RegistryError> {
        if self.index.contains_key(person_id) {
            Ok(())
        } else {
            Err(RegistryError::UnknownPerson {
                path: "person_id".to_owned(),
                person: person_id.to_owned(),
            })
        }
    }

    /// Whether `person_id` may consent for `unit_id` on the day `on` (to a renovation,
    /// a decision about the unit): an owner or co-owner whose role covers the day, or
    /// a tenant whose role covers it and who holds the owner's written consent
    /// (`consent_ref`).
    ///
    /// # Errors
    /// `unknown_person` at `person_id`; `no_consent` at `person_id` (a state error)
    /// naming the unit, the person and why: a tenant without the owner's consent, a
    /// household member, a role that ended or has not started, no role on the unit.
    ///
    /// ```
    /// use estatekit::registry::{ConsentBasis, Person, Registry, RoleRecord};
    /// let mut r = Registry::new("demo");
    /// r.add_person(Person::new("P3", "赵六"))?;
    /// r.add_role(RoleRecord::tenant("1-101", "P3", "2026-01-01".parse()?, "2026-12-31".parse()?,
    ///     Some("授权书-031".into())))?;
    /// assert_eq!(r.may_consent("1-101", "P3", "2026-06-01".parse()?)?,
    ///     ConsentBasis::Tenant { consent_ref: "授权书-031".into() });
    /// let e = r.may_consent("1-101", "P3", "2027-01-01".parse()?).unwrap_err();
    /// assert_eq!(e.to_string(), "person_id: person \"P3\" may not consent for unit \"1-101\": their role as tenant ended on 2026-12-31");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn may_consent(
        &self,
        unit_id: &str,
        person_id: &str,
        on: NaiveDate,
    ) -> Result<ConsentBasis, RegistryError> {
        self.known_person(person_id)?;
        let mine: Vec<&RoleRecord> = self
            .roles
            .iter()
            .filter(|r| r.unit_id == unit_id && r.person_id == person_id)
            .collect();
        let covering: Vec<&&RoleRecord> = mine.iter().filter(|r| r.covers(on)).collect();
        let has = |role: OccupantRole| covering.iter().any(|r| r.role == role);
        if has(OccupantRole::Owner) {
            return Ok(ConsentBasis::Owner);
        }
        if has(OccupantRole::CoOwner) {
            return Ok(ConsentBasis::CoOwner);
        }
        if let Some(c) = covering
            .iter()
            .filter(|r| r.role == OccupantRole::Tenant)
            .find_map(|r| r.consent_ref.clone())
        {
            return Ok(ConsentBasis::Tenant { consent_ref: c });
        }
        let reason = if has(OccupantRole::Tenant) {
            "a tenant without the owner's written consent (consent_ref)".to_owned()
        } else if has(OccupantRole::HouseholdMember) {
            "a household member may not consent; the owner or a co-owner may".to_owned()
        } else if let Some(ended) = mine
            .iter()
            .filter_map(|r| r.last_day().filter(|l| *l < on).map(|l| (l, r.role)))
            .max()
        {
            format!("their role as {} ended on {}", ended.1, ended.0)
        } else if let Some(starts) = mine
            .iter()
            .filter(|r| r.from > on)
            .map(|r| (r.from, r.role))
            .min()
        {
            format!("their role as {} starts on {}", starts.1, starts.0)
        } else {
            format!("not registered on the unit on {on}")
        };
        Err(RegistryError::NoConsent {
            path: "person_id".to_owned(),
            unit: unit_id.to_owned(),
            person: person_id.to_owned(),
            reason,
        })
    }

    /// Records that `person_id` moves out of `unit_id` on `on` (their last day): each
    /// household or tenant role of theirs on the unit that covers the day ends on it.
    /// Ownership roles do not end by moving out (an owner who moves out still owns the
    /// unit and may consent); they end by [`Registry::transfer`]. Nothing changes on
    /// error.
    ///
    /// # Errors
    /// `unknown_person` at `person_id`; `out_of_range` at `on`; `not_occupant` at
    /// `person_id` (a state error) when no household or tenant role of theirs covers
    /// the day.
    ///
    /// ```
    /// use estatekit::registry::{OccupantRole, Person, Registry, RoleRecord};
    /// let mut r = Registry::new("demo");
    /// r.add_person(Person::new("P2", "李四"))?;
    /// r.add_role(RoleRecord::new("1-101", "P2", OccupantRole::HouseholdMember, "2024-08-01".parse()?))?;
    /// r.move_out("1-101", "P2", "2026-11-30".parse()?)?;
    /// assert_eq!(r.roles()[0].to, Some("2026-11-30".parse()?));
    /// assert_eq!(r.move_out("1-101", "P2", "2026-12-01".parse()?).unwrap_err().code(), "not_occupant");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn move_out(
        &mut self,
        unit_id: &str,
        person_id: &str,
        on: NaiveDate,
    ) -> Result<(), RegistryError> {
        self.known_person(person_id)?;
        in_years(on, "on")?;
        let mut any = false;
        for r in self.roles.iter_mut().filter(|r| {
            r.unit_id == unit_id
                && r.person_id == person_id
                && !r.role.is_ownership()
                && r.covers(on)
        }) {
            r.to = Some(on);
            any = true;
        }
        if any {
            Ok(())
        } else {
            Err(RegistryError::NotOccupant {
                path: "person_id".to_owned(),
                unit: unit_id.to_owned(),
                person: person_id.to_owned(),
                on,
            })
        }
    }

    /// Transfers the ownership of `unit_id` (过户) on `on` to the persons `to` (the
    /// first becomes the owner, the others co-owners, from `on`), once the unit's
    /// arrears are checked to be zero. The current owner and co-owner roles end the
    /// day before `on` (their other roles, e.g. a household member's, stay). The
    /// owner's consent does not pass to the new owners: each tenant role with a
    /// `consent_ref` that lasts past the day before `on` ends then and continues from
    /// `on` without it (a tenant role starting on or after `on` loses it), so the
    /// tenant needs the new owner's consent. The transfer is recorded and returned.
    ///
    /// A retry is harmless: the same transfer (same unit, day and new owners) already
    /// recorded is returned as recorded, without another check or change.
    ///
    /// # Errors
    /// Nothing changes on error. `empty_field` (`unit_id`, `to`), `unknown_person`
    /// (`to[i]`), `duplicate_id` (`to[i]`), `out_of_range` (`on`); `negative`
    /// (`arrears`, a plain amount below zero); the book's own error (e.g.
    /// `unknown` at `unit_id`); state errors: `conflicting_transfer` (`on`: another
    /// transfer of the unit that day, a later one recorded, an ownership role starting
    /// on or after `on`), `arrears_outstanding` (`arrears`, with the amount).
    ///
    /// ```
    /// use estatekit::registry::{ArrearsCheck, OccupantRole, Person, Registry, RoleRecord};
    /// let mut r = Registry::new("demo");
    /// for (id, name) in [("P1", "张三"), ("P2", "王五"), ("P3", "王六")] {
    ///     r.add_person(Person::new(id, name))?;
    /// }
    /// r.add_role(RoleRecord::new("1-101", "P1", OccupantRole::Owner, "2024-08-01".parse()?))?;
    /// let on = "2026-12-01".parse()?;
    /// let e = r.transfer("1-101", &["P2", "P3"], on, ArrearsCheck::Amount("120.50".parse()?)).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("arrears_outstanding", "arrears"));
    /// let t = r.transfer("1-101", &["P2", "P3"], on, ArrearsCheck::Amount(0.into()))?;
    /// assert_eq!(r.roles()[0].to, Some("2026-11-30".parse()?));
    /// assert_eq!(r.may_consent("1-101", "P3", on)?.as_str(), "co_owner");
    /// // The same transfer again (a retry) returns the recorded one.
    /// assert_eq!(r.transfer("1-101", &["P2", "P3"], on, ArrearsCheck::Amount(0.into()))?, t);
    /// assert_eq!(r.transfers().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transfer(
        &mut self,
        unit_id: &str,
        to: &[&str],
        on: NaiveDate,
        arrears: ArrearsCheck<'_>,
    ) -> Result<Transfer, RegistryError> {
        non_empty(unit_id, "unit_id")?;
        in_years(on, "on")?;
        if to.is_empty() {
            return Err(empty("to"));
        }
        self.check_persons("to", to)?;
        if let Some(t) = self
            .transfers
            .iter()
            .find(|t| t.unit_id == unit_id && t.on == on)
        {
            if t.to.iter().map(String::as_str).eq(to.iter().copied()) {
                return Ok(t.clone());
            }
            return Err(RegistryError::ConflictingTransfer {
                path: "on".to_owned(),
                unit: unit_id.to_owned(),
                reason: format!(
                    "a transfer on {on} to {} is already recorded",
                    t.to.join(", ")
                ),
            });
        }
        if let Some(t) = self
            .transfers
            .iter()
            .filter(|t| t.unit_id == unit_id && t.on > on)
            .max_by_key(|t| t.on)
        {
            return Err(RegistryError::ConflictingTransfer {
                path: "on".to_owned(),
                unit: unit_id.to_owned(),
                reason: format!("a later transfer on {} is already recorded", t.on),
            });
        }
        if let Some(r) = self
            .roles
            .iter()
            .find(|r| r.unit_id == unit_id && r.role.is_ownership() && r.from >= on)
        {
            return Err(RegistryError::ConflictingTransfer {
                path: "on".to_owned(),
                unit: unit_id.to_owned(),
                reason: format!(
                    "{} is {} from {}, on or after the transfer",
                    r.person_id, r.role, r.from
                ),
            });
        }
        let owed = match arrears {
            ArrearsCheck::Amount(a) => {
                if a < Decimal::ZERO {
                    return Err(RegistryError::value(
                        "negative",
                        "arrears",
                        format!("arrears of {a} are below zero"),
                    ));
                }
                a
            }
            ArrearsCheck::Book(book) => {
                let b = book.balance(unit_id, on).map_err(|e| RegistryError::Book {
                    path: e.path().to_owned(),
                    code: e.code(),
                    message: e.to_string(),
                })?;
                b.principal_outstanding
                    .checked_add(b.penalty_outstanding)
                    .ok_or_else(|| {
                        RegistryError::value("out_of_range", "arrears", "the arrears overflow")
                    })?
            }
        };
        if owed > Decimal::ZERO {
            return Err(RegistryError::ArrearsOutstanding {
                path: "arrears".to_owned(),
                unit: unit_id.to_owned(),
                amount: owed,
            });
        }
        let day_before = on
            .pred_opt()
            .expect("a date of the years 1–9999 has a day before");
        // The previous owners: those whose ownership role lasts into `on`.
        let mut from: Vec<(OccupantRole, usize, String)> = Vec::new();
        let mut continued: Vec<RoleRecord> = Vec::new();
        for (i, r) in self.roles.iter_mut().enumerate() {
            if r.unit_id != unit_id || r.last_day().is_some_and(|l| l < on) {
                continue;
            }
            if r.role.is_ownership() {
                from.push((r.role, i, r.person_id.clone()));
                r.to = Some(day_before);
            } else if r.role == OccupantRole::Tenant && r.consent_ref.is_some() {
                if r.from >= on {
                    r.consent_ref = None;
                } else {
                    continued.push(RoleRecord {
                        from: on,
                        consent_ref: None,
                        ..r.clone()
                    });
                    r.to = Some(day_before);
                }
            }
        }
        self.roles.extend(continued);
        from.sort();
        for (k, p) in to.iter().enumerate() {
            let role = if k == 0 {
                OccupantRole::Owner
            } else {
                OccupantRole::CoOwner
            };
            self.roles.push(RoleRecord::new(unit_id, *p, role, on));
        }
        let t = Transfer {
            unit_id: unit_id.to_owned(),
            on,
            from: from.into_iter().map(|(_, _, p)| p).collect(),
            to: to.iter().map(|p| (*p).to_owned()).collect(),
            arrears_checked: owed,
        };
        self.transfers.push(t.clone());
        Ok(t)
    }

    /// The keyed digest of an identity number, for [`Person::id_ref`]: HMAC-SHA256
    /// with `key` of the number trimmed, a final `x` uppercased, written
    /// `hmac-sha256:` and 64 lowercase hex digits. An 18-digit PRC ID number (17
    /// digits and a check character) must have the check digit GB 11643 gives; other
    /// numbers (passports, …) are digested as given. Keep the key secret and the same
    /// for the estate: an unkeyed hash of an ID number is found by trying every number.
    ///
    /// # Errors
    /// `key_too_short` at `key` (an empty key), `empty_field` at `id_number`,
    /// `invalid_id_number` at `id_number` (a wrong check digit; the message does not
    /// repeat the number).
    ///
    /// ```
    /// use estatekit::registry::Registry;
    /// let d = Registry::id_digest(b"key", "11010519491231002x")?;
    /// assert_eq!(d, Registry::id_digest(b"key", " 11010519491231002X ")?);
    /// assert!(d.starts_with("hmac-sha256:") && d.len() == 12 + 64);
    /// let e = Registry::id_digest(b"key", "110105194912310021").unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("invalid_id_number", "id_number"));
    /// # Ok::<(), estatekit::registry::RegistryError>(())
    /// ```
    pub fn id_digest(key: &[u8], id_number: &str) -> Result<String, RegistryError> {
        id_number::digest(key, id_number)
    }
}
