"""A column as codes into its distinct values, so that work is done per value, not per row.

The loader reads the pipeline's repeated columns (titles, ministers, themes, ...) as
categories, whose codes already index their values; other columns are factorized. Either
way a missing value and a blank one are the same value, "".
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def coded(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, labels): row i's value as text is `labels[codes[i]]` ("" when missing).

    Every code is a valid index of `labels`. A category column's labels are all its
    categories (some may be on no row, after filtering) and a last "" for its missing rows.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        labels = values.cat.categories.astype("string").fillna("").tolist() + [""]
        codes = values.cat.codes.to_numpy()
        return np.where(codes < 0, len(labels) - 1, codes), labels
    codes, uniques = pd.factorize(values.astype("string").fillna(""), use_na_sentinel=False)
    return codes, [str(u) for u in uniques]


def on_rows(codes: np.ndarray, labels: list[str]) -> np.ndarray:
    """Whether each label is the value of some row."""
    return np.bincount(codes, minlength=len(labels)) > 0
