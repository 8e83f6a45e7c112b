"""Reference tables: the one place where facts about the world live.

Columns of each CSV in data/reference/:

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

Conventions and quirks:
- A minister's `end` is the last day in the post, which is often the day the
  successor started (Theresa May left the Home Office on 2016-07-13, the day
  Amber Rudd arrived). posts_at() gives both people the post on such a day;
  resolve() of a title alias ("the Home Secretary") gives the incoming holder.
- A government's `end` is the day before the next government's start, so every
  day maps to exactly one government.
- An alias is a title alias when it shares no word with the person's canonical
  name once honorifics are removed ("the Home Secretary" on Theresa May's row);
  otherwise it is a personal alias ("Mrs May").
- resolve() answers for ministers only; askers are found with member().
"""

from __future__ import annotations

import bisect
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.schema import HOUSES, MEASURE_KINDS, THEMES

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

# --- the contract: files (in hashing order), columns, vocabularies ----------

COLUMNS: dict[str, tuple[str, ...]] = {
    "governments": (
        "government_id",
        "label",
        "prime_minister",
        "parties",
        "start",
        "end",
        "source",
    ),
    "ministers": (
        "person",
        "aliases",
        "post",
        "department",
        "start",
        "end",
        "party",
        "house",
        "source",
    ),
    "members": ("person", "aliases", "constituency", "party", "house", "start", "end", "source"),
    "measures": (
        "measure_id",
        "name",
        "aliases",
        "kind",
        "theme",
        "date",
        "date_precision",
        "date_kind",
        "source",
    ),
    "milestones": (
        "milestone_id",
        "measure_id",
        "date",
        "date_precision",
        "date_kind",
        "label",
        "source",
    ),
    "countries": ("name", "aliases", "source"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "governments": ("government_id", "label", "prime_minister", "parties", "start", "source"),
    "ministers": ("person", "post", "department", "start", "party", "house", "source"),
    "members": ("person", "party", "house", "start", "source"),
    "measures": ("measure_id", "name", "kind", "theme", "source"),
    "milestones": ("milestone_id", "measure_id", "date", "date_precision", "date_kind", "source"),
    "countries": ("name", "source"),
}
PARTIES = (
    "Labour",
    "Conservative",
    "Liberal Democrat",
    "Scottish National Party",
    "Plaid Cymru",
    "Democratic Unionist Party",
    "Green",
    "Crossbench",
    "Non-affiliated",
    "Bishops",
    "Independent",
)
DATE_KINDS = (
    "passed",
    "published",
    "launched",
    "in force",
    "signed",
    "ratified",
    "adopted",
    "established",
    "announced",
)
DATE_PATTERNS = {
    "year": re.compile(r"\d{4}"),
    "month": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
}
ISO_DAY = DATE_PATTERNS["day"]
# Seniority of a post: the first pattern found in the folded post wins; lower ranks first.
SENIORITY: tuple[tuple[str, int], ...] = (
    ("parliamentary under-secretary", 3),
    ("parliamentary secretary", 3),
    ("prime minister", 0),
    ("minister of state", 2),
    ("secretary of state", 1),
    ("home secretary", 1),
    ("foreign secretary", 1),
    ("lord chancellor", 1),
)
OTHER_RANK = 4
# Words that do not identify a person: an alias sharing only these with the name is a title.
NAME_STOPWORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
        "baroness",
        "baron",
        "rt",
        "hon",
        "mp",
        "kc",
        "qc",
    ]
)
_FAR_FUTURE = date(9999, 12, 31)


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
class _Tenure:
    """One row of ministers.csv as a title alias sees it."""

    person: str
    start: date
    end: date


@dataclass(frozen=True)
class _Index:
    """Lookups built once per Reference: dicts keyed by folded alias, sorted date lists."""

    titles: dict[str, tuple[_Tenure, ...]]
    personal: dict[str, frozenset[str]]
    posts: dict[str, tuple[Post, ...]]
    members: dict[str, tuple[int, ...]]
    government_starts: tuple[date, ...]
    government_ends: tuple[date, ...]
    government_labels: tuple[str, ...]
    held: dict[tuple[str, date], tuple[Post, ...]] = field(default_factory=dict)  # posts_at memo


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
        on = _day(on)
        starts = _index(self).government_starts
        i = bisect.bisect_right(starts, on) - 1
        if i < 0:
            return None
        row = self.governments.iloc[i]
        return row if on <= _end(row["end"]) else None

    def government_label_at(self, on: date) -> str:
        """The label of the government in office on `on`, "" outside the table (no pandas)."""
        index = _index(self)
        on = _day(on)
        i = bisect.bisect_right(index.government_starts, on) - 1
        return index.government_labels[i] if i >= 0 and on <= index.government_ends[i] else ""

    def posts_at(self, person: str, on: date) -> list[Post]:
        """Every post `person` (canonical name) held on `on`, most senior first."""
        on = _day(on)
        index = _index(self)
        key = (person, on)
        if key not in index.held:
            held = [p for p in index.posts.get(person, ()) if p.start <= on <= _end(p.end)]
            index.held[key] = tuple(
                sorted(held, key=lambda p: (seniority(p.post), -p.start.toordinal(), p.post))
            )
        return list(index.held[key])

    def resolve(self, name: str, on: date | None) -> list[str]:
        """Canonical persons that `name` can mean on `on`.

        `name` is matched case-insensitively against aliases and canonical names
        after folding whitespace and punctuation ("Mr. Green" == "Mr Green").
        Personal aliases match whoever carries them, preferring people in office
        on `on`; title aliases ("the Home Secretary") match the holder on `on`.
        Empty when nobody matches; more than one when it stays ambiguous.
        """
        index = _index(self)
        key = fold(name)
        on = None if on is None else _day(on)
        found = _title_holders(index.titles.get(key, ()), on)
        people = index.personal.get(key, frozenset())
        if on is not None:
            in_office = {p for p in people if self._in_office(p, on)}
            people = in_office or people
        return sorted(found | people)

    def member(self, name: str, on: date | None) -> pd.Series | None:
        """The members.csv row for an asker named `name`, or None."""
        rows = [self.members.iloc[i] for i in _index(self).members.get(fold(name), ())]
        if on is not None:
            on = _day(on)
            rows = [r for r in rows if r["start"] <= on <= _end(r["end"])] or rows
        if len({r["person"] for r in rows}) != 1:
            return None
        return max(rows, key=lambda r: r["start"])

    def _in_office(self, person: str, on: date) -> bool:
        """Whether `person` held any post on `on`."""
        return any(p.start <= on <= _end(p.end) for p in _index(self).posts.get(person, ()))


# --- small helpers ------------------------------------------------------------


def fold(text: str) -> str:
    """The matching form of a name: lower case, no full stops, single spaces."""
    text = text.replace("’", "'").replace(".", " ")
    return " ".join(text.casefold().split())


def seniority(post: str) -> int:
    """Rank of a post title: 0 Prime Minister, 1 Secretary of State, 2 Minister of State, ..."""
    folded = fold(post)
    return next((rank for pattern, rank in SENIORITY if pattern in folded), OTHER_RANK)


def split_aliases(cell: str) -> list[str]:
    """The '; '-separated aliases in a cell, stripped, without blanks."""
    return [a.strip() for a in cell.split(";") if a.strip()]


def is_title_alias(alias: str, person: str) -> bool:
    """Whether `alias` names a post rather than `person` (it shares no name word)."""
    name_words = set(fold(person).split()) - NAME_STOPWORDS
    return not name_words & set(fold(alias).split())


def _end(value: date | None) -> date:
    """An end date, with an open end read as the far future."""
    return _FAR_FUTURE if _blank(value) else value  # type: ignore[return-value]


def _blank(value: object) -> bool:
    """Whether a parsed date cell is empty (None or NaN)."""
    return value is None or (isinstance(value, float) and value != value)


def _day(on: date) -> date:
    """A plain date from a date, datetime or pandas Timestamp."""
    return on.date() if isinstance(on, datetime) else on


def _title_holders(tenures: tuple[_Tenure, ...], on: date | None) -> set[str]:
    """Holders of a title on `on` (all holders if undated); the incoming one on a handover day."""
    if on is None:
        return {t.person for t in tenures}
    holders = [t for t in tenures if t.start <= on <= t.end]
    staying = [t for t in holders if t.end != on]
    return {t.person for t in (staying or holders)}


# --- building the index ---------------------------------------------------------


def _index(ref: Reference) -> _Index:
    """The lookup index of `ref`, built on first use and kept on the object."""
    cached = ref.__dict__.get("_index")
    if cached is None:
        cached = _build_index(ref)
        object.__setattr__(ref, "_index", cached)
    return cached


def _build_index(ref: Reference) -> _Index:
    """Alias dicts, posts by person and government starts, from the checked frames."""
    titles: dict[str, list[_Tenure]] = defaultdict(list)
    personal: dict[str, set[str]] = defaultdict(set)
    posts: dict[str, list[Post]] = defaultdict(list)
    for row in ref.ministers.itertuples(index=False):
        posts[row.person].append(_post(row))
        personal[fold(row.person)].add(row.person)
        for alias in split_aliases(row.aliases):
            if is_title_alias(alias, row.person):
                titles[fold(alias)].append(_Tenure(row.person, row.start, _end(row.end)))
            else:
                personal[fold(alias)].add(row.person)
    members: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(ref.members.itertuples(index=False)):
        for alias in {fold(row.person), *map(fold, split_aliases(row.aliases))}:
            members[alias].append(i)
    return _Index(
        titles={k: tuple(v) for k, v in titles.items()},
        personal={k: frozenset(v) for k, v in personal.items()},
        posts={k: tuple(v) for k, v in posts.items()},
        members={k: tuple(v) for k, v in members.items()},
        government_starts=tuple(ref.governments["start"]),
        government_ends=tuple(_end(e) for e in ref.governments["end"]),
        government_labels=tuple(ref.governments["label"]),
    )


def _post(row: Any) -> Post:
    """A Post from a ministers row (a namedtuple from itertuples)."""
    values = {f.name: getattr(row, f.name) for f in fields(Post)}
    return Post(**{**values, "end": None if _blank(row.end) else row.end})


# --- reading and checking -------------------------------------------------------


def _files(directory: Path) -> dict[str, bytes]:
    """The bytes of each table present in `directory`, by table name."""
    paths = {name: Path(directory) / f"{name}.csv" for name in COLUMNS}
    return {name: path.read_bytes() for name, path in paths.items() if path.is_file()}


def _digest(files: dict[str, bytes]) -> str:
    """The hash of the tables' bytes that identifies a set of reference tables."""
    digest = hashlib.sha256()
    for name, data in files.items():
        digest.update(f"{name}.csv\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def reference_digest(directory: Path = DEFAULT_DIR) -> str:
    """What `load_reference(directory).sha256` would be, without parsing or checking the tables."""
    return _digest(_files(directory))


def load_reference(directory: Path = DEFAULT_DIR) -> Reference:
    """Read and check every table in `directory`; raise ReferenceDataError listing all problems."""
    directory = Path(directory)
    files = _files(directory)
    problems = [f"{name}.csv: file missing in {directory}" for name in COLUMNS if name not in files]
    raw = {name: _read(data) for name, data in files.items()}
    tables = {name: _check_table(name, frame, problems) for name, frame in raw.items()}
    problems += _consistency(tables)
    if problems:
        raise ReferenceDataError(
            f"{len(problems)} problem(s) in {directory}:\n- " + "\n- ".join(problems)
        )
    ref = Reference(**tables, sha256=_digest(files))
    _index(ref)
    return ref


def _read(data: bytes) -> pd.DataFrame:
    """A CSV's bytes as stripped strings, blanks as ''."""
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.apply(lambda col: col.str.strip())


def _check_table(name: str, frame: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """Check columns, blanks, dates and vocabularies of one table; return it with dates parsed."""
    missing = [c for c in COLUMNS[name] if c not in frame.columns]
    if missing:
        problems.append(f"{name}.csv: missing column(s) {', '.join(missing)}")
        frame = frame.assign(**{c: "" for c in missing})
    frame = frame[list(COLUMNS[name])]
    for column in REQUIRED[name]:
        problems += _rows(name, frame[column] == "", f"empty {column}")
    if "start" in frame.columns:
        frame = _parse_periods(name, frame, problems)
    for column, vocabulary in _VOCABULARIES.get(name, {}).items():
        bad = (frame[column] != "") & ~frame[column].isin(vocabulary)
        problems += _rows(name, bad, f"{column} not in {list(vocabulary)}")
    if name in ("measures", "milestones"):
        problems += _check_partial_dates(name, frame)
    return frame.reset_index(drop=True)


_VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "ministers": {"party": PARTIES, "house": HOUSES},
    "members": {"party": PARTIES, "house": HOUSES},
    "measures": {"kind": MEASURE_KINDS, "theme": THEMES, "date_kind": DATE_KINDS},
    "milestones": {"date_kind": DATE_KINDS},
}


def _rows(name: str, mask: pd.Series, what: str) -> list[str]:
    """One problem naming the CSV line numbers where `mask` holds, or none."""
    if not mask.any():
        return []
    lines = [str(i + 2) for i in mask[mask].index[:20]]
    return [f"{name}.csv line(s) {', '.join(lines)}: {what}"]


def _parse_periods(name: str, frame: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """Parse start/end (ISO days; end may be blank) and check start <= end."""
    start = frame["start"].map(_parse_day)
    end = frame["end"].map(_parse_day)
    problems += _rows(name, (frame["start"] != "") & start.isna(), "start is not a YYYY-MM-DD date")
    problems += _rows(name, (frame["end"] != "") & end.isna(), "end is not a YYYY-MM-DD date")
    both = start.notna() & end.notna()
    after = both & (start.where(both, date.min) > end.where(both, date.max))
    problems += _rows(name, after, "start after end")
    return frame.assign(start=start, end=end)


def _parse_day(text: str) -> date | None:
    """An ISO day, or None when blank or malformed."""
    if not ISO_DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _check_partial_dates(name: str, frame: pd.DataFrame) -> list[str]:
    """A measure or milestone date must be blank or match its precision (year/month/day)."""
    bad = []
    for value, precision in zip(frame["date"], frame["date_precision"], strict=True):
        pattern = DATE_PATTERNS.get(precision)
        if value == "" and precision == "":
            bad.append(False)
        elif pattern is None or not pattern.fullmatch(value):
            bad.append(True)
        else:
            bad.append(precision == "day" and _parse_day(value) is None)
    return _rows(
        name,
        pd.Series(bad, index=frame.index, dtype=bool),
        "date does not match its date_precision",
    )


def _consistency(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Cross-row and cross-table checks on the tables that could be read."""
    problems: list[str] = []
    if "governments" in tables:
        problems += _governments_chain(tables["governments"])
    if "ministers" in tables:
        problems += _overlapping_tenures(tables["ministers"])
    for name, key in UNIQUE_KEYS.items():
        if name in tables:
            column = tables[name][key]
            problems += _rows(name, column.duplicated() & (column != ""), f"duplicate {key}")
    if "measures" in tables and "milestones" in tables:
        unknown = ~tables["milestones"]["measure_id"].isin(set(tables["measures"]["measure_id"]))
        problems += _rows("milestones", unknown, "measure_id not in measures.csv")
    return problems


UNIQUE_KEYS = {
    "governments": "government_id",
    "measures": "measure_id",
    "milestones": "milestone_id",
}


def _governments_chain(gov: pd.DataFrame) -> list[str]:
    """Governments in start order, each ending the day before the next starts, last one open."""
    if gov["start"].isna().any():
        return []
    problems = []
    if list(gov["start"]) != sorted(gov["start"]):
        problems.append("governments.csv: rows are not in start order")
    ordered = gov.sort_values("start").reset_index()
    for this, nxt in zip(ordered.itertuples(), ordered.iloc[1:].itertuples(), strict=False):
        expected = nxt.start - timedelta(days=1)
        if _blank(this.end) or this.end != expected:
            kind = (
                "overlaps" if _blank(this.end) or this.end >= nxt.start else "leaves a gap before"
            )
            problems.append(
                f"governments.csv: {this.government_id} (end {this.end}) {kind} "
                f"{nxt.government_id} (start {nxt.start}); end must be {expected}"
            )
    if len(ordered) and not _blank(ordered.iloc[-1]["end"]):
        problems.append("governments.csv: the last government must have a blank end")
    return problems


def _overlapping_tenures(ministers: pd.DataFrame) -> list[str]:
    """No person holds the same post twice at once."""
    problems = []
    valid = ministers[ministers["start"].notna()]
    for (person, post), group in valid.groupby(["person", "post"]):
        spans = sorted((s, _end(e)) for s, e in zip(group["start"], group["end"], strict=True))
        for (_, end_a), (start_b, _) in zip(spans, spans[1:], strict=False):
            if start_b <= end_a:
                problems.append(f"ministers.csv: {person} holds {post!r} twice on {start_b}")
    return problems
