//! The estate's decoration rules as data.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{DecorationError, ScopeRule, WorkVerdict};
use crate::tickets::{BusinessCalendar, WorkingHours};

/// The `format_version` of a [`DecorationPolicy`] document this library writes and reads.
///
/// ```
/// assert_eq!(estatekit::decoration::DECORATION_POLICY_FORMAT_VERSION, 1);
/// ```
pub const DECORATION_POLICY_FORMAT_VERSION: u32 = 1;

/// A document an application may provide (申请材料).
///
/// ```
/// use estatekit::decoration::DecorationPolicy;
/// let p = DecorationPolicy::default_policy();
/// assert_eq!(p.document("gas_approval").unwrap().name_zh, "燃气管理单位批准文件");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentDef {
    /// Stable code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
}

/// An item of work of the scope catalogue.
///
/// ```
/// use estatekit::decoration::{DecorationPolicy, ScopeRule};
/// let p = DecorationPolicy::default_policy();
/// assert_eq!(p.scope_item("load_bearing_wall").unwrap().rule, ScopeRule::Prohibited);
/// assert_eq!(p.scope_item("gas_change").unwrap().documents, ["gas_approval"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeItem {
    /// Stable code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Allowed, needs an approval, or prohibited.
    pub rule: ScopeRule,
    /// The documents an application with this item must provide.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    /// Whether the work is noisy (drilling, cutting, demolition): noisy hours apply.
    #[serde(default)]
    pub noisy: bool,
}

/// What a violation costs: the agreed damages.
///
/// ```
/// use estatekit::decoration::Damages;
/// let d: Damages = serde_json::from_str(r#"{"range": {"min": "500.00", "max": "5000.00"}}"#).unwrap();
/// assert!(matches!(d, Damages::Range { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Damages {
    /// A fixed amount.
    Fixed(#[serde(with = "crate::json::decimal")] Decimal),
    /// An amount within a range, set when the violation is recorded.
    Range {
        /// Lowest.
        #[serde(with = "crate::json::decimal")]
        min: Decimal,
        /// Highest.
        #[serde(with = "crate::json::decimal")]
        max: Decimal,
    },
    /// Assessed case by case (e.g. damage to common areas): any amount ≥ 0.
    Assessed,
}

/// A kind of violation found at a site check.
///
/// ```
/// use estatekit::decoration::DecorationPolicy;
/// let p = DecorationPolicy::default_policy();
/// assert_eq!(p.violation("noise_outside_hours").unwrap().rectify_days, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolationDef {
    /// Stable code.
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// The agreed damages.
    pub damages: Damages,
    /// Days to rectify, from the day found (≥ 1).
    pub rectify_days: u32,
}

/// How a one-off renovation fee is computed.
///
/// ```
/// use estatekit::decoration::FeeBasis;
/// let b: FeeBasis = serde_json::from_str(r#"{"per_m2": "3.00"}"#).unwrap();
/// assert_eq!(b, FeeBasis::PerM2("3.00".parse().unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeBasis {
    /// Rate × the unit's gross area (m²), rounded once at the estate's scale.
    PerM2(#[serde(with = "crate::json::decimal")] Decimal),
    /// A fixed amount per renovation.
    Fixed(#[serde(with = "crate::json::decimal")] Decimal),
    /// An amount per worker's pass.
    PerPass(#[serde(with = "crate::json::decimal")] Decimal),
}

/// A one-off renovation fee (装修管理费, 垃圾清运费, 出入证工本费), billed on approval.
///
/// ```
/// use estatekit::decoration::DecorationPolicy;
/// let p = DecorationPolicy::default_policy();
/// assert_eq!(p.fees[0].code, "debris_removal");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeDef {
    /// Fee item code (the item code of the charge in the book).
    pub code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// How it is computed.
    pub basis: FeeBasis,
}

/// The hours of a kind of day: noisy work and quiet work, local time.
///
/// ```
/// use estatekit::decoration::DecorationPolicy;
/// let p = DecorationPolicy::default_policy();
/// assert_eq!(p.hours.working_days.noisy.len(), 2); // 08:00–12:00, 14:00–18:00
/// assert!(p.hours.rest_days.noisy.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WorkWindows {
    /// When noisy work is allowed.
    #[serde(default)]
    pub noisy: Vec<WorkingHours>,
    /// When quiet work is allowed.
    #[serde(default)]
    pub quiet: Vec<WorkingHours>,
}

/// Working hours for renovation works: on working days and on rest days (weekends
/// and holidays, per the policy's calendar; a make-up working day 调休 is a working day).
///
/// ```
/// use estatekit::decoration::DecorationPolicy;
/// let p = DecorationPolicy::default_policy();
/// assert_eq!(p.hours.working_days.quiet[0].start.to_string(), "08:00:00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WorkSchedule {
    /// Hours on working days.
    pub working_days: WorkWindows,
    /// Hours on weekends and holidays.
    #[serde(default)]
    pub rest_days: WorkWindows,
}

/// Whether work may go on at an instant, and why (see [`DecorationPolicy::work_allowed`]).
///
/// ```
/// use estatekit::decoration::{DecorationPolicy, WorkVerdict};
/// let c = DecorationPolicy::default_policy().work_allowed("2026-11-07T02:00:00Z".parse()?, false);
/// assert_eq!(c.verdict, WorkVerdict::RestDay); // a Saturday
/// assert_eq!(c.local.to_string(), "2026-11-07 10:00:00");
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkCheck {
    /// The verdict.
    pub verdict: WorkVerdict,
    /// The instant in the estate's local time.
    pub local: NaiveDateTime,
    /// Whether the local day is a working day.
    pub working_day: bool,
    /// The day's windows for this kind of work (empty on a rest day without hours).
    pub windows: Vec<WorkingHours>,
}

/// The estate's decoration rules (see the [module](super) docs).
///
/// ```
/// use estatekit::decoration::DecorationPolicy;
/// let p = DecorationPolicy::default_policy();
/// assert_eq!((p.review_working_days, p.max_duration_days, p.refund_days), (3, 90, 30));
/// assert_eq!(DecorationPolicy::from_json(&p.to_json())?, p);
/// # Ok::<(), estatekit::decoration::DecorationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecorationPolicy {
    /// [`DECORATION_POLICY_FORMAT_VERSION`].
    pub format_version: u32,
    /// The documents an application may provide.
    pub documents: Vec<DocumentDef>,
    /// The scope catalogue.
    pub catalogue: Vec<ScopeItem>,
    /// Documents every application needs.
    pub always_required: Vec<String>,
    /// Documents needed when a contractor does the works.
    pub contractor_requires: Vec<String>,
    /// Documents needed when the applicant is a tenant.
    pub tenant_requires: Vec<String>,
    /// The violation catalogue.
    pub violations: Vec<ViolationDef>,
    /// One-off fees billed on approval.
    pub fees: Vec<FeeDef>,
    /// The deposit (装修押金), a liability held until settlement.
    #[serde(with = "crate::json::decimal")]
    pub deposit: Decimal,
    /// Deducted per worker's pass not returned.
    #[serde(with = "crate::json::decimal")]
    pub pass_replacement: Decimal,
    /// Working days to review an application (≥ 1).
    pub review_working_days: u32,
    /// Longest works, first day to last inclusive, before an extension is needed (≥ 1).
    pub max_duration_days: u32,
    /// Calendar days to inspect after the completion report (≥ 1).
    pub acceptance_days: u32,
    /// Calendar days to refund after acceptance (≥ 1).
    pub refund_days: u32,
    /// Days from approval to the fees' due date.
    pub fee_due_days: u32,
    /// Working hours of the works.
    pub hours: WorkSchedule,
    /// Working days, holidays and the estate's UTC offset.
    pub calendar: BusinessCalendar,
}

fn t(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").expect("a literal HH:MM of the default policy")
}

fn h(a: &str, b: &str) -> WorkingHours {
    WorkingHours::new(t(a), t(b))
}

fn doc(code: &str, zh: &str, en: &str) -> DocumentDef {
    DocumentDef {
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
    }
}

fn item(code: &str, zh: &str, en: &str, rule: ScopeRule, docs: &[&str], noisy: bool) -> ScopeItem {
    ScopeItem {
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        rule,
        documents: docs.iter().map(|d| (*d).to_owned()).collect(),
        noisy,
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("a literal amount of the default policy")
}

fn violation(code: &str, zh: &str, en: &str, damages: Damages, days: u32) -> ViolationDef {
    ViolationDef {
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        damages,
        rectify_days: days,
    }
}

impl DecorationPolicy {
    /// The common practice: the prohibitions and approvals of 建设部令第110号 (art. 5–8),
    /// the application documents of its art. 13 (plus the owner's written consent for
    /// a tenant), review in 3 working days, works of at most 90 days, acceptance
    /// within 7 days of the completion report, refund within 30 days of acceptance;
    /// noisy work Monday–Friday 08:00–12:00 and 14:00–18:00, quiet work 08:00–18:00,
    /// none on weekends and holidays; a 2,000.00 deposit, debris removal 3.00 per m²,
    /// passes 10.00 each (20.00 deducted for one not returned); Beijing time.
    ///
    /// ```
    /// use estatekit::decoration::{DecorationPolicy, ScopeRule};
    /// let p = DecorationPolicy::default_policy();
    /// let prohibited: Vec<_> = p.catalogue.iter().filter(|i| i.rule == ScopeRule::Prohibited).map(|i| i.code.as_str()).collect();
    /// assert_eq!(prohibited, ["load_bearing_wall", "structural_slab", "wet_room_conversion",
    ///     "bearing_wall_openings", "energy_saving_damage"]);
    /// assert_eq!(p.deposit.to_string(), "2000.00");
    /// ```
    pub fn default_policy() -> Self {
        use ScopeRule::{Allowed, NeedsApproval, Prohibited};
        let documents = vec![
            doc("ownership_proof", "房屋所有权证明", "proof of ownership"),
            doc(
                "applicant_id",
                "申请人身份证明",
                "applicant's identity document",
            ),
            doc("decoration_plan", "装饰装修方案", "decoration plan"),
            doc(
                "design_plan",
                "原设计单位或相应资质设计单位的设计方案",
                "design plan by the original or a qualified designer",
            ),
            doc(
                "planning_approval",
                "规划管理部门批准文件",
                "planning authority's approval",
            ),
            doc(
                "heating_approval",
                "供暖管理单位批准文件",
                "heating operator's approval",
            ),
            doc(
                "gas_approval",
                "燃气管理单位批准文件",
                "gas operator's approval",
            ),
            doc(
                "waterproofing_plan",
                "防水施工方案及闭水试验安排",
                "waterproofing plan with a closed-water test",
            ),
            doc(
                "contractor_licence",
                "装饰装修企业资质证书复印件",
                "copy of the contractor's qualification certificate",
            ),
            doc(
                "owner_consent",
                "业主同意装饰装修的书面证明",
                "the owner's written consent",
            ),
        ];
        let catalogue = vec![
            item(
                "load_bearing_wall",
                "拆改承重墙、梁、柱",
                "removing or altering load-bearing walls, beams or columns",
                Prohibited,
                &[],
                true,
            ),
            item(
                "structural_slab",
                "在楼板、屋面板上开洞凿槽",
                "cutting openings or chases in floor or roof slabs",
                Prohibited,
                &[],
                true,
            ),
            item(
                "wet_room_conversion",
                "将无防水要求的房间或阳台改为卫生间、厨房",
                "turning a room or balcony without waterproofing into a bathroom or kitchen",
                Prohibited,
                &[],
                true,
            ),
            item(
                "bearing_wall_openings",
                "扩大承重墙上原有门窗尺寸、拆除连接阳台的砖混墙体",
                "enlarging openings in load-bearing walls, removing the walls joining a balcony",
                Prohibited,
                &[],
                true,
            ),
            item(
                "energy_saving_damage",
                "损坏房屋原有节能设施",
                "damaging the building's energy-saving installations",
                Prohibited,
                &[],
                false,
            ),
            item(
                "floor_load_increase",
                "超过设计标准增加楼面荷载",
                "loading floors beyond the design standard",
                NeedsApproval,
                &["design_plan"],
                false,
            ),
            item(
                "new_structure",
                "搭建建筑物、构筑物",
                "building a new structure",
                NeedsApproval,
                &["planning_approval"],
                true,
            ),
            item(
                "facade_change",
                "改变住宅外立面、在非承重外墙上开门窗",
                "changing the façade, opening doors or windows in non-bearing outer walls",
                NeedsApproval,
                &["planning_approval"],
                true,
            ),
            item(
                "heating_change",
                "拆改供暖管道和设施",
                "altering heating pipes and installations",
                NeedsApproval,
                &["heating_approval"],
                true,
            ),
            item(
                "gas_change",
                "拆改燃气管道和设施",
                "altering gas pipes and installations",
                NeedsApproval,
                &["gas_approval"],
                true,
            ),
            item(
                "waterproofing",
                "改动卫生间、厨房防水层",
                "altering the waterproofing of bathrooms or kitchens",
                Allowed,
                &["waterproofing_plan"],
                false,
            ),
            item(
                "partition_wall",
                "拆改非承重墙",
                "removing or building non-bearing partition walls",
                Allowed,
                &[],
                true,
            ),
            item("electrical", "电气线路改造", "rewiring", Allowed, &[], true),
            item("plumbing", "给排水管道改造", "plumbing", Allowed, &[], true),
            item("flooring", "地面铺装", "flooring", Allowed, &[], true),
            item("ceiling", "吊顶", "ceilings", Allowed, &[], true),
            item(
                "wall_finishes",
                "墙面粉刷、贴砖",
                "wall painting and tiling",
                Allowed,
                &[],
                false,
            ),
            item(
                "doors_windows",
                "室内门窗安装",
                "fitting interior doors and windows",
                Allowed,
                &[],
                true,
            ),
            item(
                "fittings",
                "厨卫设备及家具安装",
                "fitting kitchen, bathroom and furniture",
                Allowed,
                &[],
                false,
            ),
            item(
                "air_conditioning",
                "空调安装（含打孔）",
                "air-conditioner installation (with drilling)",
                Allowed,
                &[],
                true,
            ),
        ];
        let violations = vec![
            violation(
                "noise_outside_hours",
                "非施工时间进行噪音作业",
                "noisy work outside the permitted hours",
                Damages::Fixed(dec("200.00")),
                1,
            ),
            violation(
                "debris_in_common_area",
                "装修垃圾堆放公共区域",
                "debris left in common areas",
                Damages::Fixed(dec("200.00")),
                1,
            ),
            violation(
                "worker_without_pass",
                "施工人员未办理出入证",
                "a worker without a pass",
                Damages::Fixed(dec("100.00")),
                1,
            ),
            violation(
                "unapproved_hot_work",
                "未经审批动火作业",
                "hot work without approval",
                Damages::Range {
                    min: dec("200.00"),
                    max: dec("2000.00"),
                },
                1,
            ),
            violation(
                "unapproved_facade_change",
                "擅自改变外立面",
                "façade changed without approval",
                Damages::Range {
                    min: dec("500.00"),
                    max: dec("5000.00"),
                },
                15,
            ),
            violation(
                "structural_damage",
                "擅自拆改承重结构",
                "load-bearing structure altered",
                Damages::Assessed,
                15,
            ),
            violation(
                "common_area_damage",
                "损坏公共部位及设施",
                "damage to common areas or facilities",
                Damages::Assessed,
                7,
            ),
        ];
        let fees = vec![
            FeeDef {
                code: "debris_removal".into(),
                name_zh: "装修垃圾清运费".into(),
                name_en: "debris removal".into(),
                basis: FeeBasis::PerM2(dec("3.00")),
            },
            FeeDef {
                code: "worker_pass".into(),
                name_zh: "施工人员出入证工本费".into(),
                name_en: "workers' passes".into(),
                basis: FeeBasis::PerPass(dec("10.00")),
            },
        ];
        let weekdays = WorkWindows {
            noisy: vec![h("08:00", "12:00"), h("14:00", "18:00")],
            quiet: vec![h("08:00", "18:00")],
        };
        Self {
            format_version: DECORATION_POLICY_FORMAT_VERSION,
            documents,
            catalogue,
            always_required: ["ownership_proof", "applicant_id", "decoration_plan"]
                .map(String::from)
                .to_vec(),
            contractor_requires: vec!["contractor_licence".into()],
            tenant_requires: vec!["owner_consent".into()],
            violations,
            fees,
            deposit: dec("2000.00"),
            pass_replacement: dec("20.00"),
            review_working_days: 3,
            max_duration_days: 90,
            acceptance_days: 7,
            refund_days: 30,
            fee_due_days: 7,
            hours: WorkSchedule {
                working_days: weekdays,
                rest_days: WorkWindows::default(),
            },
            calendar: BusinessCalendar::weekly("09:00", "18:00", &[0, 1, 2, 3, 4], 480)
                .expect("the default calendar is valid"),
        }
    }

    /// Reads and validates a policy document.
    ///
    /// # Errors
    /// [`DecorationError::Json`], [`DecorationError::DocumentTooLarge`],
    /// [`DecorationError::UnsupportedFormatVersion`], and the errors of
    /// [`DecorationPolicy::validate`].
    ///
    /// ```
    /// use estatekit::decoration::DecorationPolicy;
    /// let text = DecorationPolicy::default_policy().to_json().replace("\"max_duration_days\": 90", "\"max_duration_days\": 120");
    /// assert_eq!(DecorationPolicy::from_json(&text)?.max_duration_days, 120);
    /// # Ok::<(), estatekit::decoration::DecorationError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, DecorationError> {
        let p: Self = parse_document(text)?;
        if p.format_version != DECORATION_POLICY_FORMAT_VERSION {
            return Err(DecorationError::UnsupportedFormatVersion {
                path: "format_version".into(),
                found: p.format_version,
                supported: DECORATION_POLICY_FORMAT_VERSION,
            });
        }
        p.validate()?;
        Ok(p)
    }

    /// The policy as pretty JSON.
    ///
    /// ```
    /// let text = estatekit::decoration::DecorationPolicy::default_policy().to_json();
    /// assert!(text.contains("\"load_bearing_wall\""));
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a policy serializes")
    }

    /// Checks the policy: codes unique, every document referenced defined, amounts
    /// not negative (a range's min ≤ max), days ≥ 1 where a deadline needs one,
    /// windows that end after they start.
    ///
    /// # Errors
    /// [`DecorationError::DuplicateId`], [`DecorationError::UnknownCode`],
    /// [`DecorationError::InvalidField`] naming the field.
    ///
    /// ```
    /// use estatekit::decoration::DecorationPolicy;
    /// let mut p = DecorationPolicy::default_policy();
    /// p.catalogue[10].documents.push("stamp".into());
    /// let err = p.validate().unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("unknown_code", "catalogue[10].documents[1]"));
    /// ```
    pub fn validate(&self) -> Result<(), DecorationError> {
        let mut docs = BTreeSet::new();
        for (i, d) in self.documents.iter().enumerate() {
            check_code(&mut docs, &d.code, &format!("documents[{i}].code"))?;
        }
        let known = |code: &str, path: String| -> Result<(), DecorationError> {
            if docs.contains(code) {
                Ok(())
            } else {
                Err(DecorationError::UnknownCode {
                    path,
                    what: "document",
                    code: code.to_owned(),
                })
            }
        };
        let mut items = BTreeSet::new();
        for (i, it) in self.catalogue.iter().enumerate() {
            check_code(&mut items, &it.code, &format!("catalogue[{i}].code"))?;
            for (j, d) in it.documents.iter().enumerate() {
                known(d, format!("catalogue[{i}].documents[{j}]"))?;
            }
        }
        for (name, list) in [
            ("always_required", &self.always_required),
            ("contractor_requires", &self.contractor_requires),
            ("tenant_requires", &self.tenant_requires),
        ] {
            for (j, d) in list.iter().enumerate() {
                known(d, format!("{name}[{j}]"))?;
            }
        }
        let mut vs = BTreeSet::new();
        for (i, v) in self.violations.iter().enumerate() {
            let p = |f: &str| format!("violations[{i}].{f}");
            check_code(&mut vs, &v.code, &p("code"))?;
            if v.rectify_days == 0 {
                return Err(DecorationError::value(
                    "out_of_range",
                    p("rectify_days"),
                    "must be at least 1 day",
                ));
            }
            match &v.damages {
                Damages::Fixed(a) => not_negative(*a, &p("damages.fixed"))?,
                Damages::Range { min, max } => {
                    not_negative(*min, &p("damages.range.min"))?;
                    if max < min {
                        return Err(DecorationError::value(
                            "out_of_range",
                            p("damages.range.max"),
                            format!("{max} is below the minimum {min}"),
                        ));
                    }
                }
                Damages::Assessed => {}
            }
        }
        let mut fs = BTreeSet::new();
        for (i, f) in self.fees.iter().enumerate() {
            check_code(&mut fs, &f.code, &format!("fees[{i}].code"))?;
            let (a, k) = match &f.basis {
                FeeBasis::PerM2(a) => (a, "per_m2"),
                FeeBasis::Fixed(a) => (a, "fixed"),
                FeeBasis::PerPass(a) => (a, "per_pass"),
            };
            not_negative(*a, &format!("fees[{i}].basis.{k}"))?;
        }
        not_negative(self.deposit, "deposit")?;
        not_negative(self.pass_replacement, "pass_replacement")?;
        for (name, v) in [
            ("review_working_days", self.review_working_days),
            ("max_duration_days", self.max_duration_days),
            ("acceptance_days", self.acceptance_days),
            ("refund_days", self.refund_days),
        ] {
            if v == 0 {
                return Err(DecorationError::value(
                    "out_of_range",
                    name,
                    "must be at least 1 day",
                ));
            }
        }
        for (kind, w) in [
            ("working_days", &self.hours.working_days),
            ("rest_days", &self.hours.rest_days),
        ] {
            for (noise, list) in [("noisy", &w.noisy), ("quiet", &w.quiet)] {
                for (i, x) in list.iter().enumerate() {
                    if x.end <= x.start {
                        return Err(DecorationError::value(
                            "out_of_range",
                            format!("hours.{kind}.{noise}[{i}].end"),
                            format!("{} is not after the start {}", x.end, x.start),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The document of this code.
    ///
    /// ```
    /// let p = estatekit::decoration::DecorationPolicy::default_policy();
    /// assert!(p.document("owner_consent").is_some() && p.document("x").is_none());
    /// ```
    pub fn document(&self, code: &str) -> Option<&DocumentDef> {
        self.documents.iter().find(|d| d.code == code)
    }

    /// The scope item of this code.
    ///
    /// ```
    /// let p = estatekit::decoration::DecorationPolicy::default_policy();
    /// assert!(p.scope_item("flooring").unwrap().noisy);
    /// ```
    pub fn scope_item(&self, code: &str) -> Option<&ScopeItem> {
        self.catalogue.iter().find(|d| d.code == code)
    }

    /// The violation of this code.
    ///
    /// ```
    /// let p = estatekit::decoration::DecorationPolicy::default_policy();
    /// assert_eq!(p.violation("common_area_damage").unwrap().name_zh, "损坏公共部位及设施");
    /// ```
    pub fn violation(&self, code: &str) -> Option<&ViolationDef> {
        self.violations.iter().find(|d| d.code == code)
    }

    /// The estate's local time of an instant (the calendar's UTC offset).
    pub(crate) fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        crate::clock::local(at, self.calendar.utc_offset_minutes())
    }

    /// Whether noisy (or quiet) work may go on at `at`: the local day is a working day
    /// or a rest day per the calendar (holidays, make-up working days), and the time
    /// falls in one of that day's windows (start inclusive, end exclusive). A
    /// complaint such as "楼上装修从早上七点就开始砸墙" is checked with the time it
    /// names.
    ///
    /// ```
    /// use estatekit::decoration::{DecorationPolicy, WorkVerdict};
    /// let p = DecorationPolicy::default_policy();
    /// // Monday 2026-11-02 12:30 Beijing: the lunch break, no noisy work, quiet work allowed.
    /// let at = "2026-11-02T04:30:00Z".parse()?;
    /// assert_eq!(p.work_allowed(at, true).verdict, WorkVerdict::OutsideHours);
    /// assert_eq!(p.work_allowed(at, false).verdict, WorkVerdict::Allowed);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn work_allowed(&self, at: DateTime<Utc>, noisy: bool) -> WorkCheck {
        let local = self.local(at);
        let working_day = self.calendar.is_working_day(local.date());
        let w = if working_day {
            &self.hours.working_days
        } else {
            &self.hours.rest_days
        };
        let windows = if noisy { &w.noisy } else { &w.quiet }.clone();
        let time = local.time();
        let verdict = if windows.iter().any(|x| x.start <= time && time < x.end) {
            WorkVerdict::Allowed
        } else if windows.is_empty() && !working_day {
            WorkVerdict::RestDay
        } else {
            WorkVerdict::OutsideHours
        };
        WorkCheck {
            verdict,
            local,
            working_day,
            windows,
        }
    }
}

fn check_code(seen: &mut BTreeSet<String>, code: &str, path: &str) -> Result<(), DecorationError> {
    if code.trim().is_empty() {
        return Err(DecorationError::value(
            "empty_field",
            path,
            "must not be empty",
        ));
    }
    if !seen.insert(code.to_owned()) {
        return Err(DecorationError::DuplicateId {
            path: path.to_owned(),
            id: code.to_owned(),
        });
    }
    Ok(())
}

pub(crate) fn not_negative(a: Decimal, path: &str) -> Result<(), DecorationError> {
    if a < Decimal::ZERO {
        return Err(DecorationError::value(
            "negative",
            path,
            format!("must not be negative, got {a}"),
        ));
    }
    Ok(())
}

/// Parses a document with the size limit, naming the path of a JSON error.
pub(crate) fn parse_document<T: serde::de::DeserializeOwned>(
    text: &str,
) -> Result<T, DecorationError> {
    crate::json::within_limit(text).map_err(|(size, limit)| DecorationError::DocumentTooLarge {
        path: "$".to_owned(),
        size,
        limit,
    })?;
    crate::json::parse(text).map_err(|f| DecorationError::Json {
        path: f.path,
        message: f.message,
    })
}
