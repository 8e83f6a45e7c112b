"""Checking uploaded files before they join the corpus (pure functions, no Streamlit).

An upload is a name and its bytes. `check` stages the bytes in a temporary folder and asks
the pipeline what the file would add (`pipeline.corpus.check_file`: the same reading,
decoding, cleaning and extraction as a build), without writing anything else. `plan` then
applies the rules of `pipeline.corpus.plan_add` file by file, so that each file gets its own
verdict: bytes already in the corpus, or the same cleaned text under another name, are
duplicates and are not saved; a name taken by a different file is refused, or given a free
name (" (2)" before the suffix) when renaming is allowed. Nothing in the corpus is ever
overwritten. `save` copies the files that are ready through `pipeline.corpus.add_files`.

Every string here is plain text from an untrusted file: the views escape it.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

import pandas as pd

from pipeline import corpus, load
from pipeline.process import DocResult, Rejection
from pipeline.reference import Reference

PREVIEW_EVENTS = 5
READY, DUPLICATE, NAME_TAKEN, REJECTED, NO_EVENTS = (
    "ready",
    "duplicate",
    "name taken",
    "rejected",
    "no events",
)


class UploadError(ValueError):
    """An upload cannot be checked or saved; the message says what to do."""


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the browser sent and its bytes."""

    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        """Hash of the bytes (the key `plan_add` uses for duplicates)."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class EventPreview:
    """One event a file would add, as plain text."""

    date_value: str
    date_text: str
    date_basis: str
    sentence: str


@dataclass(frozen=True)
class Preview:
    """What one upload would add, and whether it can be saved."""

    name: str
    status: str
    message: str
    target: str = ""  # the file name it would be saved under (status READY)
    sha256: str = ""
    text_sha256: str = ""
    document: dict[str, str] = field(default_factory=dict)
    n_events: int = 0
    events: tuple[EventPreview, ...] = ()

    @property
    def ready(self) -> bool:
        """Whether saving would add this file."""
        return self.status == READY


def human_bytes(n: int) -> str:
    """A byte count for people: "512 bytes", "2.0 kB", "20 MB"."""
    if n < 1024:
        return f"{n:,} bytes"
    if n < 1024**2:
        return f"{n / 1024:.1f} kB"
    return f"{n / 1024**2:.1f} MB".replace(".0 MB", " MB")


def upload_name(name: str) -> str:
    """The file name to use for an upload (no folders). Raises UploadError."""
    base = PurePath(str(name).replace("\\", "/")).name.strip()
    if not base or base in (".", ".."):
        raise UploadError("the file has no name: rename it and upload it again")
    if base.startswith("."):
        raise UploadError(
            f"'{base}' starts with a dot, and the build skips hidden files: rename it "
            "without the leading dot"
        )
    if "\0" in base or "/" in base:
        raise UploadError("the file name contains characters a file name cannot hold")
    return base


def first_problem(upload: Upload, max_bytes: int) -> str:
    """Why the upload cannot even be read (name, type, size), or ""."""
    try:
        name = upload_name(upload.name)
    except UploadError as exc:
        return str(exc)
    suffix = PurePath(name).suffix.lower()
    if suffix not in load.SUPPORTED_SUFFIXES:
        return (
            f"unsupported file type '{suffix or '(none)'}': upload plain text (.txt), "
            "Markdown (.md) or a saved web page (.html, .htm); save a PDF or Word "
            "document as text first"
        )
    if len(upload.data) > max_bytes:
        return (
            f"the file is {human_bytes(len(upload.data))}, over the "
            f"{human_bytes(max_bytes)} limit: split it, or raise TIMELINE_MAX_BYTES"
        )
    return ""


def _document(result: DocResult) -> dict[str, str]:
    """The document fields a preview shows, as strings."""
    doc = result.document
    keys = (
        "title",
        "doc_type",
        "house",
        "doc_date",
        "doc_date_basis",
        "doc_date_text",
        "lead_minister",
        "lead_minister_post",
        "government",
        "encoding",
        "warnings",
    )
    return {k: "" if doc.get(k) is None else str(doc.get(k)) for k in keys}


def _events(result: DocResult, limit: int) -> tuple[EventPreview, ...]:
    """The first `limit` events in date order."""
    rows = sorted(result.events, key=lambda e: (str(e["date_start"]), e["char_start"]))
    return tuple(
        EventPreview(
            str(e["date_value"]), str(e["date_text"]), str(e["date_basis"]), str(e["sentence"])
        )
        for e in rows[:limit]
    )


def from_result(upload: Upload, result: DocResult | Rejection) -> Preview:
    """A preview from the pipeline's verdict on one file (before the duplicate rules)."""
    if isinstance(result, Rejection):
        return Preview(upload.name, REJECTED, result.reason, sha256=upload.sha256)
    n = len(result.events)
    preview = Preview(
        upload.name,
        READY if n else NO_EVENTS,
        "" if n else "no dated statements were found, so the file would add no events",
        sha256=upload.sha256,
        text_sha256=result.text_sha256,
        document=_document(result),
        n_events=n,
        events=_events(result, PREVIEW_EVENTS),
    )
    return preview


def check(upload: Upload, reference: Reference, max_bytes: int = load.DEFAULT_MAX_BYTES) -> Preview:
    """What one upload would add, from the real pipeline, writing only to a temporary folder."""
    problem = first_problem(upload, max_bytes)
    if problem:
        return Preview(upload.name, REJECTED, problem, sha256=upload.sha256)
    with tempfile.TemporaryDirectory(prefix="timeline-upload-") as tmp:
        path = Path(tmp) / upload_name(upload.name)
        path.write_bytes(upload.data)
        result = corpus.check_file(path, reference, max_bytes)
    return from_result(upload, result)


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def raw_digests(raw_dir: Path, digest: Callable[[Path], str] = sha256_file) -> dict[str, str]:
    """sha256 of each file's bytes -> its name, as `plan_add` sees the raw folder."""
    if not raw_dir.is_dir():
        return {}
    hash_of = digest
    return {
        hash_of(p): p.name
        for p in sorted(raw_dir.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def taken_names(raw_dir: Path) -> set[str]:
    """Names in the raw folder (files, folders and links, as `plan_add` checks them)."""
    if not raw_dir.is_dir():
        return set()
    return {p.name for p in raw_dir.iterdir()}


def text_digests(documents: pd.DataFrame) -> dict[str, str]:
    """sha256 of each built document's cleaned text -> its source path."""
    if "text" not in documents or documents.empty:
        return {}
    texts = documents["text"].astype("string").fillna("")
    paths = documents["source_path"].astype("string").fillna("")
    return {
        hashlib.sha256(str(t).encode()).hexdigest(): str(p)
        for t, p in zip(texts, paths, strict=True)
    }


def free_name(name: str, taken: set[str]) -> str:
    """`name`, or "stem (2).suffix", "stem (3).suffix" ... whichever is not taken."""
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    candidate, n = name, 2
    while candidate in taken:
        candidate, n = f"{stem} ({n}){suffix}", n + 1
    return candidate


@dataclass
class _Corpus:
    """What the corpus already holds, updated as the batch is planned."""

    digests: dict[str, str]
    texts: dict[str, str]
    names: set[str]


def _verdict(preview: Preview, seen: _Corpus, rename: bool) -> Preview:
    """Apply the duplicate and name rules to one checked file."""
    if preview.status not in (READY, NO_EVENTS):
        return preview
    if preview.sha256 in seen.digests:
        where = seen.digests[preview.sha256]
        return replace(preview, status=DUPLICATE, message=f"already in the corpus as {where}")
    if preview.text_sha256 in seen.texts:
        where = seen.texts[preview.text_sha256]
        return replace(
            preview, status=DUPLICATE, message=f"the same text is already in the corpus as {where}"
        )
    if preview.status == NO_EVENTS:
        return preview
    name = upload_name(preview.name)
    if name in seen.names and not rename:
        return replace(
            preview,
            status=NAME_TAKEN,
            message=f"a different file named {name} is already in the corpus; nothing is "
            f"overwritten. Allow new names to add it as {free_name(name, seen.names)}",
        )
    target = free_name(name, seen.names)
    note = f"will be saved as {target}" + (
        f" (a different file is already named {name})" if target != name else ""
    )
    return replace(preview, target=target, message=note)


def plan(
    previews: Iterable[Preview],
    digests: Mapping[str, str],
    texts: Mapping[str, str],
    names: set[str],
    *,
    rename: bool = False,
) -> list[Preview]:
    """Each checked file's verdict against the corpus and the files before it in the batch."""
    seen = _Corpus(dict(digests), dict(texts), set(names))
    out: list[Preview] = []
    for preview in previews:
        verdict = _verdict(preview, seen, rename)
        if verdict.ready:
            seen.digests[verdict.sha256] = f"{verdict.target} (in this upload)"
            seen.texts[verdict.text_sha256] = f"{verdict.target} (in this upload)"
            seen.names.add(verdict.target)
        out.append(verdict)
    return out


def save(uploads: list[Upload], previews: list[Preview], raw_dir: Path) -> list[corpus.Added]:
    """Copy the ready uploads into `raw_dir` under their planned names. Raises UploadError.

    The copy goes through `pipeline.corpus.add_files`, which checks the folder again and
    never overwrites: if a planned name was taken meanwhile, nothing is copied.
    """
    ready = [(u, p) for u, p in zip(uploads, previews, strict=True) if p.ready]
    if not ready:
        return []
    raw_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="timeline-save-") as tmp:
        staged = []
        for i, (upload, preview) in enumerate(ready):
            path = Path(tmp) / str(i) / preview.target
            path.parent.mkdir()
            path.write_bytes(upload.data)
            staged.append(path)
        try:
            return corpus.add_files(staged, raw_dir, rename=False)
        except corpus.AddError as exc:
            raise UploadError(f"nothing was saved: {exc}") from exc
        except OSError as exc:
            raise UploadError(
                f"saving into {raw_dir} failed: {exc.strerror or exc} (files copied before "
                "the failure stay there; nothing was overwritten)"
            ) from exc
