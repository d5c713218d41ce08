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
