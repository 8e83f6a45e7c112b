"""The reference tables as the corpus generator needs them: ministers, measures, countries.

Read with the csv module from data/reference/ (the same files the pipeline reads), so
that every minister and measure a synthetic document names can be resolved by it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
FIRST_DAY, LAST_DAY = date(2001, 1, 1), date(2024, 12, 31)
COUNTRIES = (
    "Albania", "Vietnam", "Viet Nam", "Nigeria", "Romania", "China", "Eritrea", "Sudan",
    "Poland", "Slovakia", "India", "Lithuania", "Bulgaria", "Iraq", "Iran", "Afghanistan",
    "France", "Belgium", "Netherlands", "Hungary", "Ghana", "Uganda", "Thailand",
    "Philippines", "Pakistan", "Bangladesh", "Ethiopia", "Moldova", "Ukraine", "Latvia",
)  # fmt: skip


@dataclass(frozen=True)
class Minister:
    """One row of ministers.csv: a person in a post for a period."""

    person: str
    post: str
    department: str
    house: str
    start: date
    end: date  # LAST_DAY + 1 day when still in post
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Measure:
    """A measure's name and aliases, and the year it dates from (None when unknown)."""

    names: tuple[str, ...]
    year: int | None


@dataclass(frozen=True)
class Government:
    """One row of governments.csv."""

    label: str
    start: date
    end: date | None


@dataclass(frozen=True)
class World:
    """What documents may mention: the reference tables, read once."""

    ministers: tuple[Minister, ...]
    measures: tuple[Measure, ...]
    countries: tuple[str, ...]
    governments: tuple[Government, ...]


def _rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as dictionaries."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _aliases(cell: str) -> tuple[str, ...]:
    """A "; "-separated aliases cell as a tuple."""
    return tuple(a.strip() for a in cell.split(";") if a.strip())


def _minister(row: dict[str, str]) -> Minister:
    """A Minister from a ministers.csv row."""
    end = date.fromisoformat(row["end"]) if row["end"] else LAST_DAY + timedelta(days=1)
    return Minister(
        row["person"],
        row["post"],
        row["department"],
        row["house"],
        date.fromisoformat(row["start"]),
        end,
        _aliases(row["aliases"]),
    )


@lru_cache(maxsize=4)
def load_world(reference_dir: Path = REFERENCE_DIR) -> World:
    """Ministers, measures, countries and governments from the reference folder."""
    ministers = tuple(_minister(r) for r in _rows(reference_dir / "ministers.csv"))
    measures = tuple(
        Measure((r["name"], *_aliases(r["aliases"])), int(r["date"][:4]) if r["date"] else None)
        for r in _rows(reference_dir / "measures.csv")
    )
    known = {
        name
        for r in _rows(reference_dir / "countries.csv")
        for name in (r["name"], *_aliases(r["aliases"]))
    }
    countries = tuple(c for c in COUNTRIES if c in known) or tuple(sorted(known))
    governments = tuple(
        Government(
            r["label"],
            date.fromisoformat(r["start"]),
            date.fromisoformat(r["end"]) if r["end"] else None,
        )
        for r in _rows(reference_dir / "governments.csv")
    )
    return World(ministers, measures, countries, governments)
