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
        if not cleaned:
            return
        if not ignore_case:
            self._fast = re.compile(rf"{_first_char_regex(_trie(cleaned))}(?![\w-])")
        elif all(name.isascii() and not re.search(r"[A-Z]", name) for name in cleaned):
            self._lowered = case_sensitive_twin(self.pattern)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every name in `text`, as `self.pattern.finditer` gives them."""
        if self._fast is not None:
            return [m.span() for m in self._fast.finditer(text)]
        lowered = lowered_for_ascii(text) if self._lowered is not None else None
        if lowered is None or self._lowered is None:
            return [m.span() for m in self.pattern.finditer(text)]
        return [m.span() for m in self._lowered.finditer(lowered)]


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


def lowered_for_ascii(text: str) -> str | None:
    """`text.lower()` when it can stand for `text` under IGNORECASE (see above), else None."""
    if not text.isascii():
        for char in set(_NON_ASCII.findall(text)):
            safe = _LOWERS_SAFELY.get(char)
            if safe is None:
                safe = _LOWERS_SAFELY[char] = _lowers_safely(char)
            if not safe:
                return None
    return text.lower()


def case_sensitive_twin(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` without IGNORECASE, for `lowered_for_ascii` texts; its literals must be lower-case ASCII."""
    source = pattern.pattern
    if not source.isascii() or re.search(r"[A-Z]|\(\?[a-z]*i", source):
        raise ValueError(f"not a pattern of lower-case ASCII literals: {source[:80]}")
    return re.compile(source, pattern.flags & ~re.IGNORECASE)
