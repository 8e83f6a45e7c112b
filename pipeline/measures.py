"""Named instruments and bodies of policy: a gazetteer first, then generic patterns.

The gazetteer is data/reference/measures.csv (names and aliases). Documents
also name instruments the table does not list, so generic patterns catch
"the X Act 2003", "the X Bill", "X Strategy", "EU Directive on X", "National X
Centre/Agency/Mechanism"; their kind comes from the head word and their theme
from keywords (both tables below), and they are marked as not in the table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.patterns import Anchored, NameFinder
from pipeline.reference import Reference
from pipeline.spans import Spans


@dataclass(slots=True)
class MeasureMention:
    """A measure named in a text.

    Not frozen: dozens are made per document, and a frozen dataclass's `__init__`
    sets each field through `object.__setattr__`, several times slower; nothing changes one.
    """

    start: int
    end: int
    text: str
    measure_id: str  # "" for a measure found by a generic pattern only
    name: str
    kind: str
    theme: str


# Head word of a generic match -> kind.
KIND_BY_HEAD: dict[str, str] = {
    "act": "legislation",
    "bill": "legislation",
    "order": "legislation",
    "regulations": "legislation",
    "strategy": "strategy",
    "action plan": "strategy",
    "plan": "strategy",
    "directive": "international instrument",
    "convention": "international instrument",
    "protocol": "international instrument",
    "centre": "institution",
    "cell": "institution",
    "agency": "institution",
    "mechanism": "programme",
    "unit": "institution",
    "taskforce": "institution",
    "task force": "institution",
    "commissioner": "institution",
    "fund": "funding",
    "programme": "programme",
    "report": "report",
    "review": "report",
    "operation": "operation",
}

# First keyword found in a measure's name -> theme (order matters).
THEME_BY_KEYWORD: tuple[tuple[str, str], ...] = (
    ("child", "child protection"),
    ("victim", "victim support"),
    ("referral", "victim support"),
    ("support", "victim support"),
    ("supply chain", "supply chains"),
    ("border", "border and immigration"),
    ("immigration", "border and immigration"),
    ("asylum", "border and immigration"),
    ("nationality", "border and immigration"),
    ("crime", "law enforcement"),
    ("police", "law enforcement"),
    ("policing", "law enforcement"),
    ("intelligence", "law enforcement"),
    ("convention", "international cooperation"),
    ("directive", "international cooperation"),
    ("protocol", "international cooperation"),
    ("training", "training and awareness"),
    ("awareness", "training and awareness"),
    ("report", "data and reporting"),
    ("statistic", "data and reporting"),
    ("strategy", "strategy and governance"),
    ("plan", "strategy and governance"),
)

# Generic names are found from their head word backwards: the head ("Act", "Strategy",
# "Agency") is cheap to find, then the name is the run of capitalised words and
# connectors before it. International instruments and operations read forwards.
_HEAD = re.compile(
    r"\b(?:Act|Bill|Order|Regulations|Strategy|strategy|Action Plan|Centre|Agency|Mechanism|Unit"
    r"|Cell|Taskforce|Task Force|Commissioner)\b(?: \d{4}\b)?"
)
_FORWARD = re.compile(
    r"\b(?:(?:EU|European Union|Council of Europe|UN|United Nations) )?(?:Directive|Convention|Protocol)"
    r" (?:on|against) [A-Z][\w-]*(?: (?:(?:of|in|and|the|against|on|for) )*[A-Z][\w-]*)*"
    r"|\bOperation [A-Z][a-z]+\b"
)
_HEADS = Anchored(_HEAD, "[ABCMORSTUs]")  # the first letters of the head words
_FORWARDS = Anchored(_FORWARD, "[CDEOPU]")
_LAST_TOKEN = re.compile(r"(?:\([^()\n]{1,60}\)|[\w'’-]+)$")
_CONNECTORS = frozenset({"of", "and", "for", "the", "on", "in", "to"})
_DETERMINERS = frozenset(
    {"The", "A", "An", "This", "That", "Under", "In", "Our", "Its", "Their", "New"}
)
_INSTITUTION_FIRST = frozenset(
    {"National", "UK", "United", "International", "Joint", "Independent", "European"}
)
_MAX_WORDS = 8


# _LAST_TOKEN read backwards: matched from the token's end in the reversed text, it finds
# the same token (the longest that ends there and fits the window) without trying every
# start position of the window.
_LAST_TOKEN_REVERSED = re.compile(r"\)[^()\n]{1,60}\(|[\w'’-]+")


def _name_start(text: str, head_start: int, reversed_text: str = "") -> int:
    """Start of the name that ends just before a head word (`head_start` if there is none).

    `reversed_text` is `text[::-1]`, when the caller has it.
    """
    backwards = reversed_text or text[::-1]
    start = pos = head_start
    for _ in range(_MAX_WORDS):
        if pos < 2 or text[pos - 1] != " ":
            break
        # as _LAST_TOKEN.search(text, max(0, pos - 63), pos - 1)
        token = _LAST_TOKEN_REVERSED.match(
            backwards, len(text) - pos + 1, len(text) - max(0, pos - 63)
        )
        if token is None:
            break
        word_start = len(text) - token.end()
        word = text[word_start : pos - 1]
        if word in _DETERMINERS or not (word[0].isupper() or word in _CONNECTORS or word[0] == "("):
            break
        if word == "the" and not re.search(
            r"\b(?:of|for) $", text[max(0, word_start - 5) : word_start]
        ):
            break  # "Office of the X" is one name; "the X and the Y" is two
        pos = word_start
        if word[0].isupper():
            start = pos
    return start


@dataclass(frozen=True)
class _Gazetteer:
    """Compiled alias patterns and the measure each alias names."""

    phrases: NameFinder  # case-insensitive, names and long aliases
    acronyms: NameFinder  # case-sensitive, short upper-case aliases ("NRM")
    by_alias: dict[str, str]
    rows: dict[str, tuple[str, str, str]]  # measure_id -> (name, kind, theme)


_GAZETTEERS: dict[str, _Gazetteer] = {}


def _gazetteer(reference: Reference) -> _Gazetteer:
    """The measure gazetteer for `reference`, compiled on first use."""
    if reference.sha256 in _GAZETTEERS:
        return _GAZETTEERS[reference.sha256]
    by_alias: dict[str, str] = {}
    rows: dict[str, tuple[str, str, str]] = {}
    phrases: list[str] = []
    acronyms: list[str] = []
    for row in reference.measures.itertuples(index=False):
        rows[row.measure_id] = (row.name, row.kind, row.theme)
        for alias in (a.strip() for a in [row.name, *str(row.aliases).split(";")]):
            if alias:
                by_alias[" ".join(alias.split()).casefold()] = row.measure_id
                is_acronym = len(alias) <= 6 and " " not in alias and alias.isupper()
                (acronyms if is_acronym else phrases).append(alias)
    gazetteer = _Gazetteer(
        phrases=NameFinder(phrases, ignore_case=True),
        acronyms=NameFinder(acronyms, ignore_case=False),
        by_alias=by_alias,
        rows=rows,
    )
    _GAZETTEERS[reference.sha256] = gazetteer
    return gazetteer


@lru_cache(maxsize=4096)
def _theme(name: str, kind: str) -> str:
    """Theme of a measure the table does not know, from its name and kind."""
    if kind == "legislation":
        return "legislation"
    lowered = name.lower()
    return next(
        (theme for word, theme in THEME_BY_KEYWORD if word in lowered), "strategy and governance"
    )


_INSTITUTION_HEADS = frozenset(
    {"Centre", "Agency", "Mechanism", "Unit", "Cell", "Taskforce", "Task", "Commissioner"}
)
_INSTITUTION_WORD = re.compile(r"\b(?:" + "|".join(_INSTITUTION_FIRST) + r")\b")


def _institution_start(text: str, start: int, head_start: int) -> int:
    """An institution's name begins at its last "National", "UK", "Joint" ... word, else none."""
    firsts = list(_INSTITUTION_WORD.finditer(text, start, head_start))
    return firsts[-1].start() if firsts else head_start


@lru_cache(maxsize=4096)
def _kind(name: str) -> str:
    """Kind of a generically found measure, from the head word in its name."""
    lowered = name.lower()
    head = next((h for h in _HEADS_LONGEST_FIRST if re.search(rf"\b{h}\b", lowered)), "")
    return KIND_BY_HEAD.get(head, "programme")


_HEADS_LONGEST_FIRST = sorted(KIND_BY_HEAD, key=len, reverse=True)


def _mention(start: int, end: int, text: str) -> MeasureMention:
    """A measure the table does not know, with kind and theme from the tables above."""
    name = text[start:end]
    kind = _kind(name)
    return MeasureMention(start, end, name, "", name, kind, _theme(name, kind))


def _generic(text: str) -> list[MeasureMention]:
    """Measures found by shape: names ending in a head word, and forward-reading forms."""
    found = []
    backwards = ""
    for head in _HEADS.finditer(text):
        head_start, head_end = head.span(1)
        backwards = backwards or text[::-1]
        start = _name_start(text, head_start, backwards)
        if head.group(1).split()[0] in _INSTITUTION_HEADS:
            start = _institution_start(text, start, head_start)
        if start < head_start:
            found.append(_mention(start, head_end, text))
    for match in _FORWARDS.finditer(text):
        found.append(_mention(match.start(1), match.end(1), text))
    return found


_BACK_REFERENCE = re.compile(
    r"\b[Tt]he (?P<head>(?i:directive|convention|strategy|taskforce|task force|centre|agency|mechanism|commissioner|action plan)"
    r"|Bill|Act|Cell|Group)\b"
)
_BACK_REFERENCES = Anchored(_BACK_REFERENCE, "[Tt]", "he ")


_BACK_HEADS = ("directive", "convention", "strategy", "taskforce", "task force", "centre", "agency",
               "mechanism", "commissioner", "action plan", "bill", "act", "cell", "group")  # fmt: skip


def _back_references(text: str, found: list[MeasureMention]) -> list[MeasureMention]:
    """ "The Directive", "the Taskforce": the last measure named before, with that head word."""
    taken = Spans((m.start, m.end) for m in found)
    last: dict[str, MeasureMention] = {}
    out, i = [], 0
    for match in _BACK_REFERENCES.finditer(text):
        while i < len(found) and found[i].end <= match.start(1):
            lowered = found[i].name.lower()
            last.update({head: found[i] for head in _BACK_HEADS if head in lowered})
            i += 1
        head = match.group("head").lower()
        if head in last and not taken.overlaps(match.start("head"), match.end("head")):
            m = last[head]
            out.append(
                MeasureMention(
                    match.start(1),
                    match.end(1),
                    match.group(1),
                    m.measure_id,
                    m.name,
                    m.kind,
                    m.theme,
                )
            )
    return out


def phrase_finder(reference: Reference) -> NameFinder:
    """The finder of the gazetteer's names and long aliases (not the acronyms)."""
    return _gazetteer(reference).phrases


def find_measures(
    text: str, reference: Reference, phrase_spans: list[tuple[int, int]] | None = None
) -> list[MeasureMention]:
    """Every measure named in `text`: gazetteer matches, then generic ones that do not overlap;
    `phrase_spans` is `phrase_finder(reference).spans(text)`, when the caller has it."""
    gaz = _gazetteer(reference)
    found: list[MeasureMention] = []
    taken = Spans()
    if phrase_spans is None:
        phrase_spans = gaz.phrases.spans(text)
    for spans in (phrase_spans, gaz.acronyms.spans(text)):
        for start, end in spans:
            if taken.overlaps(start, end):
                continue
            taken.add(start, end)
            written = text[start:end]
            measure_id = gaz.by_alias[" ".join(written.split()).casefold()]
            name, kind, theme = gaz.rows[measure_id]
            found.append(MeasureMention(start, end, written, measure_id, name, kind, theme))
    for mention in _generic(text):
        if not taken.overlaps(mention.start, mention.end):
            taken.add(mention.start, mention.end)
            found.append(mention)
    found.sort(key=lambda m: m.start)
    return sorted(found + _back_references(text, found), key=lambda m: m.start)
