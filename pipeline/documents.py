"""What a document is: its type, house, title, own date and the people who frame it.

Formats recognised (rules hold for any document of the kind, not one file):
- Hansard citations: "HC Deb 09 March 2004 vol 418 cc1457-9W" (Commons) and
  "HL Deb ... WA" (Lords). The column suffix gives the kind: W/WA written
  answers, WS written statements, WH Westminster Hall, none a debate. In the
  written-answer layout the asker's name stands on the line before "To ask"
  and the answering minister's on the line after the question.
- UK Parliament question pages: "(asked on 6th July 2022)", "Answered by"
  then the member's name, "This question was answered on 20th July 2022".
  "To ask Her/His Majesty's Government" is the Lords' form of a question.
- Written statements: a weekday date line ("Thursday 18th October 2012"), a
  "Written Statements" line and "The Minister for Immigration (Mr Mark Harper)".
- GOV.UK pages: a type line ("Press release", "News story", "Speech"), the
  title on the next line, "Published 22 March 2011", and for pages from an
  earlier government "This was published under the 2010 to 2015 ... government".
- Wire copy: "PRESS ASSOCIATION --", "(Reuters) -" and the like.
A document with none of these dates is left undated here; `build` may infer a
date from the measures it reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice

import dateparser

from pipeline.dates import MONTHS, extract_dates
from pipeline.patterns import lowered_twin, search_ignoring_case

_DAY = r"\d{1,2}(?:st|nd|rd|th)? [A-Z][a-z]+,? \d{4}"

# GOV.UK and similar type labels standing alone on a line near the top.
TYPE_LINES: dict[str, str] = {
    "press release": "press release",
    "news story": "news story",
    "speech": "speech",
    "oral statement to parliament": "speech",
    "written statement to parliament": "written statement",
    "written ministerial statement": "written statement",
    "written statements": "written statement",
    "written statement": "written statement",
    "written answers": "written answer",
    "written question": "written question",
}
HANSARD_KIND = {
    "W": "written answer",
    "WA": "written answer",
    "WS": "written statement",
    "WH": "debate extract",
}
HOUSE_BY_PREFIX = {"HC": "Commons", "HL": "Lords"}
WIRE_MARKERS = re.compile(
    r"PRESS ASSOCIATION\s*[-–—]{1,2}|\((?:Reuters|AP|AFP|PA|Press Association)\)\s*[-–—]", re.I
)

_HANSARD = re.compile(
    rf"^(?P<prefix>HC|HL) Deb,? (?P<date>{_DAY}),? vol\.? \d+,? c{{1,2}}\s?"
    r"(?P<pre>WA|WS|WH|W)?\s?\d+(?:[-–]\d+)?(?P<post>WA|WS|WH|W)?\b",
    re.M,
)
_PUBLISHED = re.compile(rf"^(?:First )?[Pp]ublished:? (?:on )?(?P<date>{_DAY})\s*$", re.M)
_ASKED = re.compile(rf"\(?[Aa]sked on:? (?P<date>{_DAY})\)?")
_ANSWERED = re.compile(rf"(?:This question was answered|Answered) on:? (?P<date>{_DAY})")
_WEEKDAY_LINE = re.compile(
    rf"^(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? (?P<date>{_DAY})\s*$", re.M
)
_STATEMENT_MAKER = re.compile(
    r"^The (?P<post>(?:[A-Z][\w,'-]*|of|for|the|and)(?: (?:[A-Z][\w,'-]*|of|for|the|and))*) \((?P<name>[^)\n]{3,60})\):?",
    re.M,
)
_UNDER_GOVERNMENT = re.compile(
    r"^This was published under the (?P<gov>.+?) government\.?\s*$", re.M
)
_LORDS_QUESTION = re.compile(r"To ask (?:Her|His) Majesty['’]s Government", re.I)

_WIRE_MARKERS_LOWER = lowered_twin(WIRE_MARKERS)
_LORDS_QUESTION_LOWER = lowered_twin(_LORDS_QUESTION)

# A literal that every match of a rule contains: a text without it has no match, and
# `str.find` tells that much faster than the rule (which `re` tries at every position).
_NEEDLES: dict[re.Pattern[str], str] = {
    _ASKED: "sked on",
    _ANSWERED: "nswered on",
}
# Rules that match at the start of a line (`^`, MULTILINE), and the literals one of which
# starts every match: only the lines that start with one are tried.
_LINE_STARTS: dict[re.Pattern[str], tuple[str, ...]] = {
    _HANSARD: ("HC Deb", "HL Deb"),
    _PUBLISHED: ("First published", "First Published", "Published", "published"),
    _WEEKDAY_LINE: ("Mon", "Tues", "Wednes", "Thurs", "Fri", "Satur", "Sun"),
    _STATEMENT_MAKER: ("The ",),
    _UNDER_GOVERNMENT: ("This was published under the ",),
}


def _lines_starting(text: str, start: str) -> Iterator[int]:
    """Offsets of the lines of `text` that start with `start`."""
    if text.startswith(start):
        yield 0
    pos = text.find("\n" + start)
    while pos != -1:
        yield pos + 1
        pos = text.find("\n" + start, pos + 1)


def _search(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """`pattern.search(text)`, trying only where a match can start (see the tables above)."""
    if pattern in _NEEDLES:
        return pattern.search(text) if _NEEDLES[pattern] in text else None
    starts = sorted({p for start in _LINE_STARTS[pattern] for p in _lines_starting(text, start)})
    for pos in starts:  # `^` with MULTILINE matches at `pos`: it starts a line
        match = pattern.match(text, pos)
        if match is not None:
            return match
    return None


_PEER = re.compile(r"^(?:Lord|Baroness|Lady|Earl|Viscount|The Lord|The Baroness)\b")
_NAME_LINE = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Baroness|Lady)\.? )?(?:[A-Z][\w'’-]+ ?){1,5}(?:of [A-Z][\w'’ -]+)?$"
)


@dataclass
class DocumentMeta:
    """Facts read off a document's own text."""

    doc_type: str = "other"
    house: str = ""
    title: str = ""
    doc_date: date | None = None
    doc_date_basis: str = "unknown"
    doc_date_text: str = ""
    asked_date: date | None = None
    asker: str = ""
    speaker: str = ""  # the answering or stating minister as printed
    speaker_post_as_printed: str = ""
    government_as_printed: str = ""
    skip_spans: list[tuple[int, int]] = field(default_factory=list)  # metadata, headings, questions


# "6th July 2022", "09 March 2004", "1 May, 2010": the form nearly every document date has.
_PLAIN_DAY = re.compile(
    r"(?P<d>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)? (?P<m>[A-Z][a-z]+),? (?P<y>1[5-9][0-9]{2}|20[0-9]{2})"
)


def _plain_day(text: str) -> date | None:
    """The date of a plain "day month year" (see `_PLAIN_DAY`), read directly, or None.

    It is the day the date rules read from such a text; a corpus has a distinct
    document date per document, so `parse_day`'s cache rarely saves the rules' work.
    """
    match = _PLAIN_DAY.fullmatch(text)
    month = MONTHS.get(match.group("m").lower()) if match else None
    if month is None:
        return None
    try:
        return date(int(match.group("y")), month, int(match.group("d")))
    except ValueError:  # 31 February: left to the rules and dateparser
        return None


@lru_cache(maxsize=4096)
def parse_day(text: str) -> date | None:
    """A full day date written out in words ("6th July 2022"), or None.

    The date rules of `pipeline.dates` read it; dateparser is the fallback for
    forms they do not know (it is slow, about 5 ms a call, and a corpus has
    thousands of distinct document dates).
    """
    plain = _plain_day(text)
    if plain is not None:
        return plain
    days = [m for m in extract_dates(text, None) if m.precision == "day"]
    if days:
        return days[0].period_start
    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "STRICT_PARSING": True,
        },
    )
    return parsed.date() if parsed else None


def _lines(text: str) -> list[tuple[int, int, str]]:
    """(start, end, line) for every line of `text`."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line), line))
        pos += len(line) + 1
    return out


def _set_date(meta: DocumentMeta, match: re.Match[str] | None) -> bool:
    """Take the document date from a match of a rule with a `date` group."""
    if match is None or meta.doc_date is not None:
        return False
    day = parse_day(match.group("date"))
    if day is None:
        return False
    meta.doc_date, meta.doc_date_basis, meta.doc_date_text = day, "explicit", match.group(0).strip()
    return True


def _skip_line_of(meta: DocumentMeta, text: str, match: re.Match[str] | None) -> None:
    """Mark the whole line holding `match` as metadata."""
    if match is None:
        return
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    meta.skip_spans.append((start, len(text) if end == -1 else end))


def _hansard(meta: DocumentMeta, text: str, lines: list[tuple[int, int, str]]) -> None:
    """Hansard citation: type, house, date and the written-answer layout."""
    match = _search(_HANSARD, text)
    if not match:
        return
    meta.house = HOUSE_BY_PREFIX[match.group("prefix")]
    meta.doc_type = HANSARD_KIND.get(
        match.group("pre") or match.group("post") or "", "debate extract"
    )
    meta.title = meta.title or match.group(0)
    _set_date(meta, match)
    _skip_line_of(meta, text, match)
    if meta.doc_type == "written answer":
        _question_layout(meta, lines)


def _question_layout(meta: DocumentMeta, lines: list[tuple[int, int, str]]) -> None:
    """Asker on the line before "To ask", answerer on the first name line after it."""
    content = [(s, e, line) for s, e, line in lines if line.strip()]
    for i, (start, end, line) in enumerate(content):
        if not line.startswith("To ask"):
            continue
        meta.skip_spans.append((start, end))
        if i > 0 and _NAME_LINE.match(content[i - 1][2]) and not meta.asker:
            meta.asker = content[i - 1][2].strip()
            meta.skip_spans.append(content[i - 1][:2])
        if i + 1 < len(content) and _NAME_LINE.match(content[i + 1][2]) and not meta.speaker:
            meta.speaker = content[i + 1][2].strip()
            meta.skip_spans.append(content[i + 1][:2])
        return


def _question_page(meta: DocumentMeta, text: str, lines: list[tuple[int, int, str]]) -> None:
    """UK Parliament question page: asked and answered dates, answerer."""
    asked, answered = _search(_ASKED, text), _search(_ANSWERED, text)
    if not (asked or answered):
        return
    meta.doc_type = "written question" if meta.doc_type == "other" else meta.doc_type
    if asked:
        meta.asked_date = parse_day(asked.group("date"))
        _skip_line_of(meta, text, asked)
    if answered:
        _set_date(meta, answered)
        _skip_line_of(meta, text, answered)
    elif asked and meta.doc_date is None:
        _set_date(meta, asked)
    content = [(s, e, line) for s, e, line in lines if line.strip()]
    for i, (start, end, line) in enumerate(content):
        role = line.strip().lower()
        if role in ("answered by", "asked by") and i + 1 < len(content):
            name = content[i + 1][2].strip()
            if role == "answered by":
                meta.speaker = meta.speaker or name
            else:
                meta.asker = meta.asker or name
            meta.skip_spans += [(start, end), content[i + 1][:2]]
        elif line.startswith("To ask") or re.match(r"^Question to ", line):
            meta.skip_spans.append((start, end))
    meta.title = meta.title or next((line for _, _, line in lines if line.strip()), "")


def _statement(meta: DocumentMeta, text: str, lines: list[tuple[int, int, str]]) -> None:
    """Written statement header: weekday date line and "The <post> (<name>)"."""
    weekday = _search(_WEEKDAY_LINE, text[:2000])
    if weekday and _set_date(meta, weekday):
        _skip_line_of(meta, text, weekday)
    maker = _search(_STATEMENT_MAKER, text)
    if not (
        maker and re.search(r"Minister|Secretary|Solicitor|Attorney|Lord", maker.group("post"))
    ):
        return
    meta.speaker = meta.speaker or maker.group("name").strip()
    meta.speaker_post_as_printed = maker.group("post")
    headings = [line for s, _, line in lines if s < maker.start() and is_heading(line)]
    if headings and meta.doc_type in ("written statement", "other"):
        meta.title = headings[-1].strip()


_SENTENCE_END = frozenset(".!?:;,’'\"”)")


def is_heading(line: str) -> bool:
    """A short line with no sentence punctuation at its end: a title or a section heading."""
    if not 0 < len(line.split(None, 12)) <= 12:  # at most 13 pieces: more than 12 words
        return False
    return line.rstrip()[-1] not in _SENTENCE_END  # as re.search(r"[...]\s*$", line)


def _type_line(meta: DocumentMeta, lines: list[tuple[int, int, str]]) -> None:
    """A type label near the top (GOV.UK); the next non-empty line is the title."""
    content = list(islice(((s, e, line) for s, e, line in lines if line.strip()), 6))
    for i, (start, end, line) in enumerate(content):
        kind = TYPE_LINES.get(line.strip().lower().rstrip(":"))
        if kind:
            meta.doc_type = kind
            meta.skip_spans.append((start, end))
            if i + 1 < len(content) and not meta.title:
                meta.title = content[i + 1][2].strip()
            return


def _gov_uk_footer(meta: DocumentMeta, text: str) -> None:
    """ "Published 22 March 2011" and "This was published under the ... government"."""
    published = _search(_PUBLISHED, text)
    _set_date(meta, published)
    _skip_line_of(meta, text, published)
    under = _search(_UNDER_GOVERNMENT, text)
    if under:
        meta.government_as_printed = under.group("gov")
        _skip_line_of(meta, text, under)


_LORDS_MARK = re.compile(r"\bHL ?WS\d|House of Lords")


def _lords_mark(text: str) -> bool:
    """A Lords statement number ("HLWS123") or "House of Lords" in the text.

    The rule starts with a word boundary, so `re` tries it at every position; a text
    holding neither "HL" nor "House of Lords" has no match, and `in` tells that faster."""
    return ("HL" in text or "House of Lords" in text) and bool(_LORDS_MARK.search(text))


def _house(meta: DocumentMeta, text: str) -> None:
    """House for parliamentary documents that do not carry a Hansard citation."""
    if meta.house or meta.doc_type not in (
        "written answer",
        "written question",
        "written statement",
        "debate extract",
    ):
        return
    if (
        search_ignoring_case(_LORDS_QUESTION, _LORDS_QUESTION_LOWER, text)
        or _PEER.match(meta.speaker)
        or _lords_mark(text)
    ):
        meta.house = "Lords"
    else:
        meta.house = "Commons"


def read_meta(text: str) -> DocumentMeta:
    """Everything the document says about itself."""
    meta = DocumentMeta()
    lines = _lines(text)
    _type_line(meta, lines)
    _hansard(meta, text, lines)
    _question_page(meta, text, lines)
    _gov_uk_footer(meta, text)
    _statement(meta, text, lines)
    if meta.doc_type == "other" and search_ignoring_case(
        WIRE_MARKERS, _WIRE_MARKERS_LOWER, text[:3000]
    ):
        meta.doc_type = "news wire"
    if meta.doc_type == "other" and meta.speaker_post_as_printed:
        meta.doc_type = "written statement"
    _house(meta, text)
    if not meta.title:
        first = next((line for _, _, line in lines if line.strip()), "")
        meta.title = first if len(first) <= 200 else first[:197] + "…"
    return meta
