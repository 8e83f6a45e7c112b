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


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence and its offsets in the text it came from."""

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
        end = match.end()
        piece = paragraph[start:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(Sentence(offset + start + lead, offset + end, piece.strip()))
        start = end
    piece = paragraph[start:]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        out.append(
            Sentence(
                offset + start + lead, offset + start + lead + len(piece.strip()), piece.strip()
            )
        )
    return out


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of `text`, in order, with `text[s.start:s.end] == s.text`."""
    sentences: list[Sentence] = []
    pos = 0
    for line in text.split("\n"):
        sentences.extend(_split_paragraph(line, pos))
        pos += len(line) + 1
    return sentences
