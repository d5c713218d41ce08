//! Billing a whole estate for a month, in one call: one bill per unit with one line
//! per fee item, each line rounded once with the estate's policy and carrying a
//! structured explanation that renders in zh-CN and en.
//!
//! ```
//! use estatekit::estate::Estate;
//! use estatekit::fees::billing::{bill_estate, BillingInputs, BillingPeriod};
//! use estatekit::fees::schedule::FeeSchedule;
//! use estatekit::i18n::Lang;
//!
//! let estate = Estate::demo();
//! let inputs = BillingInputs::default().with_pooled("common_electricity", "3943.20".parse()?);
//! let run = bill_estate(&estate, &FeeSchedule::demo(), BillingPeriod::month(2026, 10)?, &inputs)?;
//! let bill = run.bill("1-101").expect("billed");
//! assert_eq!(bill.lines[0].amount.to_string(), "331.15");
//! assert_eq!(bill.lines[0].explain(Lang::ZhCn), "89.50 m² × 3.70/m²/月 × 1 月 = 331.15");
//! assert_eq!(bill.lines[0].explain(Lang::En), "89.50 m² × 3.70/m²/month × 1 month = 331.15");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The module is split by concept:
//!
//! - `inputs`: [`BillingPeriod`] and the run's inputs ([`BillingInputs`]), and the
//!   problems a run sets aside ([`BillingException`]);
//! - `explain`: [`Explanation`] and its rendering in both languages (the words come
//!   from [`crate::i18n`]), [`BillLine`] and [`Bill`];
//! - `run` and `run_json`: [`BillingRun`], its compact store of lines and its JSON;
//! - `readings`: the readings of a run's meters, estimates (估抄) and true-ups;
//! - `context`: [`BillingContext`], the per-unit view a run reads, built once;
//! - `unit_lines`, `pooled_lines` and `builder`: the lines of one unit, the shares
//!   of a pooled item, and the run being built;
//! - `scope`: the units an item is limited to (`buildings`, `units`) and a pooled
//!   item's pools (`split_by`);
//! - `orchestrate`: [`bill_estate`], which puts them together.

mod builder;
mod context;
mod explain;
mod inputs;
mod orchestrate;
mod pooled_lines;
mod readings;
mod run;
mod run_json;
mod scope;
mod unit_lines;

pub use context::BillingContext;
pub use explain::{
    Bill, BillLine, EstimateBasis, Explanation, MeteredExplanation, ProratedWeight, SpanPart,
    StatusPart, TierYear,
};
pub use inputs::{
    BillingException, BillingInputs, BillingPeriod, MeterChangeInput, PooledAmount, ReadingInput,
};
pub use orchestrate::{bill_estate, bill_estate_threads};
pub use run::{BillRecord, BillingRun, PoolSummary};
