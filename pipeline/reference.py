"""Reference tables: the one place where facts about the world live.

CONTRACT STUB: the signatures and docstrings below are the agreed interface;
the bodies are being written (issue 3). Columns of each CSV in data/reference/:

governments.csv  government_id, label, prime_minister, parties, start, end, source
    label is what the app prints on a band ("Conservative–Liberal Democrat
    coalition"); parties is "; "-separated; end blank only for the government
    in office now. Periods cover 1997-05-02 .. today with no gap or overlap
    (a government's end is the day before the next one's start).
ministers.csv    person, aliases, post, department, start, end, party, house, source
    one row per person per post; aliases "; "-separated and include the
    person's own forms ("Damian Green; Mr Green") and the post's title forms
    that a document uses for whoever holds it ("Immigration Minister; the
    Minister for Immigration"); end blank if the post is held past 2024-12-31.
members.csv      person, aliases, constituency, party, house, start, end, source
    MPs and peers who appear as askers of questions, not as ministers.
measures.csv     measure_id, name, aliases, kind, theme, date, date_precision,
                 date_kind, source
    kind from schema.MEASURE_KINDS, theme from schema.THEMES, date ISO
    (YYYY, YYYY-MM or YYYY-MM-DD, matching date_precision year/month/day) or
    blank, date_kind one of passed, published, launched, in force, signed,
    ratified, adopted, established, announced.
milestones.csv   milestone_id, measure_id, date, date_precision, date_kind, label, source
    further dated steps of a measure (signature, ratification, opt-in decisions,
    annual reports); every measure_id exists in measures.csv.
countries.csv    name, aliases, source
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"


class ReferenceDataError(ValueError):
    """A reference table is missing, malformed or inconsistent (lists every problem)."""


@dataclass(frozen=True)
class Post:
    """One post held by one person over a period."""

    person: str
    post: str
    department: str
    start: date
    end: date | None
    party: str
    house: str
    source: str


@dataclass(frozen=True)
class Reference:
    """All reference tables, loaded and checked."""

    governments: pd.DataFrame
    ministers: pd.DataFrame
    members: pd.DataFrame
    measures: pd.DataFrame
    milestones: pd.DataFrame
    countries: pd.DataFrame
    sha256: str  # hash over every file's bytes, for cache invalidation

    def government_at(self, on: date) -> pd.Series | None:
        """The governments.csv row in office on `on`, or None outside the table."""
        raise NotImplementedError

    def posts_at(self, person: str, on: date) -> list[Post]:
        """Every post `person` (canonical name) held on `on`, most senior first."""
        raise NotImplementedError

    def resolve(self, name: str, on: date | None) -> list[str]:
        """Canonical persons that `name` can mean on `on`.

        `name` is matched case-insensitively against aliases and canonical names
        after folding whitespace and punctuation ("Mr. Green" == "Mr Green").
        Personal aliases match whoever carries them, preferring people in office
        on `on`; title aliases ("the Home Secretary") match the holder on `on`.
        Empty when nobody matches; more than one when it stays ambiguous.
        """
        raise NotImplementedError

    def member(self, name: str, on: date | None) -> pd.Series | None:
        """The members.csv row for an asker named `name`, or None."""
        raise NotImplementedError


def load_reference(directory: Path = DEFAULT_DIR) -> Reference:
    """Read and check every table in `directory`; raise ReferenceDataError listing all problems."""
    raise NotImplementedError
