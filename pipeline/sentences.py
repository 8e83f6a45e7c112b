"""Split cleaned text into sentences with character offsets.

Each line of cleaned text is a paragraph (the loader puts block elements on
lines of their own). Inside a paragraph a sentence ends at . ! or ? (with any
closing quote) before white space and an upper-case letter, digit or opening
quote, except after a title or abbreviation ("Mr.", "e.g.", "No."). Pages
copied from the web sometimes lose the space after a full stop
("routinely.The Directive"): a full stop between a lower-case word and a
capitalised one also ends a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "sir",
    "rt",
    "hon",
    "no",
    "nos",
    "vol",
    "cc",
    "col",
    "e.g",
    "i.e",
    "etc",
    "vs",
    "cf",
    "art",
    "para",
    "paras",
    "sec",
    "ss",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "gov",
    "inc",
    "ltd",
}
_END = re.compile(r"""[.!?]+['"’”)]*(?=\s+['"‘“(]?[A-Z0-9£•])|(?<=[a-z]{2})\.(?=[A-Z][a-z])""")


@dataclass(slots=True)
class Sentence:
    """A sentence and its offsets in the text it came from (not frozen: one is made per
    sentence, and a frozen dataclass's `__init__` is several times slower)."""

    start: int
    end: int
    text: str


_WORD_BEFORE = re.compile(r"[\w.]{1,12}$")


def _is_abbreviation(paragraph: str, dot: int) -> bool:
    """True when the full stop at `dot` closes an abbreviation or an initial."""
    word = _WORD_BEFORE.search(paragraph, max(0, dot - 12), dot)
    if not word:
        return False
    token = word.group(0).lower()
    return token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _split_paragraph(paragraph: str, offset: int) -> list[Sentence]:
    """Sentences of one paragraph, offsets shifted by `offset`."""
    out: list[Sentence] = []
    start = 0
    for match in _END.finditer(paragraph):
        if paragraph[match.start()] == "." and _is_abbreviation(paragraph, match.start()):
            continue
        _add_piece(out, paragraph, start, match.end(), offset, closed=True)
        start = match.end()
    _add_piece(out, paragraph, start, len(paragraph), offset, closed=False)
    return out


def _add_piece(
    out: list[Sentence], text: str, start: int, end: int, offset: int, *, closed: bool
) -> None:
    """The sentence in text[start:end], if any; a closed one ends at `end`, the last of a
    paragraph where its text ends."""
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        last = offset + end if closed else offset + start + lead + len(stripped)
        out.append(Sentence(offset + start + lead, last, stripped))


def _is_abbreviation_in(text: str, dot: int) -> bool:
    """`_is_abbreviation` on the line of `text` holding `dot`."""
    if dot == 0 or text[dot - 1] == "\n":  # first on its line: no word before it
        return False  # (and `$` would match before that newline)
    return _is_abbreviation(text, dot)  # [\w.] never crosses a newline


# _END over a whole text: the space after a sentence stays on its line, and every
# alternative starts with the punctuation mark, so `re` skips ahead to the next one.
_END_IN_TEXT = re.compile(
    r"""[.!?](?:[.!?]*['"’”)]*(?=[^\S\n]+['"‘“(]?[A-Z0-9£•])|(?<=[a-z]{2}\.)(?=[A-Z][a-z]))"""
)


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text`, in order, with `text[s.start:s.end] == s.text`.

    The same sentences as `_split_paragraph` on every line, from one scan of the text.
    """
    ends = [
        match.end()
        for match in _END_IN_TEXT.finditer(text)
        if text[match.start()] != "." or not _is_abbreviation_in(text, match.start())
    ]
    sentences: list[Sentence] = []
    i, pos = 0, 0
    for line in text.split("\n"):
        line_end = pos + len(line)
        start = pos
        while i < len(ends) and ends[i] <= line_end:
            _add_piece(sentences, text, start, ends[i], 0, closed=True)
            start = ends[i]
            i += 1
        if start < line_end:
            _add_piece(sentences, text, start, line_end, 0, closed=False)
        pos = line_end + 1
    return sentences
