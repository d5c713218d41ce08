//! What every EstateKit error says about itself, in one trait.
//!
//! Each module has its own error enum ([`MoneyError`](crate::money::MoneyError),
//! [`EstateError`](crate::estate::EstateError), [`FeeError`](crate::fees::FeeError),
//! [`CheckinError`](crate::checkin::CheckinError),
//! [`TicketError`](crate::tickets::TicketError),
//! [`IntegrityError`](crate::integrity::IntegrityError),
//! [`TablesError`](crate::tables::TablesError),
//! [`NoticeError`](crate::notices::NoticeError),
//! [`RegistryError`](crate::registry::RegistryError)). All of them implement
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
/// let e = FeeError::InvalidValue { path: "items[2].rate".into(), code: "out_of_range", reason: "above 1".into() };
/// assert_eq!((Diagnostic::code(&e), Diagnostic::path(&e).as_ref()), ("out_of_range", "items[2].rate"));
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
    /// let e = estatekit::fees::FeeError::InvalidValue { path: "due_day".into(), code: "out_of_range", reason: "0".into() };
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

/// One stable error code: what it means, in zh-CN and English (the README's table of
/// error codes is this list).
///
/// ```
/// let c = estatekit::diagnostic::describe("too_many_decimals").unwrap();
/// assert_eq!(c.zh, "小数位数超过金额精度");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode {
    /// The code, as [`Diagnostic::code`] gives it.
    pub code: &'static str,
    /// Its meaning in Simplified Chinese, shown by [`message`] in zh-CN.
    pub zh: &'static str,
    /// Its meaning in English.
    pub en: &'static str,
}

/// Every error code EstateKit raises (in any module and either binding), sorted.
pub const ERROR_CODES: &[ErrorCode] = &[
    ErrorCode {
        code: "ack_due_without_ack",
        zh: "确认期限需要要求确认",
        en: "an acknowledgment deadline is given for a notice that asks for no acknowledgment",
    },
    ErrorCode {
        code: "all_zero_weights",
        zh: "所有分摊权重均为零",
        en: "every weight of a split is zero (no consumption, no occupants, no day in the period)",
    },
    ErrorCode {
        code: "already_completed",
        zh: "该事项已完成",
        en: "the item is already completed",
    },
    ErrorCode {
        code: "already_done",
        zh: "该事项已完成（检查点已巡检或发现已关闭）",
        en: "done already: the checkpoint was visited in this task, or the finding is closed",
    },
    ErrorCode {
        code: "already_reversed",
        zh: "该笔收款已冲正",
        en: "the payment is already reversed",
    },
    ErrorCode {
        code: "arrears_outstanding",
        zh: "尚有欠费，不能过户",
        en: "the unit owes money: clear the arrears before the ownership transfer",
    },
    ErrorCode {
        code: "before_publication",
        zh: "早于通知发布时间",
        en: "the time is before the notice's publication",
    },
    ErrorCode {
        code: "checklist_finished",
        zh: "入住流程已结束",
        en: "the check-in is finished and can no longer change",
    },
    ErrorCode {
        code: "checklist_incomplete",
        zh: "入住流程尚未完成",
        en: "the check-in still has open mandatory items",
    },
    ErrorCode {
        code: "clear_id_number",
        zh: "身份证号不得明文保存",
        en: "an identity reference is an 18-digit ID number in clear: store a keyed digest or a reference",
    },
    ErrorCode {
        code: "closed",
        zh: "对象已关闭",
        en: "the object was closed: a call after close() (Kotlin)",
    },
    ErrorCode {
        code: "conflicting_fields",
        zh: "给出了互相排斥的两个字段",
        en: "two fields that exclude each other are both given (a due rule and a version-1 due day)",
    },
    ErrorCode {
        code: "conflicting_repost",
        zh: "重复过账的金额或到期日不一致",
        en: "a bill line posted again with another amount or due date",
    },
    ErrorCode {
        code: "conflicting_transfer",
        zh: "过户记录冲突",
        en: "a transfer contradicts the recorded ones (another on the same day, a later one, an ownership starting after it)",
    },
    ErrorCode {
        code: "conflicting_update",
        zh: "更新内容相互冲突",
        en: "two changes of one update contradict each other",
    },
    ErrorCode {
        code: "decreasing_reading",
        zh: "读数小于上次读数",
        en: "a meter reading is below the previous one",
    },
    ErrorCode {
        code: "defect_state",
        zh: "缺陷状态不允许此操作",
        en: "the defect's state does not allow the operation",
    },
    ErrorCode {
        code: "dependencies_unmet",
        zh: "前置事项尚未完成",
        en: "an item's prerequisites are not completed",
    },
    ErrorCode {
        code: "dependency_cycle",
        zh: "事项依赖形成循环",
        en: "the items' dependencies form a cycle",
    },
    ErrorCode {
        code: "document_too_large",
        zh: "文档过大",
        en: "the document is larger than the limit",
    },
    ErrorCode {
        code: "duplicate_code",
        zh: "编码重复",
        en: "a code is given twice",
    },
    ErrorCode {
        code: "duplicate_id",
        zh: "编号重复（如收据号已使用）",
        en: "an id is given twice, or is already used (a receipt number recorded before: a retry)",
    },
    ErrorCode {
        code: "duplicate_ref",
        zh: "收款参考号已使用",
        en: "a payment reference is already used by another payment",
    },
    ErrorCode {
        code: "duplicate_response",
        zh: "该房屋已提交过答卷",
        en: "the unit has already answered the survey (a different response)",
    },
    ErrorCode {
        code: "empty_audience",
        zh: "通知对象为空",
        en: "the notice reaches nobody",
    },
    ErrorCode {
        code: "empty_field",
        zh: "必填内容为空",
        en: "a required text or list is empty (an id, a reason, a name, a template's steps, the roles allowed)",
    },
    ErrorCode {
        code: "empty_training_set",
        zh: "训练数据为空",
        en: "no training examples are given",
    },
    ErrorCode {
        code: "empty_weights",
        zh: "未提供分摊权重",
        en: "no weights are given",
    },
    ErrorCode {
        code: "ends_before_starts",
        zh: "结束早于开始（或日期、上限早于/低于其应在之后的值）",
        en: "an end is before its start (or a date or maximum before what it must follow: a new due date, a deferral, a maximum below the minimum)",
    },
    ErrorCode {
        code: "estate",
        zh: "由入住结果生成的房产数据无效",
        en: "the estate built from the check-in's effects is invalid",
    },
    ErrorCode {
        code: "event_out_of_order",
        zh: "操作时间早于上一操作",
        en: "an action is dated before the last one",
    },
    ErrorCode {
        code: "float_cell",
        zh: "表格单元格为浮点数",
        en: "a spreadsheet cell holds a floating-point number where a decimal is required",
    },
    ErrorCode {
        code: "handover_refused",
        zh: "业主拒绝收楼",
        en: "the owner refused the handover",
    },
    ErrorCode {
        code: "has_dependents",
        zh: "有依赖此项的已完成事项",
        en: "completed items depend on this one",
    },
    ErrorCode {
        code: "inconsistent_document",
        zh: "文档与其历史记录不一致",
        en: "the document contradicts its own history (edited by hand)",
    },
    ErrorCode {
        code: "inconsistent_readings",
        zh: "抄表读数不一致",
        en: "meter readings do not fit together (a rollover or replacement, two changes between readings, sub-meters above the master)",
    },
    ErrorCode {
        code: "inexact_decimal",
        zh: "小数位数超出可精确表示的范围",
        en: "a decimal has more digits than can be held exactly",
    },
    ErrorCode {
        code: "internal",
        zh: "内部错误（请报告）",
        en: "a bug in EstateKit: an internal invariant failed (please report); the process is not harmed",
    },
    ErrorCode {
        code: "internal_area_exceeds_gross",
        zh: "套内面积大于建筑面积",
        en: "the internal area is above the gross area",
    },
    ErrorCode {
        code: "invalid_arrow",
        zh: "无法读取的 Arrow 数据",
        en: "Arrow data that cannot be read (a producer's error, batches with different schemas)",
    },
    ErrorCode {
        code: "invalid_cell",
        zh: "表格单元格无法读取",
        en: "a spreadsheet cell cannot be read",
    },
    ErrorCode {
        code: "invalid_choice",
        zh: "不是允许的取值",
        en: "a cell is not one of the accepted values",
    },
    ErrorCode {
        code: "invalid_currency",
        zh: "币种代码无效",
        en: "not an ISO 4217 currency code",
    },
    ErrorCode {
        code: "invalid_date",
        zh: "日期无效或超出 1–9999 年",
        en: "not a date, or a date outside years 1–9999",
    },
    ErrorCode {
        code: "invalid_datetime",
        zh: "时间无效",
        en: "not an RFC 3339 instant",
    },
    ErrorCode {
        code: "invalid_decimal",
        zh: "不是有效的小数",
        en: "not a decimal number",
    },
    ErrorCode {
        code: "invalid_document",
        zh: "文档无效",
        en: "the document is not valid",
    },
    ErrorCode {
        code: "invalid_id_number",
        zh: "身份证号校验码错误",
        en: "the check digit of an 18-digit ID number is not the one GB 11643 gives",
    },
    ErrorCode {
        code: "invalid_integer",
        zh: "不是有效的整数",
        en: "not an integer, or out of its range",
    },
    ErrorCode {
        code: "invalid_model",
        zh: "模型无效",
        en: "the classifier model is not valid",
    },
    ErrorCode {
        code: "invalid_option",
        zh: "选项无效",
        en: "an option is unknown or out of range",
    },
    ErrorCode {
        code: "invalid_period",
        zh: "期间无效",
        en: "the period is not valid",
    },
    ErrorCode {
        code: "invalid_records",
        zh: "表格数据有问题",
        en: "spreadsheet tables that cannot become an estate (every problem listed)",
    },
    ErrorCode {
        code: "invalid_rules",
        zh: "规则无效",
        en: "the rules are not valid",
    },
    ErrorCode {
        code: "invalid_scale",
        zh: "小数位数设置超出范围",
        en: "the rounding scale is out of range 0–12",
    },
    ErrorCode {
        code: "invalid_text",
        zh: "文本无效",
        en: "the text is not valid (not UTF-8, or a wrong type)",
    },
    ErrorCode {
        code: "invalid_time",
        zh: "不是有效的时刻（HH:MM）",
        en: "not a time of day HH:MM",
    },
    ErrorCode {
        code: "invalid_transition",
        zh: "工单当前状态不允许此操作",
        en: "the ticket's state does not allow the action",
    },
    ErrorCode {
        code: "json",
        zh: "JSON 格式错误",
        en: "the JSON is malformed or a field has the wrong type",
    },
    ErrorCode {
        code: "key_state",
        zh: "钥匙当前状态不允许该操作（已借出、已归还、已移交等）",
        en: "the key set's or loan's state does not allow the operation (lent out already, returned already, handed over, …)",
    },
    ErrorCode {
        code: "key_too_short",
        zh: "密钥过短",
        en: "the sealing key is too short",
    },
    ErrorCode {
        code: "length_mismatch",
        zh: "数量不一致",
        en: "the lists have different lengths",
    },
    ErrorCode {
        code: "mismatch",
        zh: "与应对应的对象或数量不符",
        en: "the input does not match what it must agree with (a bill for another unit, a run for another estate, a reversal for another payment, a key count other than the template's, a defect id out of sequence)",
    },
    ErrorCode {
        code: "missing_document",
        zh: "装修申请缺少必需的资料",
        en: "the application lacks a document its scope, contractor or applicant needs",
    },
    ErrorCode {
        code: "missing_pooled_amount",
        zh: "缺少公摊金额",
        en: "a pooled item's amount for the month is missing",
    },
    ErrorCode {
        code: "missing_reading",
        zh: "缺少抄表读数",
        en: "a meter reading is missing",
    },
    ErrorCode {
        code: "missing_start",
        zh: "缺少开始时间",
        en: "a start time is missing",
    },
    ErrorCode {
        code: "missing_value",
        zh: "缺少必填值（空单元格，或其他字段所要求的字段）",
        en: "a required value is missing (an empty cell, or a field the others require)",
    },
    ErrorCode {
        code: "naive_datetime",
        zh: "时间缺少时区",
        en: "a date-time without a UTC offset",
    },
    ErrorCode {
        code: "negative",
        zh: "数值为负",
        en: "a value is negative",
    },
    ErrorCode {
        code: "negative_reading",
        zh: "读数为负",
        en: "a meter reading is negative",
    },
    ErrorCode {
        code: "negative_weight",
        zh: "权重为负",
        en: "a weight is negative",
    },
    ErrorCode {
        code: "no_business_time",
        zh: "时限内没有工作时间",
        en: "no business time up to the calendar's horizon",
    },
    ErrorCode {
        code: "no_consent",
        zh: "无权代表该房屋表态",
        en: "the person may not consent for the unit on that day (not an owner, or a tenant without the owner's written consent)",
    },
    ErrorCode {
        code: "no_working_days",
        zh: "没有足够的工作日",
        en: "too few working days up to the calendar's horizon",
    },
    ErrorCode {
        code: "no_working_hours",
        zh: "未设置工作时间",
        en: "the calendar has no working hours",
    },
    ErrorCode {
        code: "non_positive_area",
        zh: "面积必须大于零",
        en: "an area is zero or negative",
    },
    ErrorCode {
        code: "non_positive_payment",
        zh: "金额必须大于零",
        en: "a payment or refund is zero or negative",
    },
    ErrorCode {
        code: "not_an_occupant",
        zh: "答卷人未登记为该房屋住户",
        en: "the person is not registered on the unit on the day of the response",
    },
    ErrorCode {
        code: "not_authorised",
        zh: "未经授权或未查验证件，不能借出钥匙",
        en: "the loan lacks the authorisation its keys need (the owner's consent, a manager's), or the borrower's identity was not checked",
    },
    ErrorCode {
        code: "not_completed",
        zh: "该事项尚未完成",
        en: "the item is not completed",
    },
    ErrorCode {
        code: "not_finished",
        zh: "入住流程尚未结束",
        en: "the check-in is not finished",
    },
    ErrorCode {
        code: "not_in_audience",
        zh: "不在通知对象之内",
        en: "the unit is not among the notice's audience",
    },
    ErrorCode {
        code: "not_in_population",
        zh: "该房屋不在调查范围内",
        en: "the unit is not in the survey's population (not delivered when it was published)",
    },
    ErrorCode {
        code: "not_increasing",
        zh: "未按递增顺序",
        en: "values that must increase do not (tier bounds, readings or changes out of date order; only the last tier may be unbounded)",
    },
    ErrorCode {
        code: "not_occupant",
        zh: "该人员当日未在该房屋居住",
        en: "the person has no household or tenant role on the unit that day",
    },
    ErrorCode {
        code: "not_permitted",
        zh: "无权执行此操作",
        en: "the role or actor may not do this",
    },
    ErrorCode {
        code: "open_renovation",
        zh: "该房屋已有未完结的装修",
        en: "the unit already has an open renovation",
    },
    ErrorCode {
        code: "open_violations",
        zh: "尚有未整改的装修违规",
        en: "violations of the renovation are still open",
    },
    ErrorCode {
        code: "out_of_range",
        zh: "超出允许范围（如年份不在 1–9999）",
        en: "a value outside its range (a date or instant outside years 1–9999, a negative count)",
    },
    ErrorCode {
        code: "outside_window",
        zh: "不在放行条的有效日期或时段内",
        en: "outside the permit's day or hours",
    },
    ErrorCode {
        code: "overflow",
        zh: "数值过大",
        en: "an amount or total is too large to compute exactly",
    },
    ErrorCode {
        code: "overlapping_effective_dates",
        zh: "生效期间重叠",
        en: "two versions of an item are in force on the same day",
    },
    ErrorCode {
        code: "overlapping_periods",
        zh: "时间段重叠",
        en: "two working periods of a day overlap",
    },
    ErrorCode {
        code: "payment_missing",
        zh: "装修费用或押金未收，不能开工",
        en: "works cannot start before the fees and the deposit are received",
    },
    ErrorCode {
        code: "permit_state",
        zh: "放行条当前状态不允许该操作（已使用、已拒绝、已过期等）",
        en: "the permit's state does not allow the operation (used already, refused, expired, not yet approved, …)",
    },
    ErrorCode {
        code: "prohibited_scope",
        zh: "装修申请含禁止的施工项目",
        en: "the application includes work the decoration policy prohibits (e.g. load-bearing walls)",
    },
    ErrorCode {
        code: "reading_below_previous",
        zh: "读数小于上次读数",
        en: "a meter reading is below the previous one",
    },
    ErrorCode {
        code: "refund_exceeds_prepaid",
        zh: "退款超过预存款余额",
        en: "a refund is larger than the prepaid balance",
    },
    ErrorCode {
        code: "renovation_state",
        zh: "装修当前状态不允许该操作",
        en: "the renovation's state does not allow the action",
    },
    ErrorCode {
        code: "return_visit_required",
        zh: "需先完成回访",
        en: "the ticket needs its return visit before closing",
    },
    ErrorCode {
        code: "role_not_allowed",
        zh: "该角色不能执行此事项",
        en: "the role may not do this item",
    },
    ErrorCode {
        code: "rules_too_large",
        zh: "规则过多",
        en: "the rule set is larger than the limit",
    },
    ErrorCode {
        code: "seal_mismatch",
        zh: "文档签名不符（已被修改）",
        en: "the document's seal does not match (it was changed)",
    },
    ErrorCode {
        code: "single_class",
        zh: "训练数据只有一个类别",
        en: "the training labels have a single class",
    },
    ErrorCode {
        code: "survey_state",
        zh: "调查当前状态不允许该操作",
        en: "the survey's state does not allow the operation",
    },
    ErrorCode {
        code: "template_mismatch",
        zh: "与入住模板不一致",
        en: "the checklist does not match its template",
    },
    ErrorCode {
        code: "too_many",
        zh: "记录数超出单次处理上限",
        en: "more records than one call holds (4 billion units, 65,536 fee items, the rows of one import)",
    },
    ErrorCode {
        code: "too_many_classes",
        zh: "类别过多",
        en: "too many training labels",
    },
    ErrorCode {
        code: "too_many_decimals",
        zh: "小数位数超过金额精度",
        en: "an amount has a non-zero digit beyond the scale (150.001 at scale 2)",
    },
    ErrorCode {
        code: "too_many_events",
        zh: "事件过多",
        en: "more events than the limit",
    },
    ErrorCode {
        code: "unexpected_value",
        zh: "表格单元格不应有值",
        en: "a cell holds a value where none is expected",
    },
    ErrorCode {
        code: "unknown_building",
        zh: "楼栋不存在",
        en: "no building with this id",
    },
    ErrorCode {
        code: "unknown_code",
        zh: "代码未在装修规则中定义（施工项目、资料、违规类型、费用或出入证）",
        en: "a scope item, document, violation, fee or pass the decoration policy does not know",
    },
    ErrorCode {
        code: "unknown_column",
        zh: "未知的表格列",
        en: "the table has no such column",
    },
    ErrorCode {
        code: "unknown_defect",
        zh: "缺陷不存在",
        en: "no defect with this id",
    },
    ErrorCode {
        code: "unknown_dependency",
        zh: "依赖的事项不存在",
        en: "a dependency names no item",
    },
    ErrorCode {
        code: "unknown_item",
        zh: "事项不存在",
        en: "no item with this code",
    },
    ErrorCode {
        code: "unknown_meter",
        zh: "水电表不存在",
        en: "no meter with this id",
    },
    ErrorCode {
        code: "unknown_person",
        zh: "未知人员",
        en: "a reference to a person the registry does not have",
    },
    ErrorCode {
        code: "unknown_reference",
        zh: "引用的记录不存在",
        en: "no charge, payment, unit or item with this id",
    },
    ErrorCode {
        code: "unknown_renovation",
        zh: "装修登记不存在",
        en: "no renovation with this id",
    },
    ErrorCode {
        code: "unknown_rounding_mode",
        zh: "舍入方式无效",
        en: "not a rounding mode (half_up, half_even, down, up)",
    },
    ErrorCode {
        code: "unknown_unit",
        zh: "房屋不存在",
        en: "no unit with this id",
    },
    ErrorCode {
        code: "unknown_value",
        zh: "不是可接受的取值",
        en: "a name that is not one of the accepted values",
    },
    ErrorCode {
        code: "unknown_violation",
        zh: "违规记录不存在",
        en: "no violation of the renovation with this id",
    },
    ErrorCode {
        code: "unsupported_format_version",
        zh: "文档格式版本不受支持",
        en: "the document's format version is not supported",
    },
    ErrorCode {
        code: "unsupported_rule",
        zh: "该操作不适用于此类计费规则",
        en: "the operation does not apply to this kind of fee rule",
    },
    ErrorCode {
        code: "unsupported_type",
        zh: "无法读取的 Arrow 列类型",
        en: "an Arrow column of a type that cannot be read as a table cell",
    },
    ErrorCode {
        code: "weights_sum",
        zh: "混合分摊权重之和不为 1",
        en: "the weights of a hybrid split do not sum to 1",
    },
    ErrorCode {
        code: "wrong_type",
        zh: "参数或记录类型错误（如应为字典）",
        en: "an argument or record has the wrong type (a dict expected, a pair expected)",
    },
];

/// The entry of `code` in [`ERROR_CODES`].
///
/// ```
/// assert_eq!(estatekit::diagnostic::describe("duplicate_id").unwrap().en,
///            "an id is given twice, or is already used (a receipt number recorded before: a retry)");
/// assert!(estatekit::diagnostic::describe("no_such_code").is_none());
/// ```
pub fn describe(code: &str) -> Option<&'static ErrorCode> {
    ERROR_CODES
        .binary_search_by(|c| c.code.cmp(code))
        .ok()
        .map(|i| &ERROR_CODES[i])
}

/// An error's message in `lang`: in English its full message (naming the path and
/// the values concerned); in zh-CN the path and the code's meaning from
/// [`ERROR_CODES`] (`amount：小数位数超过金额精度`), or the English message for a code
/// the table lacks.
///
/// ```
/// use estatekit::diagnostic::message;
/// use estatekit::i18n::Lang;
/// let e = estatekit::fees::FeeError::NonPositivePayment { path: "amount".into(), amount: 0.into() };
/// assert_eq!(message(&e, Lang::ZhCn), "amount：金额必须大于零");
/// assert_eq!(message(&e, Lang::En), e.to_string());
/// ```
pub fn message(e: &(impl Diagnostic + ?Sized), lang: crate::i18n::Lang) -> String {
    localized(e.code(), &e.path(), &e.to_string(), lang)
}

/// [`message`] from an error's parts: `code`, `path` and its English message `en`
/// (for the bindings' own errors, which are not [`Diagnostic`] values).
///
/// ```
/// use estatekit::{diagnostic::localized, i18n::Lang};
/// assert_eq!(localized("invalid_date", "argument", "argument: 10000-01-01 …", Lang::ZhCn),
///            "argument：日期无效或超出 1–9999 年");
/// assert_eq!(localized("internal", "", "internal error: x", Lang::ZhCn), "内部错误（请报告）");
/// assert_eq!(localized("no_such_code", "", "as is", Lang::ZhCn), "as is");
/// ```
pub fn localized(code: &str, path: &str, en: &str, lang: crate::i18n::Lang) -> String {
    match (lang, describe(code)) {
        (crate::i18n::Lang::ZhCn, Some(c)) if path.is_empty() => c.zh.to_owned(),
        (crate::i18n::Lang::ZhCn, Some(c)) => format!("{path}：{}", c.zh),
        _ => en.to_owned(),
    }
}

/// Whether a date or instant falls in the years every module and binding supports:
/// 1–9999 (UTC for an instant), the range of Python's `datetime` and of the dates the
/// fee code reads. Checklists and tickets refuse any other as `out_of_range`, alike.
pub(crate) fn in_supported_years(d: &impl chrono::Datelike) -> bool {
    (1..=9999).contains(&d.year())
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

/// Declares the named causes of an error enum's catch-all value variants (variants
/// with `path`, `code: &'static str` and `reason` fields, plus any other `String`
/// fields listed): the public `VALUE_CODES` list (each a code of [`ERROR_CODES`]) and
/// one crate-private constructor per variant, `fn(code, path, <extra fields>, reason)`,
/// which checks in debug builds that `code` is in the list. Shared by the estate, fee,
/// check-in, ticket, notice and registry errors, so a site names its cause
/// (`CheckinError::value("empty_field", "owner", "must not be empty")`) and the error
/// code table's scanner (core/tests/error_codes.rs) finds the literal.
macro_rules! value_codes {
    (
        $ty:ident;
        example: $ex:literal;
        codes: [ $($code:literal),+ $(,)? ];
        $( $(#[$meta:meta])* fn $fname:ident => $variant:ident $({ $($extra:ident),+ })? ; )+
    ) => {
        impl $ty {
            /// The codes of this error's value variants, each a cause of its own (every
            /// one listed, with its meaning, in
            /// [`ERROR_CODES`](crate::diagnostic::ERROR_CODES)).
            ///
            /// ```
            #[doc = $ex]
            /// ```
            pub const VALUE_CODES: [&'static str; <[&str]>::len(&[$($code),+])] = [$($code),+];

            $(
                $(#[$meta])*
                #[allow(dead_code)]
                pub(crate) fn $fname(
                    code: &'static str,
                    path: impl Into<String>,
                    $($($extra: impl Into<String>,)+)?
                    reason: impl Into<String>,
                ) -> Self {
                    debug_assert!(Self::VALUE_CODES.contains(&code), "{code}");
                    Self::$variant {
                        path: path.into(),
                        code,
                        $($($extra: $extra.into(),)+)?
                        reason: reason.into(),
                    }
                }
            )+
        }
    };
}

pub(crate) use value_codes;

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
#[cfg(feature = "arrow")]
diagnostic!(crate::arrow::ArrowError, |_e| ErrorClass::Validation);
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
