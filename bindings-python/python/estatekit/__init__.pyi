from ._estatekit import Allocation as Allocation
from ._estatekit import Building as Building
from ._estatekit import Estate as Estate
from ._estatekit import EstateKitError as EstateKitError
from ._estatekit import EstateSummary as EstateSummary
from ._estatekit import Meter as Meter
from ._estatekit import Reading as Reading
from ._estatekit import RoundingPolicy as RoundingPolicy
from ._estatekit import Unit as Unit
from ._estatekit import ValidationError as ValidationError
from ._estatekit import __version__ as __version__
from ._estatekit import allocate as allocate
from ._estatekit import allocate_detailed as allocate_detailed

__all__ = [
    "Allocation",
    "Building",
    "Estate",
    "EstateKitError",
    "EstateSummary",
    "Meter",
    "Reading",
    "RoundingPolicy",
    "Unit",
    "ValidationError",
    "__version__",
    "allocate",
    "allocate_detailed",
]
