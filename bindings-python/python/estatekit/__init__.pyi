from ._estatekit import *
from ._estatekit import __all__ as __all__
from ._estatekit import __version__ as __version__
