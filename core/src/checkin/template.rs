//! Check-in templates: steps, items, dependencies, validation.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{CheckinError, ItemKind, Role, Severity};
use crate::estate::MeterKind;

/// The template JSON format version this library reads and writes.
///
/// ```
/// use estatekit::checkin::{CheckinTemplate, TEMPLATE_FORMAT_VERSION};
/// assert_eq!(CheckinTemplate::default_template().data().format_version, TEMPLATE_FORMAT_VERSION);
/// ```
pub const TEMPLATE_FORMAT_VERSION: u32 = 1;

const DEFAULT_JSON: &str = include_str!("../../data/checkin_template.json");
const MOVE_OUT_JSON: &str = include_str!("../../data/moveout_template.json");

fn format_version() -> u32 {
    TEMPLATE_FORMAT_VERSION
}

fn yes() -> bool {
    true
}

/// One item of a step: something to issue, record, sign, pay, read, hand over or inspect.
///
/// ```
/// let t = estatekit::checkin::CheckinTemplate::default_template();
/// let item = t.item("water_meter_reading").expect("default item");
/// assert_eq!(item.meter_kind, Some(estatekit::estate::MeterKind::Water));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    /// Unique code across the whole template, snake_case by convention.
    pub code: String,
    /// What the item is.
    pub kind: ItemKind,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Whether the check-in can complete without it (default: mandatory).
    #[serde(default = "yes")]
    pub mandatory: bool,
    /// The roles allowed to complete or undo it (at least one).
    pub roles: Vec<Role>,
    /// The charge, for a `payment` item (≥ 0; JSON string). Absent otherwise.
    #[serde(
        default,
        with = "crate::json::decimal_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
    /// What a `payment` item's money is: `fee` (the default when absent), `prepayment`
    /// or `deposit`. Absent for other items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<super::PaymentNature>,
    /// The meter read, for a `meter_reading` item. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meter_kind: Option<MeterKind>,
    /// The number of keys expected, for a `key_handover` item (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys: Option<u32>,
}

impl ItemDef {
    /// What a payment item's money is (`fee` when the template does not say); none for
    /// other items.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, PaymentNature};
    /// let t = CheckinTemplate::default_template();
    /// assert_eq!(t.item("decoration_deposit").unwrap().payment_nature(), Some(PaymentNature::Deposit));
    /// assert_eq!(t.item("water_meter_reading").unwrap().payment_nature(), None);
    /// ```
    pub fn payment_nature(&self) -> Option<super::PaymentNature> {
        (self.kind == super::ItemKind::Payment)
            .then(|| self.nature.unwrap_or(super::PaymentNature::Fee))
    }
}

/// A step of the procedure, with the steps it depends on and its items.
///
/// ```
/// let t = estatekit::checkin::CheckinTemplate::default_template();
/// assert_eq!(t.steps()[0].code, "sale_formalities");
/// assert!(t.steps()[0].depends_on.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// Unique step code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Steps whose mandatory items must all be done before this step's items.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// The items, in order.
    pub items: Vec<ItemDef>,
}

/// Days allowed to rectify a defect, by severity (整改期限).
///
/// ```
/// use estatekit::checkin::{RectificationDays, Severity};
/// assert_eq!(RectificationDays::default().days(Severity::Critical), 3);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationDays {
    /// Days for a minor defect (default 30).
    pub minor: u32,
    /// Days for a major defect (default 15).
    pub major: u32,
    /// Days for a critical defect (default 3).
    pub critical: u32,
}

impl Default for RectificationDays {
    fn default() -> Self {
        Self {
            minor: 30,
            major: 15,
            critical: 3,
        }
    }
}

impl RectificationDays {
    /// The days allowed for `severity`.
    ///
    /// ```
    /// use estatekit::checkin::{RectificationDays, Severity};
    /// assert_eq!(RectificationDays::default().days(Severity::Major), 15);
    /// ```
    pub fn days(&self, severity: Severity) -> u32 {
        match severity {
            Severity::Minor => self.minor,
            Severity::Major => self.major,
            Severity::Critical => self.critical,
        }
    }
}

/// The plain data of a template: the JSON document, not yet validated.
///
/// ```
/// use estatekit::checkin::{CheckinTemplate, TemplateData};
/// let data: TemplateData = CheckinTemplate::default_template().data().clone();
/// assert_eq!(data.steps.len(), 8);
/// assert!(CheckinTemplate::new(data).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateData {
    /// Must be [`TEMPLATE_FORMAT_VERSION`].
    #[serde(default = "format_version")]
    pub format_version: u32,
    /// Template id, recorded in every checklist started from it.
    pub id: String,
    /// Revision of the template; bump it when the steps change.
    pub version: u32,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// Rectification days by severity.
    #[serde(default)]
    pub rectification_days: RectificationDays,
    /// The item the manager completes to audit a check-in (must be optional), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_item: Option<String>,
    /// The steps, in order.
    pub steps: Vec<StepDef>,
}

/// A validated check-in template.
///
/// ```
/// use estatekit::checkin::CheckinTemplate;
/// let t = CheckinTemplate::default_template();
/// assert_eq!(CheckinTemplate::from_json(&t.to_json())?, t);
/// # Ok::<(), estatekit::checkin::CheckinError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinTemplate {
    data: TemplateData,
    /// item code → (step index, item index)
    items: BTreeMap<String, (usize, usize)>,
    steps: BTreeMap<String, usize>,
    /// Derived from `data`, computed once: see [`Graph`].
    graph: Graph,
}

/// The template's structure by index, so that checklist queries are linear: the items
/// of step `s` are `item_start[s]..item_start[s + 1]` of the template order (a
/// checklist's items are in that order), `deps[s]` the steps `s` depends on (in
/// `depends_on` order) and `dependents[s]` the steps that depend on `s` directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Graph {
    pub(crate) item_start: Vec<usize>,
    pub(crate) deps: Vec<Vec<usize>>,
    pub(crate) dependents: Vec<Vec<usize>>,
}

impl CheckinTemplate {
    /// Validates `data` and builds a template.
    ///
    /// # Errors
    /// [`CheckinError`] naming the first bad field: unsupported format version, empty
    /// or duplicate codes (steps and items share one namespace per kind), unknown or
    /// cyclic dependencies, items without roles, a payment without an amount (or a
    /// negative one), a meter reading without a meter kind, kind-specific fields on the
    /// wrong kind, an unknown or mandatory audit item.
    ///
    /// ```
    /// use estatekit::checkin::CheckinTemplate;
    /// let mut data = CheckinTemplate::default_template().data().clone();
    /// data.steps[0].depends_on.push("manager_audit".into());
    /// let err = CheckinTemplate::new(data).unwrap_err();
    /// assert_eq!(err.code(), "dependency_cycle");
    /// assert_eq!(err.path(), "steps[0].depends_on");
    /// ```
    pub fn new(data: TemplateData) -> Result<Self, CheckinError> {
        if data.format_version != TEMPLATE_FORMAT_VERSION {
            return Err(CheckinError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: data.format_version,
                supported: TEMPLATE_FORMAT_VERSION,
            });
        }
        if data.id.trim().is_empty() {
            return Err(CheckinError::value(
                "empty_field",
                "id",
                "id must not be empty",
            ));
        }
        if data.steps.is_empty() {
            return Err(CheckinError::value(
                "empty_field",
                "steps",
                "a template needs at least one step",
            ));
        }
        let mut steps = BTreeMap::new();
        let mut items = BTreeMap::new();
        for (s, step) in data.steps.iter().enumerate() {
            let path = format!("steps[{s}].code");
            if step.code.trim().is_empty() {
                return Err(CheckinError::value(
                    "empty_field",
                    path,
                    "code must not be empty",
                ));
            }
            if steps.insert(step.code.clone(), s).is_some() {
                return Err(CheckinError::DuplicateCode {
                    path,
                    code: step.code.clone(),
                });
            }
            if step.items.is_empty() {
                return Err(CheckinError::value(
                    "empty_field",
                    format!("steps[{s}].items"),
                    "a step needs at least one item",
                ));
            }
            for (i, item) in step.items.iter().enumerate() {
                validate_item(s, i, item)?;
                if items.insert(item.code.clone(), (s, i)).is_some() {
                    return Err(CheckinError::DuplicateCode {
                        path: format!("steps[{s}].items[{i}].code"),
                        code: item.code.clone(),
                    });
                }
            }
        }
        for (s, step) in data.steps.iter().enumerate() {
            for (d, dep) in step.depends_on.iter().enumerate() {
                if !steps.contains_key(dep) {
                    return Err(CheckinError::UnknownDependency {
                        path: format!("steps[{s}].depends_on[{d}]"),
                        step: step.code.clone(),
                        depends_on: dep.clone(),
                    });
                }
            }
        }
        if let Some(cycle) = find_cycle(&data.steps, &steps) {
            let first = cycle
                .first()
                .and_then(|c| steps.get(c))
                .copied()
                .unwrap_or(0);
            return Err(CheckinError::DependencyCycle {
                path: format!("steps[{first}].depends_on"),
                cycle,
            });
        }
        if let Some(audit) = &data.audit_item {
            match items.get(audit) {
                None => {
                    return Err(CheckinError::UnknownItem {
                        path: "audit_item".into(),
                        item: audit.clone(),
                    });
                }
                Some(&(s, i)) if data.steps[s].items[i].mandatory => {
                    return Err(CheckinError::value(
                        "conflicting_fields",
                        "audit_item",
                        format!(
                            "the audit item {audit:?} must be optional: audits follow the check-in"
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        let mut item_start = Vec::with_capacity(data.steps.len() + 1);
        item_start.push(0);
        for step in &data.steps {
            item_start.push(item_start.last().copied().unwrap_or(0) + step.items.len());
        }
        // Dependencies were checked above: every one is a known step.
        let deps: Vec<Vec<usize>> = data
            .steps
            .iter()
            .map(|s| {
                s.depends_on
                    .iter()
                    .filter_map(|d| steps.get(d).copied())
                    .collect()
            })
            .collect();
        let mut dependents = vec![Vec::new(); data.steps.len()];
        for (s, ds) in deps.iter().enumerate() {
            for &d in ds {
                dependents[d].push(s);
            }
        }
        let graph = Graph {
            item_start,
            deps,
            dependents,
        };
        Ok(Self {
            data,
            items,
            steps,
            graph,
        })
    }

    /// Parses and validates a template JSON document.
    ///
    /// # Errors
    /// [`CheckinError::Json`] with the path of the bad field; any error of
    /// [`CheckinTemplate::new`].
    ///
    /// ```
    /// use estatekit::checkin::CheckinTemplate;
    /// let err = CheckinTemplate::from_json(r#"{"id": "t", "version": 1, "name_zh": "入住",
    ///   "name_en": "Check-in", "steps": [{"code": "a", "name_zh": "甲", "name_en": "A",
    ///   "depends_on": ["b"], "items": [{"code": "x", "kind": "record_made", "name_zh": "记录",
    ///   "name_en": "Record", "roles": ["receptionist"]}]}]}"#).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_dependency", "steps[0].depends_on[0]"));
    /// ```
    pub fn from_json(text: &str) -> Result<Self, CheckinError> {
        crate::json::within_limit(text).map_err(|(size, limit)| {
            CheckinError::DocumentTooLarge {
                path: "$".to_owned(),
                size,
                limit,
            }
        })?;
        let data: TemplateData = crate::json::parse(text).map_err(|f| CheckinError::Json {
            path: f.path,
            message: f.message,
        })?;
        Self::new(data)
    }

    /// The template as pretty-printed JSON; [`CheckinTemplate::from_json`] reads it back.
    ///
    /// ```
    /// let json = estatekit::checkin::CheckinTemplate::default_template().to_json();
    /// assert!(json.contains("\"amount\": \""));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.data)
            .expect("a template serializes: string keys, no floats, no custom failure")
    }

    /// The built-in template of ordinary occupancy, from the seeds: eight steps, the
    /// nine documents issued, the six records made, charges, meter base readings,
    /// keys, joint inspection and the manager's audit.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, ItemKind};
    /// let t = CheckinTemplate::default_template();
    /// assert_eq!(t.steps().len(), 8);
    /// let docs = t.items().filter(|(_, i)| i.kind == ItemKind::DocumentIssued).count();
    /// assert_eq!(docs, 9);
    /// ```
    pub fn default_template() -> Self {
        // The embedded document is checked by the test suite (`default_template_is_valid`).
        Self::from_json(DEFAULT_JSON).expect("the embedded check-in template is valid")
    }

    /// The built-in template of a whole unit's move-out (退租搬出): the application and
    /// the goods release permit; the final meter readings; the unit's inspection; the
    /// account and the deposit settled; the keys returned and the move-out signed off;
    /// the manager's audit. Its completion leaves the unit delivered and empty
    /// ([`completion_effects`](super::completion_effects) with `UnitStatus::Delivered`,
    /// 已交房未入住, from a status of occupied or rented), the final readings becoming
    /// readings of the unit's meters.
    ///
    /// ```
    /// use estatekit::checkin::{CheckinTemplate, ItemKind};
    /// let t = CheckinTemplate::default_move_out();
    /// assert_eq!((t.id(), t.steps().len()), ("move_out", 6));
    /// let readings = t.items().filter(|(_, i)| i.kind == ItemKind::MeterReading).count();
    /// assert_eq!(readings, 3);
    /// ```
    pub fn default_move_out() -> Self {
        // The embedded document is checked by the test suite (`move_out_template_is_valid`).
        Self::from_json(MOVE_OUT_JSON).expect("the embedded move-out template is valid")
    }

    /// The plain data.
    ///
    /// ```
    /// assert_eq!(estatekit::checkin::CheckinTemplate::default_template().data().id, "default");
    /// ```
    pub fn data(&self) -> &TemplateData {
        &self.data
    }

    /// Template id.
    ///
    /// ```
    /// assert_eq!(estatekit::checkin::CheckinTemplate::default_template().id(), "default");
    /// ```
    pub fn id(&self) -> &str {
        &self.data.id
    }

    /// Template revision.
    ///
    /// ```
    /// assert_eq!(estatekit::checkin::CheckinTemplate::default_template().version(), 1);
    /// ```
    pub fn version(&self) -> u32 {
        self.data.version
    }

    /// The steps, in order.
    ///
    /// ```
    /// let t = estatekit::checkin::CheckinTemplate::default_template();
    /// assert_eq!(t.steps()[7].code, "manager_audit");
    /// ```
    pub fn steps(&self) -> &[StepDef] {
        &self.data.steps
    }

    /// The step with this code.
    ///
    /// ```
    /// let t = estatekit::checkin::CheckinTemplate::default_template();
    /// assert_eq!(t.step("charges").map(|s| s.items.len()), Some(3));
    /// ```
    pub fn step(&self, code: &str) -> Option<&StepDef> {
        self.steps.get(code).map(|&s| &self.data.steps[s])
    }

    /// The item with this code.
    ///
    /// ```
    /// let t = estatekit::checkin::CheckinTemplate::default_template();
    /// assert!(t.item("key_handover").is_some());
    /// assert!(t.item("nope").is_none());
    /// ```
    pub fn item(&self, code: &str) -> Option<&ItemDef> {
        self.items
            .get(code)
            .map(|&(s, i)| &self.data.steps[s].items[i])
    }

    /// The step an item belongs to.
    ///
    /// ```
    /// let t = estatekit::checkin::CheckinTemplate::default_template();
    /// assert_eq!(t.step_of("key_handover").map(|s| s.code.as_str()), Some("inspection"));
    /// ```
    pub fn step_of(&self, item_code: &str) -> Option<&StepDef> {
        self.items.get(item_code).map(|&(s, _)| &self.data.steps[s])
    }

    /// Every item with its step, in template order.
    ///
    /// ```
    /// let t = estatekit::checkin::CheckinTemplate::default_template();
    /// let (step, item) = t.items().next().expect("an item");
    /// assert_eq!((step.code.as_str(), item.code.as_str()), ("sale_formalities", "occupancy_notice_presented"));
    /// ```
    pub fn items(&self) -> impl Iterator<Item = (&StepDef, &ItemDef)> {
        self.data
            .steps
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    /// Rectification days by severity.
    ///
    /// ```
    /// let t = estatekit::checkin::CheckinTemplate::default_template();
    /// assert_eq!(t.rectification_days().minor, 30);
    /// ```
    pub fn rectification_days(&self) -> &RectificationDays {
        &self.data.rectification_days
    }

    /// The item the manager completes to audit a check-in, if the template has one.
    ///
    /// ```
    /// let t = estatekit::checkin::CheckinTemplate::default_template();
    /// assert_eq!(t.audit_item(), Some("manager_audit"));
    /// ```
    pub fn audit_item(&self) -> Option<&str> {
        self.data.audit_item.as_deref()
    }

    /// The structure by index (item ranges per step, dependency edges both ways).
    pub(crate) fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The index of a step.
    pub(crate) fn step_index(&self, code: &str) -> Option<usize> {
        self.steps.get(code).copied()
    }

    /// The index of an item in template order (its index in a checklist's items).
    pub(crate) fn item_index(&self, code: &str) -> Option<usize> {
        self.items
            .get(code)
            .map(|&(s, i)| self.graph.item_start[s] + i)
    }

    /// The steps that depend on step `step`, directly or transitively, as a flag per
    /// step. O(steps + dependencies): a traversal of the reverse edges.
    pub(crate) fn transitive_dependents(&self, step: usize) -> Vec<bool> {
        let mut found = vec![false; self.data.steps.len()];
        let mut stack = vec![step];
        while let Some(s) = stack.pop() {
            let next = self.graph.dependents.get(s).map_or(&[][..], Vec::as_slice);
            super::ops::add(super::ops::Op::StepVisits, 1 + next.len() as u64);
            for &d in next {
                if !found[d] {
                    found[d] = true;
                    stack.push(d);
                }
            }
        }
        found
    }
}

fn validate_item(s: usize, i: usize, item: &ItemDef) -> Result<(), CheckinError> {
    let p = |field: &str| format!("steps[{s}].items[{i}].{field}");
    if item.code.trim().is_empty() {
        return Err(CheckinError::value(
            "empty_field",
            p("code"),
            "code must not be empty",
        ));
    }
    if item.roles.is_empty() {
        return Err(CheckinError::value(
            "empty_field",
            p("roles"),
            "at least one role must be allowed",
        ));
    }
    let kind = item.kind;
    match (kind, item.amount) {
        (super::ItemKind::Payment, None) => {
            return Err(CheckinError::value(
                "missing_value",
                p("amount"),
                "a payment item needs an amount",
            ));
        }
        (super::ItemKind::Payment, Some(a)) if a < Decimal::ZERO => {
            return Err(CheckinError::value(
                "negative",
                p("amount"),
                format!("amount must not be negative, got {a}"),
            ));
        }
        (super::ItemKind::Payment, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(CheckinError::value(
                "conflicting_fields",
                p("amount"),
                format!("only a payment item has an amount, not a {kind} item"),
            ));
        }
    }
    if kind != super::ItemKind::Payment && item.nature.is_some() {
        return Err(CheckinError::value(
            "conflicting_fields",
            p("nature"),
            format!("only a payment item has a nature, not a {kind} item"),
        ));
    }
    match (kind, item.meter_kind) {
        (super::ItemKind::MeterReading, None) => {
            return Err(CheckinError::value(
                "missing_value",
                p("meter_kind"),
                "a meter_reading item needs a meter kind",
            ));
        }
        (super::ItemKind::MeterReading, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(CheckinError::value(
                "conflicting_fields",
                p("meter_kind"),
                format!("only a meter_reading item has a meter kind, not a {kind} item"),
            ));
        }
    }
    match (kind, item.keys) {
        (super::ItemKind::KeyHandover, Some(0)) => {
            return Err(CheckinError::value(
                "out_of_range",
                p("keys"),
                "the expected key count must be at least 1",
            ));
        }
        (super::ItemKind::KeyHandover, _) | (_, None) => {}
        (_, Some(_)) => {
            return Err(CheckinError::value(
                "conflicting_fields",
                p("keys"),
                format!("only a key_handover item has a key count, not a {kind} item"),
            ));
        }
    }
    Ok(())
}

/// The first dependency cycle in step order, as codes with the first repeated at the end.
///
/// Iterative depth-first search (an explicit stack, not recursion): a template with a
/// dependency chain of any length cannot overflow the thread's stack, which would abort
/// the host process rather than fail with an error.
fn find_cycle(steps: &[StepDef], index: &BTreeMap<String, usize>) -> Option<Vec<String>> {
    // 0 = unvisited, 1 = on the path, 2 = done
    let mut state = vec![0u8; steps.len()];
    for root in 0..steps.len() {
        if state.get(root) != Some(&0) {
            continue;
        }
        // The current path: (step, index of the next dependency to look at).
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(&mut (s, ref mut next)) = path.last_mut() {
            let deps = &steps[s].depends_on;
            let Some(dep) = deps.get(*next) else {
                state[s] = 2;
                path.pop();
                continue;
            };
            *next += 1;
            let Some(&d) = index.get(dep) else { continue };
            match state[d] {
                1 => {
                    let start = path.iter().position(|&(x, _)| x == d).unwrap_or(0);
                    let mut cycle: Vec<String> = path[start..]
                        .iter()
                        .map(|&(x, _)| steps[x].code.clone())
                        .collect();
                    cycle.push(steps[d].code.clone());
                    return Some(cycle);
                }
                0 => {
                    state[d] = 1;
                    path.push((d, 0));
                }
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dependency_chains_do_not_overflow_the_stack() {
        let item = |s: usize| ItemDef {
            code: format!("i{s}"),
            kind: super::super::ItemKind::RecordMade,
            name_zh: "x".into(),
            name_en: "x".into(),
            mandatory: true,
            roles: vec![Role::Receptionist],
            amount: None,
            nature: None,
            meter_kind: None,
            keys: None,
        };
        let n = 200_000;
        let steps: Vec<StepDef> = (0..n)
            .map(|s| StepDef {
                code: format!("s{s}"),
                name_zh: "x".into(),
                name_en: "x".into(),
                depends_on: if s + 1 < n {
                    vec![format!("s{}", s + 1)]
                } else {
                    vec!["s0".into()]
                },
                items: vec![item(s)],
            })
            .collect();
        let data = TemplateData {
            format_version: 1,
            id: "t".into(),
            version: 1,
            name_zh: "x".into(),
            name_en: "x".into(),
            rectification_days: RectificationDays::default(),
            audit_item: None,
            steps,
        };
        let err = CheckinTemplate::new(data).unwrap_err();
        assert_eq!(err.code(), "dependency_cycle");
    }

    #[test]
    fn move_out_template_is_valid() {
        let t = CheckinTemplate::from_json(MOVE_OUT_JSON).expect("move-out template");
        assert_eq!(t.steps().len(), 6);
    }

    #[test]
    fn default_template_is_valid() {
        let t = CheckinTemplate::from_json(DEFAULT_JSON).expect("default template");
        assert_eq!(t.steps().len(), 8);
    }
}
