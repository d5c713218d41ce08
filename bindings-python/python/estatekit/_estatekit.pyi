"""Type stubs of the native module `estatekit._estatekit` (re-exported by `estatekit`).

Dates: every date argument (`_DateLike`), including the `date` of `bill_estate`'s
reading dicts, the due dates of `late_penalties`/`Arrears` items and
`BusinessCalendar.weekly(holidays=...)`, takes a `datetime.date` (a `datetime.datetime`
counts as its date) or an ISO string of exactly the form "YYYY-MM-DD". Anything else
(e.g. "2026/11/05", "2026-13-01", an int) raises `ValidationError` with code
"invalid_date" and the argument's name as path (e.g. "as_of", "readings[2].date").
Lenient forms such as "2026/11/05" are accepted only in table rows (the importers).
Dates are always returned as `datetime.date`.

Document sizes: `Ledger.from_json`, `Receivables.from_json` and `Estate.from_json`
read at most 64 MiB of text, `from_json` of fee schedules, check-in templates and checklists,
ticket flows, SLA and access policies, registries, and `seal`, at most 32 MiB, `unseal` at most
64 MiB; a longer text raises `ValidationError` with code "document_too_large" and
path "$" before it is parsed. `BillingRun.from_json` has no limit.
"""

import datetime
from decimal import Decimal
from typing import Any, ClassVar, Iterable, Iterator, Literal, Mapping, Optional, TypedDict, Union, final, overload

__version__: str

class _Aging(TypedDict):
    """Outstanding principal by days overdue (`Ledger.aging`, `Receivables.unit_aging`):
    the fields of the core's aging, named as in every binding."""

    not_due: Decimal
    days_0_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_90_plus: Decimal

__all__ = [
    "EstateKitError",
    "ValidationError",
    "StateError",
    "InternalError",
    "allocate",
    "allocate_detailed",
    "Allocation",
    "RoundingPolicy",
    "Estate",
    "Building",
    "Unit",
    "Meter",
    "Reading",
    "EstateSummary",
    "late_penalty",
    "late_charge",
    "late_penalties",
    "prorate",
    "pooled_split",
    "bill_estate",
    "csv_rows",
    "PenaltyPolicy",
    "OneOffFee",
    "LateFee",
    "LateCharge",
    "FeeSchedule",
    "BillingRun",
    "Bill",
    "BillLine",
    "PoolSummary",
    "Ledger",
    "Payment",
    "Receivables",
    "PostResult",
    "PaymentImport",
    "RowImport",
    "Report",
    "ArrowTable",
    "Reminders",
    "ReminderLetter",
    "Arrears",
    "PenaltyBatch",
    "CheckinTemplate",
    "CheckinStep",
    "CheckinItem",
    "Checklist",
    "ChecklistItem",
    "Defect",
    "CheckinEvent",
    "TemplateMismatch",
    "CompletionEffects",
    "MeterBaseReading",
    "ChargeLine",
    "OverdueRectification",
    "audit_dates",
    "awaiting_audit",
    "overdue_rectifications",
    "TicketClassifier",
    "Classification",
    "Evidence",
    "BusinessCalendar",
    "SlaPolicy",
    "SlaStatus",
    "AccessPolicy",
    "TicketFlow",
    "TicketEvent",
    "SavedDocument",
    "TicketStatistics",
    "ticket_statistics",
    "ReturnVisitPolicy",
    "seal",
    "unseal",
    "Audience",
    "Notice",
    "NoticePolicy",
    "LeadTimeFinding",
    "NoticeEvent",
    "PendingUnit",
    "Coverage",
    "NoticeTracker",
    "validate_notice",
    "notice_audience_units",
    "notice_header",
    "notice_from_json",
    "notice_to_json",
    "DecorationPolicy",
    "DocumentDef",
    "ScopeItem",
    "ViolationDef",
    "FeeDef",
    "WorkCheck",
    "Decorations",
    "Submission",
    "Contractor",
    "Worker",
    "Applicant",
    "Renovation",
    "FeeLine",
    "Extension",
    "Violation",
    "Deduction",
    "Settlement",
    "Event",
    "Overdue",
    "DecorationStats",
    "Registry",
    "registry_id_digest",
    "KeyPolicy",
    "KeySetInput",
    "LoanInput",
    "KeySet",
    "Loan",
    "Loss",
    "StockLine",
    "StockTake",
    "KeyRegister",
    "ReleasePolicy",
    "PermitRequest",
    "Permit",
    "GoodsRelease",
    "Survey",
    "QuestionKind",
    "Question",
    "Answer",
    "Response",
    "SurveyResults",
    "Breakdown",
    "ChoiceCount",
    "Rectification",
    "Trend",
    "survey_quarter",
    "Checkpoint",
    "Recurrence",
    "Plan",
    "ItemResult",
    "Visit",
    "Task",
    "Finding",
    "PatrolStats",
    "PatrolBook",
    "__version__",
]

_DecimalLike = Union[Decimal, int, str]
# A date argument: a datetime.date (a datetime.datetime counts as its date) or an ISO
# string "YYYY-MM-DD", exactly; anything else raises ValidationError("invalid_date").
_DateLike = Union[datetime.date, str]
_RoundingName = Literal["half_up", "half_even", "down", "up"]
_UnitKindName = Literal["residential", "commercial", "parking", "storage"]
_UnitStatusName = Literal["unsold", "delivered", "occupied", "decorating", "rented"]
_MeterKindName = Literal["water", "electricity", "gas", "heating"]
_RoleName = Literal["receptionist", "inspector", "manager"]
_ItemKindName = Literal[
    "document_issued", "record_made", "signature", "payment", "meter_reading", "key_handover", "inspection"
]
_ModeName = Literal["centralized", "ordinary"]
_SeverityName = Literal["minor", "major", "critical"]
_ResponsibleName = Literal["developer", "owner", "property_company"]
_OutcomeName = Literal["accepted", "accepted_with_rectification_list", "refused"]
_DefectStatusName = Literal["open", "rectified", "closed"]
_ItemData = dict[str, Any]
# A checklist command for `Checklist.perform`: {"action": "complete" | "undo" |
# "record_defect" | "mark_rectified" | "reinspect" | "finish", ...the operation's
# keyword arguments}.
_ChecklistCommand = dict[str, Any]
# A ticket command for `TicketFlow.perform`, shaped like an event of the document:
# {"action": "assign", "to": "李工"}, {"action": "return_visit_reached", "mode":
# "phone", "rating": 5, "comment": ""}, ...
_TicketCommand = dict[str, Any]
_ItemActionName = Literal["complete", "undo", "record_defect"]
_DefectActionName = Literal["mark_rectified", "reinspect"]
_TicketActionName = Literal[
    "receive", "assign", "start", "pause", "resume", "resolve", "return_visit",
    "return_visit_reached", "return_visit_unreachable", "close", "escalate",
]

class EstateKitError(Exception):
    """Base class of every error raised by EstateKit. Every one carries `code` (stable,
    one per cause: README "Errors"), `path`, `message_en` (the full message) and
    `message_zh` (the path and the code's meaning in Chinese)."""

    code: str
    path: str
    message_zh: str
    message_en: str

class ValidationError(EstateKitError, ValueError):
    """Invalid input. `code` is a stable snake_case kind, `path` names the bad field.

    From `Estate.from_records` (code ``"invalid_records"``) it also carries
    ``problems``: every problem found (up to 1,000), each a dict
    ``{"table", "row", "id", "column", "path", "code", "message"}``, and ``more``: how
    many were found beyond those listed.
    """

    code: str
    path: str
    problems: list[dict[str, Any]]
    more: int

class StateError(EstateKitError):
    """An operation the current state does not allow. Carries `code` and `path`."""

    code: str
    path: str

class InternalError(EstateKitError):
    """A bug in EstateKit: a Rust panic caught at the boundary (never a crash of the
    interpreter). `code` is "internal", `path` is empty; please report the message."""

    code: str
    path: str

def allocate(
    total: _DecimalLike,
    weights: Iterable[_DecimalLike],
    *,
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> list[Decimal]:
    """Split `total` by `weights`; the parts sum exactly to `total` rounded to `scale`.

    Largest remainder: each part is its exact share rounded toward zero; leftover
    minor units go to the largest remainders, ties to the lower index. Floats are
    refused. Raises ValidationError (empty, negative or all-zero weights, overflow).
    """

def allocate_detailed(
    total: _DecimalLike,
    weights: Iterable[_DecimalLike],
    *,
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> Allocation:
    """Like `allocate`, also returning the rounded total and the adjusted parts."""

@final
class Allocation:
    """The result of `allocate_detailed`."""

    @property
    def total(self) -> Decimal:
        """The amount split, rounded to the scale."""
    @property
    def parts(self) -> list[Decimal]:
        """The parts, in the order of the weights; they sum exactly to `total`."""
    @property
    def adjusted(self) -> list[int]:
        """Indices (ascending) of the parts that received one extra minor unit."""
    @property
    def adjustment(self) -> Decimal:
        """Sum of the minor units handed out as adjustments."""

@final
class RoundingPolicy:
    """An estate's rounding rule: decimal places (0-12) and mode."""

    def __new__(cls, scale: int = 2, mode: _RoundingName = "half_up") -> RoundingPolicy: ...
    @property
    def scale(self) -> int:
        """Decimal places kept."""
    @property
    def mode(self) -> _RoundingName:
        """The rounding mode."""
    def round(self, amount: _DecimalLike) -> Decimal:
        """Round an amount with this policy."""

@final
class Building:
    """A building (楼栋) of an estate."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...

@final
class Unit:
    """A unit (房屋): flat, shop, parking space or storage room. Areas in m²."""

    @property
    def id(self) -> str: ...
    @property
    def building_id(self) -> str: ...
    @property
    def floor(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def kind(self) -> _UnitKindName: ...
    @property
    def gross_area(self) -> Decimal: ...
    @property
    def internal_area(self) -> Optional[Decimal]: ...
    @property
    def occupants(self) -> int: ...
    @property
    def status(self) -> _UnitStatusName: ...
    @property
    def status_since(self) -> Optional[datetime.date]: ...
    @property
    def delivered_on(self) -> Optional[datetime.date]: ...
    @property
    def is_delivered(self) -> bool:
        """True once handed over (any status but 'unsold')."""
    def area(self, *, internal: bool = False) -> Decimal:
        """The fee area: internal if asked for and known, gross otherwise."""

@final
class Reading:
    """A meter reading."""

    @property
    def date(self) -> datetime.date: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def estimated(self) -> bool:
        """An estimate (估抄) a billing run made for a missing reading (stored with
        `Estate.updated`); the next real reading trues it up."""

@final
class Meter:
    """A meter: a unit's own, or a common/master meter when `unit_id` is None."""

    @property
    def id(self) -> str: ...
    @property
    def unit_id(self) -> Optional[str]: ...
    @property
    def kind(self) -> _MeterKindName: ...
    @property
    def multiplier(self) -> Decimal: ...
    @property
    def readings(self) -> list[Reading]: ...
    @property
    def changes(self) -> list[dict[str, Any]]:
        """Replacements and rollovers kept in the estate, in date order: dicts
        ``{"date": date, "change": {"replacement": {"old_final": Decimal, "new_initial": Decimal}}}``
        or ``{"date": date, "change": {"rollover": {"wraps_at": Decimal}}}``. Billing applies each
        to the consumption between the reading before its day and the first reading on
        or after it (a reading taken on the day of a replacement is the new meter's)."""

@final
class EstateSummary:
    """Counts and areas of an estate."""

    @property
    def buildings(self) -> int: ...
    @property
    def units(self) -> int: ...
    @property
    def by_kind(self) -> dict[_UnitKindName, int]:
        """Units per kind, every kind in declaration order."""
    @property
    def by_status(self) -> dict[_UnitStatusName, int]:
        """Units per status, every status in declaration order."""
    @property
    def total_gross_area(self) -> Decimal: ...
    @property
    def total_internal_area(self) -> Decimal: ...
    @property
    def occupants(self) -> int: ...
    @property
    def meters(self) -> int: ...

class _StatusPeriod(TypedDict):
    """A status a unit held from a day on (`Estate.status_periods`)."""

    since: datetime.date
    status: _UnitStatusName

@final
class Estate:
    """A validated estate (小区): buildings, units, meters and rounding policy."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

    @staticmethod
    def from_json(text: str) -> Estate:
        """Parse and validate estate JSON; ValidationError names the bad field's path."""
    @overload
    @staticmethod
    def from_arrow(
        *,
        units: Any,
        meters: Any = None,
        readings: Any = None,
        meter_changes: Any = None,
        buildings: Any = None,
        id: str = "estate",
        name: Optional[str] = None,
        currency: str = "CNY",
        rounding: Optional[RoundingPolicy] = None,
        report: Literal[False] = False,
    ) -> Estate: ...
    @overload
    @staticmethod
    def from_arrow(
        *,
        units: Any,
        meters: Any = None,
        readings: Any = None,
        meter_changes: Any = None,
        buildings: Any = None,
        id: str = "estate",
        name: Optional[str] = None,
        currency: str = "CNY",
        rounding: Optional[RoundingPolicy] = None,
        report: Literal[True],
    ) -> tuple[Estate, list[dict[str, Any]]]:
        """An estate from Arrow tables: anything implementing `__arrow_c_stream__`
        (a pyarrow Table or RecordBatch, a polars or pandas DataFrame, an
        `ArrowTable`), with the columns of `from_records`, read by the same importer
        (same normalisations and problems). Text, integer, decimal, date, timestamp
        at midnight, bool and dictionary-encoded text columns are read; a float cell
        is a problem `float_cell` (a float cannot hold an exact area), a column of
        another type `unsupported_type`. Without `buildings`, each `building_id` of
        the units is a building named after its id; `name` defaults to `id`. A table
        that is not Arrow raises ValidationError `wrong_type` at its name."""
    @overload
    @staticmethod
    def from_records(
        *,
        id: str,
        name: str,
        buildings: Any,
        units: Any,
        meters: Any = None,
        readings: Any = None,
        currency: str = "CNY",
        rounding: Optional[RoundingPolicy] = None,
        report: Literal[False] = False,
        meter_changes: Any = None,
    ) -> Estate: ...
    @overload
    @staticmethod
    def from_records(
        *,
        id: str,
        name: str,
        buildings: Any,
        units: Any,
        meters: Any = None,
        readings: Any = None,
        currency: str = "CNY",
        rounding: Optional[RoundingPolicy] = None,
        report: Literal[True],
        meter_changes: Any = None,
    ) -> tuple[Estate, list[dict[str, Any]]]:
        """An estate from spreadsheet tables: each table a list of dicts or a pandas or
        polars DataFrame. Columns: buildings ``id, name``; units ``id, building_id,
        floor, number, kind, gross_area, status`` and optionally ``internal_area,
        occupants, status_since, delivered_on``; meters ``id, kind`` and optionally
        ``unit_id`` (empty: a common meter), ``multiplier`` (empty: 1); readings
        ``meter_id, date, value`` and optionally ``estimated`` (``true`` for an
        estimate); meter_changes ``meter_id, date, kind`` (``replacement`` with
        ``old_final, new_initial``, or ``rollover`` with ``wraps_at``; the other kind's
        cells empty, else code ``unexpected_value``).

        Cells may be str, int, Decimal, datetime.date/datetime, None or NaN (None, NaN,
        NaT and "" mean missing); a float cell is refused (code ``float_cell``). Text is
        normalised: surrounding spaces (also U+00A0, U+3000) trimmed, ``1,234.50`` read
        as 1234.50, ``2026/11/05`` and ``2026/1/5`` as dates, enum values in any case.
        Unknown column names are refused.

        Every problem is raised at once as one ``ValidationError`` (code
        ``invalid_records``) whose ``problems`` lists them by table, 1-based row, id
        and column. With ``report=True`` returns ``(estate, normalisations)``, each
        normalisation a dict ``{"table", "row", "id", "column", "before", "after"}``.
        """
    @staticmethod
    def demo() -> Estate:
        """The embedded demo estate: two buildings, 40 units, unit and master meters."""
    def to_json(self) -> str:
        """The estate as JSON; `from_json` reads it back unchanged."""
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def rounding(self) -> RoundingPolicy: ...
    @property
    def buildings(self) -> list[Building]: ...
    @property
    def units(self) -> list[Unit]: ...
    @property
    def meters(self) -> list[Meter]: ...
    def unit(self, id: str) -> Optional[Unit]: ...
    def building(self, id: str) -> Optional[Building]: ...
    def meter(self, id: str) -> Optional[Meter]: ...
    def meters_of(self, unit_id: str) -> list[Meter]: ...
    def summary(self) -> EstateSummary: ...
    def status_periods(self, unit_id: str) -> list[_StatusPeriod]:
        """The statuses a unit held, oldest first: dicts ``{"since": date, "status": str}``,
        its ``status_history`` records (kept by `updated`) then its current status from
        ``status_since``. Fees apply each status's factor to its own days. Empty for an
        unknown or unsold unit."""
    def updated(
        self,
        *,
        readings: Optional[Iterable[Mapping[str, Any]]] = None,
        status_changes: Optional[Iterable[Mapping[str, Any]]] = None,
        meter_changes: Optional[Iterable[Mapping[str, Any]]] = None,
    ) -> Estate:
        """The estate for the next month, without rebuilding its JSON: a new, validated
        estate; this one is untouched, and a bad row changes nothing.

        `readings`: dicts with meter_id, date (a `_DateLike`), value and optionally
        estimated (bool; `run.estimated_readings` can be passed as they are), sorted in
        by date whatever their order. A reading the meter already has (same date and
        value) is already there, so the same update applied twice gives the same
        estate; another value on a day the meter has a reading for raises
        ValidationError(code="conflicting_update", path="readings[i].value"): a
        reading is never overwritten.

        `status_changes`: dicts with unit_id, status, since (a `_DateLike`) and
        optionally occupants; per unit the latest stands. `since` may not be before the
        unit's current status began; from "unsold" it is also the handover date; a
        "delivered" (vacant) unit has no occupants; a unit never becomes "unsold"
        again.

        `meter_changes`: dicts with meter_id, date and replacement={"old_final",
        "new_initial"} or rollover={"wraps_at"}, kept in the estate (`Meter.changes`):
        billing then applies them without `bill_estate(meter_changes=...)` (giving a
        change both ways for the same interval is refused).

        Errors name the row: codes "unknown_meter", "unknown_unit",
        "conflicting_update", "inconsistent_readings" (e.g. "meter_changes[0].change.
        replacement.old_final" below the meter's last reading), "negative_reading", "invalid_date",
        "invalid_decimal", "missing_value" (a missing key), "unknown_value" (an unknown
        key)."""

# ---- fees -------------------------------------------------------------------

_Lang = Literal["zh-CN", "zh", "en"]

def late_penalty(
    principal: _DecimalLike,
    due: _DateLike,
    as_of: _DateLike,
    *,
    daily_rate: Optional[_DecimalLike] = None,
    annual_rate: Optional[_DecimalLike] = None,
    grace_days: int = 0,
    cap: Optional[_DecimalLike] = None,
    cap_amount: Optional[_DecimalLike] = None,
    count_from: Literal["due", "grace_end"] = "due",
    round_daily: bool = False,
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> Decimal:
    """Late penalty (违约金) as of `as_of`: days overdue = as_of - due; none while that is
    at most `grace_days`; then `count_from="due"` counts every overdue day and
    `"grace_end"` only the days after the grace. Give `daily_rate` (0.0005 = 0.05 % a
    day), `annual_rate` (0.12 = 12 % a year, counted by day on 365) or both; neither
    raises ValidationError (code "missing_value", path "daily_rate"). `cap` is a fraction of
    the principal, `cap_amount` an amount (not both). `round_daily` rounds the daily
    amount to the minor unit before multiplying by the days. Simple interest, never
    compounding. 500.00, 30 days at 0.003 → 45.00."""

def late_charge(
    principal: _DecimalLike,
    due: _DateLike,
    as_of: _DateLike,
    terms: LateFee,
    *,
    penalty: Optional[PenaltyPolicy] = None,
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> LateCharge:
    """The late charge under `terms` (a one-off fee, a yearly rate, daily rounding) and
    the clause `penalty` (its daily rate, grace, count-from rule, minimum and cap; None:
    none of them), each part shown: 5,000.00 101 days overdue at 12.25 % a year,
    rounded daily, plus 70.00 → one_off 70.00, daily 1.68, interest 169.68, total 239.68."""

def late_penalties(
    items: Iterable[tuple[_DecimalLike, _DateLike]],
    as_of: _DateLike,
    *,
    daily_rate: _DecimalLike,
    grace_days: int = 0,
    cap: Optional[_DecimalLike] = None,
    cap_amount: Optional[_DecimalLike] = None,
    count_from: Literal["due", "grace_end"] = "due",
    scale: int = 2,
    rounding: _RoundingName = "half_up",
    threads: Optional[int] = None,
) -> list[Decimal]:
    """`late_penalty` for many (principal, due) items in one call, in order, on
    `threads` threads (None or 0: every core; 1: the caller's thread only; at most
    256, else ValidationError `out_of_range` at `threads`): the same result whatever
    the count."""

def prorate(
    amount: _DecimalLike,
    period_start: _DateLike,
    period_end: _DateLike,
    service_start: _DateLike,
    service_end: _DateLike,
    *,
    convention: Literal["actual", "30/360", "annual_365"] = "actual",
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> Decimal:
    """`amount × service days ÷ period days`, all ranges inclusive. "30/360" counts every
    month as 30 days (day 31 as day 30; a whole year is 360 days). "annual_365" takes
    `amount` as monthly and charges a partly served period `amount × 12 × days ÷ 365`."""

def pooled_split(
    total: _DecimalLike,
    units: Iterable[Mapping[str, Any]],
    *,
    method: Literal["area", "usage", "equal", "occupants", "hybrid"],
    weights: Optional[Mapping[str, _DecimalLike]] = None,
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> dict[str, Decimal]:
    """Split `total` among units (dicts with `id` and any of `area`, `usage`,
    `occupants`, `fraction`); the shares sum exactly to `total`. `weights` for "hybrid"
    only, summing to exactly 1, e.g. {"occupants": Decimal("0.5"), "area": Decimal("0.5")}.

    Strict, so nothing changes a split silently: an unknown key in a unit dict
    (`"occupant": 3`), a `total` with more decimal places than `scale` and hybrid
    weights not summing to 1 raise `ValidationError` (codes "unknown_value",
    "too_many_decimals" and "weights_sum", paths "units[i].<key>", "total" and
    "weights")."""

def csv_rows(table: str, text: str) -> list[dict[str, str]]:
    """The rows of a CSV text keyed by its header line, every cell as text (RFC 4180
    quoting, LF or CRLF, a byte-order mark dropped, empty lines skipped), for
    `Receivables.apply_payments`, `post_charges`, `open_balances` or
    `Estate.from_records`. Raises ValidationError(code="invalid_records") with one
    problem of code "csv" naming `table` and the row."""

def bill_estate(
    estate: Estate,
    schedule: FeeSchedule,
    year: int,
    month: int,
    *,
    pooled: Optional[Union[Mapping[str, Union[_DecimalLike, Mapping[str, _DecimalLike]]], Any]] = None,
    readings: Optional[Union[Iterable[Mapping[str, Any]], Any]] = None,
    meter_changes: Optional[Iterable[Mapping[str, Any]]] = None,
    issued_on: Optional[_DateLike] = None,
    strict: bool = False,
    estimate: Optional[int] = None,
    year_to_date: Optional[Mapping[str, _DecimalLike]] = None,
    since: Optional[_DateLike] = None,
    threads: Optional[int] = None,
) -> BillingRun:
    """Bill every unit for a calendar month in one call. `pooled`: {item code: amount}
    for pooled items whose source is "given" (for an item split per building or group,
    `split_by`: {item code: {building or group id: amount}}), or the month's invoices as rows (a list
    of dicts, a DataFrame or `csv_rows(...)`) with the columns item_code and amount,
    read as spreadsheet cells are (1,234.50 accepted); a bad row fails the call with
    ValidationError(code="invalid_records") listing every problem. `readings`: extra dicts with meter_id,
    date (a `_DateLike`), value, or an Arrow table (pyarrow, polars, pandas) with those columns
    (a float cell raises ValidationError "float_cell"). `meter_changes`: dicts with meter_id and either
    replacement={"old_final", "new_initial"} or rollover={"wraps_at"}. `issued_on`:
    the bills' issue date (default: the day after the month ends); each line is due
    by its item's `due` rule counted from it. A problem of one unit or meter (a
    missing reading, a reading below the previous one, a reading row for an unknown
    meter) sets that unit's bill (or a pool's lines) aside in `run.exceptions` and
    bills every other unit; `strict=True` fails the whole run instead.

    `estimate=n` (估抄): a unit meter without a reading in the month is estimated
    from its last n periods between real readings (fewer if there are fewer, at
    least 1): their consumption × the days since its previous reading ÷ the days they
    span, rounded half-up to the precision of the readings. The line says so
    (`line.estimated`, and its explanation), and `run.estimated_readings` lists the
    estimates: store them with `estate.updated(readings=run.estimated_readings)` so
    that the next real reading trues them up (real − estimate, possibly a negative
    credit). Never estimated, and left missing with the reason in the message: a
    common or master meter, a meter with fewer than two real readings, with a later
    reading, or with a change since its last reading.

    `year_to_date`: {meter id: consumption so far in its tier year} for metered items
    with annual tiers ("tier_basis": "year") whose meter has no reading before the tier
    year (a meter installed this year: 0); a meter whose readings cover the year is
    priced from them. A negative value raises ValidationError(code="negative",
    path="year_to_date[<meter id>]"), an unknown meter code="unknown_reference".
    Without either, the unit's bill is set aside as a `missing_reading` exception
    naming the meter. A metered item bills in the months of its `frequency` only
    (quarterly: January, April, July, October), on the readings since the previous
    billing month.

    `since` (a `_DateLike`): bill back to this date. A unit delivered on or after it
    and before the month is billed its area and fixed items from its delivery, in one
    line per item (a move-in on 20 July entered in September); each earlier month's
    part is priced by the item version in force then, and the line is rounded by the
    estate's `round` policy ("per_month", the default: the sum of each month's rounded
    part; "per_line": the exact parts added and rounded once). The line's explanation
    (type "spanning") lists each part. A date after the month's first day raises
    ValidationError(code="invalid", path="since"). `threads`: the units are billed on
    that many threads (None or 0: every core; 1: the calling thread only), the GIL
    released; the run is the same whatever the count; a count below 0 or above 256
    raises ValidationError(code="out_of_range", path="threads")."""

@final
class Arrears:
    """Overdue (principal, due date) items held in Rust: load once, then compute the
    penalties of all of them as of any date in one call."""

    def __new__(cls, items: Iterable[tuple[_DecimalLike, _DateLike]]) -> Arrears: ...
    def __len__(self) -> int: ...
    def late_penalties(
        self,
        as_of: _DateLike,
        *,
        daily_rate: _DecimalLike,
        grace_days: int = 0,
        cap: Optional[_DecimalLike] = None,
        cap_amount: Optional[_DecimalLike] = None,
        count_from: Literal["due", "grace_end"] = "due",
        scale: int = 2,
        rounding: _RoundingName = "half_up",
        threads: Optional[int] = None,
    ) -> PenaltyBatch:
        """Every item's `late_penalty` as of `as_of`, on `threads` threads (None or 0:
        every core; 1: the caller's thread only; at most 256, else ValidationError
        `out_of_range` at `threads`): the same result whatever the count."""

@final
class PenaltyBatch:
    """Penalties of a set of arrears."""

    @property
    def total(self) -> Decimal: ...
    @property
    def amounts(self) -> list[Decimal]: ...
    def __len__(self) -> int: ...
    def to_arrow(self) -> ArrowTable:
        """The penalties as an Arrow table: index (uint64, the item's position) and
        penalty (decimal128 at the batch's scale)."""

@final
class OneOffFee:
    """A one-off late fee when an item becomes overdue: a flat `amount`, or a `percent`
    (0–100) of the overdue amount kept between `min` and `max`."""

    def __new__(
        cls,
        amount: Optional[_DecimalLike] = None,
        *,
        percent: Optional[_DecimalLike] = None,
        min: Optional[_DecimalLike] = None,
        max: Optional[_DecimalLike] = None,
    ) -> OneOffFee:
        """Exactly one of `amount` and `percent`; `min`/`max` only with a percent.
        Bad terms raise ValidationError naming the field ("percent", "max", ...)."""
    @property
    def amount(self) -> Optional[Decimal]: ...
    @property
    def percent(self) -> Optional[Decimal]: ...
    @property
    def min(self) -> Optional[Decimal]: ...
    @property
    def max(self) -> Optional[Decimal]: ...

@final
class LateFee:
    """Late-fee terms beside a penalty clause's daily rate (a fee item's `late_fee`)."""

    def __new__(
        cls,
        *,
        one_off: Optional[OneOffFee] = None,
        annual_percent: Optional[_DecimalLike] = None,
        round_daily: bool = False,
    ) -> LateFee:
        """`annual_percent`: percent a year, 0–100 ("12" = 12 %), counted by day on 365;
        `round_daily`: round the daily amount before multiplying by the days."""
    @property
    def one_off(self) -> Optional[OneOffFee]: ...
    @property
    def annual_percent(self) -> Optional[Decimal]: ...
    @property
    def round_daily(self) -> bool: ...

@final
class LateCharge:
    """What `late_charge` gives, each part rounded."""

    @property
    def one_off(self) -> Decimal: ...
    @property
    def days(self) -> int: ...
    @property
    def daily(self) -> Optional[Decimal]:
        """The rounded daily amount, with `round_daily`; else None."""
    @property
    def interest(self) -> Decimal: ...
    @property
    def capped(self) -> bool: ...
    @property
    def total(self) -> Decimal: ...

@final
class PenaltyPolicy:
    """A late-penalty clause: daily rate, grace days, count-from, cap (fraction of the
    principal, or `cap_amount`), minimum balance."""

    def __new__(
        cls,
        daily_rate: _DecimalLike,
        *,
        grace_days: int = 0,
        count_from: Literal["due", "grace_end"] = "due",
        cap: Optional[_DecimalLike] = None,
        cap_amount: Optional[_DecimalLike] = None,
        min_balance: Optional[_DecimalLike] = None,
        allow_high_rate: bool = False,
    ) -> PenaltyPolicy:
        """A daily rate above 1 % raises ValidationError (code "invalid", path
        "daily_rate") unless `allow_high_rate`: it is almost always a yearly rate
        given as daily (18 % a year is `Decimal("0.18") / 365`)."""
    @property
    def daily_rate(self) -> Decimal: ...
    @property
    def grace_days(self) -> int: ...
    @property
    def allow_high_rate(self) -> bool: ...
    @property
    def count_from(self) -> Literal["due", "grace_end"]:
        """When penalty days start to count: "due" or "grace_end"."""
    @property
    def cap_fraction(self) -> Optional[Decimal]:
        """The cap as a fraction of the principal (`cap=`), or None."""
    @property
    def cap_amount(self) -> Optional[Decimal]:
        """The cap as an amount (`cap_amount=`), or None."""
    @property
    def min_balance(self) -> Optional[Decimal]:
        """No penalty accrues while the outstanding principal is below this, or None."""

@final
class FeeSchedule:
    """A validated, versioned fee schedule."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

    @staticmethod
    def from_json(text: str) -> FeeSchedule:
        """Parse and validate; ValidationError names the bad field's path."""
    @staticmethod
    def demo() -> FeeSchedule:
        """The demo schedule for the demo estate."""
    def to_json(self) -> str: ...
    @property
    def codes(self) -> list[str]:
        """Item codes, in document order."""

@final
class BillingRun:
    """The result of `bill_estate`."""

    @property
    def exceptions(self) -> list[dict[str, Any]]:
        """Problems of single units, meters or reading rows the run set aside instead of
        failing (empty with strict=True): dicts with unit_id (the unit not billed, or
        None), item_code (the pooled item billed to no one, or None), meter_id, code,
        path, message."""

    @property
    def estimated_readings(self) -> list[dict[str, Any]]:
        """The readings this run estimated (估抄): dicts with meter_id, date (the
        month's last day), value and estimated=True, in estate order; store them with
        `estate.updated(readings=run.estimated_readings)`. Empty without `estimate`."""
    @property
    def period_start(self) -> datetime.date: ...
    @property
    def period_end(self) -> datetime.date: ...
    @property
    def issued_on(self) -> datetime.date: ...
    @property
    def currency(self) -> str: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def bills(self) -> list[Bill]: ...
    @property
    def pools(self) -> list[PoolSummary]: ...
    def bill(self, unit_id: str) -> Optional[Bill]: ...
    def explain(self, unit_id: str, lang: Literal["zh", "zh-CN", "en"] = "zh") -> list[str]:
        """The explanation lines of one unit's bill (as its `Bill.explain`); an empty
        list when the unit has no bill in the run."""
    def to_records(self) -> list[dict[str, Any]]:
        """One dict per line, for pandas.DataFrame (Decimal amounts, date dates,
        with the bill's `issued_on`, the line's `due` and `estimated`)."""
    def to_arrow(self, *, explanations: bool = True) -> ArrowTable:
        """Every line as an Arrow table with the columns of `to_records` (amount as
        decimal128(38, scale) at the estate's scale, dates as date32, `estimated` as
        bool): `pyarrow.table(run.to_arrow())`, `polars.DataFrame(run.to_arrow())`.
        `explanations=False` leaves out explanation_zh and explanation_en (most of
        the conversion's cost); `explain(unit_id)` gives one bill's on demand."""
    def bills_to_arrow(self) -> ArrowTable:
        """One row per bill: unit_id, period_start, period_end, issued_on, lines (the
        number of lines, uint64), total (decimal128), estimated (bool)."""
    def pools_to_arrow(self) -> ArrowTable:
        """One row per pool: code, group (null for the whole estate), source_amount,
        consumption (decimal, null without one), deduction, admin_fee, split_amount,
        shares_total, participants, adjustment, adjusted_count, set_aside,
        adjusted_units (a list of unit ids)."""
    def to_json(self) -> str:
        """The run as JSON (decimals as strings; exceptions and estimated readings
        when there are any). `BillingRun.from_json` reads it back."""
    @staticmethod
    def from_json(text: str) -> BillingRun:
        """Read a run saved with `to_json`: every view is the original's. A document
        that contradicts itself raises ValidationError `inconsistent_document`."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Bill:
    """A unit's bill for the period."""

    @property
    def unit_id(self) -> str: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def period_start(self) -> datetime.date:
        """The first day of the billing period."""
    @property
    def period_end(self) -> datetime.date:
        """The last day of the billing period."""
    @property
    def issued_on(self) -> datetime.date: ...
    @property
    def lines(self) -> list[BillLine]: ...
    def explain(self, lang: _Lang = "zh-CN") -> list[str]:
        """Every line as `name: explanation`, then the total with the issue and due
        dates, e.g. "Total: 613.60, issued 2026-11-01, due 2026-11-16"."""

@final
class BillLine:
    """One line of a bill."""

    @property
    def item_code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def due(self) -> datetime.date: ...
    @property
    def estimated(self) -> bool:
        """A metered line billed on an estimated reading (估抄); its explanation says
        so ("(140 est. − 130) … (estimated from the last 3 periods: …)")."""
    @property
    def explanation(self) -> dict[str, Any]:
        """The formula type and its inputs (decimals as strings)."""
    def explain(self, lang: _Lang = "zh-CN") -> str:
        """E.g. "89.50 m² × 3.70/m²/月 × 1 月 = 331.15"."""

@final
class PoolSummary:
    """A pooled item in a billing run."""

    @property
    def code(self) -> str: ...
    @property
    def group(self) -> Optional[str]:
        """The building or group of this pool, for an item split per building or group
        (split_by); None for the estate's pool."""
    @property
    def source_amount(self) -> Decimal: ...
    @property
    def consumption(self) -> Optional[Decimal]: ...
    @property
    def deduction(self) -> Decimal: ...
    @property
    def admin_fee(self) -> Decimal: ...
    @property
    def split_amount(self) -> Decimal: ...
    @property
    def shares_total(self) -> Decimal: ...
    @property
    def set_aside(self) -> Decimal:
        """Shares of units whose bills were set aside (run.exceptions): the pooled lines
        sum to split_amount - set_aside."""
    @property
    def participants(self) -> int: ...
    @property
    def adjustment(self) -> Decimal: ...
    @property
    def adjusted_units(self) -> list[str]: ...

@final
class Payment:
    """How a payment was applied."""

    @property
    def id(self) -> str: ...
    @property
    def date(self) -> datetime.date: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def to_prepaid(self) -> Decimal: ...
    @property
    def applied(self) -> list[tuple[str, Decimal, Decimal]]:
        """(charge_id, principal, penalty) per charge paid, oldest first."""
    @property
    def reversed(self) -> Optional[tuple[datetime.date, str]]:
        """(on, reason) when the payment was reversed (冲正), else None."""

@final
class Ledger:
    """A unit's account: charges, payments, prepaid balance (预存款), penalties.

    Dated events take effect by date whatever order they are recorded in: a payment
    dated before others is applied in its place and the later ones again; queries
    as of a past date answer for that date. Prepaid money settles a charge on the
    later of its issue date (`on`) and the day the money arrived."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __new__(
        cls,
        unit_id: str,
        *,
        scale: int = 2,
        rounding: _RoundingName = "half_up",
        order: Literal["penalty_first", "principal_first"] = "penalty_first",
    ) -> Ledger: ...
    @staticmethod
    def from_json(text: str) -> Ledger: ...
    def to_json(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def prepaid(self) -> Decimal: ...
    @property
    def low_balance(self) -> bool: ...
    def set_low_balance_threshold(self, threshold: Optional[_DecimalLike]) -> None:
        """A negative threshold raises ValidationError."""
    @property
    def charges(self) -> list[tuple[str, str, datetime.date, Decimal, Decimal]]:
        """(id, item_code, due in force, principal, outstanding principal)."""
    def add_charge(
        self,
        id: str,
        item_code: str,
        due: _DateLike,
        amount: _DecimalLike,
        *,
        on: _DateLike,
        penalty: Optional[PenaltyPolicy] = None,
        late_fee: Optional[LateFee] = None,
    ) -> None:
        """`late_fee`: terms beside the penalty clause (a one-off fee, a yearly rate,
        daily rounding); what they charge is part of the charge's penalty."""
    def add_bill(self, bill: Bill, schedule: FeeSchedule, on: _DateLike) -> None: ...
    def pay(self, id: str, amount: _DecimalLike, date: _DateLike) -> Payment:
        """Oldest item first; penalty or principal first as configured; rest to prepaid.
        A zero or negative amount raises ValidationError and changes nothing."""
    def penalty(self, charge_id: str, as_of: _DateLike) -> Decimal: ...
    @property
    def payments(self) -> list[Payment]:
        """Every payment as it is applied now (a payment recorded later but dated
        earlier may change how later ones apply), in the order recorded."""
    def payment(self, id: str) -> Optional[Payment]:
        """One payment by id as it is applied now, or None."""
    def reverse(self, id: str, *, on: _DateLike, reason: str) -> Payment:
        """Reverse (冲正) a payment recorded `on`: it counts as never made, from its
        own date on (later applications and penalties recomputed); its id stays taken.
        Errors: unknown_reference, already_reversed, empty_field (empty reason),
        ends_before_starts (a day before the payment), refund_exceeds_prepaid (a refund would be uncovered)."""
    def refund(self, id: str, amount: _DecimalLike, *, on: _DateLike) -> None:
        """Pay money back out of the prepaid balance (退款), never more than it holds
        on `on` (refund_exceeds_prepaid)."""
    @property
    def refunds(self) -> list[tuple[str, datetime.date, Decimal]]:
        """(id, date, amount) per refund, in the order recorded."""
    def waive(
        self, charge_id: str, *, reason: str, date: _DateLike, amount: Optional[_DecimalLike] = None
    ) -> Decimal: ...
    def write_off(self, charge_id: str, *, reason: str, on: _DateLike) -> tuple[Decimal, Decimal]:
        """Write off (核销) what one charge still owes on `on`, principal and penalty,
        with a recorded reason (a residue of a few fen, a debt settled out of court);
        from then on it owes nothing and accrues no penalty. Returns (principal,
        penalty) written off. Errors: unknown_reference; empty_field (empty
        reason); ends_before_starts (a charge not issued on `on`); out_of_range (one
        that owes nothing then)."""
    def defer(self, charge_id: str, new_due: _DateLike) -> None: ...
    def aging(self, as_of: _DateLike) -> _Aging:
        """Outstanding principal by days overdue: not_due, days_0_30, days_31_60,
        days_61_90, days_90_plus."""
    def reminder(self, as_of: _DateLike) -> dict[str, Any]:
        """催交款通知书 data: unit_id, as_of, items, total_due, prepaid."""
    def balance(self, as_of: _DateLike) -> dict[str, Decimal]:
        """Keys: billed, penalty_accrued, penalty_waived, paid, principal_paid,
        principal_written_off, penalty_paid, principal_outstanding,
        penalty_outstanding, prepaid, refunded; amounts at the ledger's scale. paid ==
        principal_paid + penalty_paid + prepaid + refunded (reversed payments count as
        never made); billed - principal_written_off + penalty_accrued - penalty_waived
        == principal_paid + penalty_paid + principal_outstanding +
        penalty_outstanding."""
    def collection_rate(self, start: _DateLike, end: _DateLike) -> Optional[Decimal]: ...
    def money_flow(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(paid, principal, penalty, prepaid): paid == principal + penalty + prepaid."""

@final
class PostResult:
    """What `Receivables.post` did."""

    @property
    def posted(self) -> int:
        """Bill lines posted now."""
    @property
    def already_posted(self) -> int:
        """Bill lines already in the book with the same amount and due date."""
    @property
    def conflicts(self) -> list[dict[str, Any]]:
        """Lines already posted with another amount or due date, not posted: dicts
        with code ("conflicting_repost"), path, message, unit_id, charge_id, field,
        booked, given."""
    @property
    def credits(self) -> list[dict[str, Any]]:
        """Negative lines (a metered line trued up below last month's estimate,
        估抄多退): credits the book does not hold as charges, not posted and listed
        every time the run is posted: dicts with unit_id, charge_id, item_code,
        amount."""

@final
class PaymentImport:
    """What `Receivables.apply_payments` did: every row is in exactly one list."""

    @property
    def applied(self) -> list[dict[str, Any]]:
        """Rows applied now: row, ref, unit_id, amount, date, applied
        ([(charge_id, principal, penalty)]), to_prepaid."""
    @property
    def reversed(self) -> list[dict[str, Any]]:
        """Reversal rows applied now (a `reverses` cell): row, ref (the reversed
        payment's), unit_id, amount, date, reversed_on, reason ("bank reversal <ref>")."""
    @property
    def already_applied(self) -> list[dict[str, Any]]:
        """Rows already in the book (same ref, unit, amount, date; a reversal row whose
        payment it already reversed): row, ref, unit_id."""
    @property
    def normalisations(self) -> list[dict[str, Any]]:
        """Each change made to a cell before reading it: table, row, id (the row's
        ref), column, before, after."""
    @property
    def rejected(self) -> list[dict[str, Any]]:
        """Rows refused, nothing changed for them: row (1-based), ref (None when it
        could not be read), code, path, message."""

@final
class RowImport:
    """What `Receivables.post_charges` or `Receivables.open_balances` did: every row
    is in exactly one list."""

    @property
    def posted(self) -> list[dict[str, Any]]:
        """Rows posted now: row (1-based), unit_id, ref (the charge id: the row's ref,
        else "<period_start>/<item_code>"; for a prepaid balance its ref)."""
    @property
    def already_posted(self) -> list[dict[str, Any]]:
        """Rows already in the book with the same content (not posted again): row,
        unit_id, ref."""
    @property
    def normalisations(self) -> list[dict[str, Any]]:
        """Each change made to a cell before reading it: table, row, id (the row's
        ref), column, before, after."""
    @property
    def rejected(self) -> list[dict[str, Any]]:
        """Rows refused, nothing changed for them: row (1-based), ref (None when it
        could not be read), code, path, message. A charge id already in the book with
        another item, amount or due date is code "conflicting_repost", path the
        field."""

@final
class Report:
    """A report (`Receivables.aging`, `Receivables.collection`): a read-only sequence
    of row dicts with the keys `columns`, equal to the list of those dicts;
    `pandas.DataFrame(report.to_records())` makes a DataFrame."""

    @property
    def columns(self) -> list[str]:
        """The keys of every row, in order (the group key first)."""
    def to_records(self) -> list[dict[str, Any]]:
        """The rows as a new list of dicts (Decimal amounts, None for no rate)."""
    def to_arrow(self) -> ArrowTable:
        """The rows as an Arrow table with the same columns (money as decimal128 at
        the estate's scale, `rate` as a decimal, null for no rate)."""
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, index: int, /) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice, /) -> list[dict[str, Any]]: ...
    def __iter__(self) -> Iterator[dict[str, Any]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class ReminderLetter:
    """A payment reminder (催交款通知书) to one recipient: an owner (the units grouped
    under their key) or a unit. Amounts at the estate's scale."""

    @property
    def to(self) -> str:
        """The recipient: the owner key given in `group`, else the unit id."""
    @property
    def unit_ids(self) -> list[str]:
        """The units on the letter, in id order."""
    @property
    def as_of(self) -> datetime.date:
        """Date of the letter."""
    @property
    def items(self) -> list[dict[str, Any]]:
        """Overdue items, by unit, oldest first: unit_id, charge_id, item_code,
        name_zh, name_en (the fee schedule's names; else the charge's description;
        else the code), period_start, period_end (None without a period), due,
        days_overdue, principal, penalty, total."""
    @property
    def principal(self) -> Decimal:
        """Principal outstanding on the items."""
    @property
    def penalty(self) -> Decimal:
        """Penalty outstanding on the items as of the date."""
    @property
    def total_due(self) -> Decimal:
        """principal + penalty: what the letter asks for."""
    @property
    def prepaid(self) -> Decimal:
        """Prepaid balances of the units (each settles its own unit's charges only)."""
    def render(self, lang: _Lang = "zh-CN") -> str:
        """The notice text: the recipient, every item with its name, period, due
        date, days overdue, principal and penalty, the total, the prepaid balance when
        there is one. An unknown lang raises ValidationError (code "invalid", path
        "lang")."""

@final
class Reminders:
    """The reminders of a date (`Receivables.reminders`): a read-only sequence of the
    letters to send, in recipient order, and the letters not sent because their total
    is below the minimum (nothing is dropped silently)."""

    @property
    def letters(self) -> list[ReminderLetter]:
        """The letters to send."""
    @property
    def suppressed(self) -> list[dict[str, Any]]:
        """Letters below the minimum, not sent: to, unit_ids, total_due."""
    def to_records(self) -> list[dict[str, Any]]:
        """One dict per item of every letter, for pandas.DataFrame: to, unit_id,
        charge_id, item_code, name_zh, name_en, period_start, period_end, due,
        days_overdue, principal, penalty, total."""
    def to_arrow(self) -> ArrowTable:
        """The rows of `to_records` as an Arrow table (money as decimal128 at the
        estate's scale, dates as date32, null period for a charge without one)."""
    def __len__(self) -> int: ...
    def __getitem__(self, index: int, /) -> ReminderLetter: ...
    def __iter__(self) -> Iterator[ReminderLetter]: ...

@final
class Receivables:
    """The estate's book of accounts: one Ledger per unit with activity, posted from
    billing runs and bank rows, safe to retry; references unique across the book."""
    def __reduce__(self) -> tuple[Any, tuple[str, Estate, FeeSchedule]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __new__(
        cls,
        estate: Estate,
        schedule: FeeSchedule,
        *,
        order: Literal["penalty_first", "principal_first"] = "penalty_first",
    ) -> Receivables: ...
    @staticmethod
    def from_json(text: str, estate: Estate, schedule: FeeSchedule) -> Receivables:
        """Restore a book saved with `to_json`, for the same estate; every account is
        checked and rebuilt from its history."""
    def to_json(self) -> str: ...
    @property
    def estate_id(self) -> str: ...
    def post(
        self,
        run: BillingRun,
        on: Optional[_DateLike] = None,
        units: Optional[list[str]] = None,
    ) -> PostResult:
        """Post a run's lines as charges issued on its issue date (on: posting date,
        default the issue date; units: a subset). A line already posted with the same
        amount and due date is counted in already_posted; with another, it is a
        conflict and is not posted."""
    def charges_to_arrow(self) -> ArrowTable:
        """Every charge of every account as an Arrow table (the receivables ledger as
        a fact table), in account then charge order: unit_id, charge_id, item_code,
        period_start, period_end (null without a period), issued_on (null when not
        kept), due, deferred_to (null unless deferred), principal,
        principal_written_off, principal_outstanding, penalty_paid, penalty_waived,
        description (null when none); money as decimal128 at the estate's scale."""
    def payments_to_arrow(self) -> ArrowTable:
        """Every payment of every account as an Arrow table: unit_id, payment_id,
        date, amount, to_prepaid, reversed_on and reversal_reason (null unless
        reversed)."""
    def apply_payments(self, rows: Any) -> PaymentImport:
        """A bank file or cashier export as a list of dicts, a pandas/polars
        DataFrame, an Arrow table (a pyarrow Table, an `ArrowTable`: decimal, date and
        text columns read exactly; a column of a type that cannot be read raises
        ValidationError "invalid_records" listing it as "unsupported_type") (or `csv_rows(...)`) with the columns unit_id, amount (Decimal, int
        or str, never float), date (datetime.date, YYYY-MM-DD or YYYY/M/D), ref (str
        or int) and optionally reverses (a reversal row: the ref of the payment it
        takes back, with the amount negated; applied after the payments). Cells are
        read as spreadsheets give them (spaces, no-break spaces, 1,234.50, slash
        dates), each change listed in `normalisations`; None, NaN, NaT and "" are
        missing. A row that cannot be read is rejected naming its column: codes
        missing_value, invalid_decimal, invalid_date, unknown_column, float_cell,
        invalid_cell. Safe to retry."""
    def apply_payments_json(self, text: str) -> PaymentImport:
        """Rows as a JSON array of objects (amount as a decimal string)."""
    def reverse(self, reference: str, *, on: _DateLike, reason: str) -> Payment:
        """Reverse (冲正) the payment with this reference, recorded `on`: it counts as
        never made, from its own date on; the reference cannot be used again."""
    def refund(self, unit_id: str, amount: _DecimalLike, *, on: _DateLike, ref: str) -> None:
        """Pay money back out of a unit's prepaid balance (退款), never more than it
        holds on `on`; `ref` is unique in the book."""
    def penalty(self, unit_id: str, charge_id: str, as_of: _DateLike) -> Decimal: ...
    def balance(self, unit_id: str, as_of: _DateLike) -> dict[str, Decimal]:
        """As Ledger.balance (zeros for a unit without an account)."""
    def reminder(self, unit_id: str, as_of: _DateLike) -> dict[str, Any]: ...
    def unit_aging(self, unit_id: str, as_of: _DateLike) -> _Aging:
        """One unit's outstanding principal by days overdue, as `Ledger.aging` (zeros
        for a unit without an account)."""
    def reminders(
        self,
        as_of: _DateLike,
        min_total: Optional[_DecimalLike] = None,
        group: Optional[Mapping[str, str]] = None,
    ) -> Reminders:
        """The reminders worth sending as of the date (催交款通知书): one letter per
        unit with an overdue item, or per owner when `group` maps unit ids to an owner
        key (units not in it get their own letter). A letter whose total is below
        `min_total` (None: Decimal("1.00"), which keeps out the few fen left when a
        bill is paid exactly, a day late, with penalty first) is listed in
        `suppressed`, not sent. An owner whose prepaid balance settled everything gets none. Errors: negative
        (min_total), unknown_reference (path group[<unit>]), empty_field (an empty
        owner key)."""
    def post_charges(self, rows: Any) -> RowImport:
        """Single charges outside a billing run (a lock replacement, a renovation
        shortfall): a list of dicts or a pandas/polars DataFrame with the columns
        unit_id, ref (optional: the charge id; without it the period names it),
        item_code, amount (Decimal, int or str, never float), issued_on, due,
        period_start and period_end (optional, both or neither), description
        (optional, shown on reminders when the item is not in the fee schedule) and
        penalty (optional bool, or true/false, yes/no, 1/0, 是/否; default True: the
        schedule's penalty clause applies). Cells are read as `apply_payments` reads
        them. Each row is posted, already posted (same id, item, amount, due), or
        rejected with its row number."""
    def post_charges_json(self, text: str) -> RowImport:
        """Single charges as a JSON array of objects (amount as a decimal string)."""
    def open_balances(self, rows: Any) -> RowImport:
        """The old system's balances on the day the book takes over (期初余额), as a
        list of dicts or a DataFrame: a row whose `prepaid` cell is present is a
        prepaid balance (unit_id, prepaid, date, ref; recorded as a payment), any
        other an unpaid item with the columns of `post_charges` (issued_on optional)
        and its original due date, from which aging and penalty count. Safe to
        retry."""
    def open_balances_json(self, text: str) -> RowImport:
        """Opening balances as a JSON array of objects (a row with a "prepaid" key is
        a prepaid balance)."""
    def write_off_residues(
        self, as_of: _DateLike, *, reason: str, below: Optional[_DecimalLike] = None
    ) -> list[dict[str, Any]]:
        """Write off (核销) every overdue charge owing more than zero and less than
        `below` (None: Decimal("1.00")) on `as_of`, principal and penalty, with
        `reason` recorded: one dict per charge with unit_id, charge_id, item_code,
        principal, penalty. All or nothing; a second run returns []. Errors:
        out_of_range (below not above zero), empty_field (an empty reason)."""
    def aging(
        self, as_of: _DateLike, by: Optional[Literal["building", "unit", "item_code"]] = None
    ) -> Report:
        """Aging (账龄) of everything owed as of the date (principal and penalty) by
        days overdue: one row per estate / building / unit_id / item_code with
        not_due, days_0_30, days_31_60, days_61_90, days_90_plus, total. An unknown
        `by` raises ValidationError (code "invalid", path "by")."""
    def collection(
        self,
        start: _DateLike,
        end: _DateLike,
        as_of: _DateLike,
        by: Optional[Literal["building", "unit", "item_code"]] = None,
    ) -> Report:
        """收缴率: billed = principal of the charges whose billing period lies in
        [start, end]; collected = what of it was paid by as_of (the cut-off); rate =
        collected / billed half-up to 4 places, None when nothing was billed;
        penalty_collected beside it. One row per group, like `aging`."""
    def totals(self, as_of: _DateLike) -> dict[str, Decimal]:
        """billed, penalty_accrued, penalty_waived, written_off, applied, outstanding,
        collected, prepaid, refunded: billed - written_off + penalty_accrued -
        penalty_waived == applied + outstanding; collected == applied + prepaid +
        refunded."""
    def account(self, unit_id: str) -> Optional[Ledger]:
        """A copy of one unit's account, or None."""

@final
class CheckinItem:
    """An item of a check-in template: a document, record, signature, payment, meter
    base reading, key handover or inspection."""

    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> _ItemKindName: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def mandatory(self) -> bool: ...
    @property
    def roles(self) -> list[_RoleName]:
        """The roles allowed to complete or undo it."""
    @property
    def amount(self) -> Optional[Decimal]:
        """The charge of a payment item."""
    @property
    def nature(self) -> Optional[Literal["fee", "prepayment", "deposit"]]:
        """A payment item's nature as written (none: a fee)."""
    @property
    def meter_kind(self) -> Optional[_MeterKindName]:
        """The meter of a meter_reading item."""
    @property
    def keys(self) -> Optional[int]:
        """The key count a key_handover item expects, if fixed."""

@final
class CheckinStep:
    """A step of a check-in template."""

    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def depends_on(self) -> list[str]:
        """Steps whose mandatory items must all be done first."""
    @property
    def items(self) -> list[CheckinItem]: ...

@final
class CheckinTemplate:
    """A validated check-in template: ordered steps with dependencies and items."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

    @staticmethod
    def default() -> CheckinTemplate:
        """The built-in template of ordinary occupancy (eight steps, nine documents, six records)."""
    @staticmethod
    def default_move_out() -> CheckinTemplate:
        """The built-in move-out template (退租/搬出): application and permit, final meter
        readings, inspection, account and deposit settled, keys returned, sign-off and
        audit. `GoodsRelease.start_move_out` starts a checklist from it."""
    @staticmethod
    def from_json(text: str) -> CheckinTemplate:
        """Parse and validate template JSON; ValidationError names the bad field (e.g. a cycle)."""
    def to_json(self) -> str:
        """The template as JSON; `from_json` reads it back unchanged."""
    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def steps(self) -> list[CheckinStep]: ...
    def item(self, code: str) -> Optional[CheckinItem]: ...
    @property
    def audit_item(self) -> Optional[str]:
        """The item the manager completes to audit a check-in."""
    @property
    def rectification_days(self) -> dict[_SeverityName, int]:
        """Days allowed to rectify a defect, by severity."""

@final
class ChecklistItem:
    """The state of one item of a checklist."""

    @property
    def code(self) -> str: ...
    @property
    def step(self) -> str: ...
    @property
    def kind(self) -> _ItemKindName: ...
    @property
    def mandatory(self) -> bool: ...
    @property
    def done(self) -> bool: ...
    @property
    def actor(self) -> Optional[str]: ...
    @property
    def role(self) -> Optional[_RoleName]: ...
    @property
    def at(self) -> Optional[datetime.datetime]: ...
    @property
    def data(self) -> Optional[_ItemData]: ...

@final
class Defect:
    """A defect found at inspection, with its rectification deadline."""

    @property
    def id(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def severity(self) -> _SeverityName: ...
    @property
    def responsible(self) -> _ResponsibleName: ...
    @property
    def found_by(self) -> str: ...
    @property
    def found_at(self) -> datetime.datetime: ...
    @property
    def deadline(self) -> datetime.date: ...
    @property
    def status(self) -> _DefectStatusName: ...
    @property
    def rectified_at(self) -> Optional[datetime.datetime]: ...
    @property
    def reinspections(self) -> list[tuple[str, datetime.datetime, bool, Optional[str]]]:
        """Re-inspections as (actor, at, passed, note), oldest first."""
    def is_overdue(self, as_of: _DateLike) -> bool:
        """True when not closed and the deadline is before `as_of`."""

@final
class CheckinEvent:
    """An entry of a checklist's event log."""

    @property
    def at(self) -> datetime.datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> _RoleName: ...
    @property
    def action(
        self,
    ) -> Literal["completed", "undone", "defect_recorded", "defect_rectified", "reinspected", "finished"]: ...
    @property
    def target(self) -> Optional[str]: ...
    @property
    def data(self) -> Optional[_ItemData]: ...
    @property
    def passed(self) -> Optional[bool]: ...
    @property
    def note(self) -> Optional[str]: ...

@final
class TemplateMismatch:
    """A difference between a saved checklist and the template it is restored against."""

    @property
    def kind(
        self,
    ) -> Literal[
        "template_id",
        "template_version",
        "item_removed",
        "item_added",
        "kind_changed",
        "step_changed",
        "mandatory_changed",
        "history",
    ]: ...
    @property
    def path(self) -> str: ...
    @property
    def detail(self) -> str: ...

@final
class MeterBaseReading:
    """A meter base reading that became a reading of the estate's meter."""

    @property
    def item(self) -> str: ...
    @property
    def meter_id(self) -> str: ...
    @property
    def kind(self) -> _MeterKindName: ...
    @property
    def date(self) -> datetime.date: ...
    @property
    def value(self) -> Decimal: ...
    @property
    def new_meter(self) -> bool: ...

@final
class ChargeLine:
    """Money collected at check-in, with its nature (fee, prepayment, deposit)."""

    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def nature(self) -> Literal["fee", "prepayment", "deposit"]:
        """fee (revenue), prepayment (credit against future bills) or deposit (a liability)."""
    @property
    def receipt_ref(self) -> Optional[str]: ...

@final
class CompletionEffects:
    """What a completed check-in changes, and the changed estate."""

    @property
    def estate(self) -> Estate: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def status_from(self) -> _UnitStatusName: ...
    @property
    def status_to(self) -> _UnitStatusName: ...
    @property
    def on(self) -> datetime.date: ...
    @property
    def delivered_on(self) -> datetime.date: ...
    @property
    def readings(self) -> list[MeterBaseReading]: ...
    @property
    def charges(self) -> list[ChargeLine]: ...
    @property
    def total_charges(self) -> Decimal:
        """The money collected, of every nature (what the receipts add up to)."""
    @property
    def total_fees(self) -> Decimal:
        """Its fees (revenue)."""
    @property
    def total_prepayments(self) -> Decimal:
        """Its prepayments."""
    @property
    def total_deposits(self) -> Decimal:
        """Its deposits (a liability)."""

@final
class OverdueRectification:
    """A defect not closed by its deadline."""

    @property
    def unit_id(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def defect_id(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def severity(self) -> _SeverityName: ...
    @property
    def responsible(self) -> _ResponsibleName: ...
    @property
    def deadline(self) -> datetime.date: ...
    @property
    def days_overdue(self) -> int: ...
    @property
    def status(self) -> _DefectStatusName: ...

@final
class Checklist:
    """The check-in of one unit by one owner. Timestamps (`at`) are any timezone-aware
    datetimes (`timezone.utc`, `ZoneInfo(...)`, fixed offsets; stored in UTC); naive
    datetimes raise ValidationError ('naive_datetime'). Dates derived from timestamps
    (defect deadlines, the delivery date) are local dates of `utc_offset_minutes`.
    Every action is dated in order: an `at` before the last event or before the start day
    raises ValidationError ('event_out_of_order', path 'at')."""
    def __reduce__(self) -> tuple[Any, tuple[str, CheckinTemplate]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    @staticmethod
    def start(
        template: CheckinTemplate,
        unit_id: str,
        owner: str,
        started_on: _DateLike,
        *,
        mode: _ModeName = "ordinary",
        utc_offset_minutes: int = 0,
    ) -> Checklist:
        """Start a check-in; every item open. `utc_offset_minutes`: the estate's fixed
        UTC offset (Beijing: 480), stored in the document."""
    def complete(
        self,
        item_code: str,
        *,
        actor: str,
        role: _RoleName,
        at: datetime.datetime,
        data: Optional[_ItemData] = None,
        estate: Optional[Estate] = None,
    ) -> None:
        """Complete an item. `data` keys: reading (Decimal), keys (int), signature_ref,
        receipt_ref, outcome, note. With `estate`, a reading below the meter's last is refused.
        StateError for a second completion or unmet step dependencies."""
    def undo(self, item_code: str, *, actor: str, role: _RoleName, at: datetime.datetime, reason: str) -> None:
        """Undo a done item, with a reason."""
    def finish(self, *, actor: str, role: _RoleName, at: datetime.datetime) -> None:
        """Complete the check-in; StateError while a mandatory item is open or the handover was refused."""
    def record_defect(
        self,
        *,
        location: str,
        description: str,
        category: str,
        severity: _SeverityName,
        responsible: _ResponsibleName,
        actor: str,
        role: _RoleName,
        at: datetime.datetime,
    ) -> str:
        """Record a defect found at inspection; returns its id ("D1", ...)."""
    def mark_rectified(
        self, defect_id: str, *, actor: str, role: _RoleName, at: datetime.datetime, note: Optional[str] = None
    ) -> None:
        """Report a defect rectified (awaiting re-inspection)."""
    def reinspect(
        self,
        defect_id: str,
        *,
        passed: bool,
        actor: str,
        role: _RoleName,
        at: datetime.datetime,
        note: Optional[str] = None,
    ) -> None:
        """Re-inspect a defect: passed closes it, failed re-opens it."""
    def perform(
        self,
        command: _ChecklistCommand,
        *,
        actor: str,
        role: _RoleName,
        at: datetime.datetime,
        estate: Optional[Estate] = None,
    ) -> SavedDocument:
        """Apply `command` ({"action": "complete", "item_code": ..., "data": {...}},
        "undo" with item_code and reason, "record_defect" with the defect's fields,
        "mark_rectified" with defect_id and note, "reinspect" with defect_id, passed and
        note, "finish") and return the new document with its version in one call: saves
        from several threads, keeping the highest version, never lose an item. On error
        nothing changes (the version neither)."""
    def saved(self) -> SavedDocument:
        """The document and its version, read together."""
    @property
    def version(self) -> int:
        """How many mutations the checklist has had (each operation that succeeded adds
        one); stored in the document, 0 for documents written before versions."""
    def allowed_item_actions(self, item_code: str, *, role: _RoleName) -> list[_ItemActionName]:
        """What `role` may do to item `item_code` now (to enable buttons): exactly the
        operations that would succeed. ValidationError ('unknown_item') for an unknown code."""
    def allowed_defect_actions(self, defect_id: str, *, role: _RoleName) -> list[_DefectActionName]:
        """What `role` may do to defect `defect_id` now. ValidationError ('unknown_defect')."""
    def actionable(self) -> list[str]:
        """Steps that can be worked on now (dependencies done, items open)."""
    def missing(self) -> list[str]:
        """The open mandatory items, in template order."""
    @property
    def progress(self) -> tuple[int, int]:
        """(mandatory items done, mandatory items in all)."""
    @property
    def is_complete(self) -> bool: ...
    @property
    def is_audited(self) -> bool: ...
    @property
    def outcome(self) -> Optional[_OutcomeName]: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def mode(self) -> _ModeName: ...
    @property
    def started_on(self) -> datetime.date: ...
    @property
    def utc_offset_minutes(self) -> int:
        """The estate's fixed UTC offset, minutes (0 for documents written without one)."""
    @property
    def finished_at(self) -> Optional[datetime.datetime]: ...
    @property
    def template(self) -> CheckinTemplate: ...
    @property
    def items(self) -> list[ChecklistItem]: ...
    @property
    def defects(self) -> list[Defect]: ...
    @property
    def events(self) -> list[CheckinEvent]: ...
    def to_json(self) -> str:
        """The checklist as JSON (without the template)."""
    @staticmethod
    def from_json(text: str, template: CheckinTemplate) -> Checklist:
        """Restore exactly; ValidationError 'template_mismatch' when the template differs.
        The event log is replayed through the operations and must give exactly what the
        document says; the first contradiction raises ValidationError: 'event_out_of_order'
        (path 'events[i].at'), 'role_not_allowed' ('events[i].role') or
        'inconsistent_document' (e.g. 'events[3]', 'items.manager_audit.completion.role',
        'defects[0].status', 'finished_at')."""
    @staticmethod
    def restore(text: str, template: CheckinTemplate) -> tuple[Checklist, list[TemplateMismatch]]:
        """Restore against a possibly changed template, listing what no longer matches.
        Events out of time order raise ValidationError ('event_out_of_order'); what
        `from_json` refuses as a contradiction with the event log is listed as a
        mismatch of kind 'history' (the document is restored as saved)."""
    def completion_effects(self, estate: Estate, *, status: _UnitStatusName = "delivered") -> CompletionEffects:
        """The effects of the completed check-in on `estate` (unchanged)."""

def audit_dates(mode: _ModeName, from_: _DateLike, to: _DateLike) -> list[datetime.date]:
    """The manager's audit days in [from_, to]: the 7th, 14th, 21st and last day of each
    month when centralized, the last day otherwise."""

def awaiting_audit(checklists: list[Checklist], as_of: _DateLike) -> list[Checklist]:
    """The checklists (the same objects) completed by `as_of` and not yet audited."""

def overdue_rectifications(checklists: list[Checklist], as_of: _DateLike) -> list[OverdueRectification]:
    """Defects not closed by their deadline, ordered by deadline, unit and defect id."""

# ---- tickets ---------------------------------------------------------------------------
# Timestamps are any timezone-aware datetime.datetime (converted to UTC; returned in
# UTC); a naive one raises ValidationError('naive_datetime') naming the argument.

_Channel = Literal["hotline", "front_desk", "app", "email", "forum", "contact_box", "patrol"]
_TicketKind = Literal["complaint", "repair_request", "consultation", "suggestion", "praise", "service_request"]
_Urgency = Literal["emergency", "urgent", "normal"]
_Temperament = Literal["problem_solving", "venting", "expectation"]
_TicketState = Literal["received", "assigned", "in_progress", "paused", "resolved", "return_visited", "closed"]
_VisitMode = Literal["phone", "visit", "app"]

@final
class Evidence:
    """One reason for a classification: a phrase (or model n-gram) and its weight."""

    @property
    def field(self) -> Literal["category", "kind", "urgency", "temperament"]: ...
    @property
    def label(self) -> str: ...
    @property
    def phrase(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def lead(self) -> bool:
        """Whether the phrase is in the lead (first sentence or title), where a category phrase weighs more."""
        ...

@final
class Classification:
    """Category, kind, urgency, temperament (with advice), department, confidence, evidence."""

    @property
    def category(self) -> str: ...
    @property
    def kind(self) -> _TicketKind: ...
    @property
    def urgency(self) -> _Urgency: ...
    @property
    def temperament(self) -> _Temperament: ...
    @property
    def advice(self) -> str: ...
    @property
    def escalate(self) -> bool:
        """Whether to report the ticket to the supervisor at once (every emergency)."""
    @property
    def escalation_advice(self) -> str | None:
        """What to do at once, in the text's language, when `escalate`; else None."""
    @property
    def department(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def evidence(self) -> list[Evidence]: ...

@final
class TicketClassifier:
    """Ticket classifier: built-in zh/en rules, optionally with a trained category model."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    @staticmethod
    def default() -> TicketClassifier:
        """The built-in Chinese and English rules and routing table."""
    @staticmethod
    def from_rules(*rules: str, builtin: bool = True) -> TicketClassifier:
        """Built-in rules extended by rule-set JSON documents (or only these).

        Limits: a document over 16 MiB, more than 100,000 distinct phrases or more than
        4 MiB of phrase text raise ValidationError ('rules_too_large', path '$' or
        'phrases') before anything is built."""
    @staticmethod
    def train(texts: list[str], labels: list[str], *, seed: int = 0, **options: float) -> TicketClassifier:
        """Learn a category model (options: c, epochs, tol, ngram_max, word_ngrams, buckets_bits, min_df, prune,
        threads: classes solved on that many threads, 1-256, default 1; the model is the same whatever the count).
        c = 0 (the default) is automatic: 1.0 under 10,000 training texts, 0.5 from 10,000, where min_df
        (0, automatic) is 2 too; buckets_bits = 0 (the default) is automatic, 64 buckets or more per distinct n-gram.

        At most 1000 distinct labels: more raise ValidationError ('too_many_classes', path 'labels')
        before any work (training time grows with classes × texts)."""
    @staticmethod
    def from_json(text: str) -> TicketClassifier:
        """Read a classifier (or a bare model) written by `to_json`.

        Read in place (memory a small multiple of the text); rules over the limits of
        `from_rules` raise ValidationError ('rules_too_large', path 'rules' or 'rules.phrases')."""
    def to_json(self) -> str:
        """The classifier (rules and model) as JSON."""
    def classify(self, text: str) -> Classification:
        """Classify one text (any length: memory does not grow with it)."""
    def classify_batch(
        self, texts: list[str], *, threads: Optional[int] = None
    ) -> list[Classification]:
        """Classify many texts in one call (the GIL is released) on `threads` threads
        (None or 0: every core; 1: the caller's thread only; at most 256, else
        ValidationError `out_of_range` at `threads`): the same result whatever the
        count."""
    def classify_arrow(
        self, texts: list[str], *, threads: Optional[int] = None
    ) -> ArrowTable:
        """Classify many texts (as `classify_batch`) into an Arrow table, one row a
        text: category, kind, urgency, temperament, escalate (bool), department,
        confidence (float64), advice, escalation_advice (null unless escalate); no
        evidence."""
    def predict_batch(
        self, texts: list[str], *, threads: Optional[int] = None
    ) -> list[str]:
        """Only the category of each text (the model alone when trained), in one call,
        on `threads` threads (as `classify_batch`)."""
    def department(self, category: str) -> str:
        """The department a category is routed to."""
    @property
    def labels(self) -> Optional[list[str]]:
        """The model's labels (sorted), or None without a model."""

@final
class BusinessCalendar:
    """Working hours per weekday, holidays, UTC offset of local time."""

    @staticmethod
    def weekly(
        start: str,
        end: str,
        days: list[int],
        *,
        utc_offset_minutes: int = 0,
        holidays: list[_DateLike] = ...,
        workdays: list[_DateLike] = ...,
    ) -> BusinessCalendar:
        """Hours start-end ("HH:MM", local) on `days` (0 = Monday); `workdays` are
        make-up working days (调休补班, e.g. a Saturday), worked with the hours of the
        first weekday that has any; a date that is also a holiday is a holiday."""
    def seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Working seconds between two instants (exact over any span; 0 if end <= start)."""
    def add_seconds(self, start: datetime.datetime, seconds: int) -> datetime.datetime:
        """The instant `seconds` working seconds after `start`.

        Negative seconds raise ValidationError ('negative', path 'seconds'); no working
        time up to 9999-12-31 raises ValidationError ('no_business_time', path 'calendar')."""
    def add_working_days(self, start: datetime.datetime, days: int) -> datetime.datetime:
        """The deadline of `days` working days (N 个工作日内) from `start`: the close of
        business of the `days`th working day after the local date of `start` (the day of
        receipt never counts; holidays skipped, make-up days counted).

        0 days raise ValidationError ('out_of_range', path 'days'); too few working days
        up to 9999-12-31, ValidationError ('no_working_days', path 'calendar')."""
    def is_working_day(self, date: _DateLike) -> bool:
        """Whether a local date has working hours and is not a holiday (make-up days count)."""
    @property
    def utc_offset_minutes(self) -> int: ...
    @property
    def holidays(self) -> list[datetime.date]: ...
    @property
    def workdays(self) -> list[datetime.date]:
        """Make-up working days (local dates)."""

@final
class SlaPolicy:
    """Response and resolution targets by urgency and category, each in its own clock.

    Clocks: `minutes` (wall clock), `business_minutes` (working minutes of the calendar;
    wall-clock minutes without one and for emergencies), `calendar_days`, `working_days`
    (resolution only, with a calendar: by the close of the Nth working day after the day
    of receipt). A response due after the resolution due is brought forward to it unless
    `response_may_follow_resolution`."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

    def __new__(
        cls, *, calendar: Optional[BusinessCalendar] = None, response_may_follow_resolution: bool = False
    ) -> SlaPolicy: ...
    @property
    def response_may_follow_resolution(self) -> bool:
        """Whether a response due may fall after the resolution due."""
    @staticmethod
    def from_json(text: str) -> SlaPolicy:
        """Parse a policy JSON document."""
    def to_json(self) -> str:
        """The policy as JSON."""
    def targets(
        self, urgency: _Urgency, category: str, received_at: datetime.datetime
    ) -> tuple[tuple[_SlaClock, int], tuple[_SlaClock, int]]:
        """((response_clock, amount), (resolution_clock, amount)) for a ticket received
        at `received_at`; the clock each is counted in."""

_SlaClock = Literal["minutes", "business_minutes", "calendar_days", "working_days"]

@final
class SlaStatus:
    """Deadlines, time remaining (seconds, negative when overdue) and breaches."""

    @property
    def response_clock(self) -> _SlaClock:
        """The clock the response due was counted in: `minutes` or `business_minutes`."""
    @property
    def response_amount(self) -> int: ...
    @property
    def resolution_clock(self) -> _SlaClock:
        """`minutes`, `business_minutes`, `calendar_days` or `working_days`."""
    @property
    def resolution_amount(self) -> int: ...
    @property
    def response_promised(self) -> bool:
        """The response due is the ticket's promised reply time."""
    @property
    def response_clamped(self) -> bool:
        """The response target's due fell after the resolution due and was brought forward."""
    @property
    def response_due(self) -> datetime.datetime: ...
    @property
    def resolution_due(self) -> Optional[datetime.datetime]: ...
    @property
    def response_remaining_seconds(self) -> int: ...
    @property
    def resolution_remaining_seconds(self) -> int: ...
    @property
    def response_breached(self) -> bool: ...
    @property
    def resolution_breached(self) -> bool: ...
    @property
    def paused(self) -> bool: ...

@final
class SavedDocument:
    """A document and its version, read together: what `perform` on a `Checklist` or a
    `TicketFlow` returns, so saves from several threads can be ordered (keep the
    highest `version`)."""

    @property
    def version(self) -> int:
        """How many mutations the document had when it was written."""
    @property
    def json(self) -> str:
        """The document (`to_json()`)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class TicketEvent:
    """One entry of a ticket's event log."""

    @property
    def at(self) -> datetime.datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> Optional[str]:
        """The role the actor acted in, if the operation named one."""
    @property
    def action(self) -> str: ...
    @property
    def from_state(self) -> _TicketState: ...
    @property
    def to_state(self) -> _TicketState: ...
    @property
    def detail(self) -> str: ...

@final
class AccessPolicy:
    """Who may do what to a ticket.

    `roles` maps actions (assign, start, pause, resume, resolve, return_visit, close,
    escalate) to the roles allowed to do them; actions left out are open to everyone.
    The handler of a ticket (its owner, or whoever resolved it last) may not record its
    return visit unless `handler_may_record_return_visit`; with
    `first_contact_ownership` (首问负责制) only the current owner may assign, escalate,
    start, pause, resume or resolve it. `AccessPolicy()` is the default policy.
    """
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

    def __new__(
        cls,
        roles: Optional[Mapping[_TicketAction, list[str]]] = None,
        *,
        handler_may_record_return_visit: bool = False,
        first_contact_ownership: bool = False,
    ) -> AccessPolicy: ...
    @staticmethod
    def from_json(text: str) -> AccessPolicy:
        """Parse a policy JSON document (`roles`, `handler_may_record_return_visit`,
        `first_contact_ownership`, all optional); `ValidationError` naming the field:
        `json` (malformed, an unknown field), `unknown_value` (an action that cannot be
        restricted), `empty_field` (no roles, an empty role)."""
    def to_json(self) -> str:
        """The policy as JSON."""
    @property
    def roles(self) -> dict[str, list[str]]:
        """The restricted actions and their allowed roles (sorted)."""
    @property
    def handler_may_record_return_visit(self) -> bool: ...
    @property
    def first_contact_ownership(self) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

_TicketAction = Literal["assign", "start", "pause", "resume", "resolve", "return_visit", "close", "escalate"]

@final
class TicketFlow:
    """A ticket being handled: triage, state, owner (first-contact responsibility), event log.

    Operations take an optional `role` (recorded in the event) and are checked against
    the flow's `AccessPolicy`; a refusal is `ValidationError` `not_permitted` (path
    `role` or `actor`).
    """
    def __reduce__(self) -> tuple[Any, tuple[str, AccessPolicy]]: ...

    def __new__(
        cls,
        id: str,
        *,
        unit: str,
        channel: _Channel,
        received_at: datetime.datetime,
        reporter: str,
        text: str,
        kind: _TicketKind,
        category: str,
        urgency: _Urgency,
        department: str,
        receiver: str,
        policy: Optional[AccessPolicy] = None,
        utc_offset_minutes: int = 0,
        promised_reply_at: Optional[datetime.datetime] = None,
        return_visit_policy: Optional[ReturnVisitPolicy] = None,
    ) -> TicketFlow: ...
    @staticmethod
    def from_json(text: str, policy: Optional[AccessPolicy] = None) -> TicketFlow:
        """Read a flow written by `to_json`, replaying its event log under `policy`.

        A document that contradicts itself or the policy raises `ValidationError`
        naming the first contradiction: `inconsistent_document` (e.g. `state`, `owner`,
        `events[2].action`), `event_out_of_order` (`events[i].at`) or `not_permitted`
        (`events[i].role`, `events[i].actor`).
        """
    def to_json(self) -> str:
        """The flow as JSON."""
    @property
    def policy(self) -> AccessPolicy:
        """The access policy the operations are checked against."""
    def assign(self, to: str, *, actor: str, at: datetime.datetime, role: Optional[str] = None) -> _TicketState:
        """Hand the ticket to `to`, who then owns it."""
    def start(self, *, actor: str, at: datetime.datetime, role: Optional[str] = None) -> _TicketState:
        """Start handling."""
    def pause(self, reason: str, *, actor: str, at: datetime.datetime, role: Optional[str] = None) -> _TicketState:
        """Wait for the owner (stops the resolution clock)."""
    def resume(self, *, actor: str, at: datetime.datetime, role: Optional[str] = None) -> _TicketState:
        """Continue after a pause."""
    def resolve(self, note: str, *, actor: str, at: datetime.datetime, role: Optional[str] = None) -> _TicketState:
        """Mark as resolved."""
    def return_visit(
        self, satisfied: bool, note: str = ..., *, actor: str, at: datetime.datetime, role: Optional[str] = None
    ) -> _TicketState:
        """Record the return visit; unsatisfied reopens the ticket. Not by the handler
        unless the policy allows."""
    def return_visit_reached(
        self,
        mode: _VisitMode,
        rating: int,
        comment: str = ...,
        *,
        actor: str,
        at: datetime.datetime,
        role: Optional[str] = None,
    ) -> _TicketState:
        """Record a return visit that reached the owner: `rating` 1..=5 (4 and 5
        satisfied: `return_visited`; 1 to 3 reopen the ticket: `assigned`). A rating
        outside 1..=5 is ValidationError('invalid_option', path 'rating')."""
    def return_visit_unreachable(
        self, mode: _VisitMode, note: str = ..., *, actor: str, at: datetime.datetime, role: Optional[str] = None
    ) -> _TicketState:
        """Record an attempt that did not reach the owner (the ticket stays resolved)."""
    @property
    def return_visit_policy(self) -> Optional[ReturnVisitPolicy]:
        """The return-visit policy the flow is handled under (None for documents
        written before return-visit policies: no visit required)."""
    @property
    def return_visit_required(self) -> bool:
        """Whether the ticket must be return-visited before it closes; closing it
        without a reached visit and with fewer unreachable attempts than the policy's
        maximum raises StateError('return_visit_required')."""
    @property
    def rating(self) -> Optional[int]:
        """The rating of the last visit that reached the owner (None if none or legacy)."""
    @property
    def unreachable_attempts(self) -> int:
        """Unreachable attempts since the last resolution."""
    @property
    def return_visit_due(self) -> Optional[datetime.date]:
        """The estate's local date by which the visit is due (None when not required
        or not resolved)."""
    def return_visit_overdue(self, as_of: datetime.datetime) -> bool:
        """Whether the required visit is overdue as of `as_of`."""
    def close(self, *, actor: str, at: datetime.datetime, role: Optional[str] = None) -> _TicketState:
        """Close the ticket."""
    def escalate(
        self, to: str, reason: str, *, actor: str, at: datetime.datetime, role: Optional[str] = None
    ) -> _TicketState:
        """Escalate to `to` (beyond the handler's authority)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def sla(self, as_of: datetime.datetime, policy: Optional[SlaPolicy] = None) -> SlaStatus:
        """The SLA status as of `as_of`.

        A deadline after 9999-12-31 raises ValidationError ('no_business_time', path 'calendar')."""
    def perform(
        self, command: _TicketCommand, *, actor: str, at: datetime.datetime, role: Optional[str] = None
    ) -> SavedDocument:
        """Apply `command` (a dict shaped like an event of the document, e.g.
        {"action": "assign", "to": "李工"}) and return the new document with its version
        in one call: saves from several threads, keeping the highest version, never lose
        an action. On error nothing changes (the version neither)."""
    def saved(self) -> SavedDocument:
        """The document and its version, read together (e.g. after `promise_reply`)."""
    @property
    def version(self) -> int:
        """How many mutations the flow has had (each applied action and each
        `promise_reply` adds one); stored in the document, 0 before versions."""
    def allowed_actions(self, actor: str, role: Optional[str] = None) -> list[_TicketActionName]:
        """The actions `actor`, acting in `role`, may apply now (to enable buttons):
        exactly those that would succeed. Never "receive"; "return_visit" is the legacy
        visit, allowed where the rated ones are."""
    def promise_reply(self, at: datetime.datetime) -> SavedDocument:
        """Promise the owner a reply by `at` (承诺回复时间): it becomes the response due,
        even when later than the policy's. Before the receipt: ValidationError
        ('invalid_option', path 'promised_reply_at'). Returns the new document with its
        version, as `perform` does."""
    @property
    def promised_reply_at(self) -> Optional[datetime.datetime]:
        """The reply time promised to the owner, or None."""
    @property
    def id(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def channel(self) -> _Channel: ...
    @property
    def kind(self) -> _TicketKind: ...
    @property
    def utc_offset_minutes(self) -> int:
        """The estate's fixed UTC offset, minutes (0 for documents written without one)."""
    @property
    def received_at(self) -> datetime.datetime: ...
    @property
    def text(self) -> str: ...
    @property
    def reporter(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def urgency(self) -> _Urgency: ...
    @property
    def department(self) -> str: ...
    @property
    def state(self) -> _TicketState: ...
    @property
    def receiver(self) -> str: ...
    @property
    def owner(self) -> str: ...
    @property
    def escalations(self) -> int: ...
    @property
    def reopened(self) -> int: ...
    @property
    def satisfied(self) -> Optional[bool]: ...
    @property
    def responded_at(self) -> Optional[datetime.datetime]: ...
    @property
    def resolved_at(self) -> Optional[datetime.datetime]: ...
    @property
    def events(self) -> list[TicketEvent]: ...

@final
class TicketStatistics:
    """Counts, SLA compliance, time to resolve, satisfaction, complaint rate, repeats."""

    @property
    def total(self) -> int: ...
    @property
    def by_category(self) -> dict[str, int]: ...
    @property
    def by_kind(self) -> dict[str, int]: ...
    @property
    def by_channel(self) -> dict[str, int]: ...
    @property
    def by_department(self) -> dict[str, int]: ...
    @property
    def response_rate(self) -> Optional[float]: ...
    @property
    def resolution_rate(self) -> Optional[float]: ...
    @property
    def resolved(self) -> int: ...
    @property
    def mean_hours_to_resolve(self) -> Optional[float]: ...
    @property
    def median_hours_to_resolve(self) -> Optional[float]: ...
    @property
    def return_visits(self) -> int: ...
    @property
    def satisfied(self) -> int: ...
    @property
    def satisfaction_rate(self) -> Optional[float]: ...
    @property
    def meets_satisfaction_target(self) -> bool:
        """`return_visit_satisfaction` >= the policy's target and
        `return_visit_coverage` >= its minimum coverage."""
    @property
    def visits_required(self) -> int:
        """Resolved tickets of the period that must be return-visited."""
    @property
    def visits_reached(self) -> int: ...
    @property
    def visits_satisfied(self) -> int: ...
    @property
    def visits_unreachable(self) -> int: ...
    @property
    def return_visit_rate(self) -> Optional[float]:
        """(reached + unreachable) / required."""
    @property
    def unreachable_rate(self) -> Optional[float]:
        """unreachable / required."""
    @property
    def return_visit_satisfaction(self) -> Optional[float]:
        """satisfied / reached."""
    @property
    def return_visit_coverage(self) -> Optional[float]:
        """reached / required."""
    @property
    def satisfaction_target(self) -> float: ...
    @property
    def min_coverage(self) -> float: ...
    @property
    def complaints(self) -> int: ...
    @property
    def complaints_per_100_units(self) -> Optional[float]: ...
    @property
    def repeat_tickets(self) -> list[str]: ...

def ticket_statistics(
    flows: list[TicketFlow],
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    units: int,
    policy: Optional[SlaPolicy] = None,
    return_visit_policy: Optional[ReturnVisitPolicy] = None,
) -> TicketStatistics:
    """Statistics of the tickets received in [start, end); SLA as of `end`; return
    visits judged under `return_visit_policy` (default `ReturnVisitPolicy()`).
    O(n log n) in the flows."""

@final
class ReturnVisitPolicy:
    """Which tickets must be return-visited (default: complaints and repair requests,
    patrol tickets exempt), after how many unreachable attempts they may close (3), by
    when (3 days after the local resolution date), and the satisfaction target (0.95)
    with the minimum coverage (0.8) statistics require. Stored in each TicketFlow."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

    def __new__(
        cls,
        *,
        required_kinds: Optional[list[_TicketKind]] = None,
        exempt_channels: Optional[list[_Channel]] = None,
        max_unreachable_attempts: int = 3,
        deadline_days: int = 3,
        satisfaction_target: float = 0.95,
        min_coverage: float = 0.8,
    ) -> ReturnVisitPolicy: ...
    @staticmethod
    def from_json(text: str) -> ReturnVisitPolicy:
        """Parse a policy JSON document (every field optional); ValidationError
        naming the field: `json` (malformed, an unknown field or kind), `out_of_range`
        (0 attempts, more than 366 days, a share outside 0-1)."""
    def to_json(self) -> str:
        """The policy as JSON (every field)."""
    @property
    def required_kinds(self) -> list[_TicketKind]: ...
    @property
    def exempt_channels(self) -> list[_Channel]: ...
    @property
    def max_unreachable_attempts(self) -> int: ...
    @property
    def deadline_days(self) -> int: ...
    @property
    def satisfaction_target(self) -> float: ...
    @property
    def min_coverage(self) -> float: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def seal(text: str, key: bytes) -> str:
    """Seals a JSON document (a ledger, a book, a checklist, a ticket flow) with `key`
    (bytes, at least 16): returns `{"document": …, "hmac_sha256": …}` as text."""

def unseal(text: str, key: bytes) -> str:
    """Checks a sealed document against `key` and returns the document's JSON text, for
    the type's own `from_json`; raises `ValidationError` (code `seal_mismatch`) when
    anything in it was edited or another key sealed it."""

# ---- notices ---------------------------------------------------------------------------
# Kinds and channels are their snake_case names; timestamps are timezone-aware datetimes
# (converted to UTC, returned in UTC; a naive one raises ValidationError('naive_datetime')).

_NoticeKind = Literal[
    "water_outage", "power_outage", "gas_outage", "elevator_maintenance", "fee_collection", "fire_drill", "general"
]
_NoticeChannel = Literal["app", "sms", "paper", "board"]

@final
class Audience:
    """Whom a notice is for: `Audience.estate()`, `Audience.buildings(ids)` or
    `Audience.units(ids)`."""

    @staticmethod
    def estate() -> Audience:
        """Every delivered unit of the estate."""
    @staticmethod
    def buildings(ids: Iterable[str]) -> Audience:
        """Every delivered unit of these buildings."""
    @staticmethod
    def units(ids: Iterable[str]) -> Audience:
        """These units, whatever their status."""
    @property
    def scope(self) -> Literal["estate", "buildings", "units"]:
        """`"estate"`, `"buildings"` or `"units"`."""
    @property
    def ids(self) -> list[str]:
        """The building or unit ids (empty for the estate)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Notice:
    """A notice: what (kind), to whom (audience), when, the window it announces, and
    whether units must acknowledge it by `ack_due`."""

    def __new__(
        cls,
        id: str,
        *,
        kind: _NoticeKind,
        title_zh: str,
        body: str,
        audience: Audience,
        published_at: datetime.datetime,
        title_en: str | None = None,
        starts_at: datetime.datetime | None = None,
        ends_at: datetime.datetime | None = None,
        requires_ack: bool = False,
        ack_due: datetime.datetime | None = None,
        emergency: bool = False,
    ) -> Notice: ...
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle and `copy` through the JSON form."""
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> _NoticeKind: ...
    @property
    def title_zh(self) -> str: ...
    @property
    def title_en(self) -> str | None: ...
    @property
    def body(self) -> str: ...
    @property
    def audience(self) -> Audience: ...
    @property
    def published_at(self) -> datetime.datetime: ...
    @property
    def starts_at(self) -> datetime.datetime | None: ...
    @property
    def ends_at(self) -> datetime.datetime | None: ...
    @property
    def requires_ack(self) -> bool: ...
    @property
    def ack_due(self) -> datetime.datetime | None: ...
    @property
    def emergency(self) -> bool: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

def validate_notice(notice: Notice, estate: Estate) -> None:
    """Checks `notice` against `estate`; raises `ValidationError` naming the field."""

def notice_audience_units(notice: Notice, estate: Estate) -> list[str]:
    """The ids of the units `notice` reaches, in the estate's order, each once."""

def notice_header(notice: Notice, lang: str = "zh-CN", utc_offset_minutes: int = 0) -> str:
    """The notice's header in `lang` ("zh-CN" or "en"), the window in local time at
    `utc_offset_minutes`."""

def notice_from_json(text: str) -> Notice:
    """Parses a notice JSON document (read, not validated)."""

def notice_to_json(notice: Notice) -> str:
    """The notice as JSON."""

@final
class LeadTimeFinding:
    """A notice published later than its kind's minimum lead time."""

    @property
    def code(self) -> Literal["lead_time_too_short"]: ...
    @property
    def path(self) -> Literal["starts_at"]: ...
    @property
    def notice(self) -> str: ...
    @property
    def kind(self) -> _NoticeKind: ...
    @property
    def required_hours(self) -> int: ...
    @property
    def actual_hours(self) -> Decimal: ...

@final
class NoticePolicy:
    """Minimum lead times of planned outages, in hours by kind (default: water_outage 24,
    power_outage 168)."""

    def __new__(cls, lead_hours: Mapping[_NoticeKind, int] | None = None) -> NoticePolicy:
        """`lead_hours`: exactly these minimums (a kind left out has none); None: the
        defaults of the published rules."""
    @staticmethod
    def from_json(text: str) -> NoticePolicy:
        """Parses a policy JSON document."""
    def to_json(self) -> str:
        """The policy as JSON."""
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle and `copy` through the JSON form."""
    def lead_hours(self, kind: _NoticeKind) -> int | None:
        """The minimum lead time of `kind` in hours, or None."""
    def all_lead_hours(self) -> dict[_NoticeKind, int]:
        """Every kind with a minimum and its hours."""
    def check(self, notice: Notice) -> LeadTimeFinding | None:
        """None if `notice` respects its kind's minimum lead time (or is an emergency);
        else the finding (code "lead_time_too_short")."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class NoticeEvent:
    """A delivery (`NoticeEvent.delivery(unit, channel, at)`) or an acknowledgment
    (`NoticeEvent.ack(unit, at, by)`)."""

    @staticmethod
    def delivery(unit: str, channel: _NoticeChannel, at: datetime.datetime) -> NoticeEvent:
        """The notice reached `unit` through `channel` ("app", "sms", "paper", "board")."""
    @staticmethod
    def ack(unit: str, at: datetime.datetime, by: str) -> NoticeEvent:
        """`by` acknowledged the notice for `unit`."""
    @property
    def type(self) -> Literal["delivery", "ack"]:
        """`"delivery"` or `"ack"`."""
    @property
    def unit(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def channel(self) -> _NoticeChannel | None:
        """The channel of a delivery; None for an acknowledgment."""
    @property
    def by(self) -> str | None:
        """Who acknowledged; None for a delivery."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class PendingUnit:
    """A unit that has not acknowledged a notice."""

    @property
    def unit(self) -> str: ...
    @property
    def delivered(self) -> bool: ...
    @property
    def overdue(self) -> bool: ...

@final
class Coverage:
    """How far a notice has reached: counts and rates (Decimal, scale 4, rounded toward
    zero)."""

    @property
    def audience(self) -> int: ...
    @property
    def delivered(self) -> int: ...
    @property
    def acknowledged(self) -> int: ...
    @property
    def delivery_rate(self) -> Decimal: ...
    @property
    def ack_rate(self) -> Decimal: ...

@final
class NoticeTracker:
    """The deliveries and acknowledgments of one notice (idempotent, order-independent)."""

    def __new__(cls, notice: Notice, estate: Estate) -> NoticeTracker:
        """A tracker of `notice`, validated against `estate`."""
    @staticmethod
    def from_json(text: str) -> NoticeTracker:
        """Reads a tracker document."""
    def to_json(self) -> str:
        """The tracker as JSON (events in time order)."""
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle and `copy` through the JSON form."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def notice_id(self) -> str:
        """The notice's id."""
    @property
    def units(self) -> list[str]:
        """The units the notice reaches, in the estate's order."""
    def record_delivery(self, unit: str, channel: _NoticeChannel, at: datetime.datetime) -> bool:
        """Records a delivery; True if new, False if recorded already."""
    def record_ack(self, unit: str, at: datetime.datetime, by: str) -> bool:
        """Records an acknowledgment; True if new, False if recorded already."""
    def import_events(self, events: list[NoticeEvent]) -> int:
        """Records a list of events, all or nothing; returns how many were new."""
    def events(self) -> list[NoticeEvent]:
        """Every distinct event, in time order."""
    def pending(self, as_of: datetime.datetime) -> list[PendingUnit]:
        """The units that have not acknowledged by `as_of`, in the estate's order."""
    def coverage(self) -> Coverage:
        """Units reached and acknowledged, and the rates at scale 4."""

@final
class ArrowTable:
    """An Arrow table made by EstateKit (one record batch) implementing the Arrow
    PyCapsule interface: `pyarrow.table(t)`, `polars.DataFrame(t)` and DuckDB read
    its buffers without copying (`polars.from_arrow(t)` gives one struct Series in
    polars >= 2). Money columns are decimal128(38, scale) with field metadata
    `estatekit.money`, dates date32; `metadata` holds `estatekit.table` and
    `estatekit.schema_version` (and a run's `estatekit.estate_id`,
    `estatekit.currency`)."""

    @staticmethod
    def from_text(columns: list[str], rows: list[list[Optional[str]]], *, table: str = "table") -> ArrowTable:
        """A table of text columns from rows of str or None cells; a row with the
        wrong number of cells raises ValidationError `invalid_arrow` at `table`."""
    @staticmethod
    def from_arrow(data: Any) -> ArrowTable:
        """Read any object implementing `__arrow_c_stream__` into one table; anything
        else raises ValidationError `wrong_type` at `data`."""
    @property
    def num_rows(self) -> int: ...
    @property
    def column_names(self) -> list[str]: ...
    @property
    def metadata(self) -> dict[str, str]:
        """The schema's metadata."""
    def to_pyarrow(self) -> Any:
        """A `pyarrow.Table` (zero-copy; needs pyarrow)."""
    def to_polars(self) -> Any:
        """A `polars.DataFrame` (zero-copy; needs polars)."""
    def to_pandas(self) -> Any:
        """A `pandas.DataFrame` through pyarrow (Decimal and date objects)."""
    def __len__(self) -> int: ...
    def __arrow_c_stream__(self, requested_schema: Any = None) -> Any:
        """The table as an `arrow_array_stream` PyCapsule (`requested_schema` is
        not applied)."""
    def __arrow_c_schema__(self) -> Any:
        """The schema as an `arrow_schema` PyCapsule."""


# ---- decoration management (装修管理) ------------------------------------------------------

_DecorationState = Literal[
    "submitted", "rejected", "approved", "in_progress", "suspended", "completion_reported",
    "acceptance_failed", "accepted", "deposit_settled", "closed",
]
_DecorationRole = Literal["customer_service", "manager", "engineer", "security", "finance"]
_ScopeRule = Literal["allowed", "needs_approval", "prohibited"]
_ConsentName = Literal["owner", "co_owner", "tenant"]
_Liable = Literal["owner", "contractor", "staff"]
_DeductionKind = Literal["violation", "unreturned_pass", "unpaid_fee"]
_OverdueKind = Literal["review", "duration", "acceptance", "refund", "rectification"]
_WorkVerdict = Literal["allowed", "outside_hours", "rest_day", "no_permit", "suspended"]
_DecorationEnum = Literal[
    "state", "role", "rule", "consent", "liable", "deduction_kind", "overdue_kind", "verdict",
    "violation_status",
]
_Window = tuple[datetime.time, datetime.time]

class _ChargeRow(TypedDict):
    """A charge for `Receivables.post_charges` (`Decorations.charge_rows`,
    `Decorations.shortfall_charge`)."""

    unit_id: str
    ref: Optional[str]
    item_code: str
    amount: Decimal
    issued_on: Optional[datetime.date]
    due: datetime.date
    period_start: Optional[datetime.date]
    period_end: Optional[datetime.date]
    description: Optional[str]
    penalty: bool

class _StatusChange(TypedDict):
    """A unit's status change for `Estate.updated(status_changes=[...])`
    (`Decorations.start_works`, `Decorations.inspect`)."""

    unit_id: str
    status: _UnitStatusName
    since: datetime.date
    occupants: Optional[int]

@final
class DocumentDef:
    """A document an application may provide (申请材料)."""

    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...

@final
class ScopeItem:
    """An item of work of the scope catalogue: allowed, needs approval, or prohibited."""

    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def rule(self) -> _ScopeRule:
        """"allowed", "needs_approval" or "prohibited"."""
    @property
    def documents(self) -> list[str]:
        """The documents an application with this item must provide."""
    @property
    def noisy(self) -> bool:
        """Whether the work is noisy (noisy hours apply)."""

@final
class ViolationDef:
    """A kind of violation found at a site check, with its agreed damages."""

    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def damages(self) -> Literal["fixed", "range", "assessed"]:
        """"fixed", "range" or "assessed" (any amount ≥ 0, set when recorded)."""
    @property
    def damages_min(self) -> Optional[Decimal]:
        """The lowest amount: the fixed amount, a range's min; None when assessed."""
    @property
    def damages_max(self) -> Optional[Decimal]:
        """The highest amount: the fixed amount, a range's max; None when assessed."""
    @property
    def rectify_days(self) -> int:
        """Days to rectify, from the day found."""

@final
class FeeDef:
    """A one-off renovation fee billed on approval (装修垃圾清运费, 出入证工本费)."""

    @property
    def code(self) -> str:
        """The fee item code (the charge's item code in the book)."""
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def basis(self) -> Literal["per_m2", "fixed", "per_pass"]:
        """"per_m2" (× the unit's gross area), "fixed" or "per_pass" (× workers' passes)."""
    @property
    def rate(self) -> Decimal:
        """The rate per m², the fixed amount, or the amount per pass."""

@final
class WorkCheck:
    """Whether work may go on at an instant, and why."""

    @property
    def verdict(self) -> _WorkVerdict:
        """"allowed", "outside_hours", "rest_day", "no_permit" or "suspended"."""
    @property
    def local(self) -> datetime.datetime:
        """The instant in the estate's local time (a naive datetime)."""
    @property
    def working_day(self) -> bool:
        """Whether the local day is a working day."""
    @property
    def windows(self) -> list[_Window]:
        """The day's windows for this kind of work, (start, end) local times, end exclusive."""

@final
class DecorationPolicy:
    """The estate's decoration rules (after 建设部令第110号): the scope catalogue, the
    documents, the deadlines, the working hours, the violations, the fees and the
    deposit."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...

    @staticmethod
    def default() -> DecorationPolicy:
        """The common practice: the prohibitions and approvals of 建设部令第110号, review in
        3 working days, works of at most 90 days, acceptance within 7 days, refund within
        30 days; noisy work Monday–Friday 08:00–12:00 and 14:00–18:00, none on weekends
        and holidays; a 2,000.00 deposit; Beijing time."""
    @staticmethod
    def from_json(text: str) -> DecorationPolicy:
        """Read and validate a policy document (as `to_json` writes it); ValidationError
        names the bad field (e.g. 'out_of_range' at 'max_duration_days')."""
    def to_json(self) -> str:
        """The document as JSON; `from_json` reads it back unchanged."""
    def work_allowed(self, at: datetime.datetime, noisy: bool) -> WorkCheck:
        """Whether noisy (or quiet) work may go on at `at` under the policy's hours and
        calendar (start inclusive, end exclusive)."""
    def document(self, code: str) -> Optional[DocumentDef]:
        """The document of this code, or None."""
    def scope_item(self, code: str) -> Optional[ScopeItem]:
        """The scope item of this code, or None."""
    def violation(self, code: str) -> Optional[ViolationDef]:
        """The violation of this code, or None."""
    @property
    def format_version(self) -> int: ...
    @property
    def documents(self) -> list[DocumentDef]:
        """The documents an application may provide."""
    @property
    def catalogue(self) -> list[ScopeItem]:
        """The scope catalogue."""
    @property
    def always_required(self) -> list[str]:
        """Documents every application needs."""
    @property
    def contractor_requires(self) -> list[str]:
        """Documents needed when a contractor does the works."""
    @property
    def tenant_requires(self) -> list[str]:
        """Documents needed when the applicant is a tenant."""
    @property
    def violations(self) -> list[ViolationDef]:
        """The violation catalogue."""
    @property
    def fees(self) -> list[FeeDef]:
        """One-off fees billed on approval."""
    @property
    def deposit(self) -> Decimal:
        """The deposit (装修押金), a liability held until settlement."""
    @property
    def pass_replacement(self) -> Decimal:
        """Deducted per worker's pass not returned."""
    @property
    def review_working_days(self) -> int:
        """Working days to review an application."""
    @property
    def max_duration_days(self) -> int:
        """Longest works (first day to last, inclusive) before an extension is needed."""
    @property
    def acceptance_days(self) -> int:
        """Calendar days to inspect after the completion report."""
    @property
    def refund_days(self) -> int:
        """Calendar days to refund after acceptance."""
    @property
    def fee_due_days(self) -> int:
        """Days from approval to the fees' due date."""
    @property
    def hours(self) -> dict[Literal["working_days", "rest_days"], dict[Literal["noisy", "quiet"], list[_Window]]]:
        """Working hours: {"working_days": {"noisy": [(start, end)], "quiet": [...]},
        "rest_days": {...}}, local times, end exclusive."""
    @property
    def calendar(self) -> BusinessCalendar:
        """Working days, holidays and the estate's UTC offset."""

@final
class Worker:
    """A worker of the contractor, with the pass (出入证) issued to them."""
    def __new__(cls, name: str, pass_no: str) -> Worker: ...
    @property
    def name(self) -> str: ...
    @property
    def pass_no(self) -> str: ...

@final
class Contractor:
    """The decoration contractor: name, licence reference, foreman, workers."""
    def __new__(
        cls, name: str, foreman: str, *, licence_ref: Optional[str] = None, workers: list[Worker] = ...
    ) -> Contractor: ...
    @property
    def name(self) -> str: ...
    @property
    def licence_ref(self) -> Optional[str]: ...
    @property
    def foreman(self) -> str: ...
    @property
    def workers(self) -> list[Worker]: ...

@final
class Submission:
    """An application (装修申请): the unit, the applicant's person id in the occupant
    registry, the scope items, the planned days, the documents provided, and the
    contractor if one does the works."""
    def __new__(
        cls,
        id: str,
        unit_id: str,
        applicant_id: str,
        scope: list[str],
        planned_start: _DateLike,
        planned_end: _DateLike,
        *,
        documents: list[str] = ...,
        contractor: Optional[Contractor] = None,
    ) -> Submission: ...
    @property
    def id(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def applicant_id(self) -> str: ...
    @property
    def contractor(self) -> Optional[Contractor]: ...
    @property
    def scope(self) -> list[str]: ...
    @property
    def planned_start(self) -> datetime.date: ...
    @property
    def planned_end(self) -> datetime.date: ...
    @property
    def documents(self) -> list[str]: ...

@final
class Applicant:
    """The applicant and the right on which they apply (from the occupant registry)."""

    @property
    def person_id(self) -> str: ...
    @property
    def consent(self) -> _ConsentName:
        """"owner", "co_owner" or "tenant" (with the owner's written consent)."""
    @property
    def consent_ref(self) -> Optional[str]:
        """A tenant's reference of the owner's written consent."""

@final
class FeeLine:
    """A one-off fee billed on approval: quantity × rate = amount."""

    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def quantity(self) -> Decimal:
        """m² (per-m² fees), passes (per-pass fees) or 1 (fixed fees)."""
    @property
    def rate(self) -> Decimal: ...
    @property
    def amount(self) -> Decimal:
        """quantity × rate, rounded once at the estate's scale."""
    def explain(self, lang: _Lang = "zh-CN") -> str:
        """`name: quantity × rate = amount` in `lang` ("zh-CN", "zh" or "en")."""

@final
class Extension:
    """An extension (延期) of the works' permitted end."""

    @property
    def new_end(self) -> datetime.date: ...
    @property
    def reason(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...

@final
class Violation:
    """A violation found at a site check, with its damages and rectification deadline."""

    @property
    def id(self) -> str:
        """"V1", "V2", … in the renovation."""
    @property
    def code(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def liable(self) -> _Liable:
        """"owner", "contractor" or "staff"."""
    @property
    def amount(self) -> Decimal: ...
    @property
    def found_at(self) -> datetime.datetime: ...
    @property
    def due(self) -> datetime.date:
        """The local day by which it must be rectified."""
    @property
    def status(self) -> Literal["open", "rectified"]:
        """"open" or "rectified"."""
    @property
    def rectified_at(self) -> Optional[datetime.datetime]: ...
    @property
    def note(self) -> Optional[str]: ...

@final
class Deduction:
    """A deduction from the deposit (or, for staff, a claim), with its reason."""

    @property
    def kind(self) -> _DeductionKind:
        """"violation", "unreturned_pass" or "unpaid_fee"."""
    @property
    def source(self) -> str:
        """The violation id, pass number or fee code."""
    @property
    def liable(self) -> _Liable:
        """"owner", "contractor" or "staff"."""
    @property
    def amount(self) -> Decimal: ...
    @property
    def reason_zh(self) -> str: ...
    @property
    def reason_en(self) -> str: ...

@final
class Settlement:
    """The deposit's settlement: deposit = refund + deducted; the deductions' total =
    deducted + shortfall; shortfall = shortfall_charge + contractor_claim."""

    @property
    def deposit(self) -> Decimal: ...
    @property
    def deductions(self) -> list[Deduction]:
        """Every deduction, contractor's side first, in the order taken."""
    @property
    def deducted(self) -> Decimal:
        """Taken from the deposit."""
    @property
    def refund(self) -> Decimal:
        """Paid back: deposit − deducted, never below zero."""
    @property
    def shortfall(self) -> Decimal:
        """Deductions beyond the deposit."""
    @property
    def shortfall_charge(self) -> Decimal:
        """The owner's part of the shortfall: a single charge on the unit."""
    @property
    def contractor_claim(self) -> Decimal:
        """The contractor's part of the shortfall: a claim on the contractor."""
    @property
    def claims(self) -> list[Deduction]:
        """Staff damage: claim records, not deducted."""
    @property
    def refund_due(self) -> datetime.date:
        """Local date by which the refund is due."""

@final
class Event:
    """One entry of a renovation's log: who did what, in what role, when."""

    @property
    def at(self) -> datetime.datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> _DecorationRole:
        """The staff role: "customer_service", "manager", "engineer", "security", "finance"."""
    @property
    def action(self) -> str:
        """The action's wire name ("submit", "approve", …, "close")."""
    @property
    def details(self) -> dict[str, Any]:
        """The action's fields: submit (person_id, consent, consent_ref), approve (fees,
        fee_due, deposit), reject and suspend (reason), fees_paid and close (receipt),
        deposit_received (amount, receipt), start (prior_status, prior_occupants), extend
        (new_end, reason), inspect (passed, note), record_violation (code, liable, amount,
        note), rectify_violation (violation_id), return_passes (passes), settle_deposit
        (unpaid_fees: [{code, amount}]); resume and report_completion: empty."""

@final
class Renovation:
    """A renovation: its application and what its log made of it (a copy; the
    `Decorations` holding it changes it)."""

    @property
    def id(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def state(self) -> _DecorationState:
        """The state's wire name ("submitted", …, "closed")."""
    @property
    def applicant(self) -> Applicant: ...
    @property
    def contractor(self) -> Optional[Contractor]: ...
    @property
    def scope(self) -> list[str]:
        """Scope items' codes."""
    @property
    def documents(self) -> list[str]:
        """Documents provided."""
    @property
    def planned(self) -> tuple[datetime.date, datetime.date]:
        """(planned first day, planned last day)."""
    @property
    def permitted_end(self) -> datetime.date:
        """The last day of works allowed: the planned end, or the last extension's."""
    @property
    def extensions(self) -> list[Extension]: ...
    @property
    def fees(self) -> list[FeeLine]:
        """The fees billed on approval (empty before)."""
    @property
    def deposit_received(self) -> Optional[Decimal]:
        """The deposit received, or None."""
    @property
    def violations(self) -> list[Violation]: ...
    @property
    def settlement(self) -> Optional[Settlement]:
        """The deposit's settlement, once settled."""
    @property
    def events(self) -> list[Event]:
        """The log, oldest first."""
    @property
    def failed_inspections(self) -> int:
        """How many acceptance inspections failed."""
    @property
    def site_checks(self) -> int:
        """How many site checks were recorded."""

@final
class Overdue:
    """A passed deadline."""

    @property
    def renovation_id(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def kind(self) -> _OverdueKind:
        """"review", "duration", "acceptance", "refund" or "rectification"."""
    @property
    def violation_id(self) -> Optional[str]:
        """The violation, for a rectification."""
    @property
    def due(self) -> datetime.date:
        """The local date it was due."""
    @property
    def days_over(self) -> int:
        """Local days past it."""

@final
class DecorationStats:
    """Decoration statistics as of an instant."""

    @property
    def total(self) -> int:
        """Renovations."""
    @property
    def by_state(self) -> dict[_DecorationState, int]:
        """Renovations per state, every state in order: {"submitted": n, …, "closed": n}."""
    @property
    def median_review_hours(self) -> Optional[Decimal]:
        """Median hours from submission to review (2 decimals); None before a review."""
    @property
    def started(self) -> int:
        """Renovations whose works started."""
    @property
    def site_checks(self) -> int:
        """Site checks recorded."""
    @property
    def violations(self) -> int:
        """Violations recorded."""
    @property
    def violations_per_100(self) -> Optional[Decimal]:
        """Violations per 100 started renovations (2 decimals); None before a start."""
    @property
    def extended(self) -> int:
        """Renovations extended at least once."""
    @property
    def overrunning(self) -> int:
        """Works going on (or suspended) past their permitted end."""
    @property
    def deposits_held_count(self) -> int:
        """Deposits received and not yet settled: how many."""
    @property
    def deposits_held(self) -> Decimal:
        """Their sum."""
    @property
    def refunds_payable(self) -> Decimal:
        """Refunds settled and not yet paid: their sum."""
    @property
    def refunds_overdue(self) -> int:
        """Refunds past their deadline."""

@final
class Decorations:
    """The renovations of an estate (装修管理台账), one open per unit, under a policy.
    Instants (`at`, `as_of`) are timezone-aware datetimes (naive ones raise
    ValidationError 'naive_datetime'); every action is logged with actor, role and time
    and dated in order (an `at` before the renovation's last event raises
    ValidationError 'event_out_of_order'). Errors carry the core's code and path: what
    the renovation's state does not allow ('renovation_state', 'payment_missing',
    'open_violations', 'open_renovation') is a StateError, bad input a ValidationError."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __new__(cls, estate: Estate, policy: Optional[DecorationPolicy] = None) -> Decorations:
        """An empty register for `estate` under `policy` (default:
        `DecorationPolicy.default()`), money at the estate's scale."""
    @staticmethod
    def from_json(text: str) -> Decorations:
        """Restore a register saved with `to_json`, exactly: every renovation's log is
        replayed through the operations; the first contradiction raises ValidationError
        ('inconsistent_document', 'event_out_of_order', … naming the record)."""
    def to_json(self) -> str:
        """The document as JSON; `from_json` reads it back unchanged."""
    @staticmethod
    def label(kind: _DecorationEnum, value: str, lang: _Lang = "zh-CN") -> str:
        """The label of an enum's wire name in `lang`, e.g. `label("state",
        "deposit_settled")` is "押金已结算"; an unknown value raises ValidationError
        ('unknown_value', path 'value')."""
    @property
    def estate_id(self) -> str: ...
    @property
    def policy(self) -> DecorationPolicy: ...
    @property
    def renovations(self) -> list[Renovation]:
        """Every renovation, in the order submitted."""
    def renovation(self, renovation_id: str) -> Optional[Renovation]:
        """The renovation with this id, or None."""
    def open_for(self, unit_id: str) -> Optional[Renovation]:
        """The unit's open renovation (any state but rejected and closed), or None."""
    def submit(
        self,
        estate: Estate,
        registry: Registry,
        application: Submission,
        *,
        actor: str,
        role: _DecorationRole,
        at: datetime.datetime,
    ) -> Renovation:
        """Submit an application. The applicant must be able to consent for the unit on
        the local date of `at` (the registry's may_consent: 'no_consent',
        'unknown_person', … at 'applicant_id'); a prohibited scope item
        ('prohibited_scope', 'scope[i]') or a missing document ('missing_document',
        'documents') is refused; one open renovation per unit (StateError
        'open_renovation'). The same application again changes nothing."""
    def approve(
        self, renovation_id: str, estate: Estate, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> list[FeeLine]:
        """Approve an application (a manager): bills the policy's one-off fees and asks
        for the deposit. Returns the fee lines."""
    def reject(
        self, renovation_id: str, reason: str, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Reject an application, with the reason (a manager)."""
    def charge_rows(self, renovation_id: str) -> list[_ChargeRow]:
        """The approved fees as rows for `Receivables.post_charges` (ref
        `{renovation id}/{fee code}`; posting twice posts once). StateError before approval."""
    def record_fees_paid(
        self, renovation_id: str, receipt: str, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Record the fees paid, with the receipt number (finance)."""
    def record_deposit(
        self,
        renovation_id: str,
        amount: _DecimalLike,
        receipt: str,
        *,
        actor: str,
        role: _DecorationRole,
        at: datetime.datetime,
    ) -> Renovation:
        """Record the deposit received (the amount asked: another is 'mismatch' at
        'amount'), with the receipt number (finance). The deposit is a liability, not a fee."""
    def start_works(
        self, renovation_id: str, estate: Estate, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> _StatusChange:
        """Start the works (StateError 'payment_missing' before the fees and deposit,
        ValidationError 'out_of_range' at 'at' before the planned start). Returns the
        unit's change to 'decorating' for `Estate.updated(status_changes=[...])`."""
    def suspend(
        self, renovation_id: str, reason: str, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Suspend the works for rectification (停工整改), with the reason."""
    def resume(self, renovation_id: str, *, actor: str, role: _DecorationRole, at: datetime.datetime) -> Renovation:
        """Resume suspended works."""
    def extend(
        self,
        renovation_id: str,
        new_end: _DateLike,
        reason: str,
        *,
        actor: str,
        role: _DecorationRole,
        at: datetime.datetime,
    ) -> Renovation:
        """Extend the works' permitted end (延期) to `new_end`, with the reason (a manager)."""
    def report_completion(
        self, renovation_id: str, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Record the owner's report that the works are complete."""
    def inspect(
        self,
        renovation_id: str,
        passed: bool,
        *,
        actor: str,
        role: _DecorationRole,
        at: datetime.datetime,
        note: Optional[str] = None,
    ) -> Optional[_StatusChange]:
        """The acceptance inspection (an engineer). Passed: the change restoring the
        unit's status and occupants before the works; failed: None. StateError
        'open_violations' while a violation is open."""
    def record_violation(
        self,
        renovation_id: str,
        code: str,
        liable: _Liable,
        *,
        actor: str,
        role: _DecorationRole,
        at: datetime.datetime,
        amount: Optional[_DecimalLike] = None,
        note: Optional[str] = None,
    ) -> Violation:
        """Record a violation found at a site check (`amount` required for a range or an
        assessed violation; for a fixed one absent or equal to it)."""
    def record_site_check(
        self, renovation_id: str, findings: str, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Record a site check (巡查) and what it found; a violation found is recorded with
        `record_violation`."""
    def rectify_violation(
        self, renovation_id: str, violation_id: str, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Record a violation rectified."""
    def return_passes(
        self, renovation_id: str, passes: list[str], *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Record workers' passes returned (returning one twice changes nothing)."""
    def settle_deposit(
        self,
        renovation_id: str,
        book: Optional[Receivables] = None,
        *,
        actor: str,
        role: _DecorationRole,
        at: datetime.datetime,
    ) -> Settlement:
        """Settle the deposit of an accepted renovation (finance): refund = deposit −
        deductions, never below zero; with `book`, the renovation's fee charges still
        owed are deducted. StateError before acceptance."""
    def shortfall_charge(self, renovation_id: str) -> Optional[_ChargeRow]:
        """The owner's part of the shortfall as a row for `Receivables.post_charges`
        (ref `{renovation id}/deposit_shortfall`), or None. StateError before settlement."""
    def close(
        self, renovation_id: str, receipt: str, *, actor: str, role: _DecorationRole, at: datetime.datetime
    ) -> Renovation:
        """Record the refund paid, with its reference; the renovation is closed (finance)."""
    def work_check(self, unit_id: str, at: datetime.datetime, noisy: bool) -> WorkCheck:
        """May (noisy) work go on in this unit at `at`? The policy's hours, and the unit's
        renovation: none going on is 'no_permit', suspended is 'suspended'."""
    def overdue(self, as_of: datetime.datetime) -> list[Overdue]:
        """Every deadline passed at `as_of`, by renovation (in the order submitted), then kind."""
    def statistics(self, as_of: datetime.datetime) -> DecorationStats:
        """The statistics at `as_of`."""
_OccupantRoleName = Literal["owner", "co_owner", "household_member", "tenant"]
_ConsentBasisName = Literal["owner", "co_owner", "tenant"]

class _PersonDict(TypedDict):
    """A person of a `Registry`: no ID number in clear (`id_ref` is a reference or
    `Registry.id_digest`)."""

    id: str
    name: str
    phones: list[str]
    email: Optional[str]
    id_ref: Optional[str]

# "from" is a Python keyword: the functional form of TypedDict.
_RoleDict = TypedDict(
    "_RoleDict",
    {
        "unit_id": str,
        "person_id": str,
        "role": _OccupantRoleName,
        "from": datetime.date,
        "to": Optional[datetime.date],
        "lease_start": Optional[datetime.date],
        "lease_end": Optional[datetime.date],
        "consent_ref": Optional[str],
    },
)

class _VehicleDict(TypedDict):
    """A vehicle of a `Registry` (plate normalised)."""

    plate: str
    person_id: str
    unit_id: str
    space: Optional[str]

_TransferDict = TypedDict(
    "_TransferDict",
    {
        "unit_id": str,
        "on": datetime.date,
        "from": list[str],
        "to": list[str],
        "arrears_checked": Decimal,
    },
)

class _ConsentBasisDict(TypedDict):
    """Why a person may consent for a unit (`Registry.may_consent`)."""

    basis: _ConsentBasisName
    consent_ref: Optional[str]

@final
class Registry:
    """The occupant registry of one estate (客户档案): persons, their roles on units
    (owner, co_owner, household_member, tenant), vehicles and ownership transfers,
    validated, with JSON that restores exactly. No ID number in clear: a person's
    `id_ref` is a reference or `Registry.id_digest(key, number)`."""

    def __new__(cls, estate_id: str) -> Registry:
        """An empty registry of the estate `estate_id`."""
    @staticmethod
    def from_json(text: str) -> Registry:
        """Reads and validates a registry document; errors name the record
        (`persons[3].id`, `roles[2].from`, ...)."""
    def to_json(self) -> str:
        """The registry as JSON (format_version 1)."""
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle and `copy` through the JSON form."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def estate_id(self) -> str:
        """The estate's id."""
    def validate_against(self, estate: Estate) -> None:
        """Checks the registry against its estate: the same estate id (`mismatch` at
        `estate_id`), every unit named by a role, vehicle or transfer in the estate
        (`unknown_unit` at e.g. `roles[2].unit_id`)."""
    def add_person(self, person: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> None:
        """Adds a person, given as a dict and/or keyword arguments: `id`, `name`,
        `phones` (list of str), `email`, `id_ref`. An `id_ref` that looks like an
        18-digit ID number is refused (`clear_id_number`)."""
    def add_role(self, role: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> None:
        """Adds a role (a move-in), given as a dict and/or keyword arguments: `unit_id`,
        `person_id`, `role` ("owner", "co_owner", "household_member", "tenant"),
        `from` (`from_=` as a keyword), `to`, and for a tenant `lease_start`,
        `lease_end` and `consent_ref` (the owner's written consent)."""
    def add_vehicle(self, vehicle: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> None:
        """Adds a vehicle, given as a dict and/or keyword arguments: `plate` (normalised:
        trimmed, uppercase, no inner spaces), `person_id`, `unit_id`, `space`."""
    def person(self, id: str) -> Optional[_PersonDict]:
        """The person with this id (a dict), or None."""
    def persons(self) -> list[_PersonDict]:
        """Every person, in the order added."""
    def roles(self) -> list[_RoleDict]:
        """Every role, in the order added."""
    def vehicles(self) -> list[_VehicleDict]:
        """Every vehicle, in the order added."""
    def transfers(self) -> list[_TransferDict]:
        """Every ownership transfer, in the order recorded."""
    def occupants(self, unit_id: str, on: _DateLike) -> list[_RoleDict]:
        """The roles on `unit_id` that cover the day `on`, in the order added."""
    def may_consent(self, unit_id: str, person_id: str, on: _DateLike) -> _ConsentBasisDict:
        """Whether `person_id` may consent for `unit_id` on `on`: `{"basis": "owner" |
        "co_owner" | "tenant", "consent_ref": str | None}` (a tenant's is the owner's
        written consent). Raises StateError `no_consent` (a household member, a tenant
        without consent, a role ended, no role) or ValidationError `unknown_person`."""
    def move_out(self, unit_id: str, person_id: str, on: _DateLike) -> None:
        """`person_id` moves out of `unit_id` on `on` (their last day): their household and
        tenant roles covering the day end on it. Ownership ends by `transfer`, not a
        move-out (StateError `not_occupant`)."""
    def transfer(
        self,
        unit_id: str,
        to: list[str],
        on: _DateLike,
        *,
        book: Optional[Receivables] = None,
        arrears: Union[Decimal, int, str, None] = None,
    ) -> _TransferDict:
        """Transfers the ownership of `unit_id` (过户) on `on` to the persons `to` (the
        first the owner, the others co-owners), once the arrears are zero: checked
        against `book` (a Receivables: principal and penalty outstanding on `on`) or
        the plain amount `arrears` (exactly one of the two). The owners' roles end the
        day before; tenants' consent references lapse. Returns the transfer recorded;
        the same transfer again returns the recorded one. StateError
        `arrears_outstanding` / `conflicting_transfer`."""
    @staticmethod
    def id_digest(key: bytes, id_number: str) -> str:
        """The keyed digest of an identity number for a person's `id_ref`:
        "hmac-sha256:" and 64 hex digits, HMAC-SHA256 with `key` (bytes, not empty) of
        the number trimmed with a final x uppercased. An 18-digit PRC ID number must
        have the GB 11643 check digit (ValidationError `invalid_id_number`)."""

def registry_id_digest(key: bytes, id_number: str) -> str:
    """The keyed digest of an identity number for a person's `id_ref` (the same as
    `Registry.id_digest`): "hmac-sha256:" and 64 hex digits, HMAC-SHA256 with `key`
    (bytes, not empty) of the number trimmed with a final x uppercased. An 18-digit PRC
    ID number must have the GB 11643 check digit (ValidationError `invalid_id_number`)."""

# ---- key custody (钥匙管理) ----------------------------------------------------------

_KeySetKindName = Literal["public_room", "vacant_unit", "entrusted"]
_KeyStatusName = Literal["received", "in_custody", "out", "lost", "handed_over", "destroyed"]
_PartyName = Literal["owner", "tenant", "staff", "contractor"]

class _OwnerAuthorisation(TypedDict):
    by: Literal["owner"]
    person_id: str

class _ManagerAuthorisation(TypedDict):
    by: Literal["manager"]
    name: str

_Authorisation = Union[_OwnerAuthorisation, _ManagerAuthorisation]

@final
class KeyPolicy:
    """The office's rules for keys: the lock replacement cost (换锁费), days from a
    loss to its charge's due date, the estate's UTC offset in minutes."""
    def __new__(
        cls, lock_replacement: _DecimalLike, *, charge_due_days: int = 15, utc_offset_minutes: int = 480
    ) -> KeyPolicy:
        """A policy with this lock replacement cost; charges due in 15 days, Beijing time
        (480) unless given."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def lock_replacement(self) -> Decimal:
        """What replacing a lock costs, unless the key set says otherwise."""
    @property
    def charge_due_days(self) -> int:
        """Days from a loss to the due date of its charge."""
    @property
    def utc_offset_minutes(self) -> int:
        """The estate's offset from UTC, in minutes (local days and due times)."""

@final
class KeySetInput:
    """A key set as registered: what it opens, its slot in the cabinet, its keys."""
    def __new__(
        cls,
        id: str,
        kind: _KeySetKindName,
        name: str,
        slot: str,
        count: int,
        *,
        unit_id: Optional[str] = None,
        lock_replacement: Optional[_DecimalLike] = None,
    ) -> KeySetInput:
        """A key set of `kind` ("public_room", "vacant_unit", "entrusted"); `unit_id` for
        a unit's keys."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """The set's id (its tag)."""
    @property
    def kind(self) -> _KeySetKindName:
        """"public_room", "vacant_unit" or "entrusted"."""
    @property
    def name(self) -> str:
        """The room or unit, as staff call it."""
    @property
    def unit_id(self) -> Optional[str]:
        """The unit (a unit's keys), or None."""
    @property
    def slot(self) -> str:
        """The slot in the cabinet (钥匙柜位置)."""
    @property
    def count(self) -> int:
        """The keys in the set."""
    @property
    def lock_replacement(self) -> Optional[Decimal]:
        """This lock's replacement cost, when not the policy's."""

@final
class LoanInput:
    """A loan as requested at the counter."""
    def __new__(
        cls,
        id: str,
        key_set_id: str,
        borrower: str,
        party: _PartyName,
        authorisation: _Authorisation,
        reason: str,
        count: int,
        *,
        id_checked: bool,
        unit_id: Optional[str] = None,
        due: Optional[datetime.datetime] = None,
    ) -> LoanInput:
        """A loan: `party` "owner" | "tenant" | "staff" | "contractor"; `authorisation`
        `{"by": "owner", "person_id": ...}` (a unit's keys: checked in the occupant
        registry) or `{"by": "manager", "name": ...}` (public rooms, vacant units);
        `due` by default the end of the local day."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """The loan's id (the register's form number)."""
    @property
    def key_set_id(self) -> str:
        """The key set."""
    @property
    def borrower(self) -> str:
        """Who takes the keys."""
    @property
    def party(self) -> _PartyName:
        """"owner", "tenant", "staff" or "contractor"."""
    @property
    def unit_id(self) -> Optional[str]:
        """The unit a loss is charged to (by default the key set's unit)."""
    @property
    def id_checked(self) -> bool:
        """The borrower's identity document was checked (查验证件)."""
    @property
    def reason(self) -> str:
        """Why."""
    @property
    def count(self) -> int:
        """Keys taken."""
    @property
    def due(self) -> Optional[datetime.datetime]:
        """When they are due back (None: the end of the local day)."""
    @property
    def authorisation(self) -> _Authorisation:
        """`{"by": "owner", "person_id": ...}` or `{"by": "manager", "name": ...}`."""

@final
class KeySet:
    """A key set and where it is now."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """The set's id."""
    @property
    def input(self) -> KeySetInput:
        """As registered."""
    @property
    def status(self) -> _KeyStatusName:
        """"received", "in_custody", "out", "lost", "handed_over" or "destroyed"."""
    @property
    def count(self) -> int:
        """The keys it has now (registered, plus duplicates, less losses)."""
    @property
    def duplicates(self) -> int:
        """Duplicates cut since the lock was fitted."""
    @property
    def loan_id(self) -> Optional[str]:
        """The open loan, when out."""
    @property
    def handed_to(self) -> Optional[str]:
        """Who received it, when handed over."""

@final
class Loan:
    """A loan: as requested, when out and back."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """The loan's id."""
    @property
    def key_set_id(self) -> str:
        """The key set."""
    @property
    def input(self) -> LoanInput:
        """As requested (its `due` filled in)."""
    @property
    def out_at(self) -> datetime.datetime:
        """When the keys went out (UTC)."""
    @property
    def issued_by(self) -> str:
        """Who issued them."""
    @property
    def due(self) -> datetime.datetime:
        """When they are due back (UTC)."""
    @property
    def returned_at(self) -> Optional[datetime.datetime]:
        """When they came back."""
    @property
    def returned(self) -> Optional[int]:
        """How many came back."""

@final
class Loss:
    """Keys lost: a lock to replace at the responsible party's cost."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """`LOSS-1`, `LOSS-2`, … in the order recorded."""
    @property
    def key_set_id(self) -> str:
        """The key set."""
    @property
    def loan_id(self) -> Optional[str]:
        """The loan it was lost on (None: lost from the cabinet)."""
    @property
    def missing(self) -> int:
        """Keys missing."""
    @property
    def party(self) -> _PartyName:
        """"owner", "tenant", "staff" or "contractor"."""
    @property
    def responsible(self) -> str:
        """Who lost them."""
    @property
    def unit_id(self) -> Optional[str]:
        """The unit charged (an owner's or tenant's loss)."""
    @property
    def amount(self) -> Decimal:
        """The lock replacement charged or claimed."""
    @property
    def at(self) -> datetime.datetime:
        """When recorded (UTC)."""
    @property
    def replaced_at(self) -> Optional[datetime.datetime]:
        """When the lock was replaced."""
    @property
    def is_claim(self) -> bool:
        """A claim against staff or a contractor (not a charge on a unit)."""

@final
class StockLine:
    """One key set's line of a stock-take."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def key_set_id(self) -> str:
        """The key set."""
    @property
    def slot(self) -> str:
        """Its slot."""
    @property
    def expected(self) -> int:
        """Keys that should be in the cabinet (less those out on loan)."""
    @property
    def counted(self) -> Optional[int]:
        """Keys counted (None: not counted)."""
    @property
    def difference(self) -> Optional[int]:
        """Counted − expected (None: not counted)."""

@final
class StockTake:
    """A stock-take (盘点): every set that should be in the cabinet, and the differences."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def at(self) -> datetime.datetime:
        """When (UTC)."""
    @property
    def by(self) -> str:
        """Who counted."""
    @property
    def lines(self) -> list[StockLine]:
        """One line per set expected in or counted from the cabinet, by set id."""
    @property
    def differences(self) -> list[StockLine]:
        """The lines whose count differs from the record."""
    @property
    def not_counted(self) -> list[StockLine]:
        """The lines not counted."""

@final
class KeyRegister:
    """The key cabinet of an estate (钥匙管理): key sets (public rooms, vacant units, units
    entrusted by owners), loans with identity and authorisation, losses charged to the
    responsible party, hand-over at check-in, stock-takes; replayed from its events, so
    its JSON restores exactly. Retrying an operation changes nothing."""
    def __new__(cls, estate_id: str, policy: KeyPolicy) -> KeyRegister:
        """An empty register of the estate `estate_id` under `policy`."""
    @staticmethod
    def from_json(text: str) -> KeyRegister:
        """Reads a saved register, replaying its events; errors name the first bad event
        (`events[4].action.loan.id_checked`)."""
    def to_json(self) -> str:
        """The document as JSON; `from_json` reads it back unchanged."""
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle and `copy` through the JSON form: `(Cls.from_json, (self.to_json(),))`."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def estate_id(self) -> str:
        """The estate's id."""
    @property
    def policy(self) -> KeyPolicy:
        """The office's rules."""
    @property
    def event_count(self) -> int:
        """The number of events recorded."""
    @property
    def key_sets(self) -> list[KeySet]:
        """Every key set, in the order registered."""
    @property
    def loans(self) -> list[Loan]:
        """Every loan, in the order made."""
    @property
    def losses(self) -> list[Loss]:
        """Every loss, in the order recorded."""
    @property
    def claims(self) -> list[Loss]:
        """The losses claimed from staff or contractors."""
    @property
    def stock_takes(self) -> list[StockTake]:
        """Every stock-take, in order."""
    def key_set(self, id: str) -> Optional[KeySet]:
        """The key set with this id, or None."""
    def loan(self, id: str) -> Optional[Loan]:
        """The loan with this id, or None."""
    def overdue(self, as_of: datetime.datetime) -> list[Loan]:
        """The loans still out and past their due time at `as_of`."""
    def loss_charge(self, loss_id: str) -> Optional[dict[str, Any]]:
        """The charge of a loss for the unit (the dict `Receivables.post_charges` reads,
        item code "lock_replacement", reference "LOSS-1/lock_replacement"), or None for a
        claim or a loss of nothing. ValidationError `unknown_reference` at `loss_id`."""
    def register(self, estate: Estate, key_set: KeySetInput, *, actor: str, at: datetime.datetime) -> KeySet:
        """Registers a key set of a unit or room of `estate` (a vacant unit's: received;
        others: in custody). The same registration again is a retry."""
    def take_into_custody(self, key_set_id: str, counted: int, *, actor: str, at: datetime.datetime) -> KeySet:
        """Counts received keys into the cabinet (`mismatch` at `counted` when the count
        differs)."""
    def lend(
        self, loan: LoanInput, registry: Optional[Registry] = None, *, actor: str, at: datetime.datetime
    ) -> Loan:
        """Lends keys. An owner's authorisation for a unit's keys is checked in `registry`
        (StateError `no_consent` at `authorisation.person_id` without it or when the
        person may not consent); `not_authorised` (a plant room needs a manager, the
        identity must be checked), `key_state` (out already). The same loan again is a
        retry."""
    def return_loan(self, loan_id: str, count: int, *, actor: str, at: datetime.datetime) -> Loan:
        """Keys back from a loan: fewer than lent records a loss (charged to the unit when
        an owner or tenant lost them, claimed from staff or a contractor)."""
    def report_lost(
        self, key_set_id: str, missing: int, party: _PartyName, responsible: str, *, actor: str, at: datetime.datetime
    ) -> Loss:
        """Keys missing from the cabinet, lost by `responsible` as `party`."""
    def replace_lock(self, key_set_id: str, count: int, *, actor: str, at: datetime.datetime) -> KeySet:
        """A new lock fitted with `count` keys: the set's open losses are settled."""
    def add_duplicates(self, key_set_id: str, count: int, *, actor: str, at: datetime.datetime) -> KeySet:
        """Duplicates cut (配钥匙)."""
    def hand_over(self, key_set_id: str, checklist: Checklist, *, actor: str, at: datetime.datetime) -> KeySet:
        """A vacant unit's keys handed to its owner by `checklist`'s key-handover item,
        whose count must match the set's (`mismatch` at `keys`)."""
    def destroy(self, key_set_id: str, reason: str, *, actor: str, at: datetime.datetime) -> KeySet:
        """A set retired."""
    def stock_take(self, counts: dict[str, int], *, actor: str, at: datetime.datetime) -> StockTake:
        """A stock-take of `counts` (key set id → keys found): one line per set expected in
        or counted from the cabinet."""

# ---- goods release (物品放行) ----------------------------------------------------------

_ArrearsRuleName = Literal["warn", "block"]
_ReasonName = Literal["move_out", "debris", "repair", "other"]
_PermitStateName = Literal["requested", "approved", "refused", "used", "expired"]

@final
class ReleasePolicy:
    """The office's rules for goods release: arrears "warn" (the default: withholding
    an owner's goods for a debt is legally risky) or "block"; the estate's UTC
    offset in minutes."""
    def __new__(cls, arrears: _ArrearsRuleName = "warn", *, utc_offset_minutes: int = 480) -> ReleasePolicy:
        """A policy: arrears "warn" (default) or "block"; Beijing time (480) by default."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def arrears(self) -> _ArrearsRuleName:
        """"warn" or "block"."""
    @property
    def utc_offset_minutes(self) -> int:
        """The estate's offset from UTC, in minutes (the permit's day and hours)."""

@final
class PermitRequest:
    """A permit as requested: the unit, the applicant (a person of the occupant
    registry), the items, the plate, the day and hours, the reason."""
    def __new__(
        cls,
        id: str,
        unit_id: str,
        applicant: str,
        items: Iterable[tuple[str, int]],
        pass_date: _DateLike,
        reason: _ReasonName,
        *,
        id_ref: Optional[str] = None,
        plate: Optional[str] = None,
        window: Optional[tuple[datetime.time, datetime.time]] = None,
        whole_unit: bool = False,
    ) -> PermitRequest:
        """A permit request; `items` a list of `(name, quantity)` pairs; `reason`
        "move_out" | "debris" | "repair" | "other"; `window` `(start, end)` local times."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """The permit's number."""
    @property
    def unit_id(self) -> str:
        """The unit the goods leave."""
    @property
    def applicant(self) -> str:
        """The applicant's person id in the occupant registry."""
    @property
    def id_ref(self) -> Optional[str]:
        """The applicant's identity reference (never a clear ID number)."""
    @property
    def items(self) -> list[tuple[str, int]]:
        """`(name, quantity)` pairs, in order."""
    @property
    def plate(self) -> Optional[str]:
        """The vehicle's plate (normalised once requested), or None."""
    @property
    def pass_date(self) -> datetime.date:
        """The day the permit is valid (local)."""
    @property
    def window(self) -> Optional[tuple[datetime.time, datetime.time]]:
        """The local hours `(start, end)` it is valid, or None (all day)."""
    @property
    def reason(self) -> _ReasonName:
        """"move_out", "debris", "repair" or "other"."""
    @property
    def whole_unit(self) -> bool:
        """A whole unit's move-out (starts the move-out formalities)."""

@final
class Permit:
    """A permit and where it stands."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """The permit's number."""
    @property
    def request(self) -> PermitRequest:
        """As requested (its plate normalised)."""
    @property
    def state(self) -> _PermitStateName:
        """"requested", "approved", "refused", "used" or "expired" (as recorded;
        `GoodsRelease.state_at` tells expiry)."""
    @property
    def may_consent(self) -> bool:
        """Whether the applicant could consent for the unit on the request's day."""
    @property
    def arrears(self) -> Decimal:
        """The unit's arrears at the request (principal and penalty)."""
    @property
    def warnings(self) -> list[str]:
        """Warnings for the approver (arrears owed)."""
    @property
    def requested_at(self) -> datetime.datetime:
        """When requested (UTC)."""
    @property
    def approved_by(self) -> Optional[str]:
        """Who approved it."""
    @property
    def consent_by(self) -> Optional[str]:
        """The person who consented for an applicant who may not."""
    @property
    def refused_reason(self) -> Optional[str]:
        """Why it was refused."""
    @property
    def used_at(self) -> Optional[datetime.datetime]:
        """When the goods went out (UTC)."""
    @property
    def verified_by(self) -> Optional[str]:
        """The guard who checked them."""

@final
class GoodsRelease:
    """The goods-release register of an estate (物品放行): permits requested with the
    registry's consent and the book's arrears, approved or refused, checked once at
    the gate on their day and in their hours; replayed from its events, so its JSON
    restores exactly. Retrying an operation changes nothing."""
    def __new__(cls, estate_id: str, policy: Optional[ReleasePolicy] = None) -> GoodsRelease:
        """An empty register of the estate `estate_id` (the default policy: arrears warn,
        Beijing time)."""
    @staticmethod
    def from_json(text: str) -> GoodsRelease:
        """Reads a saved register, replaying its events; errors name the first bad event
        (`events[1].action.permit_id`)."""
    def to_json(self) -> str:
        """The document as JSON; `from_json` reads it back unchanged."""
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle and `copy` through the JSON form: `(Cls.from_json, (self.to_json(),))`."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def estate_id(self) -> str:
        """The estate's id."""
    @property
    def policy(self) -> ReleasePolicy:
        """The office's rules."""
    @property
    def event_count(self) -> int:
        """The number of events recorded."""
    @property
    def permits(self) -> list[Permit]:
        """Every permit, in the order requested."""
    def permit(self, permit_id: str) -> Optional[Permit]:
        """The permit with this id, or None."""
    def state_at(self, permit_id: str, at: datetime.datetime) -> _PermitStateName:
        """The permit's state at `at`: "expired" once its day has passed unused."""
    def used_on(self, day: _DateLike) -> list[Permit]:
        """The permits used on the local day `day`, in the order they went out."""
    def request(
        self,
        permit: PermitRequest,
        registry: Registry,
        *,
        book: Optional[Receivables] = None,
        arrears: Union[Decimal, int, str, None] = None,
        actor: str,
        at: datetime.datetime,
    ) -> Permit:
        """Requests a permit. The applicant must be a person of `registry`; whether they
        may consent for the unit is recorded. The unit's arrears are checked against
        `book` (a Receivables: principal and penalty outstanding on the request's day)
        or the plain amount `arrears` (exactly one of the two): a warning under the
        default policy, StateError `arrears_outstanding` under "block". The same request
        again is a retry."""
    def approve(
        self, permit_id: str, registry: Registry, *, consent_by: Optional[str] = None, actor: str, at: datetime.datetime
    ) -> Permit:
        """Approves a requested permit. An applicant who may not consent needs
        `consent_by`, a person who may (checked in `registry`; StateError `no_consent`
        at `consent_by`)."""
    def refuse(self, permit_id: str, reason: str, *, actor: str, at: datetime.datetime) -> Permit:
        """Refuses a requested permit, with the reason."""
    def verify(
        self,
        permit_id: str,
        items: Iterable[tuple[str, int]],
        *,
        plate: Optional[str] = None,
        actor: str,
        at: datetime.datetime,
    ) -> Permit:
        """The guard's check at the gate: on the permit's day and in its hours (StateError
        `outside_window`), the plate matching, no item beyond the permit's count
        (ValidationError `mismatch` at `plate`, `items[2].name`, `items[1].quantity`).
        Once: the same check again is a retry, another is `permit_state`."""
    def start_move_out(self, permit_id: str, template: CheckinTemplate, registry: Registry) -> Checklist:
        """Starts the move-out formalities of a whole unit's permit on `template`
        (`CheckinTemplate.default_move_out()`): a Checklist of the unit for its owner
        in `registry`, on the permit's day; completing it as "delivered" empties the unit
        with its final readings. ValidationError `missing_value` at `whole_unit`."""


# ---- owner surveys (业主意见调查) ----------------------------------------------------------

_SurveyKind = Literal["satisfaction", "opinion", "vote"]
_SurveyState = Literal["draft", "published", "collecting", "closed"]
_Dimension = Literal["service", "security", "cleaning", "greening", "repairs", "fees", "activities"]
_SurveyEnum = Literal["kind", "state", "dimension"]
# An answer's value: an int (a scale's score, 1–5), a list of option codes (a choice),
# or a str (a text).
_AnswerValue = Union[int, list[str], str]

@final
class QuestionKind:
    """What a question asks for: a 5-point scale about a dimension, a choice among
    options, or free text (`QuestionKind.scale(...)`, `.choice(...)`, `.text()`)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @staticmethod
    def scale(dimension: _Dimension, department: Optional[str] = None) -> QuestionKind:
        """A 5-point scale (5 非常满意 … 1 非常不满意) about `dimension`, answerable by
        `department` (default: the survey's owner of the dimension)."""
    @staticmethod
    def choice(options: list[str], multiple: bool = False) -> QuestionKind:
        """A choice among `options` (codes), several allowed when `multiple`."""
    @staticmethod
    def text() -> QuestionKind:
        """Free text."""
    @property
    def type(self) -> Literal["scale", "choice", "text"]:
        """"scale", "choice" or "text"."""
    @property
    def dimension(self) -> Optional[_Dimension]:
        """A scale's dimension; None otherwise."""
    @property
    def department(self) -> Optional[str]:
        """A scale's answerable department (default: the survey's owner of the
        dimension); None otherwise."""
    @property
    def options(self) -> list[str]:
        """A choice's option codes; empty otherwise."""
    @property
    def multiple(self) -> bool:
        """Whether a choice takes several options; False otherwise."""

@final
class Question:
    """A question of a survey: its code (unique in the survey), its text in Chinese and
    English, its kind, and whether a valid response must answer it."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __new__(cls, code: str, text_zh: str, text_en: str, kind: QuestionKind, *, required: bool = True) -> Question:
        """A question (checked when the survey is made: 'empty_field', 'duplicate_id')."""
    @staticmethod
    def scale(code: str, text_zh: str, text_en: str, dimension: _Dimension) -> Question:
        """A required 5-point question about `dimension` (the core's `Question::scale`)."""
    @property
    def code(self) -> str: ...
    @property
    def text_zh(self) -> str: ...
    @property
    def text_en(self) -> str: ...
    @property
    def kind(self) -> QuestionKind: ...
    @property
    def required(self) -> bool:
        """Whether a valid response must answer it."""

@final
class Answer:
    """One answer of a response: the question's code and the value (an int score 1–5,
    a list of option codes, or a text)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __new__(cls, question: str, value: _AnswerValue) -> Answer:
        """An answer to `question`: `value` an int (a scale's score, 1–5), a list of str
        (a choice's options) or a str (a text)."""
    @property
    def question(self) -> str: ...
    @property
    def value(self) -> _AnswerValue:
        """The value: an int (a score), a list of str (choices) or a str (a text)."""

@final
class Response:
    """A unit's response: who answered (a person the occupant registry has on the unit
    that day), when, and the answers."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __new__(cls, unit_id: str, person_id: str, at: datetime.datetime, answers: list[Answer]) -> Response:
        """A response of `unit_id` by `person_id` at `at` (timezone-aware)."""
    @property
    def unit_id(self) -> str: ...
    @property
    def person_id(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def answers(self) -> list[Answer]: ...

@final
class Breakdown:
    """Counts and rates of one group of scale answers (a dimension, a building, a
    department)."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def key(self) -> str:
        """The dimension's wire name, the building id or the department."""
    @property
    def answers(self) -> int:
        """Scale answers."""
    @property
    def satisfied(self) -> int:
        """Of them, in the top boxes."""
    @property
    def satisfaction(self) -> Optional[Decimal]:
        """satisfied ÷ answers, 4 decimals (None without answers)."""
    @property
    def mean_score(self) -> Optional[Decimal]:
        """Mean score, 2 decimals (None without answers)."""

@final
class ChoiceCount:
    """How often an option of a choice question was chosen."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def question(self) -> str:
        """The question's code."""
    @property
    def option(self) -> str:
        """The option."""
    @property
    def count(self) -> int:
        """Valid responses choosing it."""

@final
class Rectification:
    """A dimension below the target: a rectification action for its owner."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def dimension(self) -> _Dimension:
        """The dimension's wire name."""
    @property
    def owner(self) -> str:
        """Who must act (the survey's owner of the dimension)."""
    @property
    def satisfaction(self) -> Decimal:
        """The dimension's satisfaction."""
    @property
    def target(self) -> Decimal:
        """The target it missed."""
    @property
    def deadline(self) -> Optional[datetime.date]:
        """The local date to act by: the close + the survey's rectification days
        (None before the survey closes)."""

@final
class Trend:
    """The change against the previous period's results."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def previous_survey(self) -> str:
        """The previous survey's id."""
    @property
    def previous_satisfaction(self) -> Optional[Decimal]:
        """Its satisfaction."""
    @property
    def satisfaction_change(self) -> Optional[Decimal]:
        """This one's minus the previous one's (4 decimals), when both exist."""
    @property
    def mean_score_change(self) -> list[tuple[_Dimension, Decimal]]:
        """Mean score change by dimension (2 decimals), for dimensions in both:
        [(dimension, change), ...] in declaration order."""

@final
class SurveyResults:
    """The results of a survey (`Survey.results`): responses, `survey_satisfaction`
    against the target, breakdowns, choice counts, trend and rectifications."""
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def survey_id(self) -> str:
        """The survey's id."""
    @property
    def distributed(self) -> int:
        """Units it was distributed to."""
    @property
    def valid(self) -> int:
        """Valid responses (one per unit)."""
    @property
    def response_rate(self) -> Optional[Decimal]:
        """valid ÷ distributed, 4 decimals (None without a population)."""
    @property
    def scale_answers(self) -> int:
        """Scale answers over every scale question."""
    @property
    def satisfied(self) -> int:
        """Of them, in the top boxes."""
    @property
    def survey_satisfaction(self) -> Optional[Decimal]:
        """`survey_satisfaction`: satisfied ÷ scale answers, 4 decimals (None without
        answers). Not the return-visit satisfaction of tickets."""
    @property
    def target(self) -> Decimal:
        """The target."""
    @property
    def target_met(self) -> bool:
        """Whether the satisfaction reaches the target."""
    @property
    def by_dimension(self) -> list[Breakdown]:
        """By dimension, in declaration order (dimensions asked only)."""
    @property
    def by_building(self) -> list[Breakdown]:
        """By building, in id order."""
    @property
    def by_department(self) -> list[Breakdown]:
        """By answerable department, in name order."""
    @property
    def choices(self) -> list[ChoiceCount]:
        """Choice counts, by question, then most chosen first (ties in option order)."""
    @property
    def trend(self) -> Optional[Trend]:
        """Against the previous period, when given."""
    @property
    def rectifications(self) -> list[Rectification]:
        """Dimensions below the target, in declaration order."""

@final
class Survey:
    """An owner survey (业主意见调查): satisfaction, opinion or vote, of a period (a
    quarter by default), with its questions; draft → published (the population, every
    delivered unit, is fixed) → collecting → closed; one valid response per unit, by a
    person the occupant registry has on the unit that day. Instants (`at`) are
    timezone-aware datetimes (naive ones raise ValidationError 'naive_datetime'); what
    the survey's state does not allow ('survey_state', 'duplicate_response',
    'not_an_occupant') is a StateError, bad input a ValidationError."""
    def __reduce__(self) -> tuple[Any, tuple[str]]: ...
    def __eq__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __new__(
        cls,
        id: str,
        kind: _SurveyKind,
        title: str,
        period_start: _DateLike,
        period_end: _DateLike,
        questions: list[Question],
    ) -> Survey:
        """A draft survey for the period `period_start`–`period_end`, with the defaults:
        top-2 boxes, a 0.95 target, 30 days to rectify, the default owner of each
        dimension (客服部, 秩序维护部, 环境部, 工程部, 财务部), Beijing time."""
    @staticmethod
    def from_json(text: str) -> Survey:
        """Read a survey document (as `to_json` writes it): definition, state and
        responses must agree; the first contradiction raises ValidationError naming the
        field (e.g. 'not_in_population' at 'responses[0].unit_id')."""
    def to_json(self) -> str:
        """The document as JSON; `from_json` reads it back unchanged."""
    @staticmethod
    def quarter(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
        """The first and last day of a quarter (1–4) of `year`; ValidationError
        'out_of_range' at 'quarter' otherwise. The same as `survey_quarter`."""
    @staticmethod
    def label(kind: _SurveyEnum, value: str, lang: _Lang = "zh-CN") -> str:
        """The label of an enum's wire name in `lang`, e.g. `label("dimension",
        "cleaning")` is "保洁"; an unknown value raises ValidationError
        ('unknown_value', path 'value')."""
    def set_top_boxes(self, top_boxes: int) -> None:
        """With the top boxes that count as satisfied (1–4; 2: 满意 and 非常满意).
        ValidationError 'out_of_range' at 'top_boxes'; StateError after publication."""
    def set_target(self, target: _DecimalLike) -> None:
        """With the satisfaction target, a fraction in (0, 1] (e.g. Decimal("0.90")).
        ValidationError 'out_of_range' at 'target'; StateError after publication."""
    def set_owner(self, dimension: _Dimension, owner: str) -> None:
        """With the owner of a dimension's rectification. ValidationError 'empty_field'
        at 'owner'; StateError after publication."""
    def publish(self, estate: Estate, at: datetime.datetime) -> None:
        """Publish the survey: its population becomes every delivered unit of `estate`
        (unsold units are left out). StateError 'survey_state' unless a draft."""
    def start_collecting(self, at: datetime.datetime) -> None:
        """Open the collection of responses. StateError unless published."""
    def close(self, at: datetime.datetime) -> None:
        """Close the survey: its results are final. StateError unless collecting."""
    def respond(self, registry: Registry, response: Response) -> bool:
        """Record a unit's response; True when recorded, False for a retry of the same
        response (nothing changes). Another response of the unit is StateError
        'duplicate_response'; a unit outside the population ValidationError
        'not_in_population'; a person not on the unit that day StateError
        'not_an_occupant'."""
    def results(self, previous: Optional[SurveyResults] = None) -> SurveyResults:
        """The results so far (final once closed), against the previous period's
        results when given."""
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> _SurveyKind:
        """"satisfaction", "opinion" or "vote"."""
    @property
    def title(self) -> str: ...
    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        """(first day, last day) of the period."""
    @property
    def questions(self) -> list[Question]: ...
    @property
    def state(self) -> _SurveyState:
        """"draft", "published", "collecting" or "closed"."""
    @property
    def population(self) -> list[str]:
        """The units it was distributed to, in id order (empty while a draft)."""
    @property
    def responses(self) -> list[Response]:
        """The valid responses, in the order recorded."""
    @property
    def top_boxes(self) -> int:
        """The top boxes of the scale counted as satisfied (2: 满意 and 非常满意)."""
    @property
    def target(self) -> Decimal:
        """The satisfaction target (0.95 by default)."""

def survey_quarter(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a quarter (1–4) of `year` (the same as
    `Survey.quarter`); ValidationError 'out_of_range' at 'quarter' otherwise."""
# ---- patrol rounds (巡查) and the building log (巡楼记录): estatekit::patrols

_CheckpointKind = Literal["environment", "equipment", "decoration_site", "security"]
_Timing = Literal["early", "on_time", "late", "missed"]
_TaskStatus = Literal["not_started", "in_progress", "completed", "overdue", "absent"]
_PatrolEnum = Literal["checkpoint_kind", "timing", "task_status"]
# A window going in: (start, end) local times, each a datetime.time or "HH:MM".
_WindowLike = tuple[Union[datetime.time, str], Union[datetime.time, str]]

class _PatrolTicket(TypedDict):
    """The ticket a finding becomes (`PatrolBook.finding_ticket`): the arguments of
    `TicketFlow(**ticket, category=..., urgency=..., department=..., receiver=...)`."""

    id: str
    unit: str
    channel: _Channel
    received_at: datetime.datetime
    reporter: str
    text: str
    kind: _TicketKind

@final
class Checkpoint:
    """A place a patrol checks: where, its building (for the building log), what kind
    ("environment", "equipment", "decoration_site", "security") and the items to
    check."""
    def __new__(
        cls, id: str, name: str, kind: _CheckpointKind, items: list[str], *, building_id: Optional[str] = None
    ) -> Checkpoint: ...
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def building_id(self) -> Optional[str]: ...
    @property
    def kind(self) -> _CheckpointKind:
        """"environment", "equipment", "decoration_site" or "security"."""
    @property
    def items(self) -> list[str]:
        """What to check (at least one item)."""

@final
class Recurrence:
    """When a plan's rounds happen: `Recurrence.daily()`, `Recurrence.alternate_days(start)`
    (every other day from `start`) or `Recurrence.weekdays(days)` (0 = Monday … 6 =
    Sunday; one day is weekly)."""

    @staticmethod
    def daily() -> Recurrence:
        """Every day."""
    @staticmethod
    def alternate_days(start: _DateLike) -> Recurrence:
        """Every other day, from `start`."""
    @staticmethod
    def weekdays(days: Iterable[int]) -> Recurrence:
        """Given weekdays (0 = Monday … 6 = Sunday); checked by `PatrolBook` (empty:
        `empty_field`, beyond 6: `out_of_range`)."""
    @property
    def kind(self) -> Literal["daily", "alternate_days", "weekdays"]:
        """"daily", "alternate_days" or "weekdays"."""
    @property
    def start(self) -> Optional[datetime.date]:
        """The first day of alternate days, else None."""
    @property
    def days(self) -> list[int]:
        """The weekdays (0 = Monday), else empty."""
    def on(self, day: _DateLike) -> bool:
        """Whether a round falls on the local day `day`."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Plan:
    """A patrol plan: a route of checkpoints, when (a `Recurrence` and windows of local
    time, one round per window), who patrols and who stands in."""
    def __new__(
        cls,
        id: str,
        route: list[str],
        recurrence: Recurrence,
        windows: list[_WindowLike],
        staff: str,
        *,
        deputy: Optional[str] = None,
    ) -> Plan: ...
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str: ...
    @property
    def route(self) -> list[str]:
        """The checkpoints' ids, in order."""
    @property
    def recurrence(self) -> Recurrence: ...
    @property
    def windows(self) -> list[_Window]:
        """One round per window: (start, end) local times, end exclusive."""
    @property
    def staff(self) -> str: ...
    @property
    def deputy(self) -> Optional[str]: ...

@final
class ItemResult:
    """An item's result at a visit: in order (`ok`) or not."""
    def __new__(cls, item: str, ok: bool) -> ItemResult: ...
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def item(self) -> str: ...
    @property
    def ok(self) -> bool: ...

@final
class Visit:
    """A visit to a checkpoint in a task: when, by whom, every item's result, and a
    note (required when an item is not OK)."""
    def __new__(
        cls, checkpoint_id: str, at: datetime.datetime, by: str, results: list[ItemResult], *, note: Optional[str] = None
    ) -> Visit: ...
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def checkpoint_id(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def by(self) -> str: ...
    @property
    def results(self) -> list[ItemResult]: ...
    @property
    def note(self) -> Optional[str]: ...

@final
class Task:
    """A round of a plan on a local day, in one window (a copy; the `PatrolBook` holding
    it records its visits)."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """`{plan}/{date}/{window index}`."""
    @property
    def plan_id(self) -> str: ...
    @property
    def date(self) -> datetime.date:
        """The local day."""
    @property
    def window(self) -> _Window:
        """(start, end) local times, end exclusive."""
    @property
    def staff(self) -> str: ...
    @property
    def deputy(self) -> Optional[str]: ...
    @property
    def visits(self) -> list[Visit]:
        """The visits, in time order."""

@final
class Finding:
    """An abnormal finding: a line of the building log, and a ticket to follow
    (`PatrolBook.finding_ticket`)."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def id(self) -> str:
        """"F1", "F2", … in the order found."""
    @property
    def task_id(self) -> str: ...
    @property
    def checkpoint_id(self) -> str: ...
    @property
    def building_id(self) -> Optional[str]: ...
    @property
    def at(self) -> datetime.datetime:
        """When found."""
    @property
    def by(self) -> str:
        """Who found it."""
    @property
    def failed(self) -> list[str]:
        """The items not OK."""
    @property
    def note(self) -> str: ...
    @property
    def closed_at(self) -> Optional[datetime.datetime]:
        """When closed (rectified), or None."""

@final
class PatrolStats:
    """Statistics of a group of tasks whose window has ended (`PatrolBook.statistics`)."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the core values are equal."""
    __hash__: ClassVar[None]  # type: ignore[assignment]
    @property
    def key(self) -> str:
        """The route's plan, or the person ("" for the whole book)."""
    @property
    def tasks(self) -> int:
        """Tasks whose window has ended."""
    @property
    def completed(self) -> int:
        """Of them, completed."""
    @property
    def absent(self) -> int:
        """Of them, absent."""
    @property
    def completion_rate(self) -> Optional[Decimal]:
        """completed ÷ tasks, 4 decimals; None without tasks."""
    @property
    def visits(self) -> int:
        """Visits in those tasks."""
    @property
    def on_time(self) -> int:
        """Of them, on time."""
    @property
    def on_time_rate(self) -> Optional[Decimal]:
        """on_time ÷ visits, 4 decimals; None without visits."""
    @property
    def missed_points(self) -> int:
        """Checkpoints missed."""
    @property
    def findings(self) -> int:
        """Findings."""
    @property
    def findings_closed(self) -> int:
        """Of them, closed."""
    @property
    def mean_closure_hours(self) -> Optional[Decimal]:
        """Mean hours from finding to closure (2 decimals) of the closed ones, or None."""

@final
class PatrolBook:
    """A patrol book (巡查记录): checkpoints, plans, the tasks generated from them and the
    findings of their visits, local time at a fixed UTC offset. Instants are
    timezone-aware datetimes (naive ones raise ValidationError 'naive_datetime'); errors
    carry the core's code and path: a checkpoint visited twice in a task or a finding
    closed twice ('already_done') is a StateError, bad input a ValidationError."""
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle and `copy` through the JSON form: `(Cls.from_json, (self.to_json(),))`."""
    def __eq__(self, other: object, /) -> bool:
        """Equal when the books are (definition, tasks, visits and findings)."""
    __hash__: ClassVar[None]  # type: ignore[assignment]

    def __new__(cls, checkpoints: list[Checkpoint], plans: list[Plan], *, utc_offset_minutes: int) -> PatrolBook:
        """A book of checkpoints and plans, local time at `utc_offset_minutes` (Beijing:
        480). ValidationError: 'empty_field', 'duplicate_id', 'unknown_reference' (a
        route's checkpoint, path 'plans[i].route[j]'), 'out_of_range' (a window that does
        not end after it starts, a weekday beyond 6, an offset beyond ±18 hours)."""
    @staticmethod
    def from_json(text: str) -> PatrolBook:
        """Read a patrol book saved with `to_json`: the definition is validated, and
        every task and finding must agree with it; ValidationError naming the first
        contradiction."""
    def to_json(self) -> str:
        """The document as JSON; `from_json` reads it back unchanged."""
    @staticmethod
    def label(kind: _PatrolEnum, value: str, lang: _Lang = "zh-CN") -> str:
        """The label of an enum's wire name in `lang`, e.g. `label("task_status",
        "absent")` is "缺勤"; an unknown value raises ValidationError ('unknown_value',
        path 'value')."""
    @property
    def checkpoints(self) -> list[Checkpoint]: ...
    @property
    def plans(self) -> list[Plan]: ...
    @property
    def tasks(self) -> list[Task]:
        """The tasks generated, by date, then plan, then window."""
    @property
    def findings(self) -> list[Finding]:
        """The findings, in the order found."""
    def generate(self, from_: _DateLike, to: _DateLike) -> int:
        """Generate the tasks of every plan for the local days `from_` to `to` inclusive
        (at most 366 days after `from_`: else 'out_of_range', path 'to'); existing tasks
        are kept. Returns the number of tasks added."""
    def record_visit(self, task_id: str, visit: Visit) -> Optional[Finding]:
        """Record a visit to a checkpoint of a task: every item has a result; an item not
        OK needs a note ('missing_value', path 'note') and opens a finding, returned.
        Visiting a checkpoint again in the task is StateError 'already_done'."""
    def finding_ticket(self, finding_id: str, classifier: TicketClassifier) -> tuple[_PatrolTicket, Classification]:
        """The ticket a finding becomes (channel 'patrol', no unit, received when found,
        reported by the patroller, text `{checkpoint}：{note}（未通过：{items}）`) and its
        classification: `TicketFlow(**ticket, category=c.category, urgency=c.urgency,
        department=c.department, receiver=...)`."""
    def close_finding(self, finding_id: str, at: datetime.datetime) -> None:
        """Record a finding closed (rectified): StateError 'already_done' when closed
        already; 'out_of_range' (path 'at') before the finding."""
    def building_log(self, building_id: str, day: _DateLike) -> list[str]:
        """The building log (巡楼记录) of a building for a local day: its findings in time
        order, as `HH:MM 检查点 by：items；note`."""
    def point_timings(self, task_id: str, as_of: datetime.datetime) -> list[tuple[str, Optional[_Timing]]]:
        """Each checkpoint of a task's route with its timing at `as_of` (None while it may
        still be visited)."""
    def task_status(self, task_id: str, as_of: datetime.datetime) -> _TaskStatus:
        """A task's status at `as_of`."""
    def statistics(self, as_of: datetime.datetime) -> PatrolStats:
        """Statistics of every task whose window ended by `as_of` (key "")."""
    def statistics_by_route(self, as_of: datetime.datetime) -> list[PatrolStats]:
        """`statistics` per plan (route), in plan order (key: the plan's id)."""
    def statistics_by_person(self, as_of: datetime.datetime) -> list[PatrolStats]:
        """`statistics` per person assigned (the task's staff), in name order."""
