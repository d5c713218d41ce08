//! What every EstateKit error says about itself, in one trait.
//!
//! Each module has its own error enum ([`MoneyError`](crate::money::MoneyError),
//! [`EstateError`](crate::estate::EstateError), [`FeeError`](crate::fees::FeeError),
//! [`CheckinError`](crate::checkin::CheckinError),
//! [`TicketError`](crate::tickets::TicketError),
//! [`IntegrityError`](crate::integrity::IntegrityError),
//! [`TablesError`](crate::tables::TablesError)). All of them implement
//! [`Diagnostic`]: a stable code, the path of the field or object concerned, and whether
//! the error is bad input or an operation the current state refuses. The Python and
//! mobile bindings convert any `Diagnostic` with one conversion each, so a new module's
//! error reaches every language by implementing this trait.
//!
//! ```
//! use estatekit::diagnostic::{Diagnostic, ErrorClass};
//! use estatekit::money::RoundingPolicy;
//!
//! fn report(e: &dyn Diagnostic) -> String {
//!     format!("{:?} {} at {:?}: {e}", e.class(), e.code(), e.path())
//! }
//! let e = RoundingPolicy::new(40, Default::default()).unwrap_err();
//! assert_eq!(report(&e), "Validation invalid_scale at \"scale\": scale: 40 is out of range 0..=12");
//! ```

use std::borrow::Cow;

/// Whether an error is bad input or a refused operation.
///
/// ```
/// use estatekit::diagnostic::{Diagnostic, ErrorClass};
/// let e = estatekit::tickets::TicketError::NoWorkingHours;
/// assert_eq!(e.class(), ErrorClass::Validation);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The input is invalid (Python `ValidationError`, also a `ValueError`; Kotlin
    /// `EstateKitException.Validation`).
    Validation,
    /// The input is valid but the current state does not allow the operation (an item
    /// completed twice, a ticket closed before it is resolved): Python `StateError`,
    /// Kotlin `EstateKitException.State`.
    State,
}

/// A stable description of an error: what kind it is ([`code`](Diagnostic::code)),
/// where ([`path`](Diagnostic::path)), and its [`class`](Diagnostic::class). The
/// message is the error's `Display`, which starts with the path.
///
/// ```
/// use estatekit::diagnostic::{Diagnostic, ErrorClass};
/// use estatekit::fees::FeeError;
/// let e = FeeError::Invalid { path: "items[2].rate".into(), reason: "must be positive".into() };
/// assert_eq!((Diagnostic::code(&e), Diagnostic::path(&e).as_ref()), ("invalid", "items[2].rate"));
/// assert_eq!(e.class(), ErrorClass::Validation);
/// ```
pub trait Diagnostic: std::error::Error {
    /// Stable snake_case kind of the error (part of the API: bindings and documents
    /// carry it).
    ///
    /// ```
    /// use estatekit::diagnostic::Diagnostic;
    /// let e = estatekit::tickets::TicketError::NoWorkingHours;
    /// assert_eq!(Diagnostic::code(&e), "no_working_hours");
    /// ```
    fn code(&self) -> &'static str;

    /// The field or object concerned (e.g. `units[3].gross_area`); empty when the error
    /// concerns the whole input.
    ///
    /// ```
    /// use estatekit::diagnostic::Diagnostic;
    /// let e = estatekit::fees::FeeError::Invalid { path: "due_day".into(), reason: "0".into() };
    /// assert_eq!(Diagnostic::path(&e), "due_day");
    /// ```
    fn path(&self) -> Cow<'_, str>;

    /// Bad input or a refused operation; bad input unless a module says otherwise.
    ///
    /// ```
    /// use estatekit::diagnostic::{Diagnostic, ErrorClass};
    /// use estatekit::checkin::CheckinError;
    /// let e = CheckinError::AlreadyCompleted { path: "item_code".into(), item: "keys".into() };
    /// assert_eq!(e.class(), ErrorClass::State);
    /// ```
    fn class(&self) -> ErrorClass {
        ErrorClass::Validation
    }
}

macro_rules! diagnostic {
    ($ty:ty, |$e:ident| $class:expr) => {
        impl Diagnostic for $ty {
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
            fn path(&self) -> Cow<'_, str> {
                Cow::from(<$ty>::path(self))
            }
            fn class(&self) -> ErrorClass {
                let $e = self;
                $class
            }
        }
    };
}

fn state_if(state: bool) -> ErrorClass {
    if state {
        ErrorClass::State
    } else {
        ErrorClass::Validation
    }
}

diagnostic!(crate::money::MoneyError, |_e| ErrorClass::Validation);
diagnostic!(crate::estate::EstateError, |_e| ErrorClass::Validation);
diagnostic!(crate::fees::FeeError, |_e| ErrorClass::Validation);
diagnostic!(crate::integrity::IntegrityError, |_e| {
    ErrorClass::Validation
});
diagnostic!(crate::tables::TablesError, |_e| ErrorClass::Validation);
diagnostic!(crate::checkin::CheckinError, |e| state_if(e.is_state()));
diagnostic!(crate::tickets::TicketError, |e| state_if(e.is_state()));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_error_is_a_diagnostic() {
        let errors: Vec<Box<dyn Diagnostic>> = vec![
            Box::new(crate::money::RoundingPolicy::new(40, Default::default()).unwrap_err()),
            Box::new(crate::tickets::TicketError::NoWorkingHours),
            Box::new(crate::checkin::CheckinError::AlreadyCompleted {
                path: "item_code".into(),
                item: "keys".into(),
            }),
            Box::new(crate::tables::TablesError {
                problems: vec![],
                more: 0,
            }),
        ];
        let seen: Vec<(&str, String, ErrorClass)> = errors
            .iter()
            .map(|e| (e.code(), e.path().into_owned(), e.class()))
            .collect();
        assert_eq!(
            seen,
            [
                ("invalid_scale", "scale".to_owned(), ErrorClass::Validation),
                (
                    "no_working_hours",
                    "calendar.hours".to_owned(),
                    ErrorClass::Validation
                ),
                (
                    "already_completed",
                    "item_code".to_owned(),
                    ErrorClass::State
                ),
                ("invalid_records", String::new(), ErrorClass::Validation),
            ]
        );
    }
}
