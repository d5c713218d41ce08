//! `estatekit.Registry`: the occupant registry (客户档案). This file converts; the
//! rules are in `estatekit::registry`.
//!
//! Persons, roles, vehicles and transfers go in as dicts or keyword arguments (a
//! role's first day is `"from"` in a dict, `from_=` as a keyword) and come out as
//! dicts of the document's fields; dates are `datetime.date` (an ISO string is taken
//! too), amounts `decimal.Decimal`.

use chrono::NaiveDate;
use estatekit::registry::{
    ArrearsCheck, ConsentBasis, Person, Registry, RoleRecord, Transfer, Vehicle,
};
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};

use crate::estate::PyEstate;
use crate::receivables::PyReceivables;
use crate::record::register;
use crate::shared::Shared;
use crate::{to_py, validation_error};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: PyRegistry; registry_id_digest)
}

/// The fields of a record given as a dict and/or keyword arguments.
struct Fields<'py> {
    dict: Bound<'py, PyDict>,
}

impl<'py> Fields<'py> {
    /// The dict (if any) then the keyword arguments; `aliases` maps a keyword
    /// (`from_`) to its field (`from`). Keys outside `known` are refused.
    fn new(
        py: Python<'py>,
        given: Option<&Bound<'py, PyAny>>,
        kwargs: Option<&Bound<'py, PyDict>>,
        what: &str,
        known: &[&str],
        aliases: &[(&str, &str)],
    ) -> PyResult<Self> {
        let dict = PyDict::new(py);
        if let Some(g) = given.filter(|g| !g.is_none()) {
            let g = g.cast::<PyDict>().map_err(|_| {
                validation_error(
                    "wrong_type",
                    what,
                    format!("{what}: expected a dict of its fields"),
                )
            })?;
            dict.update(g.as_mapping())?;
        }
        if let Some(k) = kwargs {
            dict.update(k.as_mapping())?;
        }
        for (alias, field) in aliases {
            if let Some(v) = dict.get_item(alias)? {
                dict.del_item(alias)?;
                dict.set_item(field, v)?;
            }
        }
        for key in dict.keys() {
            let key = key
                .cast::<PyString>()
                .map(|s| s.to_string())
                .unwrap_or_else(|_| key.to_string());
            if !known.contains(&key.as_str()) {
                return Err(validation_error(
                    "unknown_value",
                    &key,
                    format!(
                        "{key}: not a field of a {what}; expected {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(Self { dict })
    }

    fn get(&self, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(self.dict.get_item(name)?.filter(|v| !v.is_none()))
    }

    fn text_of(v: &Bound<'_, PyAny>, path: &str) -> PyResult<String> {
        v.cast::<PyString>()
            .map_err(|_| validation_error("wrong_type", path, format!("{path}: expected str")))?
            .to_str()
            .map(str::to_owned)
            .map_err(|_| {
                validation_error(
                    "invalid_text",
                    path,
                    format!("{path}: the text is not valid Unicode"),
                )
            })
    }

    fn text(&self, name: &str) -> PyResult<String> {
        match self.get(name)? {
            Some(v) => Self::text_of(&v, name),
            None => Err(validation_error(
                "missing_value",
                name,
                format!("{name}: missing"),
            )),
        }
    }

    fn opt_text(&self, name: &str) -> PyResult<Option<String>> {
        self.get(name)?.map(|v| Self::text_of(&v, name)).transpose()
    }

    fn text_list(&self, name: &str) -> PyResult<Vec<String>> {
        let Some(v) = self.get(name)? else {
            return Ok(Vec::new());
        };
        if v.is_instance_of::<PyString>() {
            return Err(validation_error(
                "wrong_type",
                name,
                format!("{name}: expected a list of str, got str"),
            ));
        }
        v.try_iter()
            .map_err(|_| {
                validation_error(
                    "wrong_type",
                    name,
                    format!("{name}: expected a list of str"),
                )
            })?
            .enumerate()
            .map(|(i, x)| Self::text_of(&x?, &format!("{name}[{i}]")))
            .collect()
    }

    fn date(&self, name: &str) -> PyResult<NaiveDate> {
        match self.get(name)? {
            Some(v) => crate::date_arg(&v, name),
            None => Err(validation_error(
                "missing_value",
                name,
                format!("{name}: missing"),
            )),
        }
    }

    fn opt_date(&self, name: &str) -> PyResult<Option<NaiveDate>> {
        self.get(name)?
            .map(|v| crate::date_arg(&v, name))
            .transpose()
    }
}

const PERSON_FIELDS: &[&str] = &["id", "name", "phones", "email", "id_ref"];
const ROLE_FIELDS: &[&str] = &[
    "unit_id",
    "person_id",
    "role",
    "from",
    "to",
    "lease_start",
    "lease_end",
    "consent_ref",
];
const VEHICLE_FIELDS: &[&str] = &["plate", "person_id", "unit_id", "space"];

fn person_of(f: &Fields<'_>) -> PyResult<Person> {
    Ok(Person {
        id: f.text("id")?,
        name: f.text("name")?,
        phones: f.text_list("phones")?,
        email: f.opt_text("email")?,
        id_ref: f.opt_text("id_ref")?,
    })
}

fn role_of(f: &Fields<'_>) -> PyResult<RoleRecord> {
    Ok(RoleRecord {
        unit_id: f.text("unit_id")?,
        person_id: f.text("person_id")?,
        role: f.text("role")?.parse().map_err(to_py)?,
        from: f.date("from")?,
        to: f.opt_date("to")?,
        lease_start: f.opt_date("lease_start")?,
        lease_end: f.opt_date("lease_end")?,
        consent_ref: f.opt_text("consent_ref")?,
    })
}

fn vehicle_of(f: &Fields<'_>) -> PyResult<Vehicle> {
    Ok(Vehicle {
        plate: f.text("plate")?,
        person_id: f.text("person_id")?,
        unit_id: f.text("unit_id")?,
        space: f.opt_text("space")?,
    })
}

fn person_dict<'py>(py: Python<'py>, p: &Person) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("id", &p.id)?;
    d.set_item("name", &p.name)?;
    d.set_item("phones", PyList::new(py, &p.phones)?)?;
    d.set_item("email", &p.email)?;
    d.set_item("id_ref", &p.id_ref)?;
    Ok(d)
}

fn role_dict<'py>(py: Python<'py>, r: &RoleRecord) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("unit_id", &r.unit_id)?;
    d.set_item("person_id", &r.person_id)?;
    d.set_item("role", r.role.as_str())?;
    d.set_item("from", r.from)?;
    d.set_item("to", r.to)?;
    d.set_item("lease_start", r.lease_start)?;
    d.set_item("lease_end", r.lease_end)?;
    d.set_item("consent_ref", &r.consent_ref)?;
    Ok(d)
}

fn vehicle_dict<'py>(py: Python<'py>, v: &Vehicle) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("plate", &v.plate)?;
    d.set_item("person_id", &v.person_id)?;
    d.set_item("unit_id", &v.unit_id)?;
    d.set_item("space", &v.space)?;
    Ok(d)
}

fn transfer_dict<'py>(py: Python<'py>, t: &Transfer) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("unit_id", &t.unit_id)?;
    d.set_item("on", t.on)?;
    d.set_item("from", PyList::new(py, &t.from)?)?;
    d.set_item("to", PyList::new(py, &t.to)?)?;
    d.set_item("arrears_checked", t.arrears_checked)?;
    Ok(d)
}

fn dicts<'py, T>(
    py: Python<'py>,
    items: impl IntoIterator<Item = T>,
    one: impl Fn(Python<'py>, T) -> PyResult<Bound<'py, PyDict>>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    items.into_iter().map(|x| one(py, x)).collect()
}

/// The occupant registry of one estate (客户档案): persons, their roles on units
/// (owner, co_owner, household_member, tenant), vehicles and ownership transfers,
/// validated, with JSON that restores exactly. No ID number in clear: a person's
/// `id_ref` is a reference or `Registry.id_digest(key, number)`.
#[pyclass(frozen, module = "estatekit", name = "Registry")]
struct PyRegistry {
    inner: Shared<Registry>,
}

fn registry(inner: Registry) -> PyRegistry {
    PyRegistry {
        inner: Shared::new("Registry", inner),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyRegistry {
    /// An empty registry of the estate `estate_id`.
    #[new]
    fn new(#[pyo3(from_py_with = crate::args::text)] estate_id: String) -> Self {
        registry(Registry::new(estate_id))
    }
    /// Reads and validates a registry document; errors name the record
    /// (`persons[3].id`, `roles[2].from`, ...).
    #[staticmethod]
    fn from_json(#[pyo3(from_py_with = crate::args::str_ref)] text: &str) -> PyResult<Self> {
        Registry::from_json(text).map(registry).map_err(to_py)
    }
    /// The registry as JSON (format_version 1).
    fn to_json(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.to_json())
    }
    /// Pickle and `copy` through the JSON form.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let text = slf.get().inner.lock()?.to_json();
        Ok((slf.get_type().getattr("from_json")?, (text,)))
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        crate::shared::eq_by(&self.inner, other, |o: &Self| &o.inner, |a, b| a == b)
    }
    /// The estate's id.
    #[getter]
    fn estate_id(&self) -> PyResult<String> {
        Ok(self.inner.lock()?.estate_id().to_owned())
    }
    /// Checks the registry against its estate: the same estate id (`mismatch` at
    /// `estate_id`), every unit named by a role, vehicle or transfer in the estate
    /// (`unknown_unit` at e.g. `roles[2].unit_id`).
    fn validate_against(&self, estate: PyRef<'_, PyEstate>) -> PyResult<()> {
        self.inner
            .lock()?
            .validate_against(&estate.inner)
            .map_err(to_py)
    }
    /// Adds a person, given as a dict and/or keyword arguments: `id`, `name`,
    /// `phones` (list of str), `email`, `id_ref`. An `id_ref` that looks like an
    /// 18-digit ID number is refused (`clear_id_number`).
    #[pyo3(signature = (person = None, /, **fields))]
    fn add_person<'py>(
        &self,
        py: Python<'py>,
        person: Option<&Bound<'py, PyAny>>,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<()> {
        let f = Fields::new(py, person, fields, "person", PERSON_FIELDS, &[])?;
        let p = person_of(&f)?;
        self.inner.lock()?.add_person(p).map_err(to_py)
    }
    /// Adds a role (a move-in), given as a dict and/or keyword arguments: `unit_id`,
    /// `person_id`, `role` ("owner", "co_owner", "household_member", "tenant"),
    /// `from` (`from_=` as a keyword), `to`, and for a tenant `lease_start`,
    /// `lease_end` and `consent_ref` (the owner's written consent).
    #[pyo3(signature = (role = None, /, **fields))]
    fn add_role<'py>(
        &self,
        py: Python<'py>,
        role: Option<&Bound<'py, PyAny>>,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<()> {
        let f = Fields::new(py, role, fields, "role", ROLE_FIELDS, &[("from_", "from")])?;
        let r = role_of(&f)?;
        self.inner.lock()?.add_role(r).map_err(to_py)
    }
    /// Adds a vehicle, given as a dict and/or keyword arguments: `plate` (normalised:
    /// trimmed, uppercase, no inner spaces), `person_id`, `unit_id`, `space`.
    #[pyo3(signature = (vehicle = None, /, **fields))]
    fn add_vehicle<'py>(
        &self,
        py: Python<'py>,
        vehicle: Option<&Bound<'py, PyAny>>,
        fields: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<()> {
        let f = Fields::new(py, vehicle, fields, "vehicle", VEHICLE_FIELDS, &[])?;
        let v = vehicle_of(&f)?;
        self.inner.lock()?.add_vehicle(v).map_err(to_py)
    }
    /// The person with this id (a dict), or None.
    fn person<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] id: &str,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let r = self.inner.lock()?;
        r.person(id).map(|p| person_dict(py, p)).transpose()
    }
    /// Every person, in the order added.
    fn persons<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        dicts(py, self.inner.lock()?.persons(), person_dict)
    }
    /// Every role, in the order added.
    fn roles<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        dicts(py, self.inner.lock()?.roles(), role_dict)
    }
    /// Every vehicle, in the order added.
    fn vehicles<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        dicts(py, self.inner.lock()?.vehicles(), vehicle_dict)
    }
    /// Every ownership transfer, in the order recorded.
    fn transfers<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        dicts(py, self.inner.lock()?.transfers(), transfer_dict)
    }
    /// The roles on `unit_id` that cover the day `on`, in the order added.
    fn occupants<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        dicts(py, self.inner.lock()?.occupants(unit_id, on), role_dict)
    }
    /// Whether `person_id` may consent for `unit_id` on `on`: `{"basis": "owner" |
    /// "co_owner" | "tenant", "consent_ref": str | None}` (a tenant's is the owner's
    /// written consent). Raises StateError `no_consent` (a household member, a tenant
    /// without consent, a role ended, no role) or ValidationError `unknown_person`.
    fn may_consent<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] person_id: &str,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
    ) -> PyResult<Bound<'py, PyDict>> {
        let basis: ConsentBasis = self
            .inner
            .lock()?
            .may_consent(unit_id, person_id, on)
            .map_err(to_py)?;
        let d = PyDict::new(py);
        d.set_item("basis", basis.as_str())?;
        d.set_item("consent_ref", basis.consent_ref())?;
        Ok(d)
    }
    /// `person_id` moves out of `unit_id` on `on` (their last day): their household and
    /// tenant roles covering the day end on it. Ownership ends by `transfer`, not a
    /// move-out (StateError `not_occupant`).
    fn move_out(
        &self,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::str_ref)] person_id: &str,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
    ) -> PyResult<()> {
        self.inner
            .lock()?
            .move_out(unit_id, person_id, on)
            .map_err(to_py)
    }
    /// Transfers the ownership of `unit_id` (过户) on `on` to the persons `to` (the
    /// first the owner, the others co-owners), once the arrears are zero: checked
    /// against `book` (a Receivables: principal and penalty outstanding on `on`) or
    /// the plain amount `arrears` (exactly one of the two). The owners' roles end the
    /// day before; tenants' consent references lapse. Returns the transfer recorded;
    /// the same transfer again returns the recorded one. StateError
    /// `arrears_outstanding` / `conflicting_transfer`.
    #[pyo3(signature = (unit_id, to, on, *, book = None, arrears = None))]
    fn transfer<'py>(
        &self,
        py: Python<'py>,
        #[pyo3(from_py_with = crate::args::str_ref)] unit_id: &str,
        #[pyo3(from_py_with = crate::args::text_list)] to: Vec<String>,
        #[pyo3(from_py_with = crate::args::date)] on: NaiveDate,
        book: Option<PyRef<'_, PyReceivables>>,
        arrears: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let arrears = arrears
            .filter(|a| !a.is_none())
            .map(|a| crate::decimal_arg(a, "arrears"))
            .transpose()?;
        let to: Vec<&str> = to.iter().map(String::as_str).collect();
        let t = match (&book, arrears) {
            (Some(b), None) => {
                let held = b.inner.lock()?;
                self.inner
                    .lock()?
                    .transfer(unit_id, &to, on, ArrearsCheck::Book(&held))
            }
            (None, Some(a)) => {
                self.inner
                    .lock()?
                    .transfer(unit_id, &to, on, ArrearsCheck::Amount(a))
            }
            (Some(_), Some(_)) => {
                return Err(validation_error(
                    "conflicting_fields",
                    "arrears",
                    "arrears: give book= or arrears=, not both".to_owned(),
                ));
            }
            (None, None) => {
                return Err(validation_error(
                    "missing_value",
                    "arrears",
                    "arrears: give book= (the receivables book) or arrears= (a Decimal)".to_owned(),
                ));
            }
        }
        .map_err(to_py)?;
        transfer_dict(py, &t)
    }
    /// The keyed digest of an identity number for a person's `id_ref`:
    /// "hmac-sha256:" and 64 hex digits, HMAC-SHA256 with `key` (bytes, not empty) of
    /// the number trimmed with a final x uppercased. An 18-digit PRC ID number must
    /// have the GB 11643 check digit (ValidationError `invalid_id_number`).
    #[staticmethod]
    fn id_digest(
        key: &Bound<'_, PyBytes>,
        #[pyo3(from_py_with = crate::args::str_ref)] id_number: &str,
    ) -> PyResult<String> {
        Registry::id_digest(key.as_bytes(), id_number).map_err(to_py)
    }
    fn __repr__(&self) -> PyResult<String> {
        let r = self.inner.lock()?;
        Ok(format!(
            "Registry(estate_id={:?}, persons={}, roles={}, vehicles={}, transfers={})",
            r.estate_id(),
            r.persons().len(),
            r.roles().len(),
            r.vehicles().len(),
            r.transfers().len()
        ))
    }
}

/// The keyed digest of an identity number for a person's `id_ref` (the same as
/// `Registry.id_digest`): "hmac-sha256:" and 64 hex digits, HMAC-SHA256 with `key`
/// (bytes, not empty) of the number trimmed with a final x uppercased. An 18-digit PRC
/// ID number must have the GB 11643 check digit (ValidationError `invalid_id_number`).
#[guard(crate::panic_guard)]
#[pyfunction]
fn registry_id_digest(
    key: &Bound<'_, PyBytes>,
    #[pyo3(from_py_with = crate::args::str_ref)] id_number: &str,
) -> PyResult<String> {
    Registry::id_digest(key.as_bytes(), id_number).map_err(to_py)
}
