"""Regular expressions for long lists of literal names (aliases, countries).

A flat alternation of hundreds of names makes Python's `re` try each name at
every position. The same names arranged as a trie (shared prefixes factored
out) are matched in one pass, several times faster, and the longest name wins
because every optional tail is greedy.

Case-insensitive matching is slow in `re`: an alternation of IGNORECASE
letters cannot be skipped by its first character. A pattern whose literals are
lower-case ASCII finds the same spans in `lowered_for_ascii(text)` without the
flag as it finds in `text` with it, except in a text holding a character that
folds onto ASCII ("K" the Kelvin sign, dotless "ı", long "ſ"): then there is no
lowered text and the caller uses the flagged pattern.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import chain


def _trie(names: list[str]) -> dict:
    """A character trie of `names`; the key "" marks the end of a name."""
    root: dict = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return root


def _regex(node: dict) -> str:
    """The regex matching exactly the names under `node`."""
    branches = [_escape(char) + _regex(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a name ends here; the longer ones are optional, tried first
        return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
    return body


def _escape(char: str) -> str:
    """One character of a name: any run of white space matches a space."""
    return r"\s+" if char == " " else re.escape(char)


def _cleaned(names: list[str], ignore_case: bool) -> list[str]:
    """Distinct names with single spaces (case-folded when matched ignoring case), sorted."""
    cleaned = {" ".join(n.split()) for n in names if n.strip()}
    if ignore_case:
        cleaned = {n.casefold() for n in cleaned}
    return sorted(cleaned)


def names_pattern(names: list[str], *, ignore_case: bool) -> re.Pattern[str]:
    """A compiled pattern matching any of `names` as whole words, longest first."""
    cleaned = _cleaned(names, ignore_case)
    if not cleaned:
        return re.compile(r"(?!x)x")
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![\w-])(?:{_regex(_trie(cleaned))})(?![\w-])", flags)


def _first_char_regex(root: dict) -> str:
    """`(?<![\\w-])` + the trie, with the look-behind moved after each first character.

    The pattern then starts with a choice of literal characters, so `re` skips
    ahead to the next of them instead of trying the whole trie at every position.
    """
    branches = []
    for char, child in sorted(root.items()):
        assert char.strip(), "names are stripped: no name starts with white space"
        branches.append(re.escape(char) + r"(?<![\w-][\s\S])" + _regex(child))
    return "(?:" + "|".join(branches) + ")"


class NameFinder:
    """The spans `names_pattern(names, ignore_case=...)` finds, found faster.

    Case-sensitive names: the trie behind a choice of first characters.
    Case-insensitive names: the same trie without the flag, run on the lowered text
    (see the module docstring), or the flagged pattern when there is none.
    """

    def __init__(self, names: list[str], *, ignore_case: bool) -> None:
        self.pattern = names_pattern(names, ignore_case=ignore_case)
        cleaned = _cleaned(names, ignore_case)
        self._lowered: re.Pattern[str] | None = None
        self._fast: re.Pattern[str] | None = None
        self.names = cleaned
        self.trie = ""  # the names, without the whole-word guards, when there are any
        if not cleaned:
            return
        trie = _trie(cleaned)
        self.trie = _regex(trie)
        if not ignore_case:
            self._fast = re.compile(rf"{_first_char_regex(trie)}(?![\w-])")
        elif _lower_ascii_literals(self.pattern.pattern):
            self._lowered = case_sensitive_twin(self.pattern)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every name in `text`, as `self.pattern.finditer` gives them."""
        if self._fast is not None:
            return [m.span() for m in self._fast.finditer(text)]
        lowered = lowered_for_ascii(text) if self._lowered is not None else None
        if lowered is None or self._lowered is None:
            return [m.span() for m in self.pattern.finditer(text)]
        return [m.span() for m in self._lowered.finditer(lowered)]


class NameScan:
    """`[finder.spans(text) for finder in finders]`, from one scan of the text.

    When every finder searches the lowered text, one pattern finds the word starts where a
    name of any list begins: a character that is not `[\\w-]` (which `re` skips ahead to)
    before the trie of all the names. There each finder's trie is matched on its own; its
    spans are the names that start after the last one it took, as `finditer` takes them.
    Otherwise each finder scans the text on its own.
    """

    def __init__(self, finders: list[NameFinder]) -> None:
        self.finders = finders
        self._scan: re.Pattern[str] | None = None
        self._heads: list[re.Pattern[str]] = []  # each finder's names, matched at a start
        if len(finders) < 2 or any(f._lowered is None for f in finders):
            return
        names = sorted({name for finder in finders for name in finder.names})
        self._scan = re.compile(rf"[^\w-](?=(?:{_regex(_trie(names))})(?![\w-]))")
        self._heads = [re.compile(rf"(?:{f.trie})(?![\w-])") for f in finders]

    def spans(self, text: str) -> list[list[tuple[int, int]]]:
        """Each finder's `spans(text)`, in the order of the finders."""
        lowered = lowered_for_ascii(text) if self._scan is not None else None
        if lowered is None or self._scan is None:
            return [finder.spans(text) for finder in self.finders]
        found: list[list[tuple[int, int]]] = [[] for _ in self.finders]
        taken_to = [0] * len(self.finders)
        starts = chain((0,), (match.end() for match in self._scan.finditer(lowered)))
        for start in starts:
            for k, head in enumerate(self._heads):
                if start >= taken_to[k] and (name := head.match(lowered, start)):
                    found[k].append(name.span())
                    taken_to[k] = name.end()
        return found


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_FOLDS_ONTO_ASCII = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
_WORD = re.compile(r"\w")
_SPACE = re.compile(r"\s")
_LOWERS_SAFELY: dict[str, bool] = {}


def _lowers_safely(char: str) -> bool:
    """Whether a non-ASCII character lower-cases to one non-ASCII character of its own class.

    Such a character matches no ASCII literal with or without IGNORECASE, and is a
    word character or white space exactly when its lower case is.
    """
    low = char.lower()
    return (
        len(low) == 1
        and not low.isascii()
        and _FOLDS_ONTO_ASCII.fullmatch(char) is None
        and (_WORD.match(char) is None) == (_WORD.match(low) is None)
        and (_SPACE.match(char) is None) == (_SPACE.match(low) is None)
    )


# The last text asked about and its answer, as one tuple (safe to read from threads).
_last_lowered: tuple[str, str | None] = ("", "")


def lowered_for_ascii(text: str) -> str | None:
    """`text.lower()` when it can stand for `text` under IGNORECASE (see above), else None."""
    global _last_lowered
    last_text, last_lowered = _last_lowered
    if text is last_text:  # several finders ask about the same document in turn
        return last_lowered
    lowered: str | None = text.lower()
    if not text.isascii():
        for char in set(_NON_ASCII.findall(text)):
            safe = _LOWERS_SAFELY.get(char)
            if safe is None:
                safe = _LOWERS_SAFELY[char] = _lowers_safely(char)
            if not safe:
                lowered = None
                break
    _last_lowered = (text, lowered)
    return lowered


def search_ignoring_case(
    pattern: re.Pattern[str], twin: re.Pattern[str], text: str
) -> re.Match[str] | None:
    """`pattern.search(text)` (an IGNORECASE pattern) through its case-sensitive `twin` on the
    lowered text when there is one; only the span and groups are alike, not the text."""
    lowered = lowered_for_ascii(text)
    return pattern.search(text) if lowered is None else twin.search(lowered)


def lowered_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`case_sensitive_twin` of an IGNORECASE pattern written with upper-case letters: its
    source lower-cased, which must not change an escape or a group name."""
    if re.search(r"\\[A-Z]|\\N|\(\?P", pattern.pattern):
        raise ValueError(f"lower-casing would change the pattern: {pattern.pattern[:80]}")
    return case_sensitive_twin(re.compile(pattern.pattern.lower(), pattern.flags))


def _is_uncased_mark(char: str) -> bool:
    """Punctuation, symbol or space with no case ("’", "–", "£"): it matches only itself, with
    or without IGNORECASE, and no other character lower-cases to it."""
    return char.lower() == char == char.upper() and unicodedata.category(char)[0] in "PSZ"


def _lower_ascii_literals(source: str) -> bool:
    """Whether a pattern's literals are lower-case ASCII or uncased marks (no inline flags)."""
    return all(c.isascii() or _is_uncased_mark(c) for c in source) and not re.search(
        r"[A-Z]|\(\?[a-z]*i", source
    )


def case_sensitive_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` without IGNORECASE, for `lowered_for_ascii` texts; its literals must be
    lower-case ASCII or uncased marks."""
    source = pattern.pattern
    if not _lower_ascii_literals(source):
        raise ValueError(f"not a pattern of lower-case ASCII literals: {source[:80]}")
    return re.compile(source, pattern.flags & ~re.IGNORECASE)


class Anchored:
    """`pattern.finditer`, faster, for a case-sensitive pattern whose every match starts with
    a character of the class `first` (for instance "[A-Z]" for capitalised names), followed
    by the literal `then` when one is given ("he " after "[Tt]").

    A pattern that starts with a look-behind or a choice is tried at every position;
    this one starts with `first` (or with `then`, which `re` finds faster still), so `re`
    skips ahead to the next such place, and checks the whole pattern there in a look-ahead
    (inside a look-behind, to start it at the first character). Group 1 is the match; named
    groups keep their names.
    """

    def __init__(self, pattern: re.Pattern[str], first: str, then: str = "") -> None:
        if pattern.flags & re.IGNORECASE or re.search(r"\\[1-9]", pattern.pattern):
            raise ValueError(
                "Anchored needs a case-sensitive pattern without numbered back-references"
            )
        self.pattern = pattern
        lead = re.escape(then) or first
        self._scan = re.compile(
            f"{lead}(?<=(?=({pattern.pattern})){first}{re.escape(then)})", pattern.flags
        )
        self._skip = 1 if then else 0  # from a match's first character to the scan's start

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[re.Match[str]]:
        """Matches of the scan pattern, in order and not overlapping, as `pattern.finditer`
        gives them (for a pattern that never matches empty): `m.span(1)`, `m.group(name)`."""
        search = self._scan.search
        endpos = len(text) if endpos is None else endpos
        match = search(text, pos + self._skip, endpos)
        while match is not None:
            yield match
            match = search(text, max(match.end(1), match.start(1) + 1) + self._skip, endpos)
