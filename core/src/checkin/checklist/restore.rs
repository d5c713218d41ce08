//! Loading a saved checklist against a template: exactly (rebuilt from its event log,
//! see `verify`), or adapted to a changed template with the differences listed.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::data::{EventRecord, format_version};
use super::{
    CHECKLIST_FORMAT_VERSION, Checklist, ChecklistData, Defect, ItemState, non_empty, verify,
};
use crate::checkin::{CheckinError, CheckinTemplate, Mode};

checkin_enum! {
    /// What no longer matches between a saved checklist and a template.
    ///
    /// ```
    /// use estatekit::checkin::MismatchKind;
    /// assert_eq!(MismatchKind::ItemRemoved.as_str(), "item_removed");
    /// ```
    MismatchKind ("kind") {
        /// The template id differs.
        TemplateId => "template_id",
        /// The template revision differs.
        TemplateVersion => "template_version",
        /// A saved item is not in the template any more (its completion is dropped).
        ItemRemoved => "item_removed",
        /// The template has an item the checklist lacks (added, open).
        ItemAdded => "item_added",
        /// An item changed kind (its completion is dropped).
        KindChanged => "kind_changed",
        /// An item moved to another step.
        StepChanged => "step_changed",
        /// An item became mandatory or optional.
        MandatoryChanged => "mandatory_changed",
        /// With the template it was saved with, the document contradicts its event log
        /// (what [`Checklist::from_json`] refuses): restored as saved, not replayed.
        History => "history",
    }
}

/// One difference between a saved checklist and the template it is restored against.
///
/// ```
/// use estatekit::checkin::{Mismatch, MismatchKind};
/// let m = Mismatch { kind: MismatchKind::ItemAdded, path: "items.x".into(), detail: "x".into() };
/// assert_eq!(m.kind.as_str(), "item_added");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    /// What kind of difference.
    pub kind: MismatchKind,
    /// What it concerns: `template_id`, `template_version` or `items.<code>`.
    pub path: String,
    /// A sentence for people.
    pub detail: String,
}

/// A checklist restored against a template that may have changed.
///
/// ```
/// use estatekit::checkin::{CheckinTemplate, Checklist, Mode};
/// let t = CheckinTemplate::default_template();
/// let c = Checklist::start(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
/// let r = Checklist::restore(&c.to_json(), &t)?;
/// assert!(r.mismatches.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The checklist, adapted to the template (see [`Checklist::restore`]).
    pub checklist: Checklist,
    /// What no longer matched, in order: template, then items in saved then template order.
    pub mismatches: Vec<Mismatch>,
}

/// A document as saved: [`ChecklistData`] with its events as the flat records of the
/// JSON, which loading checks against the operations before they become [`Event`]s
/// (see [`EventRecord`]).
///
/// [`Event`]: super::Event
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Saved {
    #[serde(default = "format_version")]
    pub(super) format_version: u32,
    pub(super) template_id: String,
    pub(super) template_version: u32,
    pub(super) unit_id: String,
    pub(super) owner: String,
    pub(super) started_on: NaiveDate,
    #[serde(default)]
    pub(super) utc_offset_minutes: i32,
    pub(super) mode: Mode,
    pub(super) items: Vec<ItemState>,
    #[serde(default)]
    pub(super) defects: Vec<Defect>,
    #[serde(default)]
    pub(super) finished_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) finished_by: Option<String>,
    #[serde(default)]
    pub(super) version: u64,
    #[serde(default)]
    pub(super) events: Vec<EventRecord>,
}

impl Saved {
    /// The document's data with typed events, `items` in place of the saved ones.
    ///
    /// # Errors
    /// [`CheckinError::InconsistentDocument`] at `events[i].<field>` for the first
    /// event whose fields do not fit its action.
    fn into_data(self, items: Vec<ItemState>) -> Result<ChecklistData, CheckinError> {
        let events = self
            .events
            .into_iter()
            .enumerate()
            .map(|(i, record)| {
                record
                    .into_event()
                    .map_err(|m| CheckinError::InconsistentDocument {
                        path: format!("events[{i}].{}", m.field),
                        reason: m.reason,
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(ChecklistData {
            format_version: self.format_version,
            template_id: self.template_id,
            template_version: self.template_version,
            unit_id: self.unit_id,
            owner: self.owner,
            started_on: self.started_on,
            utc_offset_minutes: self.utc_offset_minutes,
            mode: self.mode,
            items,
            defects: self.defects,
            finished_at: self.finished_at,
            finished_by: self.finished_by,
            version: self.version,
            events,
        })
    }
}

impl Checklist {
    /// Parses a document; `strict` (loading, not restoring) also refuses a completed
    /// check-in with an open mandatory item (an adapted checklist may have one).
    fn parse(text: &str, strict: bool) -> Result<Saved, CheckinError> {
        let data: Saved = crate::json::parse(text).map_err(|f| CheckinError::Json {
            path: f.path,
            message: f.message,
        })?;
        if data.format_version != CHECKLIST_FORMAT_VERSION {
            return Err(CheckinError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: data.format_version,
                supported: CHECKLIST_FORMAT_VERSION,
            });
        }
        non_empty("unit_id", &data.unit_id)?;
        non_empty("owner", &data.owner)?;
        if data.finished_at.is_some() != data.finished_by.is_some() {
            return Err(CheckinError::value(
                "missing_value",
                "finished_by",
                "finished_at and finished_by are set together",
            ));
        }
        if strict && data.finished_at.is_some() {
            if let Some(i) = data.items.iter().position(|i| i.mandatory && !i.is_done()) {
                return Err(CheckinError::value(
                    "conflicting_fields",
                    format!("items[{i}].completion"),
                    "a completed check-in has every mandatory item done",
                ));
            }
        }
        for (i, d) in data.defects.iter().enumerate() {
            if d.id != format!("D{}", i + 1) {
                return Err(CheckinError::value(
                    "mismatch",
                    format!("defects[{i}].id"),
                    format!("expected \"D{}\", got {:?}", i + 1, d.id),
                ));
            }
        }
        Ok(data)
    }

    /// Restores a checklist saved with [`Checklist::to_json`], exactly.
    ///
    /// Loading keeps every invariant the operations keep: the checklist is rebuilt by
    /// replaying the document's event log through the operations (with `template`), and
    /// the document must say exactly what the rebuilt checklist says (its items and
    /// their completions, defects, completion); a document that loads writes back
    /// byte-identical with [`Checklist::to_json`].
    ///
    /// # Errors
    /// [`CheckinError::Json`] / [`CheckinError::UnsupportedFormatVersion`] for a bad
    /// document; [`CheckinError::TemplateMismatch`] (`template`) listing every
    /// difference when the template is not the one the checklist was saved with (use
    /// [`Checklist::restore`] to adapt instead); the first contradiction:
    /// [`CheckinError::EventOutOfOrder`] (`events[i].at`) for an event dated before the
    /// previous one or the start day, [`CheckinError::RoleNotAllowed`]
    /// (`events[i].role`) for a role the template does not allow,
    /// [`CheckinError::InconsistentDocument`] for any other event the operations refuse
    /// (`events[i]`, `events[i].target`, …) or a field that is not what the event log
    /// gives (`items.<code>.completion.role`, `defects[0].status`, `finished_at`, …;
    /// `events` when the log is empty).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let t = CheckinTemplate::default_template();
    /// let c = Checklist::start(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert_eq!(Checklist::from_json(&c.to_json(), &t)?, c);
    ///
    /// // The demo walk, finished on 2020-01-01 (years before it started).
    /// let walk = include_str!("../../../tests/data/checkin_walk.json");
    /// let early = walk.replace("2026-11-02T02:30:00Z", "2020-01-01T00:00:00Z");
    /// let err = Checklist::from_json(&early, &t).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("event_out_of_order", "events[25].at"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str, template: &CheckinTemplate) -> Result<Self, CheckinError> {
        crate::json::within_limit(text).map_err(|(size, limit)| {
            CheckinError::DocumentTooLarge {
                path: "$".to_owned(),
                size,
                limit,
            }
        })?;
        let restored = Self::restore_with(text, template, true)?;
        if restored.mismatches.is_empty() {
            Ok(restored.checklist)
        } else {
            Err(CheckinError::TemplateMismatch {
                path: "template".into(),
                mismatches: restored.mismatches,
            })
        }
    }

    /// Restores a saved checklist against `template`, adapting it and reporting what no
    /// longer matches: items removed from the template are dropped (with their
    /// completion), new items are added open, an item whose kind changed loses its
    /// completion, step and mandatory flags follow the template; the template id and
    /// revision become the template's. Defects and the event log are kept as saved.
    ///
    /// The events must be in time order. Against the template the checklist was saved
    /// with, the document is rebuilt from its event log as [`Checklist::from_json`]
    /// does; where [`Checklist::from_json`] refuses a contradiction, `restore` reports it
    /// as a [`MismatchKind::History`] mismatch (its path and the error) and restores the
    /// document as saved. So does a checklist once restored against a changed template
    /// (its history was recorded with the old one): restore it again, `from_json`
    /// refuses it.
    ///
    /// # Errors
    /// [`CheckinError::Json`] / [`CheckinError::UnsupportedFormatVersion`] / empty ids;
    /// [`CheckinError::EventOutOfOrder`] (`events[i].at`).
    ///
    /// ```
    /// # use estatekit::checkin::*;
    /// let t = CheckinTemplate::default_template();
    /// let c = Checklist::start(&t, "1-603", "张三", "2026-11-02".parse()?, Mode::Ordinary)?;
    /// let mut data = t.data().clone();
    /// data.version = 2;
    /// data.steps[0].items[0].mandatory = false;
    /// let t2 = CheckinTemplate::new(data)?;
    /// let r = Checklist::restore(&c.to_json(), &t2)?;
    /// let kinds: Vec<_> = r.mismatches.iter().map(|m| m.kind.as_str()).collect();
    /// assert_eq!(kinds, ["template_version", "mandatory_changed"]);
    /// assert_eq!(r.checklist.progress().total, 22);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore(text: &str, template: &CheckinTemplate) -> Result<Restored, CheckinError> {
        Self::restore_with(text, template, false)
    }

    /// [`Checklist::restore`]; `strict`: a contradiction with the event log is an error
    /// (else a [`MismatchKind::History`] mismatch).
    fn restore_with(
        text: &str,
        template: &CheckinTemplate,
        strict: bool,
    ) -> Result<Restored, CheckinError> {
        let saved = Self::parse(text, strict)?;
        verify::check_event_order(&saved)?;
        let mut mismatches = Vec::new();
        if saved.template_id != template.id() {
            mismatches.push(Mismatch {
                kind: MismatchKind::TemplateId,
                path: "template_id".into(),
                detail: format!(
                    "saved with template {:?}, restored against {:?}",
                    saved.template_id,
                    template.id()
                ),
            });
        }
        if saved.template_version != template.version() {
            mismatches.push(Mismatch {
                kind: MismatchKind::TemplateVersion,
                path: "template_version".into(),
                detail: format!(
                    "saved with template revision {}, restored against revision {}",
                    saved.template_version,
                    template.version()
                ),
            });
        }
        for s in &saved.items {
            if template.item(&s.code).is_none() {
                mismatches.push(Mismatch {
                    kind: MismatchKind::ItemRemoved,
                    path: format!("items.{}", s.code),
                    detail: format!(
                        "item {:?} is not in the template any more{}",
                        s.code,
                        if s.is_done() { " (it was done)" } else { "" }
                    ),
                });
            }
        }
        // The first saved item of each code (a map: O(items log items), not a search
        // per template item).
        let mut by_code: HashMap<&str, &ItemState> = HashMap::with_capacity(saved.items.len());
        for s in &saved.items {
            by_code.entry(s.code.as_str()).or_insert(s);
        }
        let mut items = Vec::new();
        for (step, def) in template.items() {
            let old = by_code.get(def.code.as_str()).copied();
            let path = format!("items.{}", def.code);
            let mut state = ItemState {
                code: def.code.clone(),
                step: step.code.clone(),
                kind: def.kind,
                mandatory: def.mandatory,
                completion: None,
            };
            match old {
                None => mismatches.push(Mismatch {
                    kind: MismatchKind::ItemAdded,
                    path,
                    detail: format!("item {:?} is new in the template", def.code),
                }),
                Some(old) => {
                    if old.kind != def.kind {
                        mismatches.push(Mismatch {
                            kind: MismatchKind::KindChanged,
                            path: path.clone(),
                            detail: format!(
                                "item {:?} was a {} item, is now a {} item",
                                def.code, old.kind, def.kind
                            ),
                        });
                    } else {
                        state.completion = old.completion.clone();
                    }
                    if old.step != step.code {
                        mismatches.push(Mismatch {
                            kind: MismatchKind::StepChanged,
                            path: path.clone(),
                            detail: format!(
                                "item {:?} moved from step {:?} to {:?}",
                                def.code, old.step, step.code
                            ),
                        });
                    }
                    if old.mandatory != def.mandatory {
                        mismatches.push(Mismatch {
                            kind: MismatchKind::MandatoryChanged,
                            path,
                            detail: format!(
                                "item {:?} is now {}",
                                def.code,
                                if def.mandatory {
                                    "mandatory"
                                } else {
                                    "optional"
                                }
                            ),
                        });
                    }
                }
            }
            items.push(state);
        }
        if mismatches.is_empty() {
            // The template is the one the checklist was saved with: rebuild it from its
            // event log and check it is exactly the document.
            match Self::rebuild(&saved, template) {
                Ok(checklist) => {
                    return Ok(Restored {
                        checklist,
                        mismatches,
                    });
                }
                Err(e) if strict => return Err(e),
                Err(e) => mismatches.push(Mismatch {
                    kind: MismatchKind::History,
                    path: e.path().to_owned(),
                    detail: format!("{e} ({})", e.code()),
                }),
            }
        }
        // A changed template cannot replay the log (its time order was checked).
        let data = ChecklistData {
            template_id: template.id().to_owned(),
            template_version: template.version(),
            ..saved.into_data(items)?
        };
        Ok(Restored {
            checklist: Self {
                template: template.clone(),
                data,
            },
            mismatches,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use serde_json::{Value, json};

    use super::*;
    use crate::checkin::CheckinTemplate;

    const WALK: &str = include_str!("../../../tests/data/checkin_walk.json");

    fn walk() -> Value {
        serde_json::from_str(WALK).unwrap()
    }

    /// The default template, revision 2, without the gas meter reading.
    fn without_gas() -> CheckinTemplate {
        let t = CheckinTemplate::default_template();
        let mut data = t.data().clone();
        data.version = 2;
        for step in &mut data.steps {
            step.items.retain(|i| i.code != "gas_meter_reading");
        }
        CheckinTemplate::new(data).unwrap()
    }

    #[test]
    fn the_walk_loads_exactly_and_adapts_to_a_changed_template() {
        let t = CheckinTemplate::default_template();
        let c = Checklist::from_json(WALK, &t).unwrap();
        assert_eq!(c.to_json(), WALK.trim_end());
        let r = Checklist::restore(WALK, &without_gas()).unwrap();
        let got: Vec<_> = r
            .mismatches
            .iter()
            .map(|m| (m.kind, m.path.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (MismatchKind::TemplateVersion, "template_version"),
                (MismatchKind::ItemRemoved, "items.gas_meter_reading")
            ]
        );
        assert_eq!(
            r.mismatches[1].detail,
            "item \"gas_meter_reading\" is not in the template any more (it was done)"
        );
        // Defects and the event log are kept as saved.
        assert_eq!(r.checklist.events(), c.events());
        assert_eq!(r.checklist.items().len(), c.items().len() - 1);
    }

    #[test]
    fn an_event_whose_fields_do_not_fit_its_action_is_refused_at_that_field() {
        let mut doc = walk();
        doc["events"][0]["note"] = json!("forged");
        let text = doc.to_string();
        let e = Checklist::from_json(&text, &CheckinTemplate::default_template()).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("inconsistent_document", "events[0].note")
        );
        // Adapted to a changed template it cannot be kept as an event either.
        let e = Checklist::restore(&text, &without_gas()).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("inconsistent_document", "events[0].note")
        );
        assert_eq!(
            e.to_string(),
            "events[0].note: a completed event does not record it"
        );
    }

    #[test]
    fn a_saved_document_becomes_data_with_the_items_given() {
        let saved: Saved = serde_json::from_str(WALK).unwrap();
        assert_eq!(saved.events.len(), 31);
        let data = saved.clone().into_data(Vec::new()).unwrap();
        assert!(data.items.is_empty());
        assert_eq!(data.events.len(), 31);
        assert_eq!(data.events[30].record(), saved.events[30]);
        assert_eq!(data.format_version, CHECKLIST_FORMAT_VERSION);
    }
}
