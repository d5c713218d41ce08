//! Rule sets (phrases and weights) and the classifier built from them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::{contiguous, noncontiguous};
use aho_corasick::{Anchored, MatchKind};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::SharedStr;
use super::model::TicketModel;
use super::ops::{self, Op};
use super::{CATEGORIES, Temperament, TicketError, TicketKind, TrainOptions, Urgency};
use crate::i18n::Lang;
use scanner::WORD_START;

mod scanner;

/// The rule-set JSON format version this library writes. Version 2 added `asks`
/// (phrases that ask for something, see [`RuleSet::asks`]); version 1 documents (no
/// `asks`) are still read.
///
/// ```
/// use estatekit::tickets::{RuleSet, RULES_FORMAT_VERSION};
/// assert_eq!(RULES_FORMAT_VERSION, 2);
/// let old = RuleSet::from_json(r#"{"version": 1, "categories": [{"code": "pool", "phrases": {"泳池": 5}}]}"#)?;
/// assert_eq!((old.version, old.asks.len()), (1, 0));
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
pub const RULES_FORMAT_VERSION: u32 = 2;

/// The oldest rule-set format version read.
const MIN_RULES_FORMAT_VERSION: u32 = 1;

/// The most distinct phrases (ASCII case ignored) a classifier's rule set may have, all
/// sets together; more is refused with [`TicketError::RulesTooLarge`] (path
/// `phrases`) before anything is built. The built-in rules have about 1,600.
///
/// ```
/// use estatekit::tickets::{MAX_PHRASES, RuleSet, TicketClassifier};
/// let mut rules = RuleSet::default();
/// rules.urgency.insert(estatekit::tickets::Urgency::Urgent,
///                      (0..=MAX_PHRASES).map(|i| (format!("p{i}"), 1.0)).collect());
/// let err = TicketClassifier::with_rules(rules).unwrap_err();
/// assert_eq!((err.code(), err.path().as_str()), ("rules_too_large", "phrases"));
/// assert_eq!(err.to_string(), "rules: phrases: 100001 distinct phrases; a rule set has at most 100000");
/// ```
pub const MAX_PHRASES: usize = 100_000;

/// The most bytes of phrase text (UTF-8, plus one byte before each ASCII word) a
/// classifier's rule set may have, all sets together; more is refused with
/// [`TicketError::RulesTooLarge`] (path `phrases`) before anything is built. Building
/// the automaton takes about 130 bytes of memory per phrase byte at its peak (60,000
/// phrases of 16 letters, 1 MB: 128 MB; 4 MiB of phrases: about 550 MB), and the
/// classifier keeps about a quarter of that; the built-in rules have about 14 KB.
///
/// ```
/// use estatekit::tickets::{MAX_PHRASE_BYTES, RuleSet, TicketClassifier};
/// let mut rules = RuleSet::default();
/// rules.urgency.insert(estatekit::tickets::Urgency::Urgent,
///                      (0..20).map(|i| (format!("{}{i:02}", "0".repeat(299_998)), 1.0)).collect());
/// let err = TicketClassifier::with_rules(rules).unwrap_err();
/// assert_eq!((err.code(), err.path().as_str()), ("rules_too_large", "phrases"));
/// assert_eq!(err.to_string(), "rules: phrases: 6000020 bytes of phrases; a rule set has at most 4194304");
/// ```
pub const MAX_PHRASE_BYTES: usize = 4 << 20;

/// The longest rule-set document [`RuleSet::from_json`] reads (16 MiB, four times
/// [`MAX_PHRASE_BYTES`]: room for the weights and the JSON around the phrases); a longer
/// one is refused with [`TicketError::RulesTooLarge`] (path `$`) before it is parsed,
/// so that reading it takes a bounded amount of memory.
///
/// ```
/// use estatekit::tickets::{MAX_RULES_JSON_BYTES, RuleSet};
/// let doc = format!("{{\"language\": \"{}\"}}", "x".repeat(MAX_RULES_JSON_BYTES));
/// let err = RuleSet::from_json(&doc).unwrap_err();
/// assert_eq!((err.code(), err.path().as_str()), ("rules_too_large", "$"));
/// assert_eq!(err.to_string(), "rules: $: a rule-set document of 16777232 bytes; at most 16777216 are read");
/// ```
pub const MAX_RULES_JSON_BYTES: usize = 16 << 20;

/// Rule sets with at most this many phrase bytes are matched with a DFA (fastest; at
/// most 1 KiB per phrase byte, 64 MiB); larger ones with a contiguous NFA.
const DFA_MAX_PHRASE_BYTES: usize = 64 << 10;

const ZH_RULES: &str = include_str!("../../data/ticket_rules_zh.json");
const EN_RULES: &str = include_str!("../../data/ticket_rules_en.json");

/// The department a default category is routed to, as `(category, department)`
/// in category order.
///
/// ```
/// let d = estatekit::tickets::default_departments();
/// assert_eq!(d[0], ("repair.plumbing", "engineering"));
/// assert_eq!(d.len(), estatekit::tickets::CATEGORIES.len());
/// ```
pub fn default_departments() -> Vec<(&'static str, &'static str)> {
    CATEGORIES
        .iter()
        .map(|c| {
            let dept = match *c {
                "repair.plumbing" | "repair.electrical" | "repair.elevator" | "repair.facility" => {
                    "engineering"
                }
                "house_quality" => "developer_after_sales",
                "planning_design" => "developer",
                "security" | "parking" => "security",
                "cleaning" => "cleaning",
                "greening" => "greening",
                "fees" => "finance",
                "sales_contract" => "sales",
                "staff_service" => "customer_service_manager",
                _ => "customer_service",
            };
            (*c, dept)
        })
        .collect()
}

/// The least praise-phrase weight that makes a thank-you (感谢, thank you): a text
/// with that much praise and no ask is praise (see [`RuleSet::asks`]).
const PRAISE_MIN: f64 = 2.0;

/// A run of this many adjacent exclamation or question marks (！！！, ???) is shouting.
const SHOUT_RUN: usize = 3;

/// What shouting weighs as an anger sign: as much as the strongest anger words
/// (气死, outrageous), so that a run alone makes venting.
const SHOUT_WEIGHT: f64 = 3.0;

/// How much more a category phrase weighs when it is in the lead, the first
/// sentence of a text (its title, when a title is put first): the phrase counts
/// `LEAD_BONUS` more times than it occurs. Real messages name their subject in the
/// title or first sentence and mention other things in passing further on.
pub const LEAD_BONUS: f64 = 2.0;

/// The department for categories missing from the routing table.
const FALLBACK_DEPARTMENT: &str = "customer_service";

/// Phrases with their weights (phrase → non-zero weight; a negative weight cancels
/// a shorter phrase it contains, e.g. `"fire exit": -3` against `"fire": 3`).
/// Matching ignores ASCII case; a phrase starting with an ASCII letter or digit only
/// matches at the start of a word (so `leak` matches `leaking`, not `bleak`).
pub type Phrases = BTreeMap<String, f64>;

/// The phrases of one category.
///
/// ```
/// let r: estatekit::tickets::RuleSet = serde_json::from_str(
///     r#"{"categories": [{"code": "greening", "phrases": {"草坪": 2.0}}]}"#).unwrap();
/// assert_eq!(r.categories[0].code, "greening");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryRule {
    /// Category code, e.g. `repair.plumbing`.
    pub code: String,
    /// Phrases that point to the category.
    #[serde(default)]
    pub phrases: Phrases,
}

/// Phrases that are signs of a complainant's temperament.
///
/// ```
/// let t = estatekit::tickets::TemperamentRules::default();
/// assert!(t.anger.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemperamentRules {
    /// Anger words (气死, ridiculous, …): signs of venting.
    #[serde(default)]
    pub anger: Phrases,
    /// Comparisons (别的小区, other buildings, …): signs of expectation.
    #[serde(default)]
    pub comparison: Phrases,
    /// Self-explanation and wishes (我理解, 希望, I understand, …): signs of expectation.
    #[serde(default)]
    pub explanation: Phrases,
}

/// A rule set: phrases and weights for categories, kinds, urgency and temperament,
/// and the routing table. The JSON form is the serde form; every field is optional so
/// that a file can extend another ([`RuleSet::merge`]).
///
/// ```
/// use estatekit::tickets::RuleSet;
/// let zh = RuleSet::builtin_zh();
/// assert_eq!(zh.language, "zh");
/// let extra = RuleSet::from_json(r#"{"categories": [{"code": "fees", "phrases": {"车位管理费": 3}}]}"#)?;
/// let merged = zh.merge(extra);
/// assert_eq!(merged.categories.iter().find(|c| c.code == "fees").unwrap().phrases["车位管理费"], 3.0);
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// Format name, `estatekit.ticket_rules` when present.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub format: String,
    /// Format version ([`RULES_FORMAT_VERSION`]).
    #[serde(default = "default_version")]
    pub version: u32,
    /// Language tag of the phrases, e.g. `zh` or `en` (informative).
    #[serde(default)]
    pub language: String,
    /// Category phrases; the order is the tie-break order.
    #[serde(default)]
    pub categories: Vec<CategoryRule>,
    /// Kind phrases.
    #[serde(default)]
    pub kinds: BTreeMap<TicketKind, Phrases>,
    /// Urgency phrases (`emergency`, `urgent`; `normal` is the default).
    #[serde(default)]
    pub urgency: BTreeMap<Urgency, Phrases>,
    /// Temperament signs.
    #[serde(default)]
    pub temperament: TemperamentRules,
    /// Phrases that ask for something (请, 麻烦, 尽快, please, could you, …; format
    /// version 2). A thank-you (praise phrases) that asks for nothing is praise even
    /// when it names a repair or a service ("维修师傅修好了，非常感谢"); one that asks
    /// ("麻烦派师傅来修，谢谢") keeps the kind its phrases give.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub asks: Phrases,
    /// Routing table: category → department.
    #[serde(default)]
    pub departments: BTreeMap<String, String>,
}

fn default_version() -> u32 {
    RULES_FORMAT_VERSION
}

impl Default for RuleSet {
    fn default() -> Self {
        Self {
            format: String::new(),
            version: RULES_FORMAT_VERSION,
            language: String::new(),
            categories: Vec::new(),
            kinds: BTreeMap::new(),
            urgency: BTreeMap::new(),
            temperament: TemperamentRules::default(),
            asks: Phrases::new(),
            departments: BTreeMap::new(),
        }
    }
}

fn check_phrases(phrases: &Phrases, path: &str) -> Result<(), TicketError> {
    for (phrase, weight) in phrases {
        let bad = |message: String| TicketError::InvalidRules {
            path: format!("{path}[{phrase:?}]"),
            message,
        };
        if phrase.trim().is_empty() {
            return Err(bad("a phrase must not be empty".to_owned()));
        }
        if !weight.is_finite() || *weight == 0.0 {
            return Err(bad(format!(
                "weight must be a finite non-zero number, got {weight}"
            )));
        }
    }
    Ok(())
}

impl RuleSet {
    /// Parses and validates a rule set; errors name the bad field.
    ///
    /// # Errors
    /// [`TicketError::InvalidRules`] for malformed JSON, an unknown field, a bad
    /// weight, an empty phrase or category code, or a duplicated category;
    /// [`TicketError::RulesTooLarge`] for a document over [`MAX_RULES_JSON_BYTES`].
    ///
    /// ```
    /// use estatekit::tickets::RuleSet;
    /// let err = RuleSet::from_json(r#"{"categories": [{"code": "x", "phrases": {"a": 0}}]}"#).unwrap_err();
    /// assert_eq!(err.path(), r#"categories[0].phrases["a"]"#);
    /// assert_eq!(RuleSet::from_json("{").unwrap_err().code(), "invalid_rules");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        if text.len() > MAX_RULES_JSON_BYTES {
            return Err(TicketError::RulesTooLarge {
                path: "$".to_owned(),
                message: format!(
                    "a rule-set document of {} bytes; at most {MAX_RULES_JSON_BYTES} are read",
                    text.len()
                ),
            });
        }
        let rules: RuleSet = crate::json::parse(text).map_err(|f| TicketError::InvalidRules {
            path: f.path,
            message: f.message,
        })?;
        rules.validate()?;
        Ok(rules)
    }

    /// The rule set as pretty JSON; [`RuleSet::from_json`] reads it back unchanged.
    ///
    /// ```
    /// use estatekit::tickets::RuleSet;
    /// let en = RuleSet::builtin_en();
    /// assert_eq!(RuleSet::from_json(&en.to_json())?, en);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .expect("a rule set serializes: string keys, plain fields")
    }

    /// Checks weights, phrases and codes. O(phrases + categories): the first repeated
    /// category code is found with a set.
    ///
    /// # Errors
    /// [`TicketError::InvalidRules`] naming the bad field.
    ///
    /// ```
    /// assert!(estatekit::tickets::RuleSet::builtin_zh().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), TicketError> {
        if !(MIN_RULES_FORMAT_VERSION..=RULES_FORMAT_VERSION).contains(&self.version) {
            return Err(TicketError::InvalidRules {
                path: "version".to_owned(),
                message: format!(
                    "unsupported version {}; expected {MIN_RULES_FORMAT_VERSION} to {RULES_FORMAT_VERSION}",
                    self.version
                ),
            });
        }
        if !self.format.is_empty() && self.format != "estatekit.ticket_rules" {
            return Err(TicketError::InvalidRules {
                path: "format".to_owned(),
                message: format!("expected \"estatekit.ticket_rules\", got {:?}", self.format),
            });
        }
        // Codes seen so far (a set: the first repeat is found in O(n), not by comparing
        // every pair).
        let mut seen: HashSet<&str> = HashSet::with_capacity(self.categories.len());
        for (i, c) in self.categories.iter().enumerate() {
            if c.code.trim().is_empty() {
                return Err(TicketError::InvalidRules {
                    path: format!("categories[{i}].code"),
                    message: "a category code must not be empty".to_owned(),
                });
            }
            if !seen.insert(c.code.as_str()) {
                return Err(TicketError::InvalidRules {
                    path: format!("categories[{i}].code"),
                    message: format!("category {:?} is listed twice", c.code),
                });
            }
            check_phrases(&c.phrases, &format!("categories[{i}].phrases"))?;
        }
        for (kind, phrases) in &self.kinds {
            check_phrases(phrases, &format!("kinds.{kind}"))?;
        }
        for (urgency, phrases) in &self.urgency {
            check_phrases(phrases, &format!("urgency.{urgency}"))?;
        }
        check_phrases(&self.temperament.anger, "temperament.anger")?;
        check_phrases(&self.temperament.comparison, "temperament.comparison")?;
        check_phrases(&self.temperament.explanation, "temperament.explanation")?;
        check_phrases(&self.asks, "asks")?;
        for (cat, dept) in &self.departments {
            if dept.trim().is_empty() {
                return Err(TicketError::InvalidRules {
                    path: format!("departments[{cat:?}]"),
                    message: "a department must not be empty".to_owned(),
                });
            }
        }
        Ok(())
    }

    /// The built-in Chinese rule set (`core/data/ticket_rules_zh.json`).
    ///
    /// ```
    /// assert!(estatekit::tickets::RuleSet::builtin_zh().categories.len() >= 16);
    /// ```
    pub fn builtin_zh() -> Self {
        Self::from_json(ZH_RULES)
            .expect("the built-in Chinese rules are valid (checked by the tests)")
    }

    /// The built-in English rule set (`core/data/ticket_rules_en.json`).
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::RuleSet::builtin_en().language, "en");
    /// ```
    pub fn builtin_en() -> Self {
        Self::from_json(EN_RULES)
            .expect("the built-in English rules are valid (checked by the tests)")
    }

    /// Both built-in rule sets merged (Chinese first), with the default routing table.
    ///
    /// ```
    /// let r = estatekit::tickets::RuleSet::builtin();
    /// assert_eq!(r.departments["fees"], "finance");
    /// ```
    pub fn builtin() -> Self {
        // Parsed and merged once per process (a few hundred microseconds), then cloned.
        static BUILTIN: OnceLock<RuleSet> = OnceLock::new();
        BUILTIN.get_or_init(Self::builtin_uncached).clone()
    }

    fn builtin_uncached() -> Self {
        let mut base = RuleSet {
            departments: default_departments()
                .into_iter()
                .map(|(c, d)| (c.to_owned(), d.to_owned()))
                .collect(),
            ..RuleSet::default()
        };
        base.categories = CATEGORIES
            .iter()
            .map(|c| CategoryRule {
                code: (*c).to_owned(),
                phrases: Phrases::new(),
            })
            .collect();
        base.merge(Self::builtin_zh()).merge(Self::builtin_en())
    }

    /// `self` extended by `other` (O(categories + phrases), categories looked up by code):
    /// new categories are appended, phrases of known
    /// categories, kinds, urgencies and temperament signs are added (a phrase in both
    /// takes `other`'s weight), routing entries of `other` replace `self`'s.
    ///
    /// ```
    /// use estatekit::tickets::RuleSet;
    /// let a = RuleSet::from_json(r#"{"departments": {"noise": "security"}}"#)?;
    /// let merged = RuleSet::builtin().merge(a);
    /// assert_eq!(merged.departments["noise"], "security");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn merge(mut self, other: RuleSet) -> RuleSet {
        if self.language.is_empty() {
            self.language = other.language;
        } else if !other.language.is_empty() && other.language != self.language {
            self.language = format!("{}+{}", self.language, other.language);
        }
        if self.format.is_empty() {
            self.format = other.format;
        }
        // The first category of each code, by code (one lookup per merged category).
        let mut index: HashMap<String, usize> = HashMap::with_capacity(self.categories.len());
        for (i, c) in self.categories.iter().enumerate() {
            index.entry(c.code.clone()).or_insert(i);
        }
        for cat in other.categories {
            match index.get(&cat.code) {
                Some(&i) => self.categories[i].phrases.extend(cat.phrases),
                None => {
                    index.insert(cat.code.clone(), self.categories.len());
                    self.categories.push(cat);
                }
            }
        }
        for (k, p) in other.kinds {
            self.kinds.entry(k).or_default().extend(p);
        }
        for (u, p) in other.urgency {
            self.urgency.entry(u).or_default().extend(p);
        }
        self.temperament.anger.extend(other.temperament.anger);
        self.temperament
            .comparison
            .extend(other.temperament.comparison);
        self.temperament
            .explanation
            .extend(other.temperament.explanation);
        self.asks.extend(other.asks);
        // A merged set is written in the newer format of the two.
        self.version = self.version.max(other.version);
        self.departments.extend(other.departments);
        self
    }
}

/// Which field a piece of evidence supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceField {
    /// The category.
    Category,
    /// The kind.
    Kind,
    /// The urgency.
    Urgency,
    /// The temperament.
    Temperament,
}

impl EvidenceField {
    /// The stable snake_case name.
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::EvidenceField::Urgency.as_str(), "urgency");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Category => "category",
            Self::Kind => "kind",
            Self::Urgency => "urgency",
            Self::Temperament => "temperament",
        }
    }
}

/// One reason for a classification: a phrase found in the text (or, for a trained
/// model, a character n-gram) and the weight it contributed to `label` of `field`.
///
/// ```
/// let c = estatekit::tickets::TicketClassifier::default_rules().classify("电梯困人了");
/// let e = &c.evidence[0];
/// assert_eq!((e.field.as_str(), e.label.as_str(), e.phrase.as_str()), ("category", "repair.elevator", "电梯"));
/// assert!(!e.lead);
/// // A title (the first sentence) names the subject: its phrases weigh more than
/// // those mentioned in passing further on.
/// let c = estatekit::tickets::TicketClassifier::default_rules()
///     .classify("电梯困人了。物业说在修，门口的车位又被占了，停车太难。");
/// let e = &c.evidence[0];
/// assert_eq!((c.category.as_str(), e.phrase.as_str(), e.weight, e.lead), ("repair.elevator", "电梯", 12.0, true));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The field supported.
    pub field: EvidenceField,
    /// The label supported, e.g. `repair.elevator`, `emergency`, `venting`.
    pub label: SharedStr,
    /// The phrase as written in the rules (or the n-gram as found in the text).
    pub phrase: SharedStr,
    /// Its contribution: weight × occurrences, plus weight × [`LEAD_BONUS`] for a
    /// category phrase in the lead (or the model's score share).
    pub weight: f64,
    /// Whether the phrase is in the lead of the text (the text before the first
    /// `。！？!?` or line break, when something follows it): a category phrase there
    /// weighs [`LEAD_BONUS`] times its weight more. Always false for a model's n-grams.
    pub lead: bool,
}

/// The result of classifying one text.
///
/// ```
/// use estatekit::tickets::{TicketClassifier, TicketKind, Temperament, Urgency};
/// let c = TicketClassifier::default_rules()
///     .classify("Smoke is coming out of the garbage room on floor 3!");
/// assert_eq!((c.category.as_str(), c.urgency), ("cleaning", Urgency::Emergency));
/// assert_eq!(c.kind, TicketKind::Complaint);
/// assert_eq!(c.temperament, Temperament::ProblemSolving);
/// assert!(c.escalate);
/// assert_eq!(c.escalation_advice, Some("Emergency: report to the supervisor at once and send someone on site."));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    /// Category code (a built-in category code with the rules; any label with a trained model).
    pub category: String,
    /// Kind of ticket.
    pub kind: TicketKind,
    /// Urgency; emergencies are never reported below urgent.
    pub urgency: Urgency,
    /// Complainant temperament.
    pub temperament: Temperament,
    /// How to handle this complainant (seed 000), in the text's language.
    pub advice: &'static str,
    /// Whether to report the ticket to the supervisor at once: true for every
    /// emergency.
    pub escalate: bool,
    /// What to do at once ([`escalation_advice`](crate::i18n::escalation_advice)),
    /// in the text's language, when `escalate`; else `None`.
    pub escalation_advice: Option<&'static str>,
    /// Department to route to.
    pub department: String,
    /// Confidence in the category, 0–1 (0 when nothing matched and the category is
    /// the fallback `other`).
    pub confidence: f64,
    /// Matched phrases and their weights: category first, then kind, urgency and
    /// temperament; within a field in order of first occurrence in the text.
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Target {
    Category(u16),
    Kind(TicketKind),
    Urgency(Urgency),
    Anger,
    Comparison,
    Explanation,
    Ask,
}

/// The phrase automaton: a DFA (the usual case), or a contiguous NFA when the rule set
/// is too large for a DFA. Both come from the `aho-corasick` crate and are searched
/// through its [`Automaton`] interface, monomorphised (no dynamic dispatch per byte).
#[derive(Debug, Clone)]
enum Matcher {
    Dfa(DFA),
    Nfa(contiguous::NFA),
}

/// Rules compiled into one Aho-Corasick automaton over every phrase set: a match of
/// pattern `p` adds `targets[target_at[p]..target_at[p + 1]]`, each a (set, weight).
/// Strings that end up in results are [`SharedStr`]s, so results share them.
#[derive(Debug, Clone)]
struct Compiled {
    matcher: Option<Matcher>,
    phrases: Vec<SharedStr>,
    /// Length of each phrase as searched (with its [`WORD_START`] bytes).
    phrase_len: Vec<u32>,
    /// Per phrase, the longest other phrase found wherever it is found (the longest
    /// phrase that is a proper suffix of it, as searched), or [`NONE`]: the phrases form
    /// a forest in which every occurrence of a phrase is one of each of its ancestors.
    parent: Vec<u32>,
    /// Per match state of the automaton, the longest phrase (not mark) it reports, or
    /// [`NONE`] (marks only); a state reports that phrase and its ancestors.
    top: StateMap,
    /// Whether texts get [`WORD_START`] bytes (some phrase has an ASCII letter or digit).
    word_starts: bool,
    target_at: Vec<u32>,
    targets: Vec<(Target, f64)>,
    categories: Vec<SharedStr>,
    /// The department of each category, in category order.
    category_departments: Vec<SharedStr>,
    departments: BTreeMap<String, SharedStr>,
    fallback_department: SharedStr,
    other: SharedStr,
    kind_labels: Vec<SharedStr>,
    urgency_labels: Vec<SharedStr>,
    venting: SharedStr,
    expectation: SharedStr,
    exclamation: SharedStr,
}

/// The phrases (lower-cased), category codes and departments of the built-in rules,
/// kept for the life of the process: classifiers hand them out as static
/// [`SharedStr`]s, which are cloned and dropped without reference counting.
fn builtin_strings() -> &'static BTreeSet<String> {
    static STRINGS: OnceLock<BTreeSet<String>> = OnceLock::new();
    STRINGS.get_or_init(|| {
        let r = RuleSet::builtin();
        let phrases = r
            .categories
            .iter()
            .map(|c| &c.phrases)
            .chain(r.kinds.values())
            .chain(r.urgency.values())
            .chain([
                &r.temperament.anger,
                &r.temperament.comparison,
                &r.temperament.explanation,
                &r.asks,
            ])
            .flat_map(|p| p.keys().map(|k| k.to_ascii_lowercase()));
        r.categories
            .iter()
            .map(|c| c.code.clone())
            .chain(r.departments.values().cloned())
            .chain(phrases)
            .collect()
    })
}

/// `s` as a static string if the built-in rules have it, else reference-counted.
fn shared(s: &str) -> SharedStr {
    match builtin_strings().get(s) {
        Some(b) => SharedStr::from_static(b.as_str()),
        None => SharedStr::from(s),
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Compiled {
    fn new(rules: &RuleSet) -> Result<Self, TicketError> {
        rules.validate()?;
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        let mut phrases: Vec<String> = Vec::new();
        let mut nested: Vec<Vec<(Target, f64)>> = Vec::new();
        let mut add = |phrase: &str, target: Target, weight: f64| {
            let key = phrase.to_ascii_lowercase();
            let i = *index.entry(key.clone()).or_insert_with(|| {
                phrases.push(key);
                nested.push(Vec::new());
                phrases.len() - 1
            });
            nested[i].push((target, weight));
        };
        let mut categories = Vec::new();
        for (ci, cat) in rules.categories.iter().enumerate() {
            let ci = u16::try_from(ci).map_err(|_| TicketError::InvalidRules {
                path: "categories".to_owned(),
                message: "too many categories (at most 65535)".to_owned(),
            })?;
            categories.push(cat.code.clone());
            for (p, w) in &cat.phrases {
                add(p, Target::Category(ci), *w);
            }
        }
        for (k, ps) in &rules.kinds {
            for (p, w) in ps {
                add(p, Target::Kind(*k), *w);
            }
        }
        for (u, ps) in &rules.urgency {
            for (p, w) in ps {
                add(p, Target::Urgency(*u), *w);
            }
        }
        for (p, w) in &rules.temperament.anger {
            add(p, Target::Anger, *w);
        }
        for (p, w) in &rules.temperament.comparison {
            add(p, Target::Comparison, *w);
        }
        for (p, w) in &rules.temperament.explanation {
            add(p, Target::Explanation, *w);
        }
        for (p, w) in &rules.asks {
            add(p, Target::Ask, *w);
        }
        if !categories.iter().any(|c| c == "other") {
            categories.push("other".to_owned());
        }
        let too_many = |_| TicketError::InvalidRules {
            path: "$".to_owned(),
            message: "too many phrases".to_owned(),
        };
        let mut target_at = Vec::with_capacity(nested.len() + 1);
        let mut targets = Vec::new();
        target_at.push(0);
        for t in nested {
            targets.extend(t);
            target_at.push(u32::try_from(targets.len()).map_err(too_many)?);
        }
        // The phrases, then the marks (patterns `phrases.len()..`, see `MARKS`) and the
        // other sentence ends (`STOPS`), so that one pass finds them all. No prefilter: the search loop below does not use one,
        // and without it start states are not special, so the loop only stops at matches.
        // Phrases get a WORD_START byte before each word start (see `with_word_starts`).
        let patterns: Vec<Vec<u8>> = phrases
            .iter()
            .map(|p| with_word_starts(p))
            .chain(MARKS.iter().map(|(m, _)| m.as_bytes().to_vec()))
            .chain(STOPS.iter().map(|m| m.as_bytes().to_vec()))
            .collect();
        // The size of the rule set is checked before anything is built: the automaton
        // takes memory in proportion to the phrase bytes (see `MAX_PHRASE_BYTES`).
        let phrase_bytes: usize = patterns[..phrases.len()].iter().map(Vec::len).sum();
        if phrases.len() > MAX_PHRASES {
            return Err(TicketError::RulesTooLarge {
                path: "phrases".to_owned(),
                message: format!(
                    "{} distinct phrases; a rule set has at most {MAX_PHRASES}",
                    phrases.len()
                ),
            });
        }
        if phrase_bytes > MAX_PHRASE_BYTES {
            return Err(TicketError::RulesTooLarge {
                path: "phrases".to_owned(),
                message: format!(
                    "{phrase_bytes} bytes of phrases; a rule set has at most {MAX_PHRASE_BYTES}"
                ),
            });
        }
        let compile_error = |e: aho_corasick::BuildError| TicketError::InvalidRules {
            path: "$".to_owned(),
            message: format!("the phrases cannot be compiled: {e}"),
        };
        let nnfa = noncontiguous::NFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .map_err(compile_error)?;
        // A DFA (one table row per state, up to 256 entries of 4 bytes) only for small
        // rule sets: for 9.5 MB of phrases it would be 4.2 GB. Larger sets get the
        // contiguous NFA (a few bytes per state), slower per byte but linear in size.
        let dfa = if phrase_bytes <= DFA_MAX_PHRASE_BYTES {
            DFA::builder().build_from_noncontiguous(&nnfa).ok()
        } else {
            None
        };
        let matcher = match dfa {
            Some(dfa) => Matcher::Dfa(dfa),
            None => contiguous::NFA::builder()
                .build_from_noncontiguous(&nnfa)
                .map(Matcher::Nfa)
                .map_err(compile_error)?,
        };
        drop(nnfa);
        let phrase_len: Vec<u32> = patterns[..phrases.len()]
            .iter()
            .map(|p| u32::try_from(p.len()).map_err(too_many))
            .collect::<Result<_, _>>()?;
        let (parent, top) = match &matcher {
            Matcher::Dfa(a) => phrase_forest(a, &patterns, &phrase_len),
            Matcher::Nfa(a) => phrase_forest(a, &patterns, &phrase_len),
        };
        let word_starts = phrases
            .iter()
            .any(|p| p.bytes().any(|b| b.is_ascii_alphanumeric()));
        let departments: BTreeMap<String, SharedStr> = rules
            .departments
            .iter()
            .map(|(c, d)| (c.clone(), shared(d)))
            .collect();
        let fallback_department = SharedStr::from_static(FALLBACK_DEPARTMENT);
        let category_departments = categories
            .iter()
            .map(|c| departments.get(c).unwrap_or(&fallback_department).clone())
            .collect();
        let categories: Vec<SharedStr> = categories.iter().map(|c| shared(c)).collect();
        let other = categories
            .iter()
            .find(|c| *c == "other")
            .cloned()
            .unwrap_or_else(|| SharedStr::from_static("other"));
        Ok(Self {
            matcher: Some(matcher),
            phrases: phrases.iter().map(|p| shared(p)).collect(),
            phrase_len,
            parent,
            top,
            word_starts,
            target_at,
            targets,
            categories,
            category_departments,
            departments,
            fallback_department,
            ..Self::empty(other)
        })
    }

    /// No phrases; only the `other` category.
    fn empty(other: SharedStr) -> Self {
        Self {
            matcher: None,
            phrases: Vec::new(),
            phrase_len: Vec::new(),
            parent: Vec::new(),
            top: StateMap::default(),
            word_starts: false,
            target_at: vec![0],
            targets: Vec::new(),
            categories: vec![other.clone()],
            category_departments: vec![SharedStr::from_static(FALLBACK_DEPARTMENT)],
            departments: BTreeMap::new(),
            fallback_department: SharedStr::from_static(FALLBACK_DEPARTMENT),
            other,
            kind_labels: TicketKind::ALL
                .iter()
                .map(|k| SharedStr::from_static(k.as_str()))
                .collect(),
            urgency_labels: Urgency::ALL
                .iter()
                .map(|u| SharedStr::from_static(u.as_str()))
                .collect(),
            venting: SharedStr::from_static(Temperament::Venting.as_str()),
            expectation: SharedStr::from_static(Temperament::Expectation.as_str()),
            exclamation: SharedStr::from_static("!"),
        }
    }

    fn department(&self, category: &str) -> &SharedStr {
        self.departments
            .get(category)
            .unwrap_or(&self.fallback_department)
    }

    #[inline]
    fn targets(&self, pid: u32) -> &[(Target, f64)] {
        let p = pid as usize;
        &self.targets[self.target_at[p] as usize..self.target_at[p + 1] as usize]
    }

    /// Every phrase found in `text` (overlapping, ASCII case ignored, word-start
    /// phrases only at word starts), counted, in order of first occurrence; and the
    /// exclamation and question marks.
    ///
    /// Linear in the text: one automaton step per byte (two at a word start), at most
    /// one match-state visit per byte (O(1): a count per distinct state), then
    /// [`Scan::finish`] in O(d log d) for the `d` distinct phrases found, however many
    /// phrases end at the same place (nested phrases such as `a`, `aa`, `aaa`, … are
    /// counted through the phrase forest, not one by one at each byte).
    fn scan(&self, text: &str, scan: &mut Scan) {
        scan.clear();
        match &self.matcher {
            Some(Matcher::Dfa(a)) => self.scan_with(a, text.as_bytes(), scan),
            Some(Matcher::Nfa(a)) => self.scan_with(a, text.as_bytes(), scan),
            None => {
                for (end, ch) in text.char_indices() {
                    if let Some(m) = MARKS.iter().position(|(s, _)| s.starts_with(ch)) {
                        scan.mark(m, end + ch.len_utf8());
                    }
                }
            }
        }
        scan.finish(self);
    }

    /// The phrases and marks of `N` texts, scanned in lock-step: the `N` chains of
    /// dependent table lookups overlap (the automaton is larger than the L1 cache, so
    /// each lookup waits on memory). The same as `N` [`scan`](Self::scan)s.
    fn scan_many<const N: usize>(&self, texts: [&str; N], scans: &mut [Scan; N]) {
        for s in scans.iter_mut() {
            s.clear();
        }
        match &self.matcher {
            Some(Matcher::Dfa(a)) => self.scan_many_with(a, texts, scans),
            Some(Matcher::Nfa(a)) => self.scan_many_with(a, texts, scans),
            None => {
                for (t, s) in texts.iter().zip(scans.iter_mut()) {
                    self.scan(t, s);
                }
                return;
            }
        }
        for s in scans.iter_mut() {
            s.finish(self);
        }
    }

    /// One text through [`scanner::scan`], recording each match state.
    #[inline]
    fn scan_with<A: Automaton>(&self, aut: &A, bytes: &[u8], scan: &mut Scan) {
        scanner::scan(aut, self.word_starts, bytes, |sid, end| {
            record(sid, bytes, end, scan)
        });
    }

    /// `N` texts through [`scanner::scan_lanes`], recording each match state in its
    /// text's scan.
    #[inline]
    fn scan_many_with<A: Automaton, const N: usize>(
        &self,
        aut: &A,
        texts: [&str; N],
        scans: &mut [Scan; N],
    ) {
        let bytes = texts.map(str::as_bytes);
        scanner::scan_lanes(aut, self.word_starts, bytes, |i, sid, end| {
            record(sid, bytes[i], end, &mut scans[i])
        });
    }

    /// The longest phrase match state `sid` reports, if any (not a mark).
    #[inline]
    fn top_of(&self, sid: u32) -> Option<u32> {
        match self.top.get(sid) {
            Some(p) => (p != NONE).then_some(p),
            // Every state is reached by a prefix of a pattern, so `phrase_forest` saw
            // it; if not, ask the automaton.
            None => {
                let sid = StateID::new(sid as usize).ok()?;
                match &self.matcher {
                    Some(Matcher::Dfa(a)) => longest_phrase(a, sid, &self.phrase_len),
                    Some(Matcher::Nfa(a)) => longest_phrase(a, sid, &self.phrase_len),
                    None => None,
                }
            }
        }
    }
}

/// "No phrase".
const NONE: u32 = u32::MAX;

/// `phrase` as searched: [`WORD_START`] before each word start.
fn with_word_starts(phrase: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(phrase.len() + 2);
    let mut word = false;
    for &b in phrase.as_bytes() {
        let w = b.is_ascii_alphanumeric();
        if w && !word {
            out.push(WORD_START);
        }
        word = w;
        out.push(b);
    }
    out
}

/// The longest phrase (pattern below `phrase_len.len()`) that match state `sid` reports.
fn longest_phrase<A: Automaton>(aut: &A, sid: StateID, phrase_len: &[u32]) -> Option<u32> {
    if !aut.is_match(sid) {
        return None;
    }
    (0..aut.match_len(sid))
        .map(|i| aut.match_pattern(sid, i).as_u32())
        .filter(|p| (*p as usize) < phrase_len.len())
        .max_by_key(|p| phrase_len[*p as usize])
}

/// The phrase forest and the longest phrase of each match state, from the automaton.
/// Every state is the end of a prefix of a pattern, so walking every pattern from the
/// start state reaches every state; the match lists are read once per state. O(size of
/// the automaton).
fn phrase_forest<A: Automaton>(
    aut: &A,
    patterns: &[Vec<u8>],
    phrase_len: &[u32],
) -> (Vec<u32>, StateMap) {
    let mut top = StateMap::default();
    let mut parent = vec![NONE; phrase_len.len()];
    let Ok(start) = aut.start_state(Anchored::No) else {
        return (parent, top);
    };
    for (p, pattern) in patterns.iter().enumerate() {
        let mut sid = start;
        for &b in pattern {
            sid = aut.next_state(Anchored::No, sid, b);
            if aut.is_match(sid) && top.get(sid.as_u32()).is_none() {
                top.insert(
                    sid.as_u32(),
                    longest_phrase(aut, sid, phrase_len).unwrap_or(NONE),
                );
            }
        }
        // `sid` is where the pattern ends: it reports the phrases that end it.
        if let Some(&len) = phrase_len.get(p) {
            if aut.is_match(sid) {
                parent[p] = (0..aut.match_len(sid))
                    .map(|i| aut.match_pattern(sid, i).as_u32())
                    .filter(|q| phrase_len.get(*q as usize).is_some_and(|l| *l < len))
                    .max_by_key(|q| phrase_len[*q as usize])
                    .unwrap_or(NONE);
            }
        }
    }
    (parent, top)
}

/// Records match state `sid`, reached at byte `end`: its marks at once (a mark is one
/// character, recognised by its bytes), its phrases by a count per state.
#[inline(never)]
fn record(sid: StateID, bytes: &[u8], end: usize, scan: &mut Scan) {
    let mark = match bytes[end - 1] {
        b'!' => Some(0),
        b'?' => Some(2),
        last @ (0x81 | 0x9f) if end >= 3 && bytes[end - 3] == 0xef && bytes[end - 2] == 0xbc => {
            Some(if last == 0x81 { 1 } else { 3 })
        }
        _ => None,
    };
    let stop = match mark {
        Some(m) => {
            scan.mark(m, end);
            Some(end - MARKS[m].0.len())
        }
        None => match bytes[end - 1] {
            b'\n' | b'\r' => Some(end - 1),
            0x82 if end >= 3 && bytes[end - 3] == 0xe3 && bytes[end - 2] == 0x80 => Some(end - 3),
            _ => None,
        },
    };
    if scan.stop.is_none() {
        scan.stop = stop;
    }
    scan.visit(sid.as_u32(), end);
}

/// A map from automaton states (or phrases) to a `u32`: open addressing with a
/// multiplicative hash (the keys are small integers).
#[derive(Debug, Clone, Default)]
struct StateMap {
    /// (key + 1, value); key 0 marks a free slot.
    slots: Vec<(u32, u32)>,
    len: usize,
}

impl StateMap {
    #[inline]
    fn slot(&self, key: u32) -> usize {
        let shift = 64 - self.slots.len().trailing_zeros();
        ((u64::from(key)
            .wrapping_add(1)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15))
            >> shift) as usize
    }

    #[inline]
    fn get(&self, key: u32) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        loop {
            let (k, v) = self.slots[i];
            if k == 0 {
                return None;
            }
            if k == key.wrapping_add(1) {
                return Some(v);
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, key: u32, value: u32) {
        if (self.len + 1) * 2 > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![(0, 0); (old.len() * 2).max(16)];
            self.len = 0;
            for (k, v) in old {
                if k != 0 {
                    self.insert(k - 1, v);
                }
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = self.slot(key);
        loop {
            let (k, _) = self.slots[i];
            if k == 0 {
                self.slots[i] = (key.wrapping_add(1), value);
                self.len += 1;
                return;
            }
            if k == key.wrapping_add(1) {
                self.slots[i].1 = value;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn clear(&mut self) {
        if self.len > 0 {
            self.slots.iter_mut().for_each(|s| *s = (0, 0));
            self.len = 0;
        }
    }
}

/// Texts scanned together by [`TicketClassifier::classify_batch`] (more than two did
/// not measure faster).
const LANES: usize = 2;

/// The marks counted for the temperament, searched for with the phrases: (mark,
/// whether it is an exclamation). A mark right after a mark is a run (`!!`, `？？`,
/// `!！`: the same mark, or two exclamations).
const MARKS: [(&str, bool); 4] = [("!", true), ("！", true), ("?", false), ("？", false)];

/// The other sentence ends (with the marks): where the lead of a text ends (see
/// [`lead_end`]).
const STOPS: [&str; 3] = ["。", "\n", "\r"];

thread_local! {
    /// The scan buffers of single-text calls, kept per thread so that they are not
    /// allocated per call.
    static SCAN: std::cell::RefCell<Scan> = std::cell::RefCell::new(Scan::new());
}

/// `f` with this thread's scan buffers (fresh ones if they are in use).
fn with_scan<R>(f: impl FnOnce(&mut Scan) -> R) -> R {
    SCAN.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => f(&mut s),
        Err(_) => f(&mut Scan::new()),
    })
}

/// Up to this many entries, [`Scan`] looks states and phrases up by a linear search.
const SMALL: usize = 16;

/// What one pass over a text found: the match states reached, then (after
/// [`finish`](Self::finish)) the matched phrases as (phrase index, occurrences) in
/// order of first occurrence; exclamation marks and runs of marks. Reused from text to
/// text.
#[derive(Debug, Default)]
struct Scan {
    /// (state, visits, end of the first visit), in order of first visit.
    visits: Vec<(u32, u32, usize)>,
    /// `visits` by state, once there are more than [`SMALL`].
    visit_index: StateMap,
    /// (phrase, occurrences, end of the first occurrence) while finishing.
    nodes: Vec<(u32, u32, usize)>,
    node_index: StateMap,
    /// (phrase, occurrences, end of the first occurrence).
    hits: Vec<(u32, u32, usize)>,
    exclaim: usize,
    runs: bool,
    /// The length of the current run of adjacent marks (any of `MARKS`), and of the
    /// longest run so far with whether it had an exclamation mark.
    run: usize,
    longest_run: (usize, bool),
    run_bang: bool,
    /// Where the first sentence end (a mark or one of `STOPS`) starts, if any.
    stop: Option<usize>,
    /// The last mark seen (index in `MARKS`) and the byte where it ends.
    last_mark: Option<(usize, usize)>,
}

impl Scan {
    fn new() -> Self {
        Self::default()
    }

    fn clear(&mut self) {
        self.visits.clear();
        self.visit_index.clear();
        self.nodes.clear();
        self.node_index.clear();
        self.hits.clear();
        self.exclaim = 0;
        self.runs = false;
        self.run = 0;
        self.longest_run = (0, false);
        self.run_bang = false;
        self.stop = None;
        self.last_mark = None;
    }

    #[inline]
    fn hits(&self) -> &[(u32, u32, usize)] {
        &self.hits
    }

    /// Match state `sid` reached at byte `end`.
    #[inline]
    fn visit(&mut self, sid: u32, end: usize) {
        let at = if self.visits.len() <= SMALL {
            self.visits.iter().position(|v| v.0 == sid)
        } else {
            self.visit_index.get(sid).map(|i| i as usize)
        };
        match at {
            Some(i) => self.visits[i].1 += 1,
            None => {
                self.visits.push((sid, 1, end));
                let n = self.visits.len();
                if n == SMALL + 1 {
                    for (i, v) in self.visits.iter().enumerate() {
                        self.visit_index.insert(v.0, i as u32);
                    }
                } else if n > SMALL + 1 {
                    self.visit_index.insert(sid, (n - 1) as u32);
                }
            }
        }
    }

    /// The node of phrase `p` (created empty if new).
    #[inline]
    fn node(&mut self, p: u32) -> usize {
        self.find_node(p).unwrap_or_else(|| {
            self.nodes.push((p, 0, usize::MAX));
            let n = self.nodes.len();
            if n == SMALL + 1 {
                for (i, v) in self.nodes.iter().enumerate() {
                    self.node_index.insert(v.0, i as u32);
                }
            } else if n > SMALL + 1 {
                self.node_index.insert(p, (n - 1) as u32);
            }
            n - 1
        })
    }

    /// The node of phrase `p`, if any: a linear search while there are few, else
    /// the index.
    #[inline]
    fn find_node(&self, p: u32) -> Option<usize> {
        if self.nodes.len() <= SMALL {
            self.nodes.iter().position(|v| v.0 == p)
        } else {
            self.node_index.get(p).map(|i| i as usize)
        }
    }

    /// The phrases of the states reached: each state reports its longest phrase and
    /// that phrase's ancestors in the phrase forest, so the counts and first
    /// occurrences of the longest phrases are summed up the forest (longest first),
    /// over the distinct phrases found only. Then in order of first occurrence, longer
    /// first among phrases first found at the same byte (the automaton's order).
    fn finish(&mut self, c: &Compiled) {
        let visits = std::mem::take(&mut self.visits);
        for &(sid, n, first) in &visits {
            if let Some(p) = c.top_of(sid) {
                let i = self.node(p);
                let node = &mut self.nodes[i];
                node.1 += n;
                node.2 = node.2.min(first);
            }
        }
        ops::add(Op::RuleMatchWork, visits.len() as u64);
        self.visits = visits;
        let mut nested = false;
        let mut i = 0;
        while i < self.nodes.len() {
            let parent = c
                .parent
                .get(self.nodes[i].0 as usize)
                .copied()
                .unwrap_or(NONE);
            if parent != NONE {
                nested = true;
                self.node(parent);
            }
            i += 1;
        }
        ops::add(Op::RuleMatchWork, self.nodes.len() as u64);
        let len = |p: u32| c.phrase_len.get(p as usize).copied().unwrap_or(0);
        if nested {
            // A parent is shorter than its children: longest first, each adds to its
            // parent.
            self.nodes
                .sort_unstable_by_key(|n| std::cmp::Reverse(len(n.0)));
            if self.nodes.len() > SMALL {
                self.node_index.clear();
                for (i, n) in self.nodes.iter().enumerate() {
                    self.node_index.insert(n.0, i as u32);
                }
            }
            for i in 0..self.nodes.len() {
                let (p, n, first) = self.nodes[i];
                let parent = c.parent.get(p as usize).copied().unwrap_or(NONE);
                if parent == NONE {
                    continue;
                }
                if let Some(j) = self.find_node(parent) {
                    let node = &mut self.nodes[j];
                    node.1 += n;
                    node.2 = node.2.min(first);
                }
            }
        }
        // Without nesting the nodes are already in order of first occurrence: they were
        // created in order of first visit, one per state's phrase.
        if nested && self.nodes.len() > 1 {
            self.nodes
                .sort_unstable_by_key(|n| (n.2, std::cmp::Reverse(len(n.0))));
        }
        self.hits.clear();
        self.hits.extend(self.nodes.iter().copied());
    }

    /// Mark `m` of `MARKS`, ending at byte `end`.
    fn mark(&mut self, m: usize, end: usize) {
        let Some(&(text, bang)) = MARKS.get(m) else {
            return;
        };
        if bang {
            self.exclaim += 1;
        }
        let adjacent = self
            .last_mark
            .is_some_and(|(_, prev_end)| prev_end + text.len() == end);
        if let Some((prev, _)) = self.last_mark.filter(|_| adjacent) {
            self.runs |= prev == m || (bang && MARKS[prev].1);
            self.run += 1;
            self.run_bang |= bang;
        } else {
            self.run = 1;
            self.run_bang = bang;
        }
        if self.run > self.longest_run.0 {
            self.longest_run = (self.run, self.run_bang);
        }
        self.last_mark = Some((m, end));
    }
}

/// The end (in bytes) of the lead of `text`: the text before the first sentence end
/// (`。！？!?`) or line break (`stop`, found by the scan), when more than marks and
/// spaces follows it; 0 (no lead) when the text is one sentence. A phrase whose first
/// occurrence ends by then is in the lead.
///
/// ```text
/// lead_end("电梯坏了。请修", Some(12)) == 12 ("电梯坏了".len())
/// lead_end("电梯坏了！！", Some(12)) == 0
/// ```
fn lead_end(text: &str, stop: Option<usize>) -> usize {
    let Some(i) = stop else {
        return 0;
    };
    let more = text.get(i..).unwrap_or("").chars().any(|c| {
        !c.is_whitespace() && !matches!(c, '。' | '！' | '？' | '!' | '?' | '.' | '，' | ',')
    });
    if more { i } else { 0 }
}

/// Whether `text` has a CJK ideograph (U+4E00–U+9FFF): the language of the advice.
fn has_cjk(text: &str) -> bool {
    // ASCII text (checked a word at a time) has none; else look at each lead byte of
    // U+4000–U+9FFF (0xE4–0xE9; with 0xE4 from the second byte 0xB8), usually the first
    // non-ASCII character.
    if text.is_ascii() {
        return false;
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| match b {
        0xE5..=0xE9 => true,
        0xE4 => bytes.get(i + 1).is_some_and(|c| *c >= 0xB8),
        _ => false,
    })
}

/// The ticket classifier: rules for kind, urgency and temperament, and for the category
/// unless a trained model is attached. Cheap to share (`Send + Sync`); classification
/// is deterministic.
///
/// ```
/// use estatekit::tickets::{TicketClassifier, Temperament};
/// let clf = TicketClassifier::default_rules();
/// let c = clf.classify("凭什么天天停水！！！物业到底管不管？气死人了！！");
/// assert_eq!(c.category, "repair.plumbing");
/// assert_eq!(c.temperament, Temperament::Venting);
/// ```
#[derive(Debug, Clone)]
pub struct TicketClassifier {
    /// Shared: clones (and every `default_rules()`) share the rules and the automaton.
    rules: Arc<RuleSet>,
    /// The automaton of `rules`: built when the classifier is made from a caller's
    /// rules (so bad rules fail there), and on first use for the built-in rules (a
    /// trained model that only predicts categories never builds it: about 13 MiB).
    compiled: Arc<OnceLock<Compiled>>,
    model: Option<TicketModel>,
}

impl TicketClassifier {
    /// The classifier with the built-in Chinese and English rules and routing table.
    ///
    /// ```
    /// let c = estatekit::tickets::TicketClassifier::default_rules().classify("The hallway light is out");
    /// assert_eq!(c.category, "repair.electrical");
    /// ```
    pub fn default_rules() -> Self {
        // Compiled once per process (the automaton takes milliseconds to build), then
        // shared.
        static DEFAULT: OnceLock<TicketClassifier> = OnceLock::new();
        DEFAULT
            .get_or_init(|| Self {
                rules: Arc::new(RuleSet::builtin()),
                // Built on first use (see `compiled`), shared by every clone.
                compiled: Arc::new(OnceLock::new()),
                model: None,
            })
            .clone()
    }

    /// The automaton of the rules, built on first use when it was not built with the
    /// classifier.
    fn compiled(&self) -> &Compiled {
        self.compiled.get_or_init(|| {
            Compiled::new(&self.rules).expect(
                "a classifier's automaton is built when it is made from a caller's rules; \
                 only the built-in rules, which are tested to compile, are built on first use",
            )
        })
    }

    /// A classifier from a rule set (e.g. the built-in set merged with an estate's own).
    ///
    /// # Errors
    /// [`TicketError::InvalidRules`] if the rule set is invalid;
    /// [`TicketError::RulesTooLarge`] for more than [`MAX_PHRASES`] phrases or
    /// [`MAX_PHRASE_BYTES`] of them (checked before the automaton is built).
    ///
    /// ```
    /// use estatekit::tickets::{RuleSet, TicketClassifier};
    /// let own = RuleSet::from_json(r#"{"categories": [{"code": "pool", "phrases": {"泳池": 5}}],
    ///                                   "departments": {"pool": "leisure"}}"#)?;
    /// let clf = TicketClassifier::with_rules(RuleSet::builtin().merge(own))?;
    /// let c = clf.classify("泳池的水很脏");
    /// assert_eq!((c.category.as_str(), c.department.as_str()), ("pool", "leisure"));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn with_rules(rules: RuleSet) -> Result<Self, TicketError> {
        let compiled = Compiled::new(&rules)?;
        Ok(Self {
            rules: Arc::new(rules),
            compiled: Arc::new(OnceLock::from(compiled)),
            model: None,
        })
    }

    /// Trains a category model on labelled texts and attaches it to the built-in rules.
    ///
    /// # Errors
    /// [`TicketError::EmptyTrainingSet`], [`TicketError::LengthMismatch`],
    /// [`TicketError::SingleClass`], [`TicketError::InvalidOption`].
    ///
    /// ```
    /// use estatekit::tickets::{TicketClassifier, TrainOptions};
    /// let texts = ["水管漏水", "下水道堵了", "电梯坏了", "电梯停运"];
    /// let labels = ["water", "water", "lift", "lift"];
    /// let clf = TicketClassifier::train(&texts, &labels, 0, &TrainOptions::default())?;
    /// assert_eq!(clf.classify("电梯又坏了").category, "lift");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn train<S: AsRef<str>, L: AsRef<str>>(
        texts: &[S],
        labels: &[L],
        seed: u64,
        options: &TrainOptions,
    ) -> Result<Self, TicketError> {
        let model = TicketModel::train(texts, labels, seed, options)?;
        Ok(Self::default_rules().with_model(model))
    }

    /// This classifier with `model` deciding the category.
    ///
    /// ```
    /// use estatekit::tickets::{TicketClassifier, TicketModel, TrainOptions};
    /// let m = TicketModel::train(&["a b", "c d"], &["x", "y"], 1, &TrainOptions::default())?;
    /// assert!(TicketClassifier::default_rules().with_model(m).model().is_some());
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn with_model(mut self, model: TicketModel) -> Self {
        self.model = Some(model);
        self
    }

    /// The trained model, if any.
    ///
    /// ```
    /// assert!(estatekit::tickets::TicketClassifier::default_rules().model().is_none());
    /// ```
    pub fn model(&self) -> Option<&TicketModel> {
        self.model.as_ref()
    }

    /// The rule set in use.
    ///
    /// ```
    /// assert!(!estatekit::tickets::TicketClassifier::default_rules().rules().categories.is_empty());
    /// ```
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The classifier as JSON: `{"rules": …, "model": … | null}`; read back by
    /// [`TicketClassifier::from_json`].
    ///
    /// ```
    /// use estatekit::tickets::TicketClassifier;
    /// let clf = TicketClassifier::default_rules();
    /// let back = TicketClassifier::from_json(&clf.to_json())?;
    /// assert_eq!(back.classify("停电了"), clf.classify("停电了"));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Doc<'a> {
            format: &'static str,
            rules: &'a RuleSet,
            model: Option<Box<RawValue>>,
        }
        // The model's own JSON, embedded as it is (not parsed back into a tree).
        let model = self
            .model
            .as_ref()
            .map(|m| RawValue::from_string(m.to_json()).expect("a model's JSON is one JSON value"));
        serde_json::to_string(&Doc {
            format: "estatekit.ticket_classifier",
            rules: &self.rules,
            model,
        })
        .expect("a classifier serializes: string keys, plain fields")
    }

    /// Reads a classifier written by [`TicketClassifier::to_json`]. A bare model
    /// document ([`TicketModel::to_json`]) is accepted too and gets the built-in rules.
    ///
    /// Memory is a small multiple of the document's size: the rules and the model are
    /// read from their parts of the text in place (no JSON tree), and the rules part
    /// is refused over [`MAX_RULES_JSON_BYTES`] before it is read.
    ///
    /// # Errors
    /// [`TicketError::InvalidRules`] or [`TicketError::InvalidModel`], naming the field;
    /// [`TicketError::RulesTooLarge`] (path `rules`, or `rules.phrases`) for rules over
    /// the limits.
    ///
    /// ```
    /// use estatekit::tickets::TicketClassifier;
    /// let err = TicketClassifier::from_json(r#"{"format": "estatekit.ticket_classifier", "rules": {"version": 9}}"#).unwrap_err();
    /// assert_eq!((err.code(), err.path().as_str()), ("invalid_rules", "rules.version"));
    /// assert_eq!(TicketClassifier::from_json("[").unwrap_err().code(), "invalid_model");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        /// The format alone; every other field is skipped without being kept.
        #[derive(Deserialize)]
        struct Probe {
            #[serde(default)]
            format: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Doc<'a> {
            format: String,
            #[serde(borrow)]
            rules: &'a RawValue,
            #[serde(default, borrow)]
            model: Option<&'a RawValue>,
        }
        let probe: Option<Probe> = crate::json::parse(text).ok();
        let is_classifier =
            probe.and_then(|p| p.format).as_deref() == Some("estatekit.ticket_classifier");
        if !is_classifier {
            return Ok(Self::default_rules().with_model(TicketModel::from_json(text)?));
        }
        let doc: Doc<'_> = crate::json::parse(text).map_err(|f| TicketError::InvalidModel {
            path: f.path,
            message: f.message,
        })?;
        let _ = doc.format;
        let prefix = |e: TicketError, root: &str| match e {
            TicketError::InvalidRules { path, message } => TicketError::InvalidRules {
                path: format!("{root}.{path}"),
                message,
            },
            TicketError::RulesTooLarge { path, message } => TicketError::RulesTooLarge {
                path: if path == "$" {
                    root.to_owned()
                } else {
                    format!("{root}.{path}")
                },
                message,
            },
            TicketError::InvalidModel { path, message } => TicketError::InvalidModel {
                path: format!("{root}.{path}"),
                message,
            },
            other => other,
        };
        let rules = RuleSet::from_json(doc.rules.get()).map_err(|e| prefix(e, "rules"))?;
        let mut clf = Self::with_rules(rules).map_err(|e| prefix(e, "rules"))?;
        if let Some(m) = doc.model {
            let model = TicketModel::from_json(m.get()).map_err(|e| prefix(e, "model"))?;
            clf.model = Some(model);
        }
        Ok(clf)
    }

    /// The department a category is routed to (`customer_service` if not in the table).
    ///
    /// ```
    /// let clf = estatekit::tickets::TicketClassifier::default_rules();
    /// assert_eq!(clf.department("house_quality"), "developer_after_sales");
    /// assert_eq!(clf.department("unknown"), "customer_service");
    /// ```
    pub fn department(&self, category: &str) -> String {
        self.compiled().department(category).to_string()
    }

    /// Classifies one text.
    ///
    /// ```
    /// use estatekit::tickets::{TicketClassifier, TicketKind, Urgency};
    /// let c = TicketClassifier::default_rules().classify("请问物业费可以用微信交吗？");
    /// assert_eq!((c.category.as_str(), c.kind, c.urgency), ("fees", TicketKind::Consultation, Urgency::Normal));
    /// assert_eq!(c.department, "finance");
    /// ```
    pub fn classify(&self, text: &str) -> Classification {
        with_scan(|scan| {
            self.compiled().scan(text, scan);
            self.decide(text, scan)
        })
    }

    /// The classification of `text` from its matched phrases, in named steps: the
    /// phrase weights are summed per target ([`Tally::of`]), then the category
    /// ([`Self::choose_category`]), kind ([`Tally::kind`]), urgency
    /// ([`Tally::urgency`]) and temperament ([`Tally::temperament`]) are chosen, and the
    /// phrases that decided them are listed as evidence ([`Self::evidence`]).
    fn decide(&self, text: &str, scan: &Scan) -> Classification {
        let c = self.compiled();
        let hits = scan.hits();
        let lead = lead_end(text, scan.stop);
        let tally = Tally::of(c, hits, lead);
        let choice = self.choose_category(text, &tally);
        let (kind, by_phrase) = tally.kind(&choice.category);
        let urgency = tally.urgency();
        let mood = tally.temperament(scan, kind);
        let decided = Decided {
            category: choice.category,
            best_category: choice.best_category,
            by_phrase,
            kind,
            urgency,
            mood,
        };
        let evidence = self.evidence(hits, lead, choice.grams, &decided, scan);
        let Decided {
            category,
            kind,
            urgency,
            mood,
            ..
        } = decided;
        let temperament = mood.temperament;
        let lang = if has_cjk(text) { Lang::ZhCn } else { Lang::En };
        let escalate = urgency == Urgency::Emergency;
        Classification {
            category: category.into(),
            kind,
            urgency,
            temperament,
            advice: temperament.advice(lang),
            escalate,
            escalation_advice: escalate.then(|| crate::i18n::escalation_advice(lang)),
            department: choice.department.into(),
            confidence: choice.confidence,
            evidence,
        }
    }

    /// Category step: the model's label (with the n-grams that weighed most for it),
    /// or the best-scoring category (ties to the earlier one), or "other" when no
    /// category phrase weighs positively. The confidence of the rules is the best
    /// score's share of the positive scores, damped for a small score.
    #[inline]
    fn choose_category(&self, text: &str, tally: &Tally) -> CategoryChoice {
        let c = self.compiled();
        if let Some(model) = &self.model {
            let (best, confidence, grams) = model.explain(text, 5);
            let category = model.shared_label(best);
            let department = c.department(&category).clone();
            return CategoryChoice {
                category,
                department,
                confidence,
                best_category: None,
                grams,
            };
        }
        // The best score's share of the positive scores: a category that only
        // negative phrases matched must not raise the share above 1 (or, with a
        // total ≤ 0, make it negative).
        let cat_scores = tally.categories();
        let total: f64 = cat_scores.iter().filter(|s| **s > 0.0).sum();
        let mut best = None;
        for (i, s) in cat_scores.iter().enumerate() {
            if *s > 0.0 && best.is_none_or(|(_, b)| *s > b) {
                best = Some((i, *s));
            }
        }
        match best {
            Some((i, s)) => {
                let conf = (s / total) * (1.0 - (-s / 2.0).exp());
                CategoryChoice {
                    category: c.categories[i].clone(),
                    department: c.category_departments[i].clone(),
                    confidence: round4(conf),
                    best_category: u16::try_from(i).ok(),
                    grams: Vec::new(),
                }
            }
            None => CategoryChoice {
                category: c.other.clone(),
                department: c.department(&c.other).clone(),
                confidence: 0.0,
                best_category: None,
                grams: Vec::new(),
            },
        }
    }

    /// Evidence step: in field order (category, kind, urgency, temperament), each
    /// field's phrases in order of first occurrence — the model's n-grams first, the
    /// exclamation marks and a shouted run last; counted first for one exact
    /// allocation.
    #[inline]
    fn evidence(
        &self,
        hits: &[(u32, u32, usize)],
        lead: usize,
        grams: Vec<(String, f64)>,
        d: &Decided,
        scan: &Scan,
    ) -> Vec<Evidence> {
        let c = self.compiled();
        let temperament = d.mood.temperament;
        let field_of = |t: Target| -> Option<EvidenceField> {
            let f = match t {
                Target::Category(ci) if Some(ci) == d.best_category => EvidenceField::Category,
                Target::Kind(k) if Some(k) == d.by_phrase => EvidenceField::Kind,
                Target::Urgency(u) if u == d.urgency => EvidenceField::Urgency,
                Target::Anger if temperament == Temperament::Venting => EvidenceField::Temperament,
                Target::Comparison | Target::Explanation
                    if temperament == Temperament::Expectation =>
                {
                    EvidenceField::Temperament
                }
                _ => return None,
            };
            Some(f)
        };
        let exclaim = d.mood.exclaim;
        let bang = temperament == Temperament::Venting && exclaim > 0;
        let shouted = temperament == Temperament::Venting && d.mood.shout > 0.0;
        let mut count = grams.len() + usize::from(bang) + usize::from(shouted);
        for &(pid, _, _) in hits {
            count += c
                .targets(pid)
                .iter()
                .filter(|(t, _)| field_of(*t).is_some())
                .count();
        }
        let mut evidence = Vec::with_capacity(count);
        for (gram, w) in grams {
            evidence.push(Evidence {
                field: EvidenceField::Category,
                label: d.category.clone(),
                phrase: SharedStr::from(gram),
                weight: round4(w),
                lead: false,
            });
        }
        if count > evidence.len() {
            for field in [
                EvidenceField::Category,
                EvidenceField::Kind,
                EvidenceField::Urgency,
                EvidenceField::Temperament,
            ] {
                let label = match field {
                    EvidenceField::Category => &d.category,
                    EvidenceField::Kind => &c.kind_labels[d.kind as usize],
                    EvidenceField::Urgency => &c.urgency_labels[d.urgency as usize],
                    EvidenceField::Temperament => match temperament {
                        Temperament::Venting => &c.venting,
                        _ => &c.expectation,
                    },
                };
                for &(pid, n, first) in hits {
                    let in_lead = first <= lead;
                    for &(t, w) in c.targets(pid) {
                        if field_of(t) == Some(field) {
                            let lead = in_lead && field == EvidenceField::Category;
                            evidence.push(Evidence {
                                field,
                                label: label.clone(),
                                phrase: c.phrases[pid as usize].clone(),
                                weight: w * (f64::from(n) + if lead { LEAD_BONUS } else { 0.0 }),
                                lead,
                            });
                        }
                    }
                }
            }
            if bang {
                evidence.push(Evidence {
                    field: EvidenceField::Temperament,
                    label: c.venting.clone(),
                    phrase: c.exclamation.clone(),
                    weight: 0.5 * (exclaim.min(6) as f64),
                    lead: false,
                });
            }
            if shouted {
                evidence.push(Evidence {
                    field: EvidenceField::Temperament,
                    label: c.venting.clone(),
                    phrase: SharedStr::from_static(if scan.longest_run.1 { "!!!" } else { "???" }),
                    weight: SHOUT_WEIGHT,
                    lead: false,
                });
            }
        }
        evidence
    }

    /// Classifies many texts (the same as [`classify`](Self::classify) on each, in order).
    ///
    /// ```
    /// let clf = estatekit::tickets::TicketClassifier::default_rules();
    /// let out = clf.classify_batch(&["停电了", "Noise from upstairs every night"]);
    /// assert_eq!(out.iter().map(|c| c.category.as_str()).collect::<Vec<_>>(), ["repair.electrical", "noise"]);
    /// ```
    pub fn classify_batch<S: AsRef<str>>(&self, texts: &[S]) -> Vec<Classification> {
        // LANES texts at a time: their scans overlap (see `Compiled::scan_many`).
        let mut out = Vec::with_capacity(texts.len());
        let mut groups = texts.chunks_exact(LANES);
        let mut scans: [Scan; LANES] = std::array::from_fn(|_| Scan::new());
        for group in &mut groups {
            let group: [&str; LANES] = std::array::from_fn(|i| group[i].as_ref());
            self.compiled().scan_many(group, &mut scans);
            for (t, scan) in group.iter().zip(&scans) {
                out.push(self.decide(t, scan));
            }
        }
        out.extend(groups.remainder().iter().map(|t| self.classify(t.as_ref())));
        out
    }

    /// [`classify_batch`](Self::classify_batch) on `threads` threads (`0`: every core,
    /// see [`crate::parallel::resolve`]): the texts are cut into contiguous chunks, each
    /// classified on its own thread, and the results put back in order, so they are the
    /// same whatever the count; fewer than 512 texts are classified on the caller's
    /// thread.
    ///
    /// ```
    /// let clf = estatekit::tickets::TicketClassifier::default_rules();
    /// let texts: Vec<String> = (0..2000).map(|i| format!("{i}号楼停电了")).collect();
    /// let two = clf.classify_batch_threads(&texts, 2);
    /// assert_eq!(two, clf.classify_batch(&texts));
    /// assert_eq!(two[1999].category, "repair.electrical");
    /// ```
    pub fn classify_batch_threads<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        threads: u32,
    ) -> Vec<Classification> {
        crate::parallel::concat(crate::parallel::map_chunks(
            texts,
            crate::parallel::resolve(threads),
            TEXTS_PER_THREAD,
            |_, chunk| self.classify_batch(chunk),
        ))
    }
}

/// The fewest texts a thread of the `*_batch_threads` methods is given (a few
/// microseconds each: a thread costs about as much as a few dozen texts).
const TEXTS_PER_THREAD: usize = 256;

impl TicketClassifier {
    /// The category of each text, and nothing else: from the model when there is one
    /// (no rules, no evidence: the fast path for bulk labelling), else from the rules.
    ///
    /// ```
    /// use estatekit::tickets::{TicketClassifier, TrainOptions};
    /// let clf = TicketClassifier::train(&["水管漏水", "电梯坏了"], &["water", "lift"], 0, &TrainOptions::default())?;
    /// assert_eq!(clf.predict_batch(&["电梯又坏了"]), ["lift"]);
    /// assert_eq!(TicketClassifier::default_rules().predict_batch(&["停电了"]), ["repair.electrical"]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn predict_batch<S: AsRef<str>>(&self, texts: &[S]) -> Vec<String> {
        match &self.model {
            Some(m) => m
                .predict_batch(texts)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            None => self
                .classify_batch(texts)
                .into_iter()
                .map(|c| c.category)
                .collect(),
        }
    }

    /// [`predict_batch`](Self::predict_batch) on `threads` threads (`0`: every core):
    /// contiguous chunks of texts, each predicted on its own thread (by the model's
    /// [`TicketModel::predict_batch`] when there is one, else by the rules), the
    /// results in input order, the same whatever the count.
    ///
    /// ```
    /// use estatekit::tickets::{TicketClassifier, TrainOptions};
    /// let clf = TicketClassifier::train(&["水管漏水", "电梯坏了"], &["water", "lift"], 0, &TrainOptions::default())?;
    /// let texts: Vec<&str> = ["电梯又坏了", "厨房漏水"].repeat(500);
    /// let every_core = clf.predict_batch_threads(&texts, 0);
    /// assert_eq!(every_core, clf.predict_batch(&texts));
    /// assert_eq!(&every_core[..2], ["lift", "water"]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn predict_batch_threads<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        threads: u32,
    ) -> Vec<String> {
        crate::parallel::concat(crate::parallel::map_chunks(
            texts,
            crate::parallel::resolve(threads),
            TEXTS_PER_THREAD,
            |_, chunk| self.predict_batch(chunk),
        ))
    }
}

impl Default for TicketClassifier {
    fn default() -> Self {
        Self::default_rules()
    }
}

/// Category scores on the stack for the usual number of categories.
const CATEGORIES_ON_STACK: usize = 32;

/// The phrase weights of a text summed per target (weight × occurrences), and how
/// often phrases repeat: what [`TicketClassifier::decide`] decides from.
#[derive(Debug)]
struct Tally {
    /// Per category, in category order: the first `n_cat` of `cat_stack`, or
    /// `cat_heap` when there are more than [`CATEGORIES_ON_STACK`].
    cat_stack: [f64; CATEGORIES_ON_STACK],
    cat_heap: Vec<f64>,
    n_cat: usize,
    kind: [f64; TicketKind::ALL.len()],
    urgency: [f64; Urgency::ALL.len()],
    anger: f64,
    comparison: f64,
    explanation: f64,
    asks: f64,
    /// Occurrences beyond the first of every phrase.
    repeats: u32,
}

impl Tally {
    /// Sums the weights of the matched phrases (`hits`: phrase, occurrences, end of
    /// the first occurrence); a category phrase first found by byte `lead` (in the
    /// lead, see [`lead_end`]) weighs [`LEAD_BONUS`] times its weight more.
    #[inline]
    fn of(c: &Compiled, hits: &[(u32, u32, usize)], lead: usize) -> Self {
        let n_cat = c.categories.len();
        let mut t = Tally {
            cat_stack: [0.0; CATEGORIES_ON_STACK],
            cat_heap: if n_cat > CATEGORIES_ON_STACK {
                vec![0.0; n_cat]
            } else {
                Vec::new()
            },
            n_cat,
            kind: [0.0; TicketKind::ALL.len()],
            urgency: [0.0; Urgency::ALL.len()],
            anger: 0.0,
            comparison: 0.0,
            explanation: 0.0,
            asks: 0.0,
            repeats: 0,
        };
        let cat_scores: &mut [f64] = if n_cat <= CATEGORIES_ON_STACK {
            &mut t.cat_stack[..n_cat]
        } else {
            &mut t.cat_heap
        };
        for &(pid, count, first) in hits {
            let n = f64::from(count);
            let in_lead = if first <= lead { LEAD_BONUS } else { 0.0 };
            t.repeats += count - 1;
            for &(target, w) in c.targets(pid) {
                match target {
                    Target::Category(ci) => cat_scores[usize::from(ci)] += w * (n + in_lead),
                    Target::Kind(k) => t.kind[k as usize] += w * n,
                    Target::Urgency(u) => t.urgency[u as usize] += w * n,
                    Target::Anger => t.anger += w * n,
                    Target::Comparison => t.comparison += w * n,
                    Target::Explanation => t.explanation += w * n,
                    Target::Ask => t.asks += w * n,
                }
            }
        }
        t
    }

    /// The category scores, in category order.
    #[inline]
    fn categories(&self) -> &[f64] {
        if self.n_cat <= CATEGORIES_ON_STACK {
            &self.cat_stack[..self.n_cat]
        } else {
            &self.cat_heap
        }
    }

    /// Kind step: the kind phrases weigh (anger and comparisons count for a
    /// complaint); a thank-you that asks for nothing is praise even where repair or
    /// service phrases weigh more (the repair it thanks for is named, not asked for).
    /// Without any kind phrase: a repair category is a repair request; another
    /// category's phrases describe something wrong in the estate (噪音, 乱停, 被盗,
    /// 垃圾, 裂缝), and a text that only reports such a problem is a grievance, a
    /// complaint (the convention of both labelled sets); a text with no sign of a
    /// problem either is not taken for a complaint (that inflated the complaint rate)
    /// but for a service request, the kind that asks the property to do something.
    ///
    /// Returns the kind and the kind the phrases chose (if any), whose phrases are
    /// the kind's evidence.
    #[inline]
    fn kind(&self, category: &str) -> (TicketKind, Option<TicketKind>) {
        let problem = self.categories().iter().any(|s| *s > 0.0);
        let mut kind_scores = self.kind;
        kind_scores[TicketKind::Complaint as usize] +=
            self.anger.max(0.0) + self.comparison.max(0.0);
        let mut by_phrase = None;
        for k in TicketKind::ALL {
            let s = kind_scores[*k as usize];
            if s > 0.0 && by_phrase.is_none_or(|(_, b)| s > b) {
                by_phrase = Some((*k, s));
            }
        }
        let thanks = kind_scores[TicketKind::Praise as usize] >= PRAISE_MIN && self.asks < 1.0;
        let by_phrase = match by_phrase.map(|(k, _)| k) {
            Some(TicketKind::RepairRequest | TicketKind::ServiceRequest) if thanks => {
                Some(TicketKind::Praise)
            }
            k => k,
        };
        let kind = match by_phrase {
            Some(k) => k,
            None if category.starts_with("repair.") => TicketKind::RepairRequest,
            None if problem => TicketKind::Complaint,
            None => TicketKind::ServiceRequest,
        };
        (kind, by_phrase)
    }

    /// Urgency step: the most urgent level whose phrases weigh at least 1.
    #[inline]
    fn urgency(&self) -> Urgency {
        [Urgency::Emergency, Urgency::Urgent]
            .into_iter()
            .find(|u| self.urgency[*u as usize] >= 1.0)
            .unwrap_or(Urgency::Normal)
    }

    /// Temperament step: anger, exclamation and repetition make venting; comparisons
    /// and self-explanation without anger make expectation (of a complaint);
    /// otherwise problem-solving. A run of [`SHOUT_RUN`] or more marks (！！！, ???)
    /// is shouting: it weighs as an anger word of [`SHOUT_WEIGHT`].
    #[inline]
    fn temperament(&self, scan: &Scan, kind: TicketKind) -> Mood {
        let exclaim = scan.exclaim;
        let shout = if scan.longest_run.0 >= SHOUT_RUN {
            SHOUT_WEIGHT
        } else {
            0.0
        };
        let rep = f64::from(self.repeats) + if scan.runs { 1.0 } else { 0.0 };
        let anger_signs = self.anger + shout;
        let venting = anger_signs + 0.5 * (exclaim.min(6) as f64) + 0.5 * rep;
        let expectation = self.comparison + self.explanation;
        let temperament = if anger_signs >= 1.0 && venting >= 3.0 {
            Temperament::Venting
        } else if kind == TicketKind::Complaint
            && expectation >= 1.0
            && anger_signs < 1.0
            && exclaim < 2
        {
            Temperament::Expectation
        } else {
            Temperament::ProblemSolving
        };
        Mood {
            temperament,
            exclaim,
            shout,
        }
    }
}

/// The category step's result.
#[derive(Debug)]
struct CategoryChoice {
    category: SharedStr,
    department: SharedStr,
    confidence: f64,
    /// The category index the rules chose (none from the model or for "other").
    best_category: Option<u16>,
    /// The model's n-grams that weighed most for its label, with their weights.
    grams: Vec<(String, f64)>,
}

/// The temperament step's result, with the signs its evidence shows.
#[derive(Debug, Clone, Copy)]
struct Mood {
    temperament: Temperament,
    /// Exclamation marks in the text.
    exclaim: usize,
    /// [`SHOUT_WEIGHT`] when the text shouts, else 0.
    shout: f64,
}

/// What the steps decided, for the evidence step.
#[derive(Debug)]
struct Decided {
    category: SharedStr,
    best_category: Option<u16>,
    by_phrase: Option<TicketKind>,
    kind: TicketKind,
    urgency: Urgency,
    mood: Mood,
}

#[cfg(test)]
mod tests {
    use super::{CategoryRule, Compiled, Phrases, RuleSet, Scan, SharedStr, has_cjk};
    use crate::tickets::ops::{self, Op};
    use proptest::prelude::*;

    /// The documented matching, occurrence by occurrence (what the classifier did
    /// before nested phrases were counted through the phrase forest): every
    /// overlapping occurrence of every phrase, ASCII case ignored, a phrase starting
    /// with an ASCII letter or digit only at a word start; (phrase, occurrences) in
    /// order of first report.
    fn hits_by_occurrence(phrases: &[String], text: &str) -> Vec<(String, u32, usize)> {
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(phrases)
            .unwrap();
        let bytes = text.as_bytes();
        let mut out: Vec<(String, u32, usize)> = Vec::new();
        for m in ac.find_overlapping_iter(text) {
            let p = &phrases[m.pattern().as_usize()];
            let word_start = p.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
            if word_start && m.start() > 0 && bytes[m.start() - 1].is_ascii_alphanumeric() {
                continue;
            }
            match out.iter_mut().find(|h| h.0 == *p) {
                Some(h) => h.1 += 1,
                None => out.push((p.clone(), 1, m.end())),
            }
        }
        out
    }

    /// (phrase, occurrences, end of the first occurrence).
    fn scan_hits(c: &Compiled, text: &str) -> Vec<(String, u32, usize)> {
        let mut scan = Scan::new();
        c.scan(text, &mut scan);
        scan.hits()
            .iter()
            .map(|&(p, n, first)| (c.phrases[p as usize].to_string(), n, first))
            .collect()
    }

    fn rules_of(phrases: &[String]) -> RuleSet {
        let phrases: Phrases = phrases.iter().map(|p| (p.clone(), 1.0)).collect();
        RuleSet {
            categories: vec![CategoryRule {
                code: "x".into(),
                phrases,
            }],
            ..RuleSet::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn nested_phrases_count_like_every_occurrence(
            phrases in proptest::collection::btree_set("[aAb 哈!-]{1,5}", 1..12),
            text in "[aAbB 哈!？-]{0,60}",
        ) {
            // The rule set lower-cases phrases (ASCII) and drops blank ones.
            let phrases: Vec<String> = phrases
                .into_iter()
                .map(|p| p.to_ascii_lowercase())
                .filter(|p| !p.trim().is_empty())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            prop_assume!(!phrases.is_empty());
            let c = Compiled::new(&rules_of(&phrases)).unwrap();
            prop_assert_eq!(scan_hits(&c, &text), hits_by_occurrence(&phrases, &text));
        }
    }

    #[test]
    fn builtin_rules_count_like_every_occurrence() {
        let r = RuleSet::builtin();
        let c = Compiled::new(&r).unwrap();
        let phrases: Vec<String> = c.phrases.iter().map(|p| p.to_string()).collect();
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/tickets_labelled.jsonl"
        ))
        .unwrap();
        for line in text.lines().take(400) {
            assert_eq!(
                scan_hits(&c, line),
                hits_by_occurrence(&phrases, line),
                "{line}"
            );
        }
    }

    /// Match work outside the byte loop for `text` with the phrases `a`, `aa`, …
    /// (`depth` of them) and `哈`, `哈哈`, …: nested phrases end at every byte.
    fn nested_work(depth: usize, text: &str) -> (u64, Vec<(String, u32)>) {
        let phrases: Vec<String> = (1..=depth)
            .flat_map(|n| ["a".repeat(n), "哈".repeat(n)])
            .collect();
        let c = Compiled::new(&rules_of(&phrases)).unwrap();
        ops::reset();
        let hits = scan_hits(&c, text)
            .into_iter()
            .map(|(p, n, _)| (p, n))
            .collect();
        (ops::get(Op::RuleMatchWork), hits)
    }

    #[test]
    fn nested_phrases_cost_linear_work() {
        let depth = 64;
        let n = 20_000;
        let text = |n: usize| format!("{} {}", "a".repeat(n), "哈".repeat(n));
        let (small, hits) = nested_work(depth, &text(n));
        let (large, hits_10) = nested_work(depth, &text(10 * n));
        // `a` × k is a word-start phrase: once, at the start of the run; `哈` × k
        // occurs at every character from the k-th on.
        assert_eq!(hits.len(), 2 * depth);
        assert_eq!(hits[0], ("a".into(), 1));
        assert_eq!(hits[depth - 1], ("a".repeat(depth), 1));
        assert_eq!(hits[depth], ("哈".into(), n as u32));
        assert_eq!(
            hits[2 * depth - 1],
            ("哈".repeat(depth), (n - depth + 1) as u32)
        );
        assert_eq!(
            hits_10[2 * depth - 1],
            ("哈".repeat(depth), (10 * n - depth + 1) as u32)
        );
        // One unit per match-state visit (at most one per character) plus the distinct
        // phrases; every occurrence one by one would be ~64 per character.
        assert!(small <= (2 * n + 4 * depth) as u64, "{small}");
        assert!(large <= 11 * small, "{small} {large}");
    }

    /// The char-by-char definition of the exclamation count, runs and CJK.
    fn marks_by_char(text: &str) -> (usize, bool, bool, (usize, bool)) {
        let (mut exclaim, mut runs, mut cjk, mut prev) = (0usize, false, false, ' ');
        let (mut run, mut run_bang, mut longest) = (0usize, false, (0usize, false));
        for ch in text.chars() {
            let mark = matches!(ch, '!' | '！' | '?' | '？');
            let bang = matches!(ch, '!' | '！');
            if bang {
                exclaim += 1;
            }
            if mark && (prev == ch || (matches!(prev, '!' | '！') && bang)) {
                runs = true;
            }
            if mark {
                if matches!(prev, '!' | '！' | '?' | '？') {
                    run += 1;
                    run_bang |= bang;
                } else {
                    (run, run_bang) = (1, bang);
                }
                if run > longest.0 {
                    longest = (run, run_bang);
                }
            }
            cjk |= ('\u{4e00}'..='\u{9fff}').contains(&ch);
            prev = ch;
        }
        (exclaim, runs, cjk, longest)
    }

    #[test]
    fn lead_agrees_with_the_char_definition() {
        // Every string of up to 4 characters over the sentence ends, look-alikes
        // (U+3082 'も' = E3 82 82 against '。' = E3 80 82, U+FF42 'ｂ' = EF BD 82),
        // spaces, commas and text.
        let alphabet = [
            '!', '！', '?', '？', '。', '\n', '\r', ' ', '，', 'a', '中', 'も', 'ｂ',
        ];
        let by_char = |t: &str| -> usize {
            let Some((i, c)) = t
                .char_indices()
                .find(|(_, c)| matches!(c, '。' | '！' | '？' | '!' | '?' | '\n' | '\r'))
            else {
                return 0;
            };
            let rest = &t[i + c.len_utf8()..];
            let more = rest.chars().any(|c| {
                !c.is_whitespace()
                    && !matches!(c, '。' | '！' | '？' | '!' | '?' | '.' | '，' | ',')
            });
            if more { i } else { 0 }
        };
        let all = strings_up_to_4(&alphabet);
        let compiled = [
            Compiled::new(&RuleSet::builtin()).unwrap(),
            Compiled::new(&RuleSet::default()).unwrap(),
        ];
        for t in &all {
            for c in &compiled {
                let mut scan = Scan::new();
                c.scan(t, &mut scan);
                assert_eq!(super::lead_end(t, scan.stop), by_char(t), "{t:?}");
            }
        }
    }

    /// Every string of at most 4 characters over `alphabet`, the empty one included.
    fn strings_up_to_4(alphabet: &[char]) -> Vec<String> {
        let mut texts = vec![String::new()];
        let mut all = Vec::new();
        for _ in 0..4 {
            let next: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |&c| format!("{t}{c}")))
                .collect();
            all.extend(texts);
            texts = next;
        }
        all.extend(texts);
        all
    }

    #[test]
    fn marks_agree_with_the_char_definition() {
        // Every string of up to 4 characters over marks, ideographs at the edges of the
        // range, look-alike bytes (U+FF41 'ａ' = EF BD 81, U+4081 = E4 82 81) and ASCII.
        let alphabet = [
            '!', '！', '?', '？', 'a', '中', '一', '鿿', '䀀', '䷿', '，', 'ａ', '\u{4081}', '。',
        ];
        let all = strings_up_to_4(&alphabet);
        // With the automaton (the built-in rules, and marks only), and without one.
        let compiled = [
            Compiled::new(&RuleSet::builtin()),
            Compiled::new(&RuleSet::default()),
        ];
        let mut all_compiled: Vec<Compiled> = compiled.into_iter().flatten().collect();
        assert_eq!(all_compiled.len(), 2);
        all_compiled.push(Compiled::empty(SharedStr::from_static("other")));
        for t in &all {
            let want = marks_by_char(t);
            assert_eq!(has_cjk(t), want.2, "{t:?}");
            for c in &all_compiled {
                let mut scan = Scan::new();
                c.scan(t, &mut scan);
                assert_eq!(
                    (scan.exclaim, scan.runs, scan.longest_run),
                    (want.0, want.1, want.3),
                    "{t:?}"
                );
            }
        }
    }

    fn tally(kind: [f64; 6], urgency: [f64; 3], cats: &[f64]) -> super::Tally {
        let mut cat_stack = [0.0; super::CATEGORIES_ON_STACK];
        cat_stack[..cats.len()].copy_from_slice(cats);
        super::Tally {
            cat_stack,
            cat_heap: Vec::new(),
            n_cat: cats.len(),
            kind,
            urgency,
            anger: 0.0,
            comparison: 0.0,
            explanation: 0.0,
            asks: 0.0,
            repeats: 0,
        }
    }

    #[test]
    fn the_kind_step_falls_back_on_the_category() {
        use crate::tickets::TicketKind as K;
        assert_eq!(K::ALL.len(), 6);
        // No kind phrase: a repair category is a repair request, a problem a
        // complaint, nothing at all a service request.
        assert_eq!(
            tally([0.0; 6], [0.0; 3], &[1.0]).kind("repair.water"),
            (K::RepairRequest, None)
        );
        assert_eq!(
            tally([0.0; 6], [0.0; 3], &[1.0]).kind("noise"),
            (K::Complaint, None)
        );
        assert_eq!(
            tally([0.0; 6], [0.0; 3], &[0.0]).kind("other"),
            (K::ServiceRequest, None)
        );
        // Anger counts for a complaint.
        let mut t = tally([0.0; 6], [0.0; 3], &[]);
        t.anger = 1.0;
        assert_eq!(t.kind("other"), (K::Complaint, Some(K::Complaint)));
        // Thanks that ask for nothing are praise, even where a repair weighs more.
        let mut k = [0.0; 6];
        k[K::RepairRequest as usize] = 5.0;
        k[K::Praise as usize] = super::PRAISE_MIN;
        assert_eq!(
            tally(k, [0.0; 3], &[]).kind("repair.water"),
            (K::Praise, Some(K::Praise))
        );
        let mut t = tally(k, [0.0; 3], &[]);
        t.asks = 1.0;
        assert_eq!(
            t.kind("repair.water"),
            (K::RepairRequest, Some(K::RepairRequest))
        );
    }

    #[test]
    fn the_urgency_step_takes_the_most_urgent_level_weighing_one() {
        use crate::tickets::Urgency as U;
        let mut u = [0.0; 3];
        assert_eq!(tally([0.0; 6], u, &[]).urgency(), U::Normal);
        u[U::Urgent as usize] = 1.0;
        u[U::Emergency as usize] = 0.9;
        assert_eq!(tally([0.0; 6], u, &[]).urgency(), U::Urgent);
        u[U::Emergency as usize] = 1.0;
        assert_eq!(tally([0.0; 6], u, &[]).urgency(), U::Emergency);
    }

    #[test]
    fn the_temperament_step_needs_anger_to_vent() {
        use crate::tickets::{Temperament as T, TicketKind as K};
        let mut scan = Scan::new();
        scan.exclaim = 6;
        let calm = tally([0.0; 6], [0.0; 3], &[]);
        assert_eq!(
            calm.temperament(&scan, K::Complaint).temperament,
            T::ProblemSolving
        );
        let mut angry = tally([0.0; 6], [0.0; 3], &[]);
        angry.anger = 1.0;
        let m = angry.temperament(&scan, K::Complaint);
        assert_eq!((m.temperament, m.exclaim, m.shout), (T::Venting, 6, 0.0));
        // A shouted run weighs as an anger word.
        scan.longest_run = (super::SHOUT_RUN, true);
        let m = calm.temperament(&scan, K::Complaint);
        assert_eq!((m.temperament, m.shout), (T::Venting, super::SHOUT_WEIGHT));
        let mut expecting = tally([0.0; 6], [0.0; 3], &[]);
        expecting.comparison = 1.0;
        assert_eq!(
            expecting
                .temperament(&Scan::new(), K::Complaint)
                .temperament,
            T::Expectation
        );
        assert_eq!(
            expecting
                .temperament(&Scan::new(), K::Consultation)
                .temperament,
            T::ProblemSolving
        );
    }
}
