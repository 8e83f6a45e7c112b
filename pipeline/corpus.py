"""Adding documents to the corpus, and previewing what a file would add.

The raw folder is the user's work: nothing here overwrites or deletes a file
in it. A file whose name is taken by a different file is refused (or renamed
with `rename=True`); a file already there under any name is reported and not
copied twice.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline import load
from pipeline.process import DocResult, Rejection, process_file
from pipeline.reference import Reference


class AddError(ValueError):
    """A file cannot be added; the message says why and what to do."""


@dataclass(frozen=True)
class Added:
    """What happened to one file given to `add_files`."""

    source: Path
    target: Path | None  # None when nothing was copied
    message: str


def _sha256(path: Path) -> str:
    """Content hash of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _taken(path: Path, planned: set[str]) -> bool:
    """True when `path` exists (even as a broken link) or is planned for another file."""
    return path.exists() or path.is_symlink() or path.name in planned


def _free_name(raw_dir: Path, name: str, planned: set[str]) -> Path:
    """`name` in `raw_dir`, with " (2)", " (3)" ... before the suffix until it is free."""
    candidate = raw_dir / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while _taken(candidate, planned):
        candidate = raw_dir / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def plan_add(files: list[Path], raw_dir: Path, *, rename: bool = False) -> list[Added]:
    """Decide, without touching anything, where each file would go. Raises AddError."""
    existing = {
        _sha256(p): p.name for p in raw_dir.rglob("*") if p.is_file() and not p.name.startswith(".")
    }
    plan: list[Added] = []
    planned: set[str] = set()
    for source in files:
        if not source.is_file():
            raise AddError(f"{source}: not a file")
        if source.suffix.lower() not in load.SUPPORTED_SUFFIXES:
            raise AddError(
                f"{source.name}: unsupported file type; use {', '.join(load.SUPPORTED_SUFFIXES)}"
            )
        digest = _sha256(source)
        if digest in existing:
            plan.append(
                Added(
                    source,
                    None,
                    f"{source.name}: already in the corpus as {existing[digest]}; not copied",
                )
            )
            continue
        target = raw_dir / source.name
        if _taken(target, planned):
            if not rename:
                raise AddError(
                    f"{source.name}: a different file of that name is already in {raw_dir} or in this batch; "
                    "nothing was copied (use --rename to add it under a new name)"
                )
            target = _free_name(raw_dir, source.name, planned)
        planned.add(target.name)
        existing[digest] = target.name
        plan.append(Added(source, target, f"{source.name}: added as {target.name}"))
    return plan


def add_files(files: list[Path], raw_dir: Path, *, rename: bool = False) -> list[Added]:
    """Copy files into the raw folder as planned; either every file is placed or none is."""
    plan = plan_add(files, raw_dir, rename=rename)
    for item in plan:
        if item.target is not None:
            shutil.copy2(item.source, item.target)
    return plan


def check_file(
    path: Path, reference: Reference, max_bytes: int = load.DEFAULT_MAX_BYTES
) -> DocResult | Rejection:
    """What `path` would add to the corpus, computed without writing anything."""
    return process_file(path, path.stem, path.name, reference, max_bytes)


def describe(result: DocResult | Rejection) -> str:
    """A plain-text preview of a checked file, for the terminal."""
    if isinstance(result, Rejection):
        return f"{result.source_path}: would be rejected: {result.reason}"
    doc = result.document
    lines = [
        f"{doc['source_path']}: {doc['doc_type']}{' (' + doc['house'] + ')' if doc['house'] else ''}",
        f"  title:    {doc['title']}",
        f"  date:     {doc['doc_date'] or 'unknown'} ({doc['doc_date_basis']}{': ' + doc['doc_date_text'] if doc['doc_date_text'] else ''})",
        f"  minister: {doc['lead_minister'] or '-'}{', ' + doc['lead_minister_post'] if doc['lead_minister_post'] else ''}",
        f"  events:   {len(result.events)}",
    ]
    for event in result.events:
        when = event["date_text"] or event["date_basis"]
        lines.append(f"    {event['date_value']:<24} {when:<26} {event['sentence'][:90]}")
    if doc["warnings"]:
        lines.append(f"  warnings: {doc['warnings']}")
    return "\n".join(lines)
