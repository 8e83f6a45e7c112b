"""What every view receives: the loaded data, the filters and the filtered events."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from app.data import Bundle
from app.filters import Filters
from app.state import Known


@dataclass
class Context:
    """The loaded bundle, the active filters, and the events they keep."""

    bundle: Bundle
    known: Known
    filters: Filters
    shown: pd.DataFrame
