"""Briefing slides as data: what each slide says, built from the filtered events (no Streamlit).

The app's briefing view and the exported HTML deck both draw from `build_deck`, so a slide
reads the same on the projector and in the handout. Slide 1 is the title slide, slides
2..n+1 are the events in date order, and the last slide is the closing summary.

Dates are phrased as a person would say them, from the TIMEX3-like `date_value` and the
event's precision, status and basis: "22 March 2011", "March 2011", "spring 2011 (planned)",
"since July 2020", "2019/20" (a UK financial year), "the 1990s". Anything the phrasing rules
cannot read falls back to the event's start and end dates, never to an error. Strings here
are plain text: whoever renders them escapes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from app.filters import Filters, describe
from app.text import first_words

SEASON_NAMES = {"SP": "spring", "SU": "summer", "AU": "autumn", "FA": "autumn", "WI": "winter"}
QUARTER_NAMES = {"1": "first", "2": "second", "3": "third", "4": "fourth"}
BASIS_NOTES = {
    "explicit": "Date stated in the quote.",
    "relative": "“{text}”, read against the document's date ({doc_date}).",
    "document": "No date in the quote: the document's date is used.",
    "inferred": "The document is undated: its date was inferred. Treat with care.",
}
NO_THEME = "(no theme)"
QUOTE_MAX = 650  # characters a slide shows; longer quotes are cut at a word with " […]"
HEADLINE_WORDS = 12

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SEASON = re.compile(r"^(\d{4})-(SP|SU|AU|FA|WI)$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})$")


# --- dates as a person says them -----------------------------------------------------------


def day_phrase(day: date | datetime | pd.Timestamp) -> str:
    """ "22 March 2011" (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


def _part(value: str) -> tuple[str, str] | None:
    """One date value ("2011-03", "2011-SP", "199") as (phrase, precision); None if unread."""
    value = value.strip()
    try:
        if m := _DAY.match(value):
            return day_phrase(date(int(m[1]), int(m[2]), int(m[3]))), "day"
        if m := _MONTH.match(value):
            return f"{date(int(m[1]), int(m[2]), 1):%B %Y}", "month"
    except ValueError:  # 2011-13 or 2011-02-30
        return None
    if m := _SEASON.match(value):
        year, season = int(m[1]), SEASON_NAMES[m[2]]
        label = f"{year}/{(year + 1) % 100:02d}" if season == "winter" else str(year)
        return f"{season} {label}", "season"
    if m := _QUARTER.match(value):
        return f"the {QUARTER_NAMES[m[2]]} quarter of {m[1]}", "quarter"
    if m := _YEAR.match(value):
        return m[1], "year"
    if m := _DECADE.match(value):
        return f"the {m[1]}0s", "decade"
    return None


def _financial_year(left: str, right: str) -> str | None:
    """ "2019/20" when a span is exactly one UK financial year (1 April to 31 March)."""
    a, b = _DAY.match(left), _DAY.match(right)
    if not (a and b) or (a[2], a[3], b[2], b[3]) != ("04", "01", "03", "31"):
        return None
    if int(b[1]) != int(a[1]) + 1:
        return None
    return f"{a[1]}/{int(b[1]) % 100:02d}"


def _span_phrase(left: str, right: str) -> str | None:
    """ "2010 to 2015", "2–8 March 2020", "2019/20"; None if a side is unread."""
    fy = _financial_year(left, right)
    if fy:
        return fy
    a, b = _part(left), _part(right)
    if a is None or b is None:
        return None
    da, db = _DAY.match(left), _DAY.match(right)
    if da and db and da.group(1, 2) == db.group(1, 2):  # same month and year
        return f"{int(da[3])}–{b[0]}"
    return f"{a[0]} to {b[0]}"


def _from_dates(start: object, end: object) -> str:
    """A phrase from the start and end timestamps alone (the fallback)."""
    if start is None or pd.isna(start):
        return "undated"
    start = pd.Timestamp(start)
    end = start if end is None or pd.isna(end) else pd.Timestamp(end)
    if start.normalize() == end.normalize():
        return day_phrase(start)
    return f"{day_phrase(start)} to {day_phrase(end)}"


def spoken_date(
    value: str,
    precision: str = "",
    status: str = "past",
    basis: str = "explicit",
    start: object = None,
    end: object = None,
) -> str:
    """The event's date as a person would say it, with (planned), since ... or (inferred)."""
    value = str(value or "").strip()
    left, _, right = value.partition("/")
    if status == "ongoing" and right:
        first = _part(left)
        core = f"since {first[0]}" if first else f"since {_from_dates(start, None)}"
    elif right:
        core = _span_phrase(left, right) or _from_dates(start, end)
    else:
        part = _part(left)
        core = part[0] if part else _from_dates(start, end)
    if status == "planned":
        core += " (planned)"
    elif status == "ongoing" and not right:
        core += " (ongoing)"
    if basis == "inferred":
        core += " (date inferred)"
    return core


def basis_note(basis: str, date_text: str, doc_date: object) -> str:
    """One plain sentence on how the date was found."""
    when = "undated" if doc_date is None or pd.isna(doc_date) else day_phrase(doc_date)
    return BASIS_NOTES.get(str(basis), "").format(text=date_text, doc_date=when)


# --- slides --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """Where a quote comes from: document title, type, house and date."""

    title: str
    doc_type: str
    house: str
    doc_date: str

    def line(self) -> str:
        """ "Title — written answer, House of Commons, 22 March 2011"."""
        parts = [self.doc_type] if self.doc_type else []
        if self.house:
            parts.append(f"House of {self.house}")
        parts.append(self.doc_date)
        return f"{self.title} — {', '.join(parts)}"


@dataclass(frozen=True)
class EventSlide:
    """One event: when, what, who, the quote and its source."""

    number: int
    event_id: str
    when: str
    when_note: str
    headline: str
    kicker: str
    minister: str
    post: str
    quote: str
    shortened: bool
    citation: Citation
    position: float  # where the event sits on the briefing's strip, 0..1


@dataclass(frozen=True)
class TitleSlide:
    """The opening slide: what the briefing covers."""

    heading: str
    period: str
    filters: tuple[str, ...]
    n_events: int
    n_documents: int
    corpus: str


@dataclass(frozen=True)
class SummarySlide:
    """The closing slide: events per year and per theme."""

    number: int
    heading: str
    per_year: tuple[tuple[str, int], ...]
    per_theme: tuple[tuple[str, int], ...]
    n_events: int
    n_documents: int
    period: str


@dataclass(frozen=True)
class Deck:
    """Every slide of a briefing, plus the strip's year ticks."""

    title: TitleSlide
    events: tuple[EventSlide, ...]
    summary: SummarySlide
    ticks: tuple[tuple[float, str], ...]

    def __len__(self) -> int:
        """Title, one slide per event, summary."""
        return len(self.events) + 2

    def label(self, number: int) -> str:
        """A short label for slide `number` (1-based), for a jump list."""
        if number <= 1:
            return "1 · Title"
        if number >= len(self):
            return f"{len(self)} · Summary"
        slide = self.events[number - 2]
        return f"{number} · {slide.when} · {first_words(slide.headline, 8)}"


def doc_date_phrase(value: object) -> str:
    """The document's date as a day phrase, or "undated"."""
    return "undated" if value is None or pd.isna(value) else day_phrase(pd.Timestamp(value))


def _text(value: object) -> str:
    """A cell as a clean string ("" for missing)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def headline(row: pd.Series) -> str:
    """The measure; else the theme; else the first words of the quote."""
    theme = _text(row["theme"])
    return (
        _text(row["measure"])
        or theme[:1].upper() + theme[1:]
        or first_words(_text(row["sentence"]), HEADLINE_WORDS)
    )


def kicker(row: pd.Series) -> str:
    """The small label above a slide: the theme, or the document type if the theme heads it."""
    theme = _text(row["theme"])
    return theme if theme and _text(row["measure"]) else _text(row["doc_type"])


def citation(row: pd.Series) -> Citation:
    """The source of an event's quote."""
    return Citation(
        title=_text(row["doc_title"]) or "(untitled document)",
        doc_type=_text(row["doc_type"]),
        house=_text(row["house"]),
        doc_date=doc_date_phrase(row["doc_date"]),
    )


def strip_dates(events: pd.DataFrame) -> pd.Series:
    """Where each event sits on the strip: its start if ongoing, else its period's middle."""
    middle = events["date_start"] + (events["date_end"] - events["date_start"]) / 2
    ongoing = events["status"].astype("string") == "ongoing"
    return middle.where(~ongoing, events["date_start"])


def strip_bounds(events: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The strip's span: whole years around the briefing's events."""
    lo = pd.Timestamp(int(events["date_start"].min().year), 1, 1)
    hi = pd.Timestamp(int(events["date_end"].max().year) + 1, 1, 1)
    return lo, hi


def _fraction(when: pd.Timestamp, bounds: tuple[pd.Timestamp, pd.Timestamp]) -> float:
    """Where `when` falls between the bounds, 0..1."""
    lo, hi = bounds
    return min(max((when - lo) / (hi - lo), 0.0), 1.0)


def strip_ticks(bounds: tuple[pd.Timestamp, pd.Timestamp]) -> tuple[tuple[float, str], ...]:
    """Year labels for the strip, at most about a dozen."""
    first, last = bounds[0].year, bounds[1].year
    step = max(1, -(-(last - first) // 12))
    return tuple(
        (_fraction(pd.Timestamp(y, 1, 1), bounds), str(y)) for y in range(first, last + 1, step)
    )


def slide_quote(sentence: str, limit: int = QUOTE_MAX) -> tuple[str, bool]:
    """The quote with its whitespace tidied, cut at a word before `limit` (and whether it was)."""
    quote = " ".join(sentence.split())
    if len(quote) <= limit:
        return quote, False
    return quote[:limit].rsplit(" ", 1)[0] + " […]", True


def event_slide(row: pd.Series, number: int, position: float) -> EventSlide:
    """The slide for one event row."""
    quote, shortened = slide_quote(_text(row["sentence"]))
    return EventSlide(
        number=number,
        event_id=_text(row["event_id"]),
        when=spoken_date(
            _text(row["date_value"]),
            _text(row["precision"]),
            _text(row["status"]),
            _text(row["date_basis"]),
            row["date_start"],
            row["date_end"],
        ),
        when_note=basis_note(_text(row["date_basis"]), _text(row["date_text"]), row["doc_date"]),
        headline=headline(row),
        kicker=kicker(row),
        minister=_text(row["minister"]),
        post=_text(row["minister_post"]),
        quote=quote,
        shortened=shortened,
        citation=citation(row),
        position=position,
    )


def period_phrase(filters: Filters, events: pd.DataFrame) -> str:
    """ "2010 to 2015", plus the span the events actually cover."""
    lo, hi = filters.years
    chosen = str(lo) if lo == hi else f"{lo} to {hi}"
    if events.empty:
        return chosen
    first = day_phrase(events["date_start"].min())
    last = day_phrase(events["date_end"].max())
    return f"{chosen} (events dated {first} to {last})"


def corpus_phrase(build: dict, n_documents: int) -> str:
    """ "2,345 documents, built 2 January 2024" from build.json."""
    built = str(build.get("built_at", "") or "")
    try:
        when = day_phrase(datetime.fromisoformat(built.replace("Z", "+00:00")))
    except ValueError:
        when = "at an unknown date"
    total = build.get("n_documents", n_documents)
    return f"Corpus of {int(total):,} documents, built {when}"


def years_phrase(events: pd.DataFrame) -> str:
    """ "2008 to 2019": the years the events start and end in."""
    lo, hi = int(events["date_start"].min().year), int(events["date_end"].max().year)
    return str(lo) if lo == hi else f"{lo} to {hi}"


def title_slide(
    events: pd.DataFrame, filters: Filters, defaults: Filters, build: dict
) -> TitleSlide:
    """The opening slide."""
    return TitleSlide(
        heading="UK anti-trafficking policy: briefing",
        period=period_phrase(filters, events),
        filters=tuple(describe(filters, defaults)) or ("no filters: every minister and theme",),
        n_events=len(events),
        n_documents=int(events["doc_id"].nunique()) if len(events) else 0,
        corpus=corpus_phrase(build, 0),
    )


def per_year(events: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """Events per year of their start, every year in between included."""
    years = events["date_start"].dt.year
    counts = years.value_counts()
    return tuple(
        (str(y), int(counts.get(y, 0))) for y in range(int(years.min()), int(years.max()) + 1)
    )


def per_theme(events: pd.DataFrame) -> tuple[tuple[str, int], ...]:
    """Events per theme, most frequent first (ties by name)."""
    themes = events["theme"].astype("string").fillna("").replace("", NO_THEME)
    counts = themes.value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return tuple((str(k), int(v)) for k, v in ranked)


def summary_slide(events: pd.DataFrame, number: int, period: str) -> SummarySlide:
    """The closing slide."""
    return SummarySlide(
        number=number,
        heading="In summary",
        per_year=per_year(events),
        per_theme=per_theme(events),
        n_events=len(events),
        n_documents=int(events["doc_id"].nunique()),
        period=period,
    )


def build_deck(
    events: pd.DataFrame,
    filters: Filters,
    defaults: Filters,
    build: dict | None = None,
) -> Deck | None:
    """Every slide for the filtered events, in date order; None when there are none."""
    if events.empty:
        return None
    ordered = events.sort_values(["date_start", "date_end", "event_id"]).reset_index(drop=True)
    bounds = strip_bounds(ordered)
    positions = [_fraction(m, bounds) for m in strip_dates(ordered)]
    slides = tuple(
        event_slide(row, i + 2, positions[i]) for i, (_, row) in enumerate(ordered.iterrows())
    )
    title = title_slide(ordered, filters, defaults, build or {})
    return Deck(
        title=title,
        events=slides,
        summary=summary_slide(ordered, len(slides) + 2, years_phrase(ordered)),
        ticks=strip_ticks(bounds),
    )


def clamp_slide(number: int, n_slides: int) -> tuple[int, str]:
    """`number` moved into 1..n_slides, and a notice when it had to move."""
    if 1 <= number <= n_slides:
        return number, ""
    shown = min(max(number, 1), n_slides)
    return shown, (
        f"Slide {number} does not exist: this briefing has {n_slides} slides. "
        f"Showing slide {shown}."
    )
