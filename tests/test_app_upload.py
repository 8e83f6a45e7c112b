"""Adding documents from the app: the pure checks in app.upload, then the Sources view and the
Data quality view's rebuild under AppTest (every folder is temporary; nothing touches data/).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest
from app_fixtures import CORPUS, app_test, corpus_env, synthetic_document, texts, write_corpus

from app import upload
from app.views import add_documents, rebuild
from pipeline import corpus
from pipeline.build import BuildError
from pipeline.reference import load_reference

HOSTILE_TEXT = "<script>alert(1)</script> <img src=x onerror=alert(1)>"
NEW_DOC = synthetic_document(
    "new unit " + HOSTILE_TEXT,
    "3 June 2014",
    [
        "On 1 June 2014 the Home Secretary Theresa May opened a new unit " + HOSTILE_TEXT + ".",
        "The Government will publish guidance in the autumn.",
    ],
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


@pytest.fixture(scope="module")
def reference():
    """The shipped reference tables, read once."""
    return load_reference()


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A built synthetic corpus in tmp, with the app pointed at it."""
    raw, processed, reference = write_corpus(tmp_path)
    corpus_env(monkeypatch, raw, processed, reference)
    monkeypatch.delenv("TIMELINE_MAX_BYTES", raising=False)
    return raw, processed, reference


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (to show nothing changed)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b""
        for p in sorted(folder.rglob("*"))
    }


# --- app.upload: checking one file ------------------------------------------------------------


def test_check_previews_document_and_first_events(reference) -> None:
    preview = upload.check(upload.Upload("new unit.txt", NEW_DOC.encode()), reference)
    assert preview.status == upload.READY
    assert preview.document["doc_type"] == "press release"
    assert preview.document["doc_date"] == "2014-06-03"
    assert preview.document["doc_date_basis"] == "explicit"
    assert preview.document["lead_minister"] == "Theresa May"
    assert preview.document["lead_minister_post"] == "Home Secretary"
    assert preview.n_events == 2
    assert [e.date_value for e in preview.events] == ["2014-06-01", "2014-AU"]
    assert HOSTILE_TEXT in preview.events[0].sentence  # kept as text; the views escape it


def test_preview_shows_only_the_first_events(reference) -> None:
    many = [f"On {d} June 2014 the Home Office met partners." for d in range(1, 12)]
    doc = synthetic_document("many", "20 June 2014", many)
    preview = upload.check(upload.Upload("many.txt", doc.encode()), reference)
    assert preview.n_events == 11
    assert len(preview.events) == upload.PREVIEW_EVENTS


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("picture.txt", PNG, "binary data, not text"),
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\t \n", "empty file"),
        ("report.pdf", b"%PDF-1.4 synthetic", "unsupported file type '.pdf'"),
        ("noext", b"text", "unsupported file type '(none)'"),
        (".hidden.txt", b"text", "starts with a dot"),
        ("", b"text", "has no name"),
    ],
)
def test_hostile_uploads_are_rejected_with_a_reason(reference, name, data, expected) -> None:
    preview = upload.check(upload.Upload(name, data), reference)
    assert preview.status == upload.REJECTED
    assert expected in preview.message
    assert not preview.ready


def test_size_limit_names_the_limit(reference) -> None:
    preview = upload.check(upload.Upload("big.txt", b"x" * 5000), reference, max_bytes=2048)
    assert preview.status == upload.REJECTED
    assert "4.9 kB, over the 2.0 kB limit" in preview.message
    assert "TIMELINE_MAX_BYTES" in preview.message


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (NEW_DOC.encode("cp1252", errors="replace"), "utf-8"),
        (NEW_DOC.replace("Home", "Hôme").encode("cp1252"), "windows-1252"),
        (NEW_DOC.encode("utf-16"), "utf-16"),
    ],
)
def test_other_encodings_are_read(reference, data: bytes, encoding: str) -> None:
    preview = upload.check(upload.Upload("enc.txt", data), reference)
    assert preview.status == upload.READY
    assert preview.document["encoding"] == encoding


def test_folders_in_names_are_dropped() -> None:
    assert upload.upload_name("../../etc/passwd.txt") == "passwd.txt"
    assert upload.upload_name("C:\\Users\\x\\Written answer é.txt") == "Written answer é.txt"


def test_human_bytes() -> None:
    assert upload.human_bytes(512) == "512 bytes"
    assert upload.human_bytes(2048) == "2.0 kB"
    assert upload.human_bytes(20 * 1024 * 1024) == "20 MB"


def test_checking_writes_nothing(folders, reference) -> None:
    raw, processed, _ = folders
    before = (listing(raw), listing(processed))
    upload.check(upload.Upload("new.txt", NEW_DOC.encode()), reference)
    upload.check(upload.Upload("x.txt", PNG), reference)
    assert (listing(raw), listing(processed)) == before


# --- app.upload: duplicates and names ------------------------------------------------------


def _plan(previews, raw: Path, texts=None, rename: bool = False):
    """`upload.plan` against a raw folder."""
    return upload.plan(
        previews, upload.raw_digests(raw), texts or {}, upload.taken_names(raw), rename=rename
    )


def test_same_bytes_are_a_duplicate(folders, reference) -> None:
    raw = folders[0]
    same = upload.Upload("copy.txt", CORPUS["synthetic_fund.txt"].encode())
    [verdict] = _plan([upload.check(same, reference)], raw)
    assert verdict.status == upload.DUPLICATE
    assert "already in the corpus as synthetic_fund.txt" in verdict.message


def test_same_text_in_other_bytes_is_a_duplicate(folders, reference) -> None:
    raw, processed, _ = folders
    from app import data

    bundle = data.load_bundle(str(processed), str(data.reference_dir()), "t")
    crlf = CORPUS["synthetic_fund.txt"].replace("\n", "\r\n").encode("utf-8-sig")
    [verdict] = _plan(
        [upload.check(upload.Upload("crlf.txt", crlf), reference)],
        raw,
        upload.text_digests(bundle.documents),
    )
    assert verdict.status == upload.DUPLICATE
    assert "same text is already in the corpus as synthetic_fund.txt" in verdict.message


def test_name_taken_is_refused_unless_renaming(folders, reference) -> None:
    raw = folders[0]
    other = upload.check(upload.Upload("synthetic_fund.txt", NEW_DOC.encode()), reference)
    [refused] = _plan([other], raw)
    assert refused.status == upload.NAME_TAKEN
    assert "synthetic_fund (2).txt" in refused.message
    [renamed] = _plan([other], raw, rename=True)
    assert renamed.ready and renamed.target == "synthetic_fund (2).txt"


def test_batch_duplicates_and_same_names(folders, reference) -> None:
    raw = folders[0]
    second = NEW_DOC.replace("autumn", "winter")
    batch = [
        upload.Upload("a.txt", NEW_DOC.encode()),
        upload.Upload("b.txt", NEW_DOC.encode()),  # same bytes as a.txt
        upload.Upload("a.txt", second.encode()),  # another file named a.txt
    ]
    verdicts = _plan([upload.check(u, reference) for u in batch], raw, rename=True)
    assert [v.status for v in verdicts] == [upload.READY, upload.DUPLICATE, upload.READY]
    assert [v.target for v in verdicts] == ["a.txt", "", "a (2).txt"]


def test_plan_agrees_with_the_pipelines_plan_add(folders, reference, tmp_path: Path) -> None:
    raw = folders[0]
    files = {
        "synthetic_fund.txt": NEW_DOC,  # name taken
        "fresh.txt": NEW_DOC.replace("June", "July"),
        "again.txt": CORPUS["synthetic_strategy.txt"],  # same bytes
    }
    staged = []
    for name, text in files.items():
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(text, encoding="utf-8")
        staged.append(tmp_path / "in" / name)
    theirs = corpus.plan_add(staged, raw, rename=True)
    ours = _plan(
        [upload.check(upload.Upload(p.name, p.read_bytes()), reference) for p in staged],
        raw,
        rename=True,
    )
    assert [a.target.name if a.target else "" for a in theirs] == [v.target for v in ours]
    with pytest.raises(corpus.AddError):
        corpus.plan_add(staged, raw, rename=False)
    assert _plan([ours[0]], raw)[0].status == upload.NAME_TAKEN


def test_save_copies_ready_files_and_never_overwrites(folders, reference) -> None:
    raw = folders[0]
    original = (raw / "synthetic_fund.txt").read_bytes()
    uploads = [
        upload.Upload("synthetic_fund.txt", NEW_DOC.encode()),
        upload.Upload("x.txt", PNG),
    ]
    verdicts = _plan([upload.check(u, reference) for u in uploads], raw, rename=True)
    added = upload.save(uploads, verdicts, raw)
    assert [a.target.name for a in added] == ["synthetic_fund (2).txt"]
    assert (raw / "synthetic_fund.txt").read_bytes() == original
    assert (raw / "synthetic_fund (2).txt").read_bytes() == NEW_DOC.encode()
    assert not (raw / "x.txt").exists()


def test_save_copies_nothing_when_a_name_was_taken_meanwhile(folders, reference) -> None:
    raw = folders[0]
    uploads = [upload.Upload("late.txt", NEW_DOC.encode())]
    verdicts = _plan([upload.check(u, reference) for u in uploads], raw)
    (raw / "late.txt").write_text("someone else's file", encoding="utf-8")
    with pytest.raises(upload.UploadError, match="nothing was saved"):
        upload.save(uploads, verdicts, raw)
    assert (raw / "late.txt").read_text(encoding="utf-8") == "someone else's file"


# --- the Sources view under AppTest -----------------------------------------------------------


def plain(markdown: str) -> str:
    """Markdown with its escaping backslashes removed, for reading assertions."""
    return markdown.replace("\\", "")


def header(at) -> str:
    """The "N events from M documents" line."""
    return next(m.value for m in at.markdown if " from " in m.value and "document" in m.value)


def sources_with(files: list[tuple[str, bytes]]):
    """An AppTest on the Sources view with `files` in the uploader, after one run."""
    at = app_test({"view": "sources"})
    at.run()
    at.file_uploader[0].set_value([(name, data, "text/plain") for name, data in files]).run()
    assert not at.exception
    return at


def test_upload_preview_then_save_shows_new_events_without_restart(folders) -> None:
    raw, processed, _ = folders
    at = sources_with([("new unit.txt", NEW_DOC.encode())])
    page = texts(at)
    assert "ready to add" in page and "Theresa May" in page
    assert "2014\\-06\\-03" in page  # the document's date, escaped for markdown
    assert "<script>" not in page and "<img" not in page
    grid = at.dataframe[0].value  # the preview's first events
    assert grid["date"].tolist() == ["2014-06-01", "2014-AU"]
    assert HOSTILE_TEXT in grid["quote"].iloc[0]  # a grid cell: shown as text
    assert not (raw / "new unit.txt").exists()  # nothing written before confirming
    assert "2 events from 2 documents" in header(at)
    at.button(key=add_documents.CONFIRM_KEY).click().run()
    assert not at.exception
    assert (raw / "new unit.txt").read_bytes() == NEW_DOC.encode()
    assert "4 events from 3 documents" in header(at)
    assert "Added new unit.txt to the corpus" in plain(at.success[0].value)
    assert "(1 file extracted" in plain(at.success[0].value)  # only the new one extracted
    assert at.file_uploader[0].key == "upload_files_1"  # a fresh, empty uploader
    assert not at.file_uploader[0].value
    at.radio(key="view").set_value("table").run()
    assert any(HOSTILE_TEXT in s for s in at.dataframe[0].value["sentence"])


def test_hostile_uploads_give_messages_and_no_button(folders, monkeypatch) -> None:
    monkeypatch.setenv("TIMELINE_MAX_BYTES", "4096")
    at = sources_with(
        [
            ("picture.txt", PNG),
            ("empty.txt", b""),
            ("big.txt", b"word " * 2000),
            ("report.pdf", b"%PDF-1.4"),
            ("copy.txt", CORPUS["synthetic_fund.txt"].encode()),
        ]
    )
    page = plain(texts(at)).lower()
    assert "up to 4.0 kb each" in page
    assert "binary data, not text" in page
    assert "empty file" in page
    assert "over the 4.0 kb limit" in page
    assert "unsupported file type '.pdf'" in page
    assert "already in the corpus as synthetic_fund.txt" in page
    assert not [b for b in at.button if b.key == add_documents.CONFIRM_KEY]
    assert "nothing will be saved" in page


def test_name_clash_offers_a_new_name(folders) -> None:
    raw = folders[0]
    at = sources_with([("synthetic_fund.txt", NEW_DOC.encode())])
    assert "name taken" in texts(at)
    at.checkbox(key=add_documents.RENAME_KEY).check().run()
    assert "Will be saved as synthetic_fund (2).txt" in plain(texts(at))
    at.button(key=add_documents.CONFIRM_KEY).click().run()
    assert not at.exception
    assert (raw / "synthetic_fund.txt").read_text(encoding="utf-8") == CORPUS["synthetic_fund.txt"]
    assert (raw / "synthetic_fund (2).txt").exists()


def test_failed_build_keeps_previous_tables_and_says_so(folders, hold_folder) -> None:
    """A real failure of the build's child process: another build holds the folder."""
    raw, processed, _ = folders
    before = hashlib.sha256((processed / "events.parquet").read_bytes()).hexdigest()
    holder = hold_folder(processed)
    at = sources_with([("new unit.txt", NEW_DOC.encode())])
    at.button(key=add_documents.CONFIRM_KEY).click().run()
    assert not at.exception
    message = plain(at.error[0].value)
    assert f"The rebuild failed: another build is writing to {processed.resolve()}" in message
    assert f"process {holder.pid}" in message
    assert "previous tables are still in use" in message
    assert "2 events from 2 documents" in header(at)
    assert hashlib.sha256((processed / "events.parquet").read_bytes()).hexdigest() == before
    assert (raw / "new unit.txt").exists()  # the upload itself is kept


CRASH = (
    "import json; print(json.dumps({'progress': [1, 2]}), flush=True); "
    "raise ValueError('synthetic crash <b>x</b>')"
)


def test_a_build_that_crashes_is_reported_without_its_traceback(folders, monkeypatch) -> None:
    """A child that reports progress, then dies with a traceback (a bug in the pipeline)."""
    processed = folders[1]
    before = hashlib.sha256((processed / "events.parquet").read_bytes()).hexdigest()
    monkeypatch.setattr(rebuild, "build_command", lambda: [sys.executable, "-c", CRASH])
    at = app_test({"view": "quality"})
    at.run()
    at.button(key="quality_rebuild").click().run()
    assert not at.exception
    message = plain(at.error[0].value)
    assert "The rebuild failed: the build stopped before it finished" in message
    assert "ValueError: synthetic crash &lt;b&gt;x&lt;/b&gt;" in message
    assert "Traceback" not in texts(at)
    assert hashlib.sha256((processed / "events.parquet").read_bytes()).hexdigest() == before


def test_follow_reads_progress_then_the_report_or_the_error() -> None:
    ticks: list[tuple[int, int]] = []
    lines = ['{"progress": [1, 3]}', "a warning", '{"progress": [3, 3]}']
    report = rebuild.follow(
        [*lines, '{"report": {"n_documents": 3, "n_events": 7, "n_extracted": 3}}'],
        lambda done, total: ticks.append((done, total)),
    )
    assert ticks == [(1, 3), (3, 3)]
    assert (report.n_documents, report.n_events, report.n_extracted) == (3, 7, 3)
    with pytest.raises(BuildError, match="^no such folder$"):
        rebuild.follow(['{"progress": [1, 3]}', '{"error": "no such folder"}'], print)
    with pytest.raises(BuildError, match="stopped before it finished: Killed$"):
        rebuild.follow(['{"progress": [1, 3]}', "[1, 2]", "Killed"], print)
    with pytest.raises(BuildError, match="stopped before it finished$"):
        rebuild.follow([], print)


def test_quality_view_rebuild_with_nothing_changed_says_so_and_keeps_the_tables(folders) -> None:
    processed = folders[1]
    before = (processed / "build.json").read_text()
    at = app_test({"view": "quality"})
    at.run()
    at.button(key="quality_rebuild").click().run()
    assert not at.exception
    assert rebuild.UP_TO_DATE in [i.value for i in at.info]
    assert not at.success
    assert (processed / "build.json").read_text() == before  # no new build published
    (folders[0] / "synthetic_fund.txt").touch()  # the same bytes, a new time: still fresh
    at.button(key="quality_rebuild").click().run()
    assert rebuild.UP_TO_DATE in [i.value for i in at.info]
    assert (processed / "build.json").read_text() == before


def test_quality_view_rebuilds_files_added_by_hand(folders) -> None:
    raw = folders[0]
    at = app_test({"view": "quality"})
    at.run()
    assert "2 events from 2 documents" in header(at)
    (raw / "by hand.txt").write_text(NEW_DOC, encoding="utf-8")
    at.button(key="quality_rebuild").click().run()
    assert not at.exception
    assert "4 events from 3 documents" in header(at)
    assert "Rebuilt" in at.success[0].value


def test_a_rebuild_from_the_page_extracts_with_workers_as_the_command_line_does(
    folders, tmp_path
) -> None:
    """Enough new files for the build's child process to share them among workers; the
    tables it publishes are the command line's, byte for byte."""
    from pipeline.build import OUTPUT_FILES, build

    raw, processed, reference = folders
    for k in range(60):
        day = 1 + k % 28
        (raw / f"by hand {k:02d}.txt").write_text(
            synthetic_document(
                f"number {k}",
                f"{day} June 2014",
                [f"On {day} May 2014 the Home Secretary Theresa May opened unit {k}."],
            ),
            encoding="utf-8",
        )
    at = app_test({"view": "quality"})
    at.run()
    at.button(key="quality_rebuild").click().run()
    assert not at.exception
    assert "62 documents" in header(at)
    assert "60 files extracted" in plain(at.success[0].value)
    expected = tmp_path / "command line"
    build(raw, expected, reference, workers=1, progress=lambda done, total: None)
    for name in OUTPUT_FILES:
        assert (processed / name).read_bytes() == (expected / name).read_bytes(), name


SLOW_BUILD = """
import json, sys, time
from pathlib import Path
print(json.dumps({"progress": [1, 2]}), flush=True)
time.sleep(1)
for k in range(20000):  # more than a pipe holds: someone must read it for the build to end
    print(json.dumps({"progress": [1, 2]}))
Path(sys.argv[1]).write_text("finished")
print(json.dumps({"report": {"n_documents": 2}}), flush=True)
"""


def test_a_build_goes_on_when_its_page_stops_and_a_second_waits_for_it(
    folders, monkeypatch, tmp_path
) -> None:
    """Streamlit stops a run (an exception at its next st call) when the user clicks
    elsewhere during a rebuild: the build must finish on its own, and no other start
    until it has."""
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    finished = tmp_path / "finished"
    monkeypatch.setattr(
        rebuild, "build_command", lambda: [sys.executable, "-c", SLOW_BUILD, str(finished)]
    )

    class StoppedPage:
        def progress(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            raise StopException()

    with monkeypatch.context() as patched, pytest.raises(StopException):
        patched.setattr(rebuild.st, "progress", lambda *args, **kwargs: StoppedPage())
        rebuild._run_build()
    child = rebuild._CHILD[-1]
    try:
        assert rebuild.busy()
        at = app_test({"view": "quality"})
        at.run()
        assert "A rebuild started earlier is still running" in " ".join(i.value for i in at.info)
        at.button(key="quality_rebuild").click().run()
        assert not at.exception
        assert "Another rebuild is running; try again when it has finished." in [
            w.value for w in at.warning
        ]
        assert rebuild._CHILD[-1] is child  # none other started
        child.wait(timeout=60)
        assert finished.read_text() == "finished"  # not killed: it ran to its end
        assert not rebuild.busy()
        assert not [i for i in at.run().info if "still running" in i.value]
    finally:
        child.kill()  # when the test fails: no build left running for the next tests
