"""Regular expressions for long lists of literal names (aliases, countries).

A flat alternation of hundreds of names makes Python's `re` try each name at
every position. The same names arranged as a trie (shared prefixes factored
out) are matched in one pass, several times faster, and the longest name wins
because every optional tail is greedy.
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


def names_pattern(names: list[str], *, ignore_case: bool) -> re.Pattern[str]:
    """A compiled pattern matching any of `names` as whole words, longest first."""
    cleaned = {" ".join(n.split()) for n in names if n.strip()}
    if ignore_case:
        cleaned = {n.casefold() for n in cleaned}
    if not cleaned:
        return re.compile(r"(?!x)x")
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![\w-])(?:{_regex(_trie(sorted(cleaned)))})(?![\w-])", flags)
