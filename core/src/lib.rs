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
//! - [`records`] and [`tables`]: importers of spreadsheet, CSV and JSON rows.
//! - [`i18n`]: zh-CN and en labels.
//! - [`integrity`]: HMAC-SHA256 seals for documents that travel between devices.
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

pub mod checkin;
pub mod diagnostic;
pub mod estate;
pub mod fees;
pub mod i18n;
pub mod integrity;
mod json;
pub mod money;
pub mod records;
mod stream;
pub mod tables;
pub mod tickets;
mod wire;

pub use chrono::NaiveDate;

/// The README's Rust snippets, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
pub use checkin::{CheckinError, CheckinTemplate, Checklist};
pub use estate::{Estate, EstateData, EstateError};
pub use money::{Allocation, MoneyError, RoundingMode, RoundingPolicy, allocate};
pub use rust_decimal::Decimal;
