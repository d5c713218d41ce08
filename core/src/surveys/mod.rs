//! Owner surveys (业主意见调查): satisfaction surveys, opinion polls and votes, one valid
//! response per unit, and their results.
//!
//! - [`Survey`]: a survey of a period (a quarter by default), its questions (a
//!   5-point scale 非常满意 … 非常不满意 by [`Dimension`], a choice, a text), its
//!   states draft → published (the population, every delivered unit, is fixed) →
//!   collecting → closed, and its responses: one per unit, by a person the occupant
//!   [`Registry`](crate::registry::Registry) has on the unit that day; a retry of the
//!   same response changes nothing.
//! - [`Survey::results`]: distributed and valid responses, the response rate,
//!   `survey_satisfaction` (the top boxes of the scale, 2 by default, over every scale
//!   answer) against the target (95 % by default), the mean score and satisfaction by
//!   dimension, building and department, the trend against the previous period's
//!   results, and a rectification action for each dimension below the target, with
//!   its owner and deadline. The return-visit satisfaction of tickets is another
//!   figure, with its own name.
//!
//! ```
//! # let (survey, _) = estatekit::surveys::Survey::example()?;
//! let r = survey.results(None)?;
//! assert_eq!((r.distributed, r.valid), (34, 4));
//! assert_eq!(r.survey_satisfaction.unwrap().to_string(), "0.7500");
//! assert!(!r.target_met);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{DateTime, NaiveDate, Utc};

pub use survey::{
    Answer, AnswerValue, Breakdown, ChoiceCount, Question, QuestionKind, Rectification, Response,
    SURVEY_FORMAT_VERSION, Survey, SurveyResults, Trend,
};

mod example;
mod survey;

/// The error of an unknown wire name of a survey enum.
pub(crate) fn unknown_value(path: String, value: &str, expected: String) -> SurveyError {
    SurveyError::value(
        "unknown_value",
        path,
        format!("unknown value {value:?}; expected one of {expected}"),
    )
}

macro_rules! survey_enum {
    ($(#[$meta:meta])* $name:ident ($path:literal) { $($body:tt)* }) => {
        crate::wire::wire_enum! {
            module: "estatekit::surveys", error: $crate::surveys::SurveyError,
            unknown: $crate::surveys::unknown_value,
            $(#[$meta])* $name ($path) { $($body)* }
        }
    };
}

survey_enum! {
    /// What a survey asks.
    ///
    /// ```
    /// use estatekit::surveys::SurveyKind;
    /// assert_eq!(SurveyKind::Satisfaction.as_str(), "satisfaction");
    /// ```
    SurveyKind ("kind") {
        /// Customer satisfaction (满意度调查).
        Satisfaction => "satisfaction",
        /// Owners' opinions (业主意见征询).
        Opinion => "opinion",
        /// A vote (表决).
        Vote => "vote",
    }
}

survey_enum! {
    /// Where a survey stands.
    ///
    /// ```
    /// use estatekit::surveys::SurveyState;
    /// assert_eq!("collecting".parse::<SurveyState>()?, SurveyState::Collecting);
    /// # Ok::<(), estatekit::surveys::SurveyError>(())
    /// ```
    SurveyState ("state") {
        /// Being written.
        Draft => "draft",
        /// Published: its population (the units it goes to) is fixed.
        Published => "published",
        /// Collecting responses.
        Collecting => "collecting",
        /// Closed: results are final.
        Closed => "closed",
    }
}

survey_enum! {
    /// What a scale question is about.
    ///
    /// ```
    /// use estatekit::surveys::Dimension;
    /// assert_eq!(Dimension::Greening.as_str(), "greening");
    /// ```
    Dimension ("dimension") {
        /// Customer service (客户服务).
        Service => "service",
        /// Security (秩序维护).
        Security => "security",
        /// Cleaning (保洁).
        Cleaning => "cleaning",
        /// Greening (绿化).
        Greening => "greening",
        /// Repairs and maintenance (维修).
        Repairs => "repairs",
        /// Fees and their transparency (收费).
        Fees => "fees",
        /// Community activities (社区活动).
        Activities => "activities",
    }
}

/// Errors of the survey module; each names the path of the field or record concerned.
///
/// ```
/// use estatekit::surveys::Survey;
/// let err = Survey::from_json("{").unwrap_err();
/// assert_eq!((err.code(), err.path()), ("json", "$"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SurveyError {
    /// A document larger than the loader reads, refused before it is parsed.
    #[error("{path}: a document of {size} bytes; at most {limit} are read")]
    DocumentTooLarge {
        /// `$`.
        path: String,
        /// The document's size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The JSON is malformed, has a wrong type, or a missing or unknown field.
    #[error("{path}: {message}")]
    Json {
        /// Where in the document.
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
    /// [`SurveyError::VALUE_CODES`]).
    #[error("{path}: {reason}")]
    InvalidField {
        /// The field.
        path: String,
        /// The cause.
        code: &'static str,
        /// Why it is bad.
        reason: String,
    },
    /// An id given twice.
    #[error("{path}: duplicate id {id:?}")]
    DuplicateId {
        /// E.g. `questions[2].code`.
        path: String,
        /// The id.
        id: String,
    },
    /// A unit the survey was not distributed to (not delivered when it was published,
    /// or not in the estate).
    #[error("{path}: unit {unit_id:?} is not in the survey's population")]
    NotInPopulation {
        /// `unit_id`.
        path: String,
        /// The unit.
        unit_id: String,
    },
    /// The person is not registered on the unit on the day of the response.
    #[error("{path}: person {person_id:?} is not registered on unit {unit_id:?} on {on}")]
    NotAnOccupant {
        /// `person_id`.
        path: String,
        /// The person.
        person_id: String,
        /// The unit.
        unit_id: String,
        /// The day.
        on: NaiveDate,
    },
    /// The unit has answered already (a different response; the same one again is a
    /// retry and changes nothing).
    #[error("{path}: unit {unit_id:?} has already answered")]
    DuplicateResponse {
        /// `unit_id`.
        path: String,
        /// The unit.
        unit_id: String,
    },
    /// The survey's state does not allow the operation.
    #[error("{path}: survey {id:?} is {state}; cannot {action}")]
    SurveyState {
        /// `state`.
        path: String,
        /// The survey.
        id: String,
        /// Its state.
        state: SurveyState,
        /// What was attempted.
        action: String,
    },
    /// An action dated before the survey's last change (a response: before the opening
    /// of the collection).
    #[error(
        "{path}: {at} is before {last} (the survey's last change, or for a response the opening of the collection)"
    )]
    EventOutOfOrder {
        /// `at`.
        path: String,
        /// The time given.
        at: DateTime<Utc>,
        /// The survey's last change.
        last: DateTime<Utc>,
    },
    /// A loaded document contradicts itself.
    #[error("{path}: {reason}")]
    InconsistentDocument {
        /// The first field that contradicts the rest.
        path: String,
        /// What contradicts what.
        reason: String,
    },
}

crate::diagnostic::error_table! {
    SurveyError;
    code_example: "use estatekit::surveys::SurveyError;\nlet e = SurveyError::DuplicateId { path: \"questions[1].code\".into(), id: \"q1\".into() };\nassert_eq!(e.code(), \"duplicate_id\");";
    path_example: "use estatekit::surveys::SurveyError;\nlet e = SurveyError::DuplicateId { path: \"questions[1].code\".into(), id: \"q1\".into() };\nassert_eq!(e.path(), \"questions[1].code\");";
    DocumentTooLarge => "document_too_large";
    Json => "json";
    UnsupportedFormatVersion => "unsupported_format_version";
    InvalidField { code } => *code;
    DuplicateId => "duplicate_id";
    NotInPopulation => "not_in_population";
    NotAnOccupant => "not_an_occupant", state;
    DuplicateResponse => "duplicate_response", state;
    SurveyState => "survey_state", state;
    EventOutOfOrder => "event_out_of_order";
    InconsistentDocument => "inconsistent_document";
}

impl SurveyError {
    /// True for operations the survey's state does not allow (as opposed to bad input).
    ///
    /// ```
    /// use estatekit::surveys::SurveyError;
    /// let e = SurveyError::DuplicateResponse { path: "unit_id".into(), unit_id: "1-101".into() };
    /// assert!(e.is_state());
    /// ```
    pub fn is_state(&self) -> bool {
        crate::diagnostic::Diagnostic::class(self) == crate::diagnostic::ErrorClass::State
    }
}

crate::diagnostic::value_codes! {
    SurveyError;
    example: "assert!(estatekit::surveys::SurveyError::VALUE_CODES.contains(&\"empty_field\"));";
    codes: [
        "empty_field",
        "missing_value",
        "conflicting_fields",
        "out_of_range",
        "unknown_value",
    ];
    /// [`SurveyError::InvalidField`] with `code`, one of [`SurveyError::VALUE_CODES`].
    fn value => InvalidField;
}

crate::i18n::labels!(SurveyKind {
    Satisfaction => "满意度调查", "satisfaction survey";
    Opinion => "意见征询", "opinion survey";
    Vote => "表决", "vote";
});

crate::i18n::labels!(SurveyState {
    Draft => "草稿", "draft";
    Published => "已发布", "published";
    Collecting => "收集中", "collecting";
    Closed => "已结束", "closed";
});

crate::i18n::labels!(Dimension {
    Service => "客户服务", "customer service";
    Security => "秩序维护", "security";
    Cleaning => "保洁", "cleaning";
    Greening => "绿化", "greening";
    Repairs => "维修", "repairs";
    Fees => "收费", "fees";
    Activities => "社区活动", "community activities";
});
