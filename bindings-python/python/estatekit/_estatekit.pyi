"""Type stubs of the native module `estatekit._estatekit` (re-exported by `estatekit`)."""

import datetime
from decimal import Decimal
from typing import Any, Iterable, Literal, Mapping, Optional, Union, final

__version__: str
__all__ = [
    "EstateKitError",
    "ValidationError",
    "StateError",
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
    "late_penalties",
    "prorate",
    "pooled_split",
    "bill_estate",
    "PenaltyPolicy",
    "FeeSchedule",
    "BillingRun",
    "Bill",
    "BillLine",
    "PoolSummary",
    "Ledger",
    "Payment",
    "__version__",
]

_DecimalLike = Union[Decimal, int, str]
_RoundingName = Literal["half_up", "half_even", "down", "up"]
_UnitKindName = Literal["residential", "commercial", "parking", "storage"]
_UnitStatusName = Literal["unsold", "delivered", "occupied", "decorating", "rented"]
_MeterKindName = Literal["water", "electricity", "gas", "heating"]

class EstateKitError(Exception):
    """Base class of every error raised by EstateKit."""

class ValidationError(EstateKitError, ValueError):
    """Invalid input. `code` is a stable snake_case kind, `path` names the bad field."""

    code: str
    path: str

class StateError(EstateKitError):
    """An operation the current state does not allow. Carries `code` and `path`."""

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

@final
class Estate:
    """A validated estate (小区): buildings, units, meters and rounding policy."""

    @staticmethod
    def from_json(text: str) -> Estate:
        """Parse and validate estate JSON; ValidationError names the bad field's path."""
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

# ---- fees -------------------------------------------------------------------

_Lang = Literal["zh-CN", "zh", "en"]

def late_penalty(
    principal: _DecimalLike,
    due: datetime.date,
    as_of: datetime.date,
    *,
    daily_rate: _DecimalLike,
    grace_days: int = 0,
    cap: Optional[_DecimalLike] = None,
    count_from: Literal["due", "grace_end"] = "due",
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> Decimal:
    """Late penalty (违约金) as of `as_of`: days overdue = as_of - due; none while that is
    at most `grace_days`; then `count_from="due"` counts every overdue day and
    `"grace_end"` only the days after the grace. `cap` is a fraction of the principal.
    Simple interest, never compounding. 500.00, 30 days at 0.003 → 45.00."""

def late_penalties(
    items: Iterable[tuple[_DecimalLike, datetime.date]],
    as_of: datetime.date,
    *,
    daily_rate: _DecimalLike,
    grace_days: int = 0,
    cap: Optional[_DecimalLike] = None,
    count_from: Literal["due", "grace_end"] = "due",
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> list[Decimal]:
    """`late_penalty` for many (principal, due) items in one call, in order."""

def prorate(
    amount: _DecimalLike,
    period_start: datetime.date,
    period_end: datetime.date,
    service_start: datetime.date,
    service_end: datetime.date,
    *,
    convention: Literal["actual", "30/360"] = "actual",
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> Decimal:
    """`amount × service days ÷ period days`, all ranges inclusive. "30/360" counts every
    month as 30 days (day 31 as day 30; a whole year is 360 days)."""

def pooled_split(
    total: _DecimalLike,
    units: Iterable[Mapping[str, Any]],
    *,
    method: Literal["area", "usage", "equal", "occupants", "hybrid"],
    weights: Optional[Mapping[str, _DecimalLike]] = None,
    scale: int = 2,
    rounding: _RoundingName = "half_up",
) -> dict[str, Decimal]:
    """Split `total` among units (dicts with `id`, `area`, `usage`, `occupants`);
    the shares sum exactly to `total`. `weights` for "hybrid", e.g.
    {"occupants": Decimal("0.5"), "area": Decimal("0.5")}."""

def bill_estate(
    estate: Estate,
    schedule: FeeSchedule,
    year: int,
    month: int,
    *,
    pooled: Optional[Mapping[str, _DecimalLike]] = None,
    readings: Optional[Iterable[Mapping[str, Any]]] = None,
    meter_changes: Optional[Iterable[Mapping[str, Any]]] = None,
) -> BillingRun:
    """Bill every unit for a calendar month in one call. `pooled`: {item code: amount}
    for pooled items whose source is "given". `readings`: extra dicts with meter_id,
    date, value. `meter_changes`: dicts with meter_id and either
    replacement={"old_final", "new_initial"} or rollover={"wraps_at"}."""

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
    ) -> PenaltyPolicy: ...
    @property
    def daily_rate(self) -> Decimal: ...
    @property
    def grace_days(self) -> int: ...

@final
class FeeSchedule:
    """A validated, versioned fee schedule."""

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
    def period_start(self) -> datetime.date: ...
    @property
    def period_end(self) -> datetime.date: ...
    @property
    def currency(self) -> str: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def bills(self) -> list[Bill]: ...
    @property
    def pools(self) -> list[PoolSummary]: ...
    def bill(self, unit_id: str) -> Optional[Bill]: ...
    def to_records(self) -> list[dict[str, Any]]:
        """One dict per line, for pandas.DataFrame (Decimal amounts, date dates)."""
    def to_json(self) -> str: ...

@final
class Bill:
    """A unit's bill for the period."""

    @property
    def unit_id(self) -> str: ...
    @property
    def total(self) -> Decimal: ...
    @property
    def lines(self) -> list[BillLine]: ...
    def explain(self, lang: _Lang = "zh-CN") -> list[str]:
        """Every line as `name: explanation`, then the total."""

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

@final
class Ledger:
    """A unit's ledger: charges, payments, prepaid balance (预存款), penalties."""

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
    def set_low_balance_threshold(self, threshold: Optional[_DecimalLike]) -> None: ...
    @property
    def charges(self) -> list[tuple[str, str, datetime.date, Decimal, Decimal]]:
        """(id, item_code, due in force, principal, outstanding principal)."""
    def add_charge(
        self,
        id: str,
        item_code: str,
        due: datetime.date,
        amount: _DecimalLike,
        *,
        on: datetime.date,
        penalty: Optional[PenaltyPolicy] = None,
    ) -> None: ...
    def add_bill(self, bill: Bill, schedule: FeeSchedule, on: datetime.date) -> None: ...
    def pay(self, id: str, amount: _DecimalLike, date: datetime.date) -> Payment:
        """Oldest item first; penalty or principal first as configured; rest to prepaid.
        A zero or negative amount raises ValidationError and changes nothing."""
    def penalty(self, charge_id: str, as_of: datetime.date) -> Decimal: ...
    def waive(
        self, charge_id: str, *, reason: str, date: datetime.date, amount: Optional[_DecimalLike] = None
    ) -> Decimal: ...
    def defer(self, charge_id: str, new_due: datetime.date) -> None: ...
    def aging(self, as_of: datetime.date) -> dict[str, Decimal]:
        """Keys: not_due, 0-30, 31-60, 61-90, 90+."""
    def reminder(self, as_of: datetime.date) -> dict[str, Any]:
        """催交款通知书 data: unit_id, as_of, items, total_due, prepaid."""
    def collection_rate(self, start: datetime.date, end: datetime.date) -> Optional[Decimal]: ...
    def money_flow(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(paid, principal, penalty, prepaid): paid == principal + penalty + prepaid."""
