//! # EstateKit
//!
//! The customer-service rules of residential property management (物业客服) in one
//! pure-Rust core: what a unit owes, how the money is posted, collected and chased, how
//! an owner checks in, and how a complaint or repair request is classified, routed and
//! timed. The same core is exposed to Python (PyO3) and to Kotlin and Swift (UniFFI),
//! so every language computes the same cents.
//!
//! - [`money`]: the rounding policy, strict decimal parsing and
//!   [`money::allocate`], an exact-sum split by weights (largest remainder,
//!   deterministic ties).
//! - [`estate`]: estates, buildings, units, meters and readings, validated, with JSON
//!   that names the path of any bad field.
//! - [`fees`]: the fee schedule (area fees, pooled utilities, metered tariffs,
//!   proration, vacancy, late penalties), billing runs with line-by-line explanations,
//!   the ledger of one unit, the book of an estate (payments, bank files, corrections,
//!   aging) and dunning.
//! - [`checkin`]: check-in (入住 / 收楼) templates and checklists: documents, records,
//!   signatures, charges, meter base readings, keys, inspection and defects with
//!   rectification deadlines, the effects on the estate, the manager's audit schedule.
//! - [`tickets`]: tickets, classification by rules or a trained model, ticket flows
//!   (state machine, access policy), SLA policies on a business calendar, statistics.
//! - [`notices`]: notices to owners: audiences, outage lead times, delivery and
//!   acknowledgment tracking.
//! - [`registry`]: the occupant registry (客户档案): persons, their roles on units
//!   (owner, co-owner, household member, tenant), vehicles, who may consent for a
//!   unit, move-outs and ownership transfers checked against the arrears.
//! - [`decoration`]: decoration management (装修管理): the scope rules of 建设部令第110号
//!   as data, a renovation from application to deposit refund (approval, fees, works,
//!   site-check violations, acceptance, an exact and explained deposit settlement),
//!   working hours, deadlines and statistics.
//! - [`surveys`]: owner surveys (业主意见调查): satisfaction surveys, opinion polls and
//!   votes, one valid response per delivered unit, satisfaction against a target by
//!   dimension, building and department, trend and rectification actions.
//! - [`patrols`]: patrol rounds (巡查): checkpoints, plans, tasks generated from the
//!   calendar, visits timed against their windows, findings that become tickets and
//!   lines of the building log, completion and on-time statistics.
//! - [`records`] and [`tables`]: importers of spreadsheet, CSV and JSON rows.
//! - [`i18n`]: zh-CN and en labels.
//! - [`integrity`]: HMAC-SHA256 seals for documents that travel between devices.
//! - [`parallel`]: the thread count of the batches that use every core (penalties,
//!   classification), with results identical whatever the count.
//!
//! ```
//! use estatekit::estate::Estate;
//! use estatekit::money::allocate;
//!
//! // Split a pooled common-area electricity bill among delivered units by gross area.
//! let estate = Estate::demo();
//! let delivered: Vec<_> = estate.units().iter().filter(|u| u.is_delivered()).collect();
//! let areas: Vec<_> = delivered.iter().map(|u| u.gross_area).collect();
//! let bill = "1234.56".parse()?;
//! let split = allocate(bill, &areas, estate.rounding())?;
//! assert_eq!(split.parts.iter().sum::<rust_decimal::Decimal>(), bill);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

#[cfg(feature = "arrow")]
pub mod arrow;
pub mod checkin;
mod clock;
pub mod decoration;
pub mod diagnostic;
pub mod estate;
pub mod fees;
pub mod i18n;
mod ids;
pub mod integrity;
mod json;
pub mod keys;
pub mod money;
pub mod notices;
pub mod parallel;
pub mod patrols;
pub mod records;
pub mod registry;
pub mod release;
mod stream;
pub mod surveys;
pub mod tables;
pub mod tickets;
mod wire;

/// The largest JSON document, in bytes, that the loaders of fee schedules, check-in
/// templates and checklists, ticket flows, SLA policies, access policies and occupant
/// registries read (32 MiB): a longer one is refused before it is parsed, with the
/// error code `document_too_large` at path `$`. These loaders hold a document as typed
/// values, tens of bytes of memory per byte of text at worst; the limit keeps that well
/// under 2 GiB. Estates ([`MAX_ESTATE_DOCUMENT_BYTES`]), ledgers and books
/// ([`MAX_LEDGER_DOCUMENT_BYTES`]) have their own limits; billing runs have none (about
/// 5 bytes of memory per byte of text).
///
/// ```
/// let text = format!("{{\"id\": \"{}\"}}", "x".repeat(estatekit::MAX_DOCUMENT_BYTES));
/// let e = estatekit::fees::schedule::FeeSchedule::from_json(&text).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("document_too_large", "$"));
/// ```
pub const MAX_DOCUMENT_BYTES: usize = 32 << 20;

/// The largest estate document, in bytes, that `Estate::from_json` reads (64 MiB):
/// a longer one is refused before it is parsed (`document_too_large` at `$`). An
/// estate of 100,000 units with a water and an electricity meter each, two readings a
/// meter, is about 54 MB; reading one takes about 2.2 bytes of memory per byte of text.
///
/// ```
/// let text = format!("{{\"id\": \"{}\"}}", "x".repeat(estatekit::MAX_ESTATE_DOCUMENT_BYTES));
/// let e = estatekit::Estate::from_json(&text).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("document_too_large", "$"));
/// ```
pub const MAX_ESTATE_DOCUMENT_BYTES: usize = 64 << 20;

/// The largest ledger or book document, in bytes, that `Ledger::from_json` and
/// `Receivables::from_json` read (64 MiB): a longer one is refused before it is
/// parsed (`document_too_large` at `$`). They are read without a tree of the
/// document, at most about 14 bytes of memory per byte of text (a compact document of
/// minimal charges; a document as `to_json` writes it takes less), so the largest
/// takes under 1 GiB.
///
/// ```
/// let text = format!("{{\"unit_id\": \"{}\"}}", "x".repeat(estatekit::MAX_LEDGER_DOCUMENT_BYTES));
/// let e = estatekit::fees::ledger::Ledger::from_json(&text).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("document_too_large", "$"));
/// ```
pub const MAX_LEDGER_DOCUMENT_BYTES: usize = 64 << 20;

pub use chrono::NaiveDate;

/// A document and its version, read together: what a mutating call of a
/// [`Checklist`] or a [`tickets::TicketFlow`] leaves behind, so saves from several
/// threads can be ordered (keep the highest version; see [`Checklist::version`]).
///
/// ```
/// use estatekit::{CheckinTemplate, Checklist, checkin::Mode};
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Ordinary)?;
/// let s = c.saved();
/// assert_eq!((s.version, s.json == c.to_json()), (0, true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// How many mutations the document has had when it was written.
    pub version: u64,
    /// The document (`to_json`).
    pub json: String,
}

/// The README's Rust snippets, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
pub use checkin::{CheckinError, CheckinTemplate, Checklist};
pub use estate::{Estate, EstateData, EstateError};
pub use money::{Allocation, MoneyError, RoundingMode, RoundingPolicy, allocate};
pub use rust_decimal::Decimal;
