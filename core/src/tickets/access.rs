//! Who may do what to a ticket: the host's authorization policy.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::TicketError;

/// The actions an [`AccessPolicy`] can restrict to roles, by their
/// [`Action::name`](super::Action::name). `receive` is not among them: whoever takes the
/// ticket in receives it.
///
/// ```
/// assert_eq!(estatekit::tickets::GOVERNED_ACTIONS.len(), 8);
/// assert!(!estatekit::tickets::GOVERNED_ACTIONS.contains(&"receive"));
/// ```
pub const GOVERNED_ACTIONS: &[&str] = &[
    "assign",
    "start",
    "pause",
    "resume",
    "resolve",
    "return_visit",
    "close",
    "escalate",
];

/// Who may do what to a ticket, set by the host and checked by every
/// [`TicketFlow`](super::TicketFlow) operation and when a flow document is loaded.
///
/// - `roles`: for each restricted action (one of [`GOVERNED_ACTIONS`]), the roles
///   allowed to do it. An action not listed may be done by anyone, with or without a
///   role; a listed one only by an actor acting in one of its roles
///   ([`TicketFlow::apply_as`](super::TicketFlow::apply_as)).
/// - `handler_may_record_return_visit` (default `false`): whether the handler of a
///   ticket (its owner, or whoever resolved it last) may record its return visit (回访).
/// - `first_contact_ownership` (default `false`): first-contact ownership (首问负责制)
///   enforced: only the ticket's current owner (the receiver until it is assigned or
///   escalated) may assign, escalate, start, pause, resume or resolve it.
///
/// The default policy restricts no role and does not enforce first-contact ownership;
/// its one rule is that the handler may not record the return visit. JSON (every field
/// optional):
///
/// ```json
/// {"roles": {"assign": ["dispatcher", "manager"], "close": ["manager"]},
///  "handler_may_record_return_visit": false, "first_contact_ownership": true}
/// ```
///
/// ```
/// use estatekit::tickets::AccessPolicy;
/// let p = AccessPolicy::from_json(r#"{"roles": {"close": ["manager"]}, "first_contact_ownership": true}"#)?;
/// assert!(p.first_contact_ownership() && !p.handler_may_record_return_visit());
/// assert!(p.allows_role("close", Some("manager")) && !p.allows_role("close", None));
/// assert!(p.allows_role("start", None));                  // not restricted
/// assert_eq!(AccessPolicy::from_json(&p.to_json())?, p);
/// let err = AccessPolicy::from_json(r#"{"roles": {"fly": ["pilot"]}}"#).unwrap_err();
/// assert_eq!((err.code(), err.path().as_str()), ("unknown_value", "roles.fly"));
/// # Ok::<(), estatekit::tickets::TicketError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessPolicy {
    roles: BTreeMap<String, BTreeSet<String>>,
    handler_may_record_return_visit: bool,
    first_contact_ownership: bool,
}

impl Default for AccessPolicy {
    /// Today's behaviour plus one rule: the handler may not record the return visit.
    fn default() -> Self {
        Self {
            roles: BTreeMap::new(),
            handler_may_record_return_visit: false,
            first_contact_ownership: false,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyData {
    #[serde(default)]
    roles: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    handler_may_record_return_visit: bool,
    #[serde(default)]
    first_contact_ownership: bool,
}

impl<'de> Deserialize<'de> for AccessPolicy {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let data = PolicyData::deserialize(d)?;
        Self::from_data(data).map_err(serde::de::Error::custom)
    }
}

impl AccessPolicy {
    fn from_data(data: PolicyData) -> Result<Self, TicketError> {
        let mut p = Self {
            handler_may_record_return_visit: data.handler_may_record_return_visit,
            first_contact_ownership: data.first_contact_ownership,
            ..Self::default()
        };
        for (action, roles) in data.roles {
            p = p.allow(&action, roles)?;
        }
        Ok(p)
    }

    /// Reads a policy (see the JSON shape above).
    ///
    /// # Errors
    /// [`TicketError::InvalidPolicy`] naming the field: malformed JSON, an unknown
    /// field, an action that is not one of [`GOVERNED_ACTIONS`] (`roles.<action>`), an
    /// empty list of roles or an empty role (`roles.<action>[i]`).
    ///
    /// ```
    /// use estatekit::tickets::AccessPolicy;
    /// assert_eq!(AccessPolicy::from_json("{}")?, AccessPolicy::default());
    /// let err = AccessPolicy::from_json(r#"{"roles": {"close": []}}"#).unwrap_err();
    /// assert_eq!(err.path(), "roles.close");
    /// assert_eq!(AccessPolicy::from_json(r#"{"owner_only": true}"#).unwrap_err().path(), "owner_only");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, TicketError> {
        crate::json::within_limit(text).map_err(|(size, limit)| TicketError::DocumentTooLarge {
            path: "$".to_owned(),
            size,
            limit,
        })?;
        let data: PolicyData =
            crate::json::parse(text).map_err(|f| TicketError::policy("json", f.path, f.message))?;
        Self::from_data(data)
    }

    /// The policy as JSON (compact; read back by [`AccessPolicy::from_json`]).
    ///
    /// ```
    /// assert_eq!(estatekit::tickets::AccessPolicy::default().to_json(),
    ///            r#"{"roles":{},"handler_may_record_return_visit":false,"first_contact_ownership":false}"#);
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an access policy serializes: string keys only")
    }

    /// This policy with `action` restricted to `roles` (replacing an earlier list).
    ///
    /// # Errors
    /// [`TicketError::InvalidPolicy`] for an action not in [`GOVERNED_ACTIONS`]
    /// (`roles.<action>`), no roles (`roles.<action>`) or an empty role
    /// (`roles.<action>[i]`).
    ///
    /// ```
    /// use estatekit::tickets::AccessPolicy;
    /// let p = AccessPolicy::default().allow("resolve", ["engineer", "manager"])?;
    /// assert!(p.allows_role("resolve", Some("engineer")));
    /// assert!(!p.allows_role("resolve", Some("receptionist")));
    /// assert_eq!(AccessPolicy::default().allow("receive", ["x"]).unwrap_err().path(), "roles.receive");
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn allow<S: Into<String>>(
        mut self,
        action: &str,
        roles: impl IntoIterator<Item = S>,
    ) -> Result<Self, TicketError> {
        let path = format!("roles.{action}");
        if !GOVERNED_ACTIONS.contains(&action) {
            return Err(TicketError::policy(
                "unknown_value",
                path,
                format!(
                    "unknown action {action:?}; expected one of {}",
                    GOVERNED_ACTIONS.join(", ")
                ),
            ));
        }
        let mut set = BTreeSet::new();
        for (i, r) in roles.into_iter().enumerate() {
            let r: String = r.into();
            if r.trim().is_empty() {
                return Err(TicketError::policy(
                    "empty_field",
                    format!("{path}[{i}]"),
                    "a role must not be empty",
                ));
            }
            set.insert(r);
        }
        if set.is_empty() {
            return Err(TicketError::policy(
                "empty_field",
                path,
                "at least one role is needed (leave the action out to allow everyone)",
            ));
        }
        self.roles.insert(action.to_owned(), set);
        Ok(self)
    }

    /// This policy with the handler allowed (or not) to record the return visit.
    ///
    /// ```
    /// let p = estatekit::tickets::AccessPolicy::default().with_handler_may_record_return_visit(true);
    /// assert!(p.handler_may_record_return_visit());
    /// ```
    pub fn with_handler_may_record_return_visit(mut self, allowed: bool) -> Self {
        self.handler_may_record_return_visit = allowed;
        self
    }

    /// This policy with first-contact ownership (首问负责制) enforced or not.
    ///
    /// ```
    /// let p = estatekit::tickets::AccessPolicy::default().with_first_contact_ownership(true);
    /// assert!(p.first_contact_ownership());
    /// ```
    pub fn with_first_contact_ownership(mut self, enforced: bool) -> Self {
        self.first_contact_ownership = enforced;
        self
    }

    /// The roles allowed to do `action`, or `None` when anyone may.
    ///
    /// ```
    /// let p = estatekit::tickets::AccessPolicy::default().allow("close", ["manager"])?;
    /// assert_eq!(p.roles("close").map(|r| r.len()), Some(1));
    /// assert_eq!(p.roles("start"), None);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn roles(&self, action: &str) -> Option<&BTreeSet<String>> {
        self.roles.get(action)
    }

    /// Every restricted action with its roles, by action name.
    ///
    /// ```
    /// let p = estatekit::tickets::AccessPolicy::default().allow("close", ["manager"])?;
    /// assert_eq!(p.restricted().keys().collect::<Vec<_>>(), ["close"]);
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn restricted(&self) -> &BTreeMap<String, BTreeSet<String>> {
        &self.roles
    }

    /// Whether the handler of a ticket may record its return visit (default `false`).
    ///
    /// ```
    /// assert!(!estatekit::tickets::AccessPolicy::default().handler_may_record_return_visit());
    /// ```
    pub fn handler_may_record_return_visit(&self) -> bool {
        self.handler_may_record_return_visit
    }

    /// Whether first-contact ownership is enforced (default `false`).
    ///
    /// ```
    /// assert!(!estatekit::tickets::AccessPolicy::default().first_contact_ownership());
    /// ```
    pub fn first_contact_ownership(&self) -> bool {
        self.first_contact_ownership
    }

    /// Whether an actor in `role` (or without one) may do `action` as far as roles go.
    ///
    /// ```
    /// let p = estatekit::tickets::AccessPolicy::default().allow("assign", ["dispatcher"])?;
    /// assert!(!p.allows_role("assign", None));
    /// assert!(p.allows_role("assign", Some("dispatcher")));
    /// # Ok::<(), estatekit::tickets::TicketError>(())
    /// ```
    pub fn allows_role(&self, action: &str, role: Option<&str>) -> bool {
        match self.roles.get(action) {
            None => true,
            Some(set) => role.is_some_and(|r| set.contains(r)),
        }
    }
}
