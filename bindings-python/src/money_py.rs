//! `estatekit.allocate`, `allocate_detailed`, `Allocation`, `RoundingPolicy`.

use estatekit::money;
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;
use rust_decimal::Decimal;

use crate::record::{record, register};
use crate::{decimal_arg, policy_arg, to_py};

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: Allocation, PyRoundingPolicy; allocate, allocate_detailed)
}

fn weights_arg(weights: &Bound<'_, PyAny>) -> PyResult<Vec<Decimal>> {
    let mut out = Vec::with_capacity(weights.len().unwrap_or(0));
    for (i, w) in weights.try_iter()?.enumerate() {
        out.push(decimal_arg(&w?, &format!("weights[{i}]"))?);
    }
    Ok(out)
}

/// Split `total` by `weights` so the parts sum exactly to `total` rounded to `scale`.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (total, weights, *, scale = 2, rounding = "half_up"))]
fn allocate(
    py: Python<'_>,
    total: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::int)] scale: i64,
    #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
) -> PyResult<Vec<Decimal>> {
    Ok(allocate_detailed(py, total, weights, scale, rounding)?
        .inner
        .parts)
}

/// Like `allocate`, but also returns the rounded total and which parts were adjusted.
#[guard(crate::panic_guard)]
#[pyfunction]
#[pyo3(signature = (total, weights, *, scale = 2, rounding = "half_up"))]
fn allocate_detailed(
    py: Python<'_>,
    total: &Bound<'_, PyAny>,
    weights: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = crate::args::int)] scale: i64,
    #[pyo3(from_py_with = crate::args::str_ref)] rounding: &str,
) -> PyResult<Allocation> {
    let policy = policy_arg(scale, rounding)?;
    let total = decimal_arg(total, "total")?;
    let weights = weights_arg(weights)?;
    let inner = py
        .detach(|| money::allocate(total, &weights, &policy))
        .map_err(to_py)?;
    Ok(inner.into())
}

record! {
    /// The result of `allocate_detailed`.
    struct Allocation("Allocation") { inner: money::Allocation }
    repr(total, parts, adjusted);
    |a| {
        /// The amount split, rounded to the scale.
        total: Decimal,
        /// The parts, in the order of the weights.
        parts: Vec<Decimal>,
        /// Indices of the parts that received one extra minor unit.
        adjusted: Vec<usize>,
        /// Sum of the minor units handed out as adjustments.
        adjustment: Decimal = a.adjustment(),
    }
}

record! {
    /// An estate's rounding rule: decimal places and mode.
    pub(crate) struct PyRoundingPolicy("RoundingPolicy", eq) { inner: money::RoundingPolicy }
    |p| {
        /// Decimal places kept.
        scale: u32 = p.scale(),
        /// 'half_up', 'half_even', 'down' or 'up'.
        mode: &'static str = p.mode().as_str(),
    }
}

#[guard(crate::panic_guard)]
#[pymethods]
impl PyRoundingPolicy {
    #[new]
    #[pyo3(signature = (scale = 2, mode = "half_up"))]
    fn new(
        #[pyo3(from_py_with = crate::args::int)] scale: i64,
        #[pyo3(from_py_with = crate::args::str_ref)] mode: &str,
    ) -> PyResult<Self> {
        Ok(Self {
            inner: policy_arg(scale, mode)?,
        })
    }
    /// Round an amount with this policy.
    fn round(&self, amount: &Bound<'_, PyAny>) -> PyResult<Decimal> {
        Ok(self.inner.round(decimal_arg(amount, "amount")?))
    }
    fn __repr__(&self) -> String {
        format!(
            "RoundingPolicy(scale={}, mode={:?})",
            self.inner.scale(),
            self.inner.mode().as_str()
        )
    }
}
