//! The occupant registry (客户档案): who lives where, who owns what, and who may consent
//! for a unit.
//!
//! - [`Person`]: a person with a name, phones, an email, and an identity reference
//!   (`id_ref`): never an ID number in clear, but a caller's reference or a keyed
//!   digest ([`Registry::id_digest`], HMAC-SHA256 with the caller's key: an unkeyed hash
//!   of an 18-digit ID number can be brute-forced).
//! - [`RoleRecord`]: a person's role on a unit ([`OccupantRole`]: owner, co-owner,
//!   household member, tenant) from a date (move-in) to an optional date (move-out,
//!   inclusive); a tenant has lease dates and, to consent for the unit, the owner's
//!   written consent reference.
//! - [`Vehicle`]: a plate (normalised: trimmed, uppercase, no inner spaces), its
//!   person, unit and parking space.
//! - [`Transfer`]: an ownership transfer (过户), dated, from the owners to new owners,
//!   with the arrears checked (zero) before it.
//! - [`Registry`]: the validated document (ids unique, every reference resolved), JSON
//!   that restores exactly, [`Registry::may_consent`], [`Registry::move_out`],
//!   [`Registry::transfer`].
//!
//! The enums have zh-CN and en labels ([`Label`](crate::i18n::Label)), e.g.
//! `OccupantRole::CoOwner.label(Lang::ZhCn)` is "共有产权人".
//!
//! ```
//! use estatekit::registry::{ConsentBasis, OccupantRole, Person, Registry, RoleRecord};
//!
//! let mut r = Registry::new("demo");
//! r.add_person(Person::new("P1", "张三"))?;
//! r.add_person(Person::new("P2", "李四"))?;
//! r.add_role(RoleRecord::new("1-101", "P1", OccupantRole::Owner, "2024-08-01".parse()?))?;
//! r.add_role(RoleRecord::new("1-101", "P2", OccupantRole::HouseholdMember, "2024-08-01".parse()?))?;
//! let on = "2026-12-07".parse()?;
//! assert_eq!(r.may_consent("1-101", "P1", on)?, ConsentBasis::Owner);
//! assert_eq!(r.may_consent("1-101", "P2", on).unwrap_err().code(), "no_consent");
//! assert_eq!(Registry::from_json(&r.to_json())?, r);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use rust_decimal::Decimal;

mod document;
mod id_number;

pub use document::{ArrearsCheck, REGISTRY_FORMAT_VERSION, Registry, normalise_plate};
pub use id_number::ID_DIGEST_PREFIX;
pub(crate) use id_number::looks_like_id_number;

/// The error of an unknown wire name of a registry enum.
pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> RegistryError {
    RegistryError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

crate::wire::wire_enum! {
    module: "estatekit::registry", error: crate::registry::RegistryError,
    unknown: crate::registry::unknown_value,
    /// A person's role on a unit.
    ///
    /// ```
    /// use estatekit::registry::OccupantRole;
    /// assert_eq!("co_owner".parse::<OccupantRole>()?, OccupantRole::CoOwner);
    /// let e = "landlord".parse::<OccupantRole>().unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("unknown_value", "role"));
    /// # Ok::<(), estatekit::registry::RegistryError>(())
    /// ```
    OccupantRole ("role") {
        /// The owner (业主, 产权人): the first owner named on the title.
        Owner => "owner",
        /// A co-owner (共有产权人).
        CoOwner => "co_owner",
        /// A member of the owner's household living in the unit (家庭成员).
        HouseholdMember => "household_member",
        /// A tenant (租户), with lease dates.
        Tenant => "tenant",
    }
}

impl OccupantRole {
    /// True for the roles that own the unit ([`Owner`](Self::Owner),
    /// [`CoOwner`](Self::CoOwner)): these end by a [`Registry::transfer`], not a
    /// move-out.
    ///
    /// ```
    /// use estatekit::registry::OccupantRole;
    /// assert!(OccupantRole::CoOwner.is_ownership());
    /// assert!(!OccupantRole::Tenant.is_ownership());
    /// ```
    pub fn is_ownership(self) -> bool {
        matches!(self, Self::Owner | Self::CoOwner)
    }
}

impl crate::i18n::Label for OccupantRole {
    /// The role's name in `lang`.
    ///
    /// ```
    /// use estatekit::i18n::{Label, Lang};
    /// use estatekit::registry::OccupantRole;
    /// assert_eq!(OccupantRole::Tenant.label(Lang::ZhCn), "租户");
    /// assert_eq!(OccupantRole::HouseholdMember.label(Lang::En), "household member");
    /// ```
    fn label(&self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::{En, ZhCn};
        match (self, lang) {
            (Self::Owner, ZhCn) => "业主",
            (Self::Owner, En) => "owner",
            (Self::CoOwner, ZhCn) => "共有产权人",
            (Self::CoOwner, En) => "co-owner",
            (Self::HouseholdMember, ZhCn) => "家庭成员",
            (Self::HouseholdMember, En) => "household member",
            (Self::Tenant, ZhCn) => "租户",
            (Self::Tenant, En) => "tenant",
        }
    }
}

/// Why a person may consent for a unit on a day ([`Registry::may_consent`]).
/// JSON: `{"basis": "owner"}`, `{"basis": "tenant", "consent_ref": "…"}`.
///
/// ```
/// use estatekit::i18n::{Label, Lang};
/// use estatekit::registry::ConsentBasis;
/// let b = ConsentBasis::Tenant { consent_ref: "授权书-2026-031".into() };
/// assert_eq!((b.as_str(), b.label(Lang::ZhCn)), ("tenant", "租户（经业主书面同意）"));
/// assert_eq!(ConsentBasis::CoOwner.consent_ref(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConsentBasis {
    /// The unit's owner.
    Owner,
    /// A co-owner of the unit.
    CoOwner,
    /// A tenant holding the owner's written consent.
    Tenant {
        /// The reference of the owner's written consent (业主书面同意书).
        consent_ref: String,
    },
}

impl ConsentBasis {
    /// The wire name: `owner`, `co_owner` or `tenant`.
    ///
    /// ```
    /// assert_eq!(estatekit::registry::ConsentBasis::CoOwner.as_str(), "co_owner");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::CoOwner => "co_owner",
            Self::Tenant { .. } => "tenant",
        }
    }

    /// The owner's consent reference of a tenant's basis.
    ///
    /// ```
    /// use estatekit::registry::ConsentBasis;
    /// let b = ConsentBasis::Tenant { consent_ref: "C-1".into() };
    /// assert_eq!(b.consent_ref(), Some("C-1"));
    /// ```
    pub fn consent_ref(&self) -> Option<&str> {
        match self {
            Self::Tenant { consent_ref } => Some(consent_ref),
            _ => None,
        }
    }
}

impl std::fmt::Display for ConsentBasis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl crate::i18n::Label for ConsentBasis {
    /// The basis in `lang`.
    ///
    /// ```
    /// use estatekit::i18n::{Label, Lang};
    /// use estatekit::registry::ConsentBasis;
    /// assert_eq!(ConsentBasis::Owner.label(Lang::ZhCn), "业主");
    /// assert_eq!(ConsentBasis::CoOwner.label(Lang::En), "co-owner");
    /// ```
    fn label(&self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::{En, ZhCn};
        match (self, lang) {
            (Self::Owner, ZhCn) => "业主",
            (Self::Owner, En) => "owner",
            (Self::CoOwner, ZhCn) => "共有产权人",
            (Self::CoOwner, En) => "co-owner",
            (Self::Tenant { .. }, ZhCn) => "租户（经业主书面同意）",
            (Self::Tenant { .. }, En) => "tenant with the owner's written consent",
        }
    }
}

/// A person of the registry. No ID number in clear: `id_ref` is a caller's reference
/// or a keyed digest ([`Registry::id_digest`]); a value that looks like an 18-digit
/// ID number is refused (`clear_id_number`).
///
/// ```
/// use estatekit::registry::Person;
/// let mut p = Person::new("P1", "张三");
/// p.phones.push("13800000000".into());
/// assert_eq!((p.id.as_str(), p.name.as_str(), p.phones.len()), ("P1", "张三", 1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The person's id, unique in the registry.
    pub id: String,
    /// The name.
    pub name: String,
    /// Phone numbers, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<String>,
    /// An email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A reference to the identity document: the caller's own reference or
    /// [`Registry::id_digest`]; never the number itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_ref: Option<String>,
}

impl Person {
    /// A person with an id and a name, no contact and no identity reference.
    ///
    /// ```
    /// let p = estatekit::registry::Person::new("P1", "张三");
    /// assert_eq!((p.email, p.id_ref), (None, None));
    /// ```
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Person {
        Person {
            id: id.into(),
            name: name.into(),
            phones: Vec::new(),
            email: None,
            id_ref: None,
        }
    }
}

/// A person's role on a unit from `from` (the move-in day) to `to` (the last day,
/// inclusive; the move-out day), open-ended without `to`. A tenant's role has the
/// lease's first and last days and lies within them; only a tenant's role has a
/// `consent_ref` (the owner's written consent, which lets the tenant consent for the
/// unit).
///
/// ```
/// use estatekit::registry::{OccupantRole, RoleRecord};
/// let r = RoleRecord::new("1-101", "P1", OccupantRole::Owner, "2024-08-01".parse()?);
/// assert!(r.covers("2026-12-07".parse()?));
/// assert!(!r.covers("2024-07-31".parse()?));
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleRecord {
    /// The unit's id in the estate.
    pub unit_id: String,
    /// The person's id in the registry.
    pub person_id: String,
    /// The role.
    pub role: OccupantRole,
    /// The first day (move-in).
    pub from: NaiveDate,
    /// The last day, inclusive (move-out); none while the role lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// A tenant's lease: first day (required for a tenant, refused otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_start: Option<NaiveDate>,
    /// A tenant's lease: last day, inclusive (required for a tenant, refused otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_end: Option<NaiveDate>,
    /// A tenant's reference to the owner's written consent (refused for other roles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_ref: Option<String>,
}

impl RoleRecord {
    /// A role from a day, open-ended, without lease or consent.
    ///
    /// ```
    /// use estatekit::registry::{OccupantRole, RoleRecord};
    /// let r = RoleRecord::new("1-101", "P1", OccupantRole::CoOwner, "2024-08-01".parse()?);
    /// assert_eq!((r.to, r.consent_ref), (None, None));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn new(
        unit_id: impl Into<String>,
        person_id: impl Into<String>,
        role: OccupantRole,
        from: NaiveDate,
    ) -> RoleRecord {
        RoleRecord {
            unit_id: unit_id.into(),
            person_id: person_id.into(),
            role,
            from,
            to: None,
            lease_start: None,
            lease_end: None,
            consent_ref: None,
        }
    }

    /// A tenant's role for a whole lease (`from` the lease's first day, `to` its last),
    /// with the owner's consent reference if there is one.
    ///
    /// ```
    /// use estatekit::registry::{OccupantRole, RoleRecord};
    /// let r = RoleRecord::tenant("1-101", "P3", "2026-01-01".parse()?, "2026-12-31".parse()?, Some("C-1".into()));
    /// assert_eq!((r.role, r.to, r.lease_end), (OccupantRole::Tenant, r.lease_end, Some("2026-12-31".parse()?)));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn tenant(
        unit_id: impl Into<String>,
        person_id: impl Into<String>,
        lease_start: NaiveDate,
        lease_end: NaiveDate,
        consent_ref: Option<String>,
    ) -> RoleRecord {
        RoleRecord {
            to: Some(lease_end),
            lease_start: Some(lease_start),
            lease_end: Some(lease_end),
            consent_ref,
            ..RoleRecord::new(unit_id, person_id, OccupantRole::Tenant, lease_start)
        }
    }

    /// The last day the role covers: `to`, or a tenant's lease end, whichever is first.
    ///
    /// ```
    /// use estatekit::registry::{OccupantRole, RoleRecord};
    /// let r = RoleRecord::new("1-101", "P1", OccupantRole::Owner, "2024-08-01".parse()?);
    /// assert_eq!(r.last_day(), None);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn last_day(&self) -> Option<NaiveDate> {
        match (self.to, self.lease_end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the role covers the day `on` (`from` ≤ `on` ≤ [`last_day`](Self::last_day)).
    ///
    /// ```
    /// use estatekit::registry::RoleRecord;
    /// let r = RoleRecord::tenant("1-101", "P3", "2026-01-01".parse()?, "2026-12-31".parse()?, None);
    /// assert!(r.covers("2026-12-31".parse()?) && !r.covers("2027-01-01".parse()?));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn covers(&self, on: NaiveDate) -> bool {
        self.from <= on && self.last_day().is_none_or(|last| on <= last)
    }
}

/// A vehicle registered to a person of a unit. The plate is normalised when it is
/// added or read ([`normalise_plate`]) and unique in the registry.
///
/// ```
/// use estatekit::registry::Vehicle;
/// let v = Vehicle::new("京A 12345", "P1", "1-101");
/// assert_eq!(v.plate, "京A 12345"); // normalised by Registry::add_vehicle
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vehicle {
    /// The plate (车牌号).
    pub plate: String,
    /// The person's id in the registry.
    pub person_id: String,
    /// The unit's id in the estate.
    pub unit_id: String,
    /// The parking space (车位), if one is assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<String>,
}

impl Vehicle {
    /// A vehicle without a parking space.
    ///
    /// ```
    /// let v = estatekit::registry::Vehicle::new("沪B77777", "P1", "1-101");
    /// assert_eq!(v.space, None);
    /// ```
    pub fn new(
        plate: impl Into<String>,
        person_id: impl Into<String>,
        unit_id: impl Into<String>,
    ) -> Vehicle {
        Vehicle {
            plate: plate.into(),
            person_id: person_id.into(),
            unit_id: unit_id.into(),
            space: None,
        }
    }
}

/// An ownership transfer (过户) of a unit, as [`Registry::transfer`] records it: the
/// day the new owners' roles start, the owners whose roles ended the day before
/// (owner first, then co-owners), the new owners (owner first), and the arrears
/// checked before it (always zero: a transfer with arrears is refused).
///
/// ```
/// use estatekit::registry::{ArrearsCheck, OccupantRole, Person, Registry, RoleRecord};
/// let mut r = Registry::new("demo");
/// for (id, name) in [("P1", "张三"), ("P2", "王五")] { r.add_person(Person::new(id, name))?; }
/// r.add_role(RoleRecord::new("1-101", "P1", OccupantRole::Owner, "2024-08-01".parse()?))?;
/// let t = r.transfer("1-101", &["P2"], "2026-12-01".parse()?, ArrearsCheck::Amount(0.into()))?;
/// assert_eq!((t.from, t.to, t.arrears_checked.to_string()), (vec!["P1".to_owned()], vec!["P2".to_owned()], "0".to_owned()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The unit's id in the estate.
    pub unit_id: String,
    /// The day the new owners' roles start.
    pub on: NaiveDate,
    /// The previous owners (owner first).
    pub from: Vec<String>,
    /// The new owners (owner first).
    pub to: Vec<String>,
    /// The arrears checked before the transfer: zero.
    #[serde(with = "crate::json::decimal")]
    pub arrears_checked: Decimal,
}

/// Errors of the registry; each names the path of the field or record concerned
/// (`persons[3].id`, `roles[2].from`, `person_id`, …). Messages never repeat an ID
/// number.
///
/// ```
/// let e = estatekit::registry::Registry::from_json("{").unwrap_err();
/// assert_eq!((e.code(), e.path()), ("json", "$"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// A document larger than [`MAX_DOCUMENT_BYTES`](crate::MAX_DOCUMENT_BYTES),
    /// refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`: the whole document.
        path: String,
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where in the document (`$` for the whole).
        path: String,
        /// What the parser said.
        message: String,
    },
    /// The document's `format_version` is not supported.
    #[error("{path}: unsupported format version {found}, expected {supported}")]
    UnsupportedFormatVersion {
        /// `format_version`.
        path: String,
        /// The version found.
        found: u32,
        /// The version this library reads.
        supported: u32,
    },
    /// A field has a bad value, `code` naming the cause (one of
    /// [`RegistryError::VALUE_CODES`]): `empty_field` (an empty id, name, phone, email,
    /// reference or plate; a transfer to nobody), `missing_value` (a tenant's lease
    /// dates), `conflicting_fields` (lease dates or a consent reference on a role
    /// that is not a tenant's), `ends_before_starts` (`to` before `from`, a lease
    /// ending before it starts), `out_of_range` (a date outside the years 1–9999, a
    /// tenant's dates outside the lease), `negative` (an arrears amount below zero),
    /// `duplicate_id` (a person id, a plate, a person named twice in a transfer),
    /// `overlapping_periods` (two roles of a person on a unit with the same role, or
    /// two ownership roles, or two owners of a unit, on a common day), `mismatch`
    /// (the estate's id is not the registry's), `key_too_short` (an empty digest key),
    /// `unknown_value` (a role name that is not one of the accepted values); in a
    /// document, `arrears_outstanding` (a transfer recorded with arrears) and
    /// `conflicting_transfer` (two transfers of a unit on a day, or out of date order),
    /// the codes of the operations' state errors, as bad input here.
    ///
    /// ```
    /// use estatekit::registry::{Person, Registry};
    /// let mut r = Registry::new("demo");
    /// let e = r.add_person(Person::new("P1", " ")).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("empty_field", "name"));
    /// ```
    #[error("{path}: {reason}")]
    InvalidField {
        /// The field.
        path: String,
        /// The cause (one of [`RegistryError::VALUE_CODES`]).
        code: &'static str,
        /// Why it is bad.
        reason: String,
    },
    /// A reference to a person the registry does not have.
    ///
    /// ```
    /// let r = estatekit::registry::Registry::new("demo");
    /// let e = r.may_consent("1-101", "P9", "2026-12-07".parse()?).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("unknown_person", "person_id"));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    #[error("{path}: unknown person {person:?}")]
    UnknownPerson {
        /// E.g. `roles[2].person_id`, `to[1]`, `person_id`.
        path: String,
        /// The id given.
        person: String,
    },
    /// A unit the estate does not have ([`Registry::validate_against`]).
    #[error("{path}: unit {unit:?} is not in the estate")]
    UnknownUnit {
        /// E.g. `roles[2].unit_id`, `vehicles[0].unit_id`.
        path: String,
        /// The unit given.
        unit: String,
    },
    /// An `id_ref` that looks like an 18-digit ID number in clear (17 digits and a
    /// digit or X): store [`Registry::id_digest`] or a reference instead. The message
    /// does not repeat the number.
    #[error(
        "{path}: person {person:?}: an ID number in clear; store Registry::id_digest or a reference"
    )]
    ClearIdNumber {
        /// `persons[i].id_ref`, or `id_ref`.
        path: String,
        /// The person's id.
        person: String,
    },
    /// An 18-digit PRC ID number whose check digit (GB 11643) is wrong. The message
    /// does not repeat the number.
    #[error("{path}: the check digit of the ID number is {found}, GB 11643 gives {expected}")]
    InvalidIdNumber {
        /// `id_number`.
        path: String,
        /// The check digit given.
        found: char,
        /// The check digit the first 17 digits give.
        expected: char,
    },
    /// The person may not consent for the unit on that day.
    #[error("{path}: person {person:?} may not consent for unit {unit:?}: {reason}")]
    NoConsent {
        /// `person_id`.
        path: String,
        /// The unit.
        unit: String,
        /// The person.
        person: String,
        /// Why: no role that day, a household member, a tenant without the owner's
        /// consent, a role ended.
        reason: String,
    },
    /// A move-out of a person who does not live in the unit that day (ownership roles
    /// end by a transfer, not a move-out).
    #[error("{path}: person {person:?} has no household or tenant role on unit {unit:?} on {on}")]
    NotOccupant {
        /// `person_id`.
        path: String,
        /// The unit.
        unit: String,
        /// The person.
        person: String,
        /// The day given.
        on: NaiveDate,
    },
    /// A transfer refused while the unit owes money.
    #[error("{path}: unit {unit:?} owes {amount}; clear the arrears before the transfer")]
    ArrearsOutstanding {
        /// `arrears` (a plain amount or the book).
        path: String,
        /// The unit.
        unit: String,
        /// Principal and penalty outstanding.
        amount: Decimal,
    },
    /// A transfer that contradicts the recorded ones: another transfer of the unit on
    /// the same day, one dated before the unit's last transfer, or one that would end
    /// an ownership role that starts on or after its day.
    #[error("{path}: unit {unit:?}: {reason}")]
    ConflictingTransfer {
        /// `on`.
        path: String,
        /// The unit.
        unit: String,
        /// What it contradicts.
        reason: String,
    },
    /// The receivables book refused the balance query (e.g. a unit not in the book).
    #[error("{path}: the book: {message}")]
    Book {
        /// The book's path, e.g. `unit_id`.
        path: String,
        /// The book's error code.
        code: &'static str,
        /// The book's message.
        message: String,
    },
}

crate::diagnostic::error_table! {
    RegistryError;
    code_example: "let e = estatekit::registry::Registry::from_json(\"{\").unwrap_err();\nassert_eq!(e.code(), \"json\");";
    path_example: "let e = estatekit::registry::Registry::from_json(\"[]\").unwrap_err();\nassert_eq!(e.path(), \"$\");";
    DocumentTooLarge => "document_too_large";
    Json => "json";
    UnsupportedFormatVersion => "unsupported_format_version";
    InvalidField { code } => *code;
    UnknownPerson => "unknown_person";
    UnknownUnit => "unknown_unit";
    ClearIdNumber => "clear_id_number";
    InvalidIdNumber => "invalid_id_number";
    NoConsent => "no_consent", state;
    NotOccupant => "not_occupant", state;
    ArrearsOutstanding => "arrears_outstanding", state;
    ConflictingTransfer => "conflicting_transfer", state;
    Book { code } => *code;
}

crate::diagnostic::value_codes! {
    RegistryError;
    example: "assert!(estatekit::registry::RegistryError::VALUE_CODES.contains(&\"overlapping_periods\"));";
    codes: [
        "empty_field",
        "missing_value",
        "conflicting_fields",
        "ends_before_starts",
        "out_of_range",
        "negative",
        "duplicate_id",
        "overlapping_periods",
        "mismatch",
        "key_too_short",
        "unknown_value",
        "arrears_outstanding",
        "conflicting_transfer",
    ];
    /// [`RegistryError::InvalidField`] with `code`, one of [`RegistryError::VALUE_CODES`].
    fn value => InvalidField;
}

impl RegistryError {
    /// True for operations the registry's state refuses (no consent, arrears, a
    /// conflicting transfer, a move-out of someone not living there), as opposed to
    /// bad input. The bindings raise these as state errors.
    ///
    /// ```
    /// use estatekit::registry::RegistryError;
    /// let e = RegistryError::NoConsent { path: "person_id".into(), unit: "1-101".into(),
    ///     person: "P2".into(), reason: "a household member".into() };
    /// assert!(e.is_state());
    /// ```
    pub fn is_state(&self) -> bool {
        crate::diagnostic::Diagnostic::class(self) == crate::diagnostic::ErrorClass::State
    }

    /// The error with its path prefixed by `prefix` (`roles[3].` + `from`).
    pub(crate) fn within(mut self, prefix: &str) -> Self {
        self.path_slot().insert_str(0, prefix);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, ErrorClass};
    use crate::i18n::{Label, Lang};

    #[test]
    fn wire_names_labels_and_classes() {
        assert_eq!(
            OccupantRole::ALL
                .iter()
                .map(|r| (r.as_str(), r.label(Lang::ZhCn)))
                .collect::<Vec<_>>(),
            [
                ("owner", "业主"),
                ("co_owner", "共有产权人"),
                ("household_member", "家庭成员"),
                ("tenant", "租户")
            ]
        );
        let b = ConsentBasis::Tenant {
            consent_ref: "C-1".into(),
        };
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"basis":"tenant","consent_ref":"C-1"}"#
        );
        assert_eq!(
            serde_json::to_string(&ConsentBasis::CoOwner).unwrap(),
            r#"{"basis":"co_owner"}"#
        );
        let e = RegistryError::ArrearsOutstanding {
            path: "arrears".into(),
            unit: "1-101".into(),
            amount: "12.50".parse().unwrap(),
        }
        .within("x.");
        assert_eq!(
            (
                Diagnostic::code(&e),
                Diagnostic::path(&e).as_ref(),
                e.class()
            ),
            ("arrears_outstanding", "x.arrears", ErrorClass::State)
        );
        assert_eq!(
            e.to_string(),
            "x.arrears: unit \"1-101\" owes 12.50; clear the arrears before the transfer"
        );
    }
}
