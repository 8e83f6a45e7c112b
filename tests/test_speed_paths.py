"""Fast paths against the plain patterns they stand for, on texts holding characters that
fold onto ASCII under lower()/casefold() ("ſ", "ı", "İ", the Kelvin sign "K")."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import dates, entities, events, measures
from pipeline.patterns import NameFinder, NameScan, lowered_for_ascii, names_pattern
from pipeline.spans import Spans

_FOLDING = ["ſ", "ı", "İ", "K", "ß", "é"]
_SEPARATORS = [" ", "\n", "-", "&", "–", ",", ".", "(", ")", "’", "'", "\u00a0", ""]


def _texts(words: list[str]) -> st.SearchStrategy[str]:
    """Words and folding characters joined by any separator, a name often at the start."""
    piece = st.sampled_from(words + _FOLDING) | st.text(alphabet="aeiksoAEIKSO", max_size=3)
    return st.lists(st.tuples(piece, st.sampled_from(_SEPARATORS)), max_size=25).map(
        lambda pairs: "".join(word + sep for word, sep in pairs)
    )


_LISTS = [
    ["Home Office", "Mr Straw", "so", "k-o", "is ok", "Office of Straw"],
    ["Home", "Office", "straw", "k-o", "ok so", "O’Neil", "(a) b"],
]


@settings(max_examples=400, deadline=None)
@given(
    text=_texts(
        ["Home", "Office", "of", "Straw", "Mr", "ok", "so", "is", "k", "o", "O’Neil", "(a)", "b"]
    )
)
def test_name_scan_finds_what_each_name_pattern_finds(text):
    scan = NameScan([NameFinder(names, ignore_case=True) for names in _LISTS])
    assert scan.spans(text) == [
        [m.span() for m in names_pattern(names, ignore_case=True).finditer(text)]
        for names in _LISTS
    ]


_ORGANISATION_WORDS = ["Home", "Office", "of", "the", "for", "and", "Department", "Ministry",
                       "Crown", "Prosecution", "Service", "Services", "Europol", "The", "Police",
                       "Force", "Border", "Trust's", "Trust’s", "O’Neil", "A", "Justice", "UK", "Minister"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=_texts(_ORGANISATION_WORDS))
def test_organisation_scan_finds_what_the_pattern_finds(text):
    assert [m.span(1) for m in entities._organisation_matches(text)] == [
        m.span() for m in entities.ORGANISATION.finditer(text)
    ]


_TENSE_WORDS = ["will", "WILL", "Shall", "ſhall", "is", "İs", "are", "to", "be", "plans", "plan",
                "intends", "going", "now", "nowhere", "active", "currently", "CURRENTLY",
                "continues", "continuing", "ongoing", "ongoingly", "nongoing", "Kill", "sKill", "swill", "the"]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(text=_texts(_TENSE_WORDS))
def test_document_dated_status_reads_what_the_patterns_read(text):
    plain = "planned" if events.FUTURE.search(text) else None
    plain = plain or ("ongoing" if events.ONGOING.search(text) else "past")
    assert events._status(text) == plain


_BACK_REFERENCE_WORDS = ["The", "the", "THE", "he", "Directive", "ſtrategy", "STRATEGY", "Act",
                         "Acts", "task", "force", "Task Force", "action plan", "Bill", "Group",
                         "Kell", "Cell", "centre", "Tthe", "Modern", "Slavery", "Children", "2015",
                         "The Act", "the Directive", "The ſtrategy", "the Group"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(text=_texts(_BACK_REFERENCE_WORDS + _ORGANISATION_WORDS), data=st.data())
def test_anchored_scans_find_what_the_patterns_find(text, data):
    endpos = data.draw(st.integers(0, len(text)))
    for anchored in (measures._BACK_REFERENCES, measures._HEADS, entities._ORGANISATIONS):
        assert [m.span(1) for m in anchored.finditer(text)] == [
            m.span() for m in anchored.pattern.finditer(text)
        ]
        for pos in range(endpos + 1):  # every start, the one after a first character too
            assert [m.span(1) for m in anchored.finditer(text, pos, endpos)] == [
                m.span() for m in anchored.pattern.finditer(text, pos, endpos)
            ]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 12)), max_size=20))
def test_spans_built_at_once_are_the_spans_added_one_by_one(pairs):
    spans = [(start, start + length) for start, length in pairs]
    added = Spans()
    for start, end in spans:
        added.add(start, end)
    built = Spans(spans)
    assert (built.starts, built.ends) == (added.starts, added.ends)
    for start in range(45):
        for end in range(start, start + 4):
            assert built.overlaps(start, end) == added.overlaps(start, end)


@settings(max_examples=300, deadline=None)
@given(text=_texts(["In", "June", "MAY", "this", "week", "ago", "2015", "ſpring", "İn", "Kuly"]))
def test_dates_lowered_text_is_the_lower_case_of_the_text(text):
    lowered_for_ascii(text)  # the name finders' lowered text, as in a document's processing
    dates._lower.cache_clear()
    lower = text.lower()
    assert dates._lower(text) == (lower if len(lower) == len(text) else None)


# --- work per document that must not grow with each date in it -------------------------


def test_tense_decides_how_to_search_a_text_once_not_per_clause(monkeypatch):
    """The tense of a clause is read on the lowered text or with the IGNORECASE patterns;
    which one depends on the whole text, so it is decided once: decided per clause, a long
    document cost time in the square of its length (6.6 MB: 9 of 16 seconds)."""
    real = dates._lower
    sentence = "The Home Office will publish guidance in {month}, and it will report next year. "
    months = ["March", "April", "June", "July", "September", "October"]

    def whole_text_looks(repeats: int) -> int:
        text = "".join(sentence.format(month=m) for m in months * repeats)
        looks: list[int] = []
        monkeypatch.setattr(dates, "_lower", lambda t: looks.append(len(t)) or real(t))
        found = dates.extract_dates(text, dates.date(2015, 1, 10))
        assert len([d for d in found if d.status == "planned"]) == 2 * len(months) * repeats
        return looks.count(len(text))

    assert whole_text_looks(5) == whole_text_looks(40)  # 35 x 12 more clauses, no more looks


def _plain_clause(text: str, start: int, end: int) -> tuple[int, int, int, int]:
    """(sentence start, end, clause start, end) of [start, end), searched from the candidate."""
    size = len(text)
    before = dates._SENTENCE_END_REVERSED.search(text[::-1], size - start)
    after = dates._SENTENCE_END.search(text, end)
    s_lo, s_hi = (size - before.start() if before else 0), (after.start() if after else size)
    c_lo = text.rfind(",", s_lo, start) + 1 or s_lo
    c_hi = text.find(",", end, s_hi)
    return s_lo, s_hi, c_lo, s_hi if c_hi < 0 else c_hi


def _plain_future(text: str, start: int, end: int) -> bool:
    s_lo, s_hi, c_lo, c_hi = _plain_clause(text, start, end)
    if dates._FUTURE.search(text, c_lo, c_hi):
        return True
    if dates._PAST.search(text, c_lo, c_hi):
        return False
    return bool(dates._FUTURE.search(text, s_lo, s_hi))


_CLAUSE_TEXT = st.lists(
    st.sampled_from(
        [
            "will",
            "was",
            "plan",
            "a",
            ".",
            "!",
            ";",
            ":",
            ",",
            " ",
            "\n",
            "\r",
            '"',
            "’",
            ")",
            "(",
            "ſ",
            "K",
            "2010",
            "next year",
            "e.g.",
            "...",
        ]
    ),  # fmt: skip
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_CLAUSE_TEXT, st.data())
def test_clauses_found_from_listed_marks_are_those_searched_from_each_candidate(text, data):
    searched, listed = dates._Clauses(text, text[::-1]), dates._Clauses(text, text[::-1])
    searched._listing, listed._listing = False, True  # as a short and as a long text
    for _ in range(5):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, len(text)))
        plain = _plain_clause(text, start, end)
        for clauses in (searched, listed):
            s_lo, s_hi = clauses._sentence(start, end)
            assert (s_lo, s_hi, *clauses._clause(s_lo, s_hi, start, end)) == plain
            assert clauses.is_future(start, end) == _plain_future(text, start, end)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 15)), max_size=12),
    st.lists(st.integers(0, 80), min_size=1, max_size=6),
)
def test_measure_owning_a_name_year_is_the_first_the_plain_scan_finds(spans, positions):
    from types import SimpleNamespace

    measures = sorted(
        (SimpleNamespace(start=start, end=start + length) for start, length in spans),
        key=lambda m: m.start,
    )
    shared = events._Shared.__new__(events._Shared)  # only the measure index is used
    shared._starts, shared._reach = None, []
    for pos in positions:
        owning = [m for m in measures if m.start <= pos <= m.end + 1]
        assert shared.owner(measures, pos) is (owning[0] if owning else None)
