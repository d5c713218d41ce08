"""Type stubs of the native module `estatekit._estatekit` (re-exported by `estatekit`)."""

import datetime
from decimal import Decimal
from typing import Iterable, Literal, Optional, Union, final

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
    "TicketClassifier",
    "Classification",
    "Evidence",
    "BusinessCalendar",
    "SlaPolicy",
    "SlaStatus",
    "TicketFlow",
    "TicketEvent",
    "TicketStatistics",
    "ticket_statistics",
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

# ---- tickets ---------------------------------------------------------------------------
# Timestamps are timezone-aware datetime.datetime objects (returned in UTC).

_Channel = Literal["hotline", "front_desk", "app", "email", "forum", "contact_box", "patrol"]
_TicketKind = Literal["complaint", "repair_request", "consultation", "suggestion", "praise"]
_Urgency = Literal["emergency", "urgent", "normal"]
_Temperament = Literal["problem_solving", "venting", "expectation"]
_TicketState = Literal["received", "assigned", "in_progress", "paused", "resolved", "return_visited", "closed"]

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
    def department(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def evidence(self) -> list[Evidence]: ...

@final
class TicketClassifier:
    """Ticket classifier: built-in zh/en rules, optionally with a trained category model."""

    @staticmethod
    def default() -> TicketClassifier:
        """The built-in Chinese and English rules and routing table."""
    @staticmethod
    def from_rules(*rules: str, builtin: bool = True) -> TicketClassifier:
        """Built-in rules extended by rule-set JSON documents (or only these)."""
    @staticmethod
    def train(texts: list[str], labels: list[str], *, seed: int = 0, **options: float) -> TicketClassifier:
        """Learn a category model (options: c, epochs, tol, ngram_max, word_ngrams, buckets_bits, min_df, prune)."""
    @staticmethod
    def from_json(text: str) -> TicketClassifier:
        """Read a classifier (or a bare model) written by `to_json`."""
    def to_json(self) -> str:
        """The classifier (rules and model) as JSON."""
    def classify(self, text: str) -> Classification:
        """Classify one text."""
    def classify_batch(self, texts: list[str]) -> list[Classification]:
        """Classify many texts in one call (the GIL is released)."""
    def predict_batch(self, texts: list[str]) -> list[str]:
        """Only the category of each text (the model alone when trained), in one call."""
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
        holidays: list[datetime.date] = ...,
    ) -> BusinessCalendar:
        """Hours start-end ("HH:MM", local) on `days` (0 = Monday)."""
    def seconds_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Working seconds between two instants."""
    def add_seconds(self, start: datetime.datetime, seconds: int) -> datetime.datetime:
        """The instant `seconds` working seconds after `start`."""
    @property
    def utc_offset_minutes(self) -> int: ...
    @property
    def holidays(self) -> list[datetime.date]: ...

@final
class SlaPolicy:
    """Response and resolution targets by urgency and category; business or calendar time."""

    def __new__(cls, *, calendar: Optional[BusinessCalendar] = None) -> SlaPolicy: ...
    @staticmethod
    def from_json(text: str) -> SlaPolicy:
        """Parse a policy JSON document."""
    def to_json(self) -> str:
        """The policy as JSON."""
    def targets(self, urgency: _Urgency, category: str) -> tuple[int, int]:
        """(response_minutes, resolution_minutes)."""

@final
class SlaStatus:
    """Deadlines, time remaining (seconds, negative when overdue) and breaches."""

    @property
    def response_minutes(self) -> int: ...
    @property
    def resolution_minutes(self) -> int: ...
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
class TicketEvent:
    """One entry of a ticket's event log."""

    @property
    def at(self) -> datetime.datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def from_state(self) -> _TicketState: ...
    @property
    def to_state(self) -> _TicketState: ...
    @property
    def detail(self) -> str: ...

@final
class TicketFlow:
    """A ticket being handled: triage, state, owner (first-contact responsibility), event log."""

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
    ) -> TicketFlow: ...
    @staticmethod
    def from_json(text: str) -> TicketFlow:
        """Read a flow written by `to_json`."""
    def to_json(self) -> str:
        """The flow as JSON."""
    def assign(self, to: str, *, actor: str, at: datetime.datetime) -> _TicketState:
        """Hand the ticket to `to`, who then owns it."""
    def start(self, *, actor: str, at: datetime.datetime) -> _TicketState:
        """Start handling."""
    def pause(self, reason: str, *, actor: str, at: datetime.datetime) -> _TicketState:
        """Wait for the owner (stops the resolution clock)."""
    def resume(self, *, actor: str, at: datetime.datetime) -> _TicketState:
        """Continue after a pause."""
    def resolve(self, note: str, *, actor: str, at: datetime.datetime) -> _TicketState:
        """Mark as resolved."""
    def return_visit(self, satisfied: bool, note: str = ..., *, actor: str, at: datetime.datetime) -> _TicketState:
        """Record the return visit; unsatisfied reopens the ticket."""
    def close(self, *, actor: str, at: datetime.datetime) -> _TicketState:
        """Close the ticket."""
    def escalate(self, to: str, reason: str, *, actor: str, at: datetime.datetime) -> _TicketState:
        """Escalate to `to` (beyond the handler's authority)."""
    def sla(self, as_of: datetime.datetime, policy: Optional[SlaPolicy] = None) -> SlaStatus:
        """The SLA status as of `as_of`."""
    @property
    def id(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def channel(self) -> _Channel: ...
    @property
    def kind(self) -> _TicketKind: ...
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
    def meets_satisfaction_target(self) -> bool: ...
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
) -> TicketStatistics:
    """Statistics of the tickets received in [start, end); SLA as of `end`."""
