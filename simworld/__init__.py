"""simworld: populations of latent-conditioned users talking to conversational recommenders.

The public API is listed in ``__all__``; everything else is internal and may change.
"""

from __future__ import annotations

__version__ = "0.1.0"

from simworld.catalog import Catalog, Item
from simworld.errors import ConfigError, DataError, SimworldError
from simworld.records import TerminationReason

__all__ = [
    "Catalog",
    "ConfigError",
    "DataError",
    "Item",
    "SimworldError",
    "TerminationReason",
    "__version__",
]
