//! Back-office queries: the manager's audit schedule, checklists awaiting audit,
//! overdue rectifications.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Checklist, DefectStatus, Mode, Responsible, Severity};

/// The last day of the month of `d`.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The days in `[from, to]` on which the manager audits check-in records: four a
/// month during centralized occupancy (the 7th, 14th, 21st and the last day of each
/// month), one a month otherwise (the last day). Empty when `to < from`.
///
/// ```
/// use estatekit::checkin::{audit_dates, Mode};
/// let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
/// assert_eq!(audit_dates(Mode::Centralized, d("2026-11-10"), d("2026-12-07")),
///            [d("2026-11-14"), d("2026-11-21"), d("2026-11-30"), d("2026-12-07")]);
/// assert_eq!(audit_dates(Mode::Ordinary, d("2026-11-01"), d("2027-01-31")),
///            [d("2026-11-30"), d("2026-12-31"), d("2027-01-31")]);
/// ```
pub fn audit_dates(mode: Mode, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let (mut year, mut month) = (from.year(), from.month());
    while let Some(end) = month_end(year, month) {
        let days: Vec<NaiveDate> = match mode {
            Mode::Centralized => [7, 14, 21]
                .into_iter()
                .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
                .chain([end])
                .collect(),
            Mode::Ordinary => vec![end],
        };
        out.extend(days.into_iter().filter(|d| *d >= from && *d <= to));
        if end >= to {
            break;
        }
        if month == 12 {
            year += 1;
            month = 1;
        } else {
            month += 1;
        }
    }
    out
}

/// The checklists completed on or before `as_of` whose audit item is still open, in
/// input order (each as [`Checklist::awaits_audit`]).
///
/// ```
/// use estatekit::checkin::*;
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Ordinary)?;
/// assert!(awaiting_audit(&[c], "2026-11-30".parse()?).is_empty()); // not completed yet
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn awaiting_audit(checklists: &[Checklist], as_of: NaiveDate) -> Vec<&Checklist> {
    checklists
        .iter()
        .filter(|c| c.awaits_audit(as_of))
        .collect()
}

impl Checklist {
    /// Whether the manager's audit of this check-in is due: its template has an audit
    /// item, the item is still open, and the check-in was completed on or before
    /// `as_of` (a date in the checklist's time zone).
    ///
    /// ```
    /// use estatekit::checkin::*;
    /// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
    ///     "2026-11-02".parse()?, Mode::Ordinary)?;
    /// assert!(!c.awaits_audit("2026-11-30".parse()?)); // not completed yet
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn awaits_audit(&self, as_of: NaiveDate) -> bool {
        self.template().audit_item().is_some()
            && !self.is_audited()
            && self
                .finished_at()
                .is_some_and(|f| self.local_date(f) <= as_of)
    }
}

/// A defect not closed by its deadline.
///
/// ```
/// # use estatekit::checkin::*;
/// let o = OverdueRectification { unit_id: "1-603".into(), owner: "张三".into(), defect_id: "D1".into(),
///     location: "kitchen".into(), description: "leak".into(), severity: Severity::Critical,
///     responsible: Responsible::Developer, deadline: "2026-11-05".parse()?, days_overdue: 2,
///     status: DefectStatus::Open };
/// assert_eq!(o.days_overdue, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueRectification {
    /// The unit.
    pub unit_id: String,
    /// The owner.
    pub owner: String,
    /// The defect id within its checklist.
    pub defect_id: String,
    /// Where.
    pub location: String,
    /// What.
    pub description: String,
    /// How serious.
    pub severity: Severity,
    /// Who must rectify it.
    pub responsible: Responsible,
    /// The deadline.
    pub deadline: NaiveDate,
    /// Days between the deadline and `as_of` (≥ 1).
    pub days_overdue: i64,
    /// Open or rectified (awaiting re-inspection).
    pub status: DefectStatus,
}

/// Defects of any checklist not closed although their deadline is before `as_of`,
/// ordered by deadline, then unit, then defect id.
///
/// ```
/// use estatekit::checkin::*;
/// let c = Checklist::start(&CheckinTemplate::default_template(), "1-603", "张三",
///     "2026-11-02".parse()?, Mode::Ordinary)?;
/// assert!(overdue_rectifications(&[c], "2026-12-31".parse()?).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn overdue_rectifications(
    checklists: &[Checklist],
    as_of: NaiveDate,
) -> Vec<OverdueRectification> {
    let mut out: Vec<OverdueRectification> = checklists
        .iter()
        .flat_map(|c| {
            c.defects()
                .iter()
                .filter(|d| d.is_overdue(as_of))
                .map(|d| OverdueRectification {
                    unit_id: c.unit_id().to_owned(),
                    owner: c.owner().to_owned(),
                    defect_id: d.id.clone(),
                    location: d.location.clone(),
                    description: d.description.clone(),
                    severity: d.severity,
                    responsible: d.responsible,
                    deadline: d.deadline,
                    days_overdue: (as_of - d.deadline).num_days(),
                    status: d.status,
                })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.deadline, &a.unit_id, defect_number(&a.defect_id)).cmp(&(
            b.deadline,
            &b.unit_id,
            defect_number(&b.defect_id),
        ))
    });
    out
}

fn defect_number(id: &str) -> (u64, &str) {
    (id.trim_start_matches('D').parse().unwrap_or(u64::MAX), id)
}
