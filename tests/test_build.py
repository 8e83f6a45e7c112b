"""The build as a whole: outputs and their contract, determinism, atomicity, rejections."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pipeline.process
from pipeline import schema
from pipeline.build import OUTPUT_FILES, BuildError, build

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


def test_every_output_file_has_the_contract_columns(seed_build):
    events = pd.read_parquet(seed_build / "events.parquet")
    assert list(events.columns) == list(schema.EVENT_COLUMNS)
    schema.validate_events(events)
    assert str(events["date_start"].dtype).startswith("datetime64")
    documents = pd.read_csv(seed_build / "documents.csv")
    assert list(documents.columns) == list(schema.DOCUMENT_COLUMNS)
    assert list(pd.read_csv(seed_build / "rejected.csv").columns) == ["source_path", "reason"]
    mentions = pd.read_parquet(seed_build / "mentions.parquet")
    assert list(mentions.columns) == list(schema.MENTION_COLUMNS)
    manifest = json.loads((seed_build / "build.json").read_text())
    assert manifest["n_documents"] == len(documents) == 5
    assert manifest["n_events"] == len(events)


def test_every_seed_document_yields_events(seed_documents):
    assert (seed_documents["n_events"] > 0).all()


def test_build_is_deterministic(tmp_path, seed_build):
    build(RAW, tmp_path, workers=1)
    for name in OUTPUT_FILES:
        assert (tmp_path / name).read_bytes() == (seed_build / name).read_bytes(), name


def test_event_ids_survive_unrelated_changes(tmp_path, seed_events):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "extra.txt").write_text(
        "Press release\n\nA synthetic test page.\n\nPublished 1 May 2015\n"
    )
    build(raw, tmp_path / "out", workers=1)
    rebuilt = pd.read_parquet(tmp_path / "out" / "events.parquet")
    assert set(seed_events["event_id"]) <= set(rebuilt["event_id"])


def test_bad_files_are_rejected_with_reasons_and_nothing_is_lost(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "003_47d1d793452e7d07.txt", raw / "good.txt")
    shutil.copy(RAW / "003_47d1d793452e7d07.txt", raw / "copy of good.txt")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (raw / "notes.pdf").write_bytes(b"%PDF-1.4")
    outside = tmp_path / "outside.txt"
    outside.write_text("Published 1 May 2015")
    (raw / "link.txt").symlink_to(outside)
    report = build(raw, tmp_path / "out", workers=1)
    rejected = pd.read_csv(tmp_path / "out" / "rejected.csv").set_index("source_path")["reason"]
    documents = pd.read_csv(tmp_path / "out" / "documents.csv")
    assert set(documents["source_path"]) | set(rejected.index) == {p.name for p in raw.iterdir()}
    assert "same text as" in rejected["good.txt" if "good.txt" in rejected else "copy of good.txt"]
    assert "empty" in rejected["empty.txt"]
    assert "binary" in rejected["image.txt"]
    assert "unsupported file type" in rejected["notes.pdf"]
    assert "outside the raw folder" in rejected["link.txt"]
    assert (report.n_documents, report.n_rejected) == (1, 5)


def test_a_folder_of_rejected_files_gives_empty_tables_the_app_can_read(tmp_path):
    import pyarrow.parquet as pq

    from app import data
    from pipeline.build import _SCHEMAS

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    (raw / "notes.pdf").write_bytes(b"%PDF-1.4")
    out = tmp_path / "out"
    report = build(raw, out, workers=1)
    assert (report.n_documents, report.n_events, report.n_rejected) == (0, 0, 2)
    for name in ("events", "documents", "mentions"):
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows == 0 and table.schema.equals(_SCHEMAS[name]), name
    events, documents, mentions = data.load_processed(out)
    assert (len(events), len(documents), len(mentions)) == (0, 0, 0)
    assert list(pd.read_csv(out / "events.csv").columns) == list(_SCHEMAS["events"].names)


# A synthetic page on which `fragile_figures` fails as no rule expects (a pipeline fault).
FRAGILE_PAGE = (
    "Press release\n\nFragile synthetic test page.\n\nPublished 1 May 2015\n\n"
    "The Home Office published new guidance on 2 May 2015.\n"
)


def fragile_figures(monkeypatch) -> None:
    """Make the pipeline fail on FRAGILE_PAGE only (forked workers inherit the patch)."""
    real = pipeline.process.find_figures

    def fragile(text, *args):
        if "Fragile" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, *args)

    monkeypatch.setattr(pipeline.process, "find_figures", fragile)


def broken_figures(monkeypatch) -> None:
    """Make the pipeline fail on every file."""

    def broken(*args):
        raise ValueError("a bug on every file")

    monkeypatch.setattr(pipeline.process, "find_figures", broken)


def test_a_file_the_pipeline_fails_on_is_rejected_and_the_build_goes_on(tmp_path, monkeypatch):
    fragile_figures(monkeypatch)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "003_47d1d793452e7d07.txt", raw / "good.txt")
    (raw / "fragile.txt").write_text(FRAGILE_PAGE)
    report = build(raw, tmp_path / "out", workers=1)
    rejected = pd.read_csv(tmp_path / "out" / "rejected.csv").set_index("source_path")["reason"]
    assert list(rejected.index) == ["fragile.txt"]
    assert "pipeline failed" in rejected["fragile.txt"]
    assert "RecursionError" in rejected["fragile.txt"]
    assert (report.n_documents, report.n_rejected) == (1, 1)
    assert report.n_events > 0


def test_a_pipeline_failing_on_most_files_stops_and_keeps_the_last_build(
    tmp_path, monkeypatch, seed_build
):
    shutil.copytree(seed_build, tmp_path / "out")
    before = {name: (tmp_path / "out" / name).read_bytes() for name in OUTPUT_FILES}
    broken_figures(monkeypatch)
    with pytest.raises(BuildError, match="failed on 5 of the 5 files.*a bug on every file"):
        build(RAW, tmp_path / "out", workers=1, full=True)
    assert {name: (tmp_path / "out" / name).read_bytes() for name in OUTPUT_FILES} == before


def test_a_build_hands_back_arrow_s_allocator(tmp_path, monkeypatch):
    """A build allocates Arrow memory from the system allocator; the app that started it
    gets its own allocator back, after a build that finished and after one that failed."""
    import pyarrow as pa

    before = pa.default_memory_pool().backend_name
    seen = []
    real = pipeline.process.find_figures

    def watched(*args):
        seen.append(pa.default_memory_pool().backend_name)
        return real(*args)

    monkeypatch.setattr(pipeline.process, "find_figures", watched)
    build(RAW, tmp_path / "out", workers=1)
    assert set(seen) == {"system"}
    assert pa.default_memory_pool().backend_name == before
    broken_figures(monkeypatch)
    with pytest.raises(BuildError):
        build(RAW, tmp_path / "out", workers=1, full=True)
    assert pa.default_memory_pool().backend_name == before


def test_failed_build_leaves_previous_output(tmp_path, seed_build):
    out = tmp_path / "out"
    shutil.copytree(seed_build, out)
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    bad_reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", bad_reference)
    (bad_reference / "governments.csv").write_text("not,a,governments,table\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            "--out",
            str(out),
            "--reference",
            str(bad_reference),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "previous output left as it was" in result.stderr
    assert "Traceback" not in result.stderr
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == before
    assert not list(out.glob(".staging-*"))


def _json_build(*args: str) -> tuple[int, list[dict]]:
    """`python -m pipeline build --json ARGS`: its exit status and the objects it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.returncode, [json.loads(line) for line in result.stdout.splitlines()]


def test_json_output_gives_progress_then_the_report_as_build_json_records_it(tmp_path):
    out = tmp_path / "out"
    status, lines = _json_build("--out", str(out), "--workers", "1")
    assert status == 0
    progress = [line["progress"] for line in lines[:-1]]
    assert progress == [[done, 5] for done in range(1, 6)]  # one line a file, in process
    report = lines[-1]["report"]
    manifest = json.loads((out / "build.json").read_text())
    for key in ("n_documents", "n_events", "n_rejected", "n_extracted", "warnings"):
        assert report[key] == manifest[key], key
    assert report["n_documents"] == 5 and report["skipped"] is False
    status, lines = _json_build("--out", str(out), "--if-stale")
    assert (status, lines) == (0, [{"report": lines[0]["report"]}])
    assert lines[0]["report"]["skipped"] is True


def test_json_output_gives_the_error_and_changes_nothing(tmp_path, seed_build):
    out = tmp_path / "out"
    shutil.copytree(seed_build, out)
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    status, lines = _json_build("--raw", str(tmp_path / "nowhere"), "--out", str(out))
    assert (status, lines) == (1, [{"error": f"raw folder not found: {tmp_path / 'nowhere'}"}])
    unwritable = tmp_path / "unwritable"
    unwritable.write_text("a file where the output folder should be")
    status, lines = _json_build("--out", str(unwritable))
    assert status == 1 and "File exists" in lines[-1]["error"]  # an OSError, reported too
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == before


def test_if_stale_skips_an_up_to_date_build_and_rebuilds_after_a_change(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out = tmp_path / "out"
    assert not build(raw, out, workers=1).skipped
    assert build(raw, out, if_stale=True, workers=1).skipped
    (raw / "003_47d1d793452e7d07.txt").write_text(
        (raw / "003_47d1d793452e7d07.txt").read_text() + "\nMore.\n"
    )
    assert not build(raw, out, if_stale=True, workers=1).skipped


def test_cli_prints_a_summary(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--out", str(tmp_path), "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().startswith("built 5 documents, ")
    assert "build: 5/5 documents" in result.stderr


def test_plain_progress_prints_each_tenth_also_when_files_come_in_batches(monkeypatch, capsys):
    from pipeline import build as build_module

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    tick, close = build_module.console_progress(2000)
    for done in range(125, 2001, 125):  # as a pool of workers reports them
        tick(done, 2000)
    close()
    lines = capsys.readouterr().err.splitlines()
    assert [line.split()[1] for line in lines] == [f"{n}/2000" for n in
                                                   (250, 500, 625, 875, 1000, 1250, 1500,
                                                    1625, 1875, 2000)]  # fmt: skip
    assert all("docs/s, about" in line for line in lines)


def test_missing_raw_folder_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "build",
            "--raw",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "o"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "raw folder not found" in result.stderr


@pytest.mark.slow
def test_workers_give_the_same_output(tmp_path, seed_build, monkeypatch):
    """Workers send their rows folded, and each file's outcome beside them: rejections,
    a fault of the pipeline and a duplicate text come out as they do in one process."""
    fragile_figures(monkeypatch)
    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(60):  # enough files for the pool to be used
        for seed in sorted(RAW.iterdir()):
            (raw / f"{i:02d}_{seed.name}").write_text(seed.read_text() + f"\nSynthetic copy {i}.\n")
    shutil.copy(raw / f"07_{sorted(RAW.iterdir())[0].name}", raw / "30_duplicate.txt")
    (raw / "31_empty.txt").write_text("")
    (raw / "32_image.txt").write_bytes(bytes(range(256)) * 4)
    (raw / "33_notes.pdf").write_bytes(b"%PDF-1.4 synthetic")
    (raw / "34_fragile.txt").write_text(FRAGILE_PAGE)
    one = build(raw, tmp_path / "one", workers=1)
    two = build(raw, tmp_path / "two", workers=2)
    assert (two.n_documents, two.n_events, two.n_rejected) == (
        one.n_documents,
        one.n_events,
        one.n_rejected,
    )
    assert one.n_documents == 300 and one.n_rejected == 5
    for name in OUTPUT_FILES:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), (
            name
        )
    reasons = pd.read_csv(tmp_path / "two" / "rejected.csv").set_index("source_path")["reason"]
    assert "RecursionError" in reasons["34_fragile.txt"]
    assert "same text as" in reasons["30_duplicate.txt"]


@pytest.mark.parametrize("row_group", [None, 7])
def test_cache_extracts_only_what_changed_and_matches_a_clean_build(
    tmp_path, monkeypatch, row_group
):
    """Byte for byte, also when the Parquet files hold several row groups (a clean build
    decodes its repeated columns a row group at a time; an incremental one before)."""
    import pyarrow.parquet as pq

    import pipeline.build as build_module

    if row_group is not None:
        monkeypatch.setattr(build_module, "ROW_GROUP", row_group)
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out = tmp_path / "out"
    assert build(raw, out, workers=1).n_extracted == 5
    changed = raw / "002_d9a5f5901e5b14d1.txt"
    changed.write_text(changed.read_text().replace("In June", "In July"))
    assert build(raw, out, workers=1).n_extracted == 1
    clean = tmp_path / "clean"
    build(raw, clean, workers=1)
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    events = pd.read_parquet(out / "events.parquet")
    assert "2010-07" in set(events["date_value"]) and "2010-06" not in set(events["date_value"])
    groups = pq.ParquetFile(clean / "events.parquet").metadata.num_row_groups
    assert groups == (1 if row_group is None else -(-len(events) // row_group))


def test_cache_is_dropped_when_the_reference_tables_change(tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", reference)
    out = tmp_path / "out"
    build(RAW, out, reference, workers=1)
    with (reference / "members.csv").open("a") as handle:
        handle.write(
            "Test Person,Test Person,Testtown,Labour,Commons,2001-06-07,2005-05-05,SYNTHETIC TEST ROW\n"
        )
    assert build(RAW, out, reference, workers=1).n_extracted == 5


def test_cache_is_dropped_when_a_library_version_changes(tmp_path, monkeypatch):
    import dateparser

    import pipeline.build as build_module

    out = tmp_path / "out"
    build(RAW, out, workers=1)
    assert build(RAW, out, workers=1).n_extracted == 0
    assert "dateparser " + dateparser.__version__ in build_module.library_versions()
    monkeypatch.setattr(dateparser, "__version__", dateparser.__version__ + ".post1")
    assert build(RAW, out, workers=1).n_extracted == 5


def test_unreadable_build_records_mean_a_full_rebuild(tmp_path):
    out = tmp_path / "out"
    build(RAW, out, workers=1)
    (out / ".current" / "inputs.json").write_text("not json")
    report = build(RAW, out, workers=1)
    assert (report.n_extracted, report.n_documents) == (5, 5)
    clean = tmp_path / "clean"
    build(RAW, clean, workers=1)
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_duplicates_are_settled_again_when_the_first_copy_goes(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = (RAW / "003_47d1d793452e7d07.txt").read_text()
    (raw / "a.txt").write_text(seed)
    (raw / "b.txt").write_text(seed)
    out = tmp_path / "out"
    build(raw, out, workers=1)
    assert (
        "same text as a.txt"
        in pd.read_csv(out / "rejected.csv").set_index("source_path")["reason"]["b.txt"]
    )
    (raw / "a.txt").unlink()
    report = build(raw, out, workers=1)
    assert report.n_extracted == 1  # b.txt, which now holds the only copy
    events = pd.read_parquet(out / "events.parquet")
    assert set(events["source_path"]) == {"b.txt"}
    assert pd.read_csv(out / "rejected.csv").empty
    (raw / "0.txt").write_text(seed)  # a new first copy: b.txt becomes the duplicate again
    build(raw, out, workers=1)
    assert set(pd.read_parquet(out / "events.parquet")["source_path"]) == {"0.txt"}
    clean = tmp_path / "clean"
    build(raw, clean, workers=1)
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_a_crash_while_writing_leaves_the_previous_tables_readable(
    tmp_path, monkeypatch, seed_build
):
    import pipeline.build as build_module

    out = tmp_path / "out"
    build(RAW, out, workers=1)
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    real_write = build_module._write_tables

    def crash_half_way(tables, staging, **options):
        real_write(tables, staging, **options)
        (staging / "events.parquet").write_bytes(b"half written")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(build_module, "_write_tables", crash_half_way)
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "extra.txt").write_text(
        "Press release\n\nA synthetic test page launched a scheme.\n\nPublished 1 May 2015\n"
    )
    with pytest.raises(OSError, match="simulated"):
        build(raw, out, workers=1)
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == before
    assert len(pd.read_parquet(out / "events.parquet")) == len(
        pd.read_parquet(seed_build / "events.parquet")
    )
    assert len(list((out / ".builds").iterdir())) == 1  # the half-written build is gone


def test_full_build_extracts_everything_again(tmp_path):
    out = tmp_path / "out"
    build(RAW, out, workers=1)
    assert build(RAW, out, workers=1).n_extracted == 0
    assert build(RAW, out, workers=1, full=True).n_extracted == 5


def test_untouched_files_are_not_read_again_but_any_change_is_seen(tmp_path, monkeypatch):
    import pipeline.build as build_module

    monkeypatch.setattr(build_module, "RACY_NS", 0)  # no waiting out the clock's granularity
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out = tmp_path / "out"
    build(raw, out, workers=1)
    hashed = []
    real_digest = build_module.file_digest
    monkeypatch.setattr(
        build_module, "file_digest", lambda path: hashed.append(path.name) or real_digest(path)
    )
    assert build(raw, out, workers=1).n_extracted == 0
    assert hashed == []  # size, times and inode as recorded: the recorded digest is used
    changed = raw / "002_d9a5f5901e5b14d1.txt"
    before = changed.stat()
    changed.write_text(changed.read_text().replace("In June", "In July"))  # same size
    os.utime(changed, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime
    assert build(raw, out, workers=1).n_extracted == 1  # the change time gives it away
    assert hashed == [changed.name]
    events = pd.read_parquet(out / "events.parquet")
    assert "2010-07" in set(events["date_value"]) and "2010-06" not in set(events["date_value"])


@pytest.fixture(scope="module")
def synthetic_raw(tmp_path_factory):
    """Enough synthetic documents (written by the benchmark's generator) for several chunks."""
    from benchmarks.generate import write_corpus

    raw = tmp_path_factory.mktemp("synthetic") / "raw"
    write_corpus(raw, 240, seed=7)
    return raw


def _layout(out: Path) -> dict:
    return json.loads((out / ".current" / "csv_layout.json").read_text())


@pytest.mark.slow
def test_an_incremental_build_copies_unchanged_csv_chunks_and_writes_a_clean_builds_bytes(
    tmp_path, synthetic_raw
):
    raw = tmp_path / "raw"
    shutil.copytree(synthetic_raw, raw)
    out = tmp_path / "out"
    build(raw, out, workers=1)
    chunks = len(_layout(out)["events.csv"]["chunks"])
    assert chunks >= 3 and _layout(out)["events.csv"]["copied"] == 0
    changed = sorted(raw.iterdir())[100]  # a document in a middle chunk
    changed.write_text(
        changed.read_text() + "\nSynthetic edit: the Government published a strategy in May 2016.\n"
    )
    assert build(raw, out, workers=1).n_extracted == 1
    layout = _layout(out)["events.csv"]
    assert 0 < layout["copied"] < len(layout["chunks"])  # only the chunk with the edit is encoded
    assert _layout(out)["documents.csv"]["copied"] > 0
    clean = tmp_path / "clean"
    build(raw, clean, workers=1)
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    events = pd.read_csv(out / "events.csv")
    assert "2016-05" in set(events.loc[events["doc_id"] == changed.stem, "date_value"])


@pytest.mark.slow
def test_a_csv_edited_after_its_build_is_never_copied_from(tmp_path, synthetic_raw):
    raw = tmp_path / "raw"
    shutil.copytree(synthetic_raw, raw)
    out = tmp_path / "out"
    build(raw, out, workers=1)
    published = (out / "events.csv").read_bytes()
    tail = published.rfind(b'"', 0, len(published) - 2)  # inside the last row, far from any edit
    (out / "events.csv").write_bytes(published[: tail - 1] + b"#" + published[tail:])
    first = sorted(raw.iterdir())[0]  # an edit in the first chunk: the last one is unchanged
    first.write_text(first.read_text() + "\nSynthetic edit: a review began in June 2017.\n")
    build(raw, out, workers=1)
    clean = tmp_path / "clean"
    build(raw, clean, workers=1)
    assert (out / "events.csv").read_bytes() == (clean / "events.csv").read_bytes()
    assert b"#" not in (out / "events.csv").read_bytes()[-200:]


def _segments(out: Path) -> dict[str, os.stat_result]:
    folder = (out / ".current" / "cache").resolve()
    return {path.name: path.stat() for path in folder.iterdir()}


def _cached_equals_parquet(out: Path) -> bool:
    import pyarrow.parquet as pq

    from pipeline.build import _SCHEMAS, TABLES, _cached_tables

    cached = _cached_tables((out / ".current").resolve())
    assert cached is not None
    return all(
        cached[name].equals(pq.read_table(out / f"{name}.parquet").cast(_SCHEMAS[name]))
        for name in TABLES
    )


@pytest.mark.slow
def test_the_next_build_maps_the_cache_and_links_the_segments_it_did_not_change(
    tmp_path, synthetic_raw, monkeypatch
):
    import pipeline.build as build_module

    monkeypatch.setattr(build_module, "SEGMENT_CHUNKS", 1)  # a segment per chunk: several
    raw = tmp_path / "raw"
    shutil.copytree(synthetic_raw, raw)
    out = tmp_path / "out"
    build(raw, out, workers=1)
    assert _cached_equals_parquet(out)
    before = _segments(out)
    assert len(before) >= 9  # three tables, three chunks or more each
    changed = sorted(raw.iterdir())[100]
    changed.write_text(changed.read_text() + "\nSynthetic edit: a review began in May 2016.\n")
    read = []
    real_read = build_module.pq.read_table
    monkeypatch.setattr(
        build_module.pq, "read_table", lambda *a, **k: read.append(a) or real_read(*a, **k)
    )
    assert build(raw, out, workers=1).n_extracted == 1
    assert read == []  # the last build's tables came from its segments, not its Parquet files
    after = _segments(out)
    linked = {
        name for name, st in after.items() if name in before and st.st_ino == before[name].st_ino
    }
    written = set(after) - linked
    # one segment a table holds the edited document; every other segment is the same file
    assert len(written) == 3 and {name.split("-")[0] for name in written} == {
        "events",
        "documents",
        "mentions",
    }
    assert linked == set(after) - written and len(linked) >= 6
    assert _cached_equals_parquet(out)


@pytest.mark.slow
def test_a_segment_changed_after_its_build_is_never_mapped_or_linked(
    tmp_path, synthetic_raw, monkeypatch
):
    import pipeline.build as build_module

    monkeypatch.setattr(build_module, "SEGMENT_CHUNKS", 1)
    raw = tmp_path / "raw"
    shutil.copytree(synthetic_raw, raw)
    out = tmp_path / "out"
    build(raw, out, workers=1)
    events = sorted(name for name in _segments(out) if name.startswith("events-"))
    tampered = (out / ".current" / "cache" / events[-1]).resolve()
    tampered.write_bytes(tampered.read_bytes())  # same bytes, a new modification time
    tampered_inode = tampered.stat().st_ino
    assert build_module._previous(out).segments is None  # the Parquet files are read instead
    first = sorted(raw.iterdir())[0]
    first.write_text(first.read_text() + "\nSynthetic edit: a review began in June 2017.\n")
    build(raw, out, workers=1)
    assert all(st.st_ino != tampered_inode for st in _segments(out).values())
    assert _cached_equals_parquet(out)
    clean = tmp_path / "clean"
    build(raw, clean, workers=1)
    for name in OUTPUT_FILES:
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name
    shutil.rmtree((out / ".current" / "cache").resolve())  # no cache at all: still read
    assert build_module._previous(out) is not None
    assert build(raw, out, workers=1).n_extracted == 0


def test_reference_tables_are_loaded_again_only_when_their_bytes_change(tmp_path, monkeypatch):
    import pipeline.build as build_module
    from pipeline.reference import load_reference, reference_digest

    reference = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", reference)
    assert reference_digest(reference) == load_reference(reference).sha256
    loads = []
    monkeypatch.setattr(build_module, "_LOADED", {})
    monkeypatch.setattr(
        build_module,
        "load_reference",
        lambda folder: loads.append(folder) or load_reference(folder),
    )
    out = tmp_path / "out"
    build(RAW, out, reference, workers=1)
    build(RAW, out, reference, workers=1)
    assert len(loads) == 1
    with (reference / "members.csv").open("a") as handle:
        handle.write(
            "Test Person,Test Person,Testtown,Labour,Commons,2001-06-07,2005-05-05,SYNTHETIC TEST ROW\n"
        )
    assert build(RAW, out, reference, workers=1).n_extracted == 5
    assert len(loads) == 2


@given(
    st.lists(st.integers(1, 4), max_size=40),
    st.lists(st.booleans(), max_size=40),
)
def test_rows_of_some_documents_are_those_a_filter_would_keep(rows_per_doc, wanted):
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.build import _select

    ids = [f"doc{i:03d}" for i in range(len(rows_per_doc))]
    column = [doc_id for doc_id, n in zip(ids, rows_per_doc, strict=True) for _ in range(n)]
    table = pa.table({"doc_id": pa.array(column, pa.large_string()), "row": range(len(column))})
    keep = {doc_id for doc_id, want in zip(ids, wanted, strict=False) if want}
    expected = table.filter(pc.is_in(table["doc_id"], pa.array(sorted(keep), pa.large_string())))
    assert _select(table, keep).equals(expected)


def _chunked(values: list[str], cuts: list[int]):
    import pyarrow as pa

    edges = sorted([0, len(values), *(c % (len(values) + 1) for c in cuts)])  # empty pieces too
    pieces = [pa.array(values[a:b], pa.large_string()) for a, b in itertools.pairwise(edges)]
    return pa.chunked_array(pieces or [pa.array([], pa.large_string())])


@given(
    st.lists(st.integers(1, 3), max_size=30),
    st.lists(st.integers(0, 90), max_size=6),
    st.booleans(),
)
def test_document_runs_and_order_are_read_across_chunks(rows_per_doc, cuts, shuffled):
    import numpy as np
    import pyarrow as pa

    from pipeline.build import _doc_runs, _is_sorted

    ids = [f"doc{i:03d}" for i in range(len(rows_per_doc))]
    if shuffled:
        ids.reverse()
    column = [doc_id for doc_id, n in zip(ids, rows_per_doc, strict=True) for _ in range(n)]
    table = pa.table({"doc_id": _chunked(column, cuts)})
    names, starts = _doc_runs(table)
    assert names == ids
    assert starts.tolist() == np.concatenate([[0], np.cumsum(rows_per_doc)]).tolist()
    assert _is_sorted(table["doc_id"]) == (column == sorted(column))


@pytest.mark.parametrize("batch", [None, 7])
def test_extracted_rows_are_held_in_chunks_that_end_where_output_pieces_begin(
    synthetic_raw, monkeypatch, batch
):
    """Rows folded as they come (ours one by one, or workers' batches of `batch`) make the
    same tables as all at once, in the contract's types, and every chunk but the last ends
    before a document where a piece of the output's layout begins."""
    import zlib

    import pyarrow as pa

    from pipeline import build as b
    from pipeline.reference import load_reference

    monkeypatch.setattr(b.Fresh, "CHUNK", 30)
    monkeypatch.setattr(b, "CHUNK_DOCS", 8)
    reference = load_reference(b.REFERENCE_DIR)
    items, _ = b.list_inputs(synthetic_raw)
    results = [
        b.process_file(i.path, i.doc_id, i.source_path, reference, b.DEFAULT_MAX_BYTES)
        for i in items
    ]
    fresh = b.Fresh()
    if batch is None:
        for item, result in zip(items, results, strict=True):
            fresh.add(item.source_path, result)
    else:
        for start in range(0, len(items), batch):
            part = results[start : start + batch]
            documents = [r for r in part if isinstance(r, b.DocResult)]
            outcomes = [b.Outcome(r.text_sha256, "") for r in documents]
            assert len(documents) == len(part)
            fresh.add_folded(
                items[start : start + batch], b.Folded(outcomes, b._fresh_tables(documents))
            )
    held = fresh.chunks[:]
    assert len(held) > 3
    assert pa.types.is_dictionary(held[0]["events"].schema.field("minister").type)
    for after in held[1:]:
        first = after["documents"]["doc_id"][0].as_py()
        assert zlib.crc32(first.encode()) % 8 == 0
    kept = fresh.kept({i.source_path for i in items})
    assert pa.types.is_dictionary(kept["events"].schema.field("minister").type)
    whole = b._fresh_tables(results)
    for name in b.TABLES:
        table = b._plain(kept[name], name)
        assert table.schema.equals(b._SCHEMAS[name]), name
        assert table.equals(b._plain(whole[name], name)), name


def test_rows_of_scattered_documents_are_those_a_filter_would_keep():
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline.build import _select

    column = [f"doc{i:05d}" for i in range(5000) for _ in range(2)]
    table = pa.table({"doc_id": pa.array(column, pa.large_string()), "row": range(len(column))})
    keep = {f"doc{i:05d}" for i in range(0, 5000, 2)}  # every other document: 2,500 runs
    expected = table.filter(pc.is_in(table["doc_id"], pa.array(sorted(keep), pa.large_string())))
    assert _select(table, keep).equals(expected)


def test_a_second_build_of_the_same_folder_is_refused_and_changes_nothing(tmp_path, hold_folder):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out = tmp_path / "out"
    build(raw, out, workers=1)
    before = {name: (out / name).read_bytes() for name in OUTPUT_FILES}
    builds = sorted(p.name for p in (out / ".builds").iterdir())
    changed = raw / "002_d9a5f5901e5b14d1.txt"
    changed.write_text(changed.read_text().replace("In June", "In July"))
    holder = hold_folder(out)
    try:
        with pytest.raises(BuildError, match=f"another build is writing to .*process {holder.pid}"):
            build(raw, out, workers=1)
        with pytest.raises(BuildError, match="another build"):
            build(raw, out, workers=1, if_stale=True)
    finally:
        holder.stdin.close()
        assert holder.wait(timeout=30) == 0
    assert {name: (out / name).read_bytes() for name in OUTPUT_FILES} == before
    assert sorted(p.name for p in (out / ".builds").iterdir()) == builds
    assert build(raw, out, workers=1).n_extracted == 1  # free again once the other ends


def test_a_build_killed_while_holding_the_folder_does_not_block_the_next(tmp_path, hold_folder):
    out = tmp_path / "out"
    holder = hold_folder(out)
    holder.kill()
    holder.wait(timeout=30)
    assert "process" in (out / ".lock").read_text()  # what the killed build left behind
    assert build(RAW, out, workers=1).n_documents == 5


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (an ended process not yet reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_workers_end_with_a_build_killed_outright_and_free_the_folder(tmp_path):
    """SIGKILL leaves a build no chance to stop its workers; they must not wait for work
    for ever, holding memory and the folder's lock (every later build would be refused)."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("no /proc here")
    raw = tmp_path / "raw"
    raw.mkdir()
    for k in range(400):
        (raw / f"{k:03d}.txt").write_text(FRAGILE_PAGE.replace("Fragile", f"Number {k}"))
    out = tmp_path / "out"
    build_ = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "build", "--raw", str(raw), "--out", str(out)]
        + ["--workers", "2", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert build_.stdout is not None
    assert "progress" in json.loads(build_.stdout.readline())  # the workers are at work
    workers = _children(build_.pid)
    assert len(workers) == 2
    build_.kill()
    build_.wait(timeout=30)
    build_.stdout.close()
    try:
        for _ in range(300):  # up to 30 s; they end within milliseconds
            if not any(_running(pid) for pid in workers):
                break
            time.sleep(0.1)
        assert not any(_running(pid) for pid in workers)
    finally:
        for pid in filter(_running, workers):  # when the test fails: leave no orphans
            os.kill(pid, signal.SIGKILL)
    assert build(raw, out, workers=1).n_documents == 400  # the folder is free


def test_workers_default_to_the_cores_this_process_may_use():
    """A container or `taskset` narrows the cores a build may use; the default follows."""
    if not hasattr(os, "sched_getaffinity") or not shutil.which("taskset"):
        pytest.skip("no CPU affinity here")
    for cores in ("0", "0,1"):
        allowed = len(cores.split(","))
        if allowed > len(os.sched_getaffinity(0)):
            continue
        result = subprocess.run(
            ["taskset", "-c", cores, sys.executable, "-m", "pipeline", "build", "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        assert f"here {allowed})" in " ".join(result.stdout.split())
