//! The per-unit view a billing run reads, built by the fee engine once per estate and
//! reused by every run over it (each month, each what-if schedule).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::estate::{Estate, Unit, UnitKind, UnitStatus};
use crate::fees::FeeError;
use crate::fees::schedule::FeeSchedule;

use super::inputs::{BillingInputs, BillingPeriod};
use super::run::BillingRun;

/// What billing reads of every unit of an estate, laid out compactly (40 bytes a
/// unit instead of the 128 of a [`Unit`]), built once and reusable for any number of
/// runs over the same estate. [`bill_estate`](super::bill_estate) builds one for its
/// call; a caller billing the same estate again (every month, or several schedules)
/// builds one with [`BillingContext::new`] and bills with [`BillingContext::bill`]:
/// the result is the same.
///
/// ```
/// use estatekit::estate::Estate;
/// use estatekit::fees::billing::{bill_estate, BillingContext, BillingInputs, BillingPeriod};
/// use estatekit::fees::schedule::FeeSchedule;
///
/// let estate = Estate::demo();
/// let context = BillingContext::new(&estate);
/// let inputs = BillingInputs::default().with_pooled("common_electricity", "3943.20".parse()?);
/// let (schedule, period) = (FeeSchedule::demo(), BillingPeriod::month(2026, 10)?);
/// let run = context.bill(&schedule, period, &inputs)?;
/// assert_eq!(run, bill_estate(&estate, &schedule, period, &inputs)?);
/// assert_eq!(context.unit_count(), estate.units().len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct BillingContext<'e> {
    estate: &'e Estate,
    units: Vec<UnitCore>,
    /// The bytes of every unit id (what a run's buffer of ids holds at most).
    id_bytes: usize,
}

/// What the fee engine reads of one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct UnitCore {
    pub(super) gross_area: Decimal,
    pub(super) delivered_on: Option<NaiveDate>,
    pub(super) status_since: Option<NaiveDate>,
    pub(super) occupants: u32,
    pub(super) kind: UnitKind,
    pub(super) status: UnitStatus,
}

impl UnitCore {
    fn of(u: &Unit) -> Self {
        Self {
            gross_area: u.gross_area,
            delivered_on: u.delivered_on,
            status_since: u.status_since,
            occupants: u.occupants,
            kind: u.kind,
            status: u.status,
        }
    }
}

impl<'e> BillingContext<'e> {
    /// The view of `estate`'s units: one pass over them.
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// let context = estatekit::fees::billing::BillingContext::new(&estate);
    /// assert!(std::ptr::eq(context.estate(), &estate));
    /// ```
    pub fn new(estate: &'e Estate) -> Self {
        let mut id_bytes = 0;
        let units = estate
            .units()
            .iter()
            .map(|u| {
                id_bytes += u.id.len();
                UnitCore::of(u)
            })
            .collect();
        Self {
            estate,
            units,
            id_bytes,
        }
    }

    /// The estate this context was built for.
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// let context = estatekit::fees::billing::BillingContext::new(&estate);
    /// assert_eq!(context.estate().id(), "lakeside");
    /// ```
    pub fn estate(&self) -> &'e Estate {
        self.estate
    }

    /// Number of units in the view (the estate's).
    ///
    /// ```
    /// let estate = estatekit::estate::Estate::demo();
    /// assert_eq!(estatekit::fees::billing::BillingContext::new(&estate).unit_count(), estate.units().len());
    /// ```
    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    /// Bills every unit of the estate for `period`: exactly
    /// [`bill_estate`](super::bill_estate), without building the view again.
    ///
    /// # Errors
    /// As [`bill_estate`](super::bill_estate).
    ///
    /// ```
    /// use estatekit::estate::Estate;
    /// use estatekit::fees::billing::{BillingContext, BillingInputs, BillingPeriod};
    /// use estatekit::fees::schedule::FeeSchedule;
    /// let estate = Estate::demo();
    /// let context = BillingContext::new(&estate);
    /// let october = BillingPeriod::month(2026, 10)?;
    /// // Two what-if runs of one month over one view: the common bill's amount differs.
    /// let totals: Vec<String> = ["100.00", "200.00"]
    ///     .iter()
    ///     .map(|amount| {
    ///         let inputs = BillingInputs::default().with_pooled("common_electricity", amount.parse()?);
    ///         let run = context.bill(&FeeSchedule::demo(), october, &inputs)?;
    ///         assert_eq!(run.bill_count(), 34);
    ///         Ok(run.pools[0].split_amount.to_string())
    ///     })
    ///     .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    /// assert_eq!(totals, ["100.00", "200.00"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bill(
        &self,
        schedule: &FeeSchedule,
        period: BillingPeriod,
        inputs: &BillingInputs,
    ) -> Result<BillingRun, FeeError> {
        super::orchestrate::bill(self, schedule, period, inputs, 1)
    }

    /// [`Self::bill`] on `threads` threads (0: every core of the machine): the same
    /// run whatever the count (see [`bill_estate_threads`](super::bill_estate_threads)).
    ///
    /// # Errors
    /// As [`bill_estate`](super::bill_estate).
    ///
    /// ```
    /// use estatekit::estate::Estate;
    /// use estatekit::fees::billing::{BillingContext, BillingInputs, BillingPeriod};
    /// use estatekit::fees::schedule::FeeSchedule;
    /// let estate = Estate::demo();
    /// let context = BillingContext::new(&estate);
    /// let inputs = BillingInputs::default().with_pooled("common_electricity", "100".parse()?);
    /// let october = BillingPeriod::month(2026, 10)?;
    /// assert_eq!(
    ///     context.bill_threads(&FeeSchedule::demo(), october, &inputs, 2)?,
    ///     context.bill(&FeeSchedule::demo(), october, &inputs)?
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bill_threads(
        &self,
        schedule: &FeeSchedule,
        period: BillingPeriod,
        inputs: &BillingInputs,
        threads: u32,
    ) -> Result<BillingRun, FeeError> {
        super::orchestrate::bill(self, schedule, period, inputs, threads)
    }

    /// The view of every unit, in estate order.
    pub(super) fn units(&self) -> &[UnitCore] {
        &self.units
    }

    /// The bytes of every unit id.
    pub(super) fn id_bytes(&self) -> usize {
        self.id_bytes
    }

    /// The id of unit `u` (an index into [`Estate::units`]).
    pub(super) fn unit_id(&self, u: usize) -> &'e str {
        self.estate.units()[u].id.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_follows_the_units_in_order() {
        let estate = Estate::demo();
        let context = BillingContext::new(&estate);
        assert_eq!(context.units().len(), estate.units().len());
        for (u, (core, unit)) in context.units().iter().zip(estate.units()).enumerate() {
            assert_eq!(*core, UnitCore::of(unit));
            assert_eq!(context.unit_id(u), unit.id);
        }
        assert_eq!(context.unit_id(0), "1-101");
        assert_eq!(context.units()[0].gross_area, "89.50".parse().unwrap());
    }

    #[test]
    fn a_unit_core_is_compact() {
        assert!(std::mem::size_of::<UnitCore>() <= 40);
    }
}
