"""EstateKit: the customer-service rules of residential property management.

Exact money allocation and the estate model, computed by the same Rust core that the
Kotlin and Swift apps use. Money is always :class:`decimal.Decimal`; dates are
:class:`datetime.date` (a date argument also takes an ISO ``"YYYY-MM-DD"`` string).

>>> from decimal import Decimal
>>> import estatekit
>>> estatekit.allocate(Decimal("100"), [Decimal(1000), Decimal(500)])
[Decimal('66.67'), Decimal('33.33')]
"""

from ._estatekit import *  # noqa: F403  (the native module defines __all__)
from ._estatekit import __all__, __version__  # noqa: F401
