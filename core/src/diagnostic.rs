//! What every EstateKit error says about itself, in one trait.
//!
//! Each module has its own error enum ([`MoneyError`](crate::money::MoneyError),
//! [`EstateError`](crate::estate::EstateError), [`FeeError`](crate::fees::FeeError),
//! [`CheckinError`](crate::checkin::CheckinError),
//! [`TicketError`](crate::tickets::TicketError),
//! [`IntegrityError`](crate::integrity::IntegrityError),
//! [`TablesError`](crate::tables::TablesError),
//! [`NoticeError`](crate::notices::NoticeError)). All of them implement
//! [`Diagnostic`]: a stable code, the path of the field or object concerned, and whether
//! the error is bad input or an operation the current state refuses. The Python and
//! mobile bindings convert any `Diagnostic` with one conversion each, so a new module's
//! error reaches every language by implementing this trait.
//!
//! A module whose error variants all carry a `path` declares its codes in one table
//! with the crate's `error_table!` macro (the variant, its code, and `state` for the
//! variants that are refused operations), which writes `code()`, `path()` and the
//! `Diagnostic` impl; `estate`, `checkin` and `notices` do.
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

/// Declares, in one table, what an error enum whose every variant has a `path: String`
/// field says about itself: each variant's code (a literal, or an expression of the
/// fields bound in braces: `Money { source } => source.code();`), and the variants that
/// are state errors (`, state`). Generates the inherent `code()`, `path()` (with the rustdoc examples
/// given), the crate-private `path_slot()` (to re-root a path) and the [`Diagnostic`]
/// impl. A variant missing from the table, or one without a `path`, does not compile.
macro_rules! error_table {
    (
        $ty:ident;
        code_example: $code_ex:literal;
        path_example: $path_ex:literal;
        $( $variant:ident $({ $($bind:ident),+ })? => $code:expr $(, $state:ident)? ; )+
    ) => {
        impl $ty {
            /// A stable snake_case code for the error kind (part of the API: the
            /// bindings and documents carry it).
            ///
            /// ```
            #[doc = $code_ex]
            /// ```
            pub fn code(&self) -> &'static str {
                match self {
                    $( Self::$variant { $($($bind,)+)? .. } => $code, )+
                }
            }

            /// The path of the field or object concerned, e.g. `units[3].gross_area`.
            ///
            /// ```
            #[doc = $path_ex]
            /// ```
            pub fn path(&self) -> &str {
                match self {
                    $( Self::$variant { path, .. } => path, )+
                }
            }

            /// The path of any variant, to re-root it under an enclosing path.
            #[allow(dead_code)]
            pub(crate) fn path_slot(&mut self) -> &mut String {
                match self {
                    $( Self::$variant { path, .. } => path, )+
                }
            }
        }

        impl $crate::diagnostic::Diagnostic for $ty {
            fn code(&self) -> &'static str {
                <$ty>::code(self)
            }
            fn path(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::from(<$ty>::path(self))
            }
            fn class(&self) -> $crate::diagnostic::ErrorClass {
                match self {
                    $( Self::$variant { .. } => $crate::diagnostic::error_table!(@class $($state)?), )+
                }
            }
        }
    };
    (@class) => {
        $crate::diagnostic::ErrorClass::Validation
    };
    (@class state) => {
        $crate::diagnostic::ErrorClass::State
    };
}

pub(crate) use error_table;

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
diagnostic!(crate::integrity::IntegrityError, |_e| {
    ErrorClass::Validation
});
diagnostic!(crate::tables::TablesError, |_e| ErrorClass::Validation);
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
