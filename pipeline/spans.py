"""Character spans: overlap tests and windowing in O(log n), for texts with many mentions.

A document may hold tens of thousands of sentences and mentions (a 2 MB page
saved as one line); checking each against every other would be quadratic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar


class HasSpan(Protocol):
    """Anything with `start` and `end` character offsets."""

    start: int
    end: int


T = TypeVar("T", bound=HasSpan)


class Spans:
    """Spans merged into disjoint, sorted runs; answers "does [start, end) overlap any?"."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):  # as `add` each: in order, only the last run can merge
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(end, self.ends[-1])
            else:
                self.starts.append(start)
                self.ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """True when [start, end) shares a character with any span."""
        i = bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return True
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        """Add a span, merging it with any it overlaps or touches."""
        i = bisect_left(self.starts, start)
        if i > 0 and self.ends[i - 1] >= start:
            i -= 1
            start = self.starts[i]
            end = max(end, self.ends[i])
        j = i
        while j < len(self.starts) and self.starts[j] <= end:
            end = max(end, self.ends[j])
            j += 1
        self.starts[i:j] = [start]
        self.ends[i:j] = [end]


def within(items: Sequence[T], starts: Sequence[int], start: int, end: int) -> list[T]:
    """Items (sorted by start, `starts` their starts) that lie inside [start, end)."""
    i = bisect_left(starts, start)
    out = []
    while i < len(items) and items[i].start < end:
        if items[i].end <= end:
            out.append(items[i])
        i += 1
    return out
