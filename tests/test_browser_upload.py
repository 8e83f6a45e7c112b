"""Adding documents in a real browser: upload, preview, confirm, progress, the new event shown
without restarting the server; hostile uploads give messages and plant nothing in the page.

One server on a temporary corpus (raw, processed) built by the pipeline serves the module;
TIMELINE_MAX_BYTES is small so that the size limit can be tried. Screenshots land in
tests/artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from app_browser import (
    progress_seen,
    record_progress,
    screenshot,
    streamlit_server,
    upload_files,
    wait_for_app,
)
from app_fixtures import CORPUS, synthetic_document, write_corpus

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}
LIMIT = 20_000
HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> <a href='javascript:alert(1)'>x</a>"
)
NEW_DOC = synthetic_document(
    "browser upload " + HOSTILE,
    "3 June 2014",
    ["On 1 June 2014 the Home Secretary Theresa May opened a unit named Zanzibar " + HOSTILE],
)
MARKUP_CHECK = """() => ({
    img: document.querySelectorAll('img[src="x"], [onerror]').length,
    js: [...document.querySelectorAll('a[href]')].filter(
            a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
    script: [...document.querySelectorAll('script')].filter(
            s => s.textContent.includes('alert(1)')).length,
})"""
CLEAN = {"img": 0, "js": 0, "script": 0}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A small synthetic corpus built into a temporary processed folder."""
    return write_corpus(tmp_path_factory.mktemp("upload"), max_bytes=LIMIT)


@pytest.fixture(scope="module")
def server(corpus):
    """A streamlit server on the temporary corpus, with a small size limit."""
    raw, processed, reference = corpus
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIMELINE_RAW_DIR", str(raw))
        patch.setenv("TIMELINE_MAX_BYTES", str(LIMIT))
        with streamlit_server(processed, reference) as url:
            yield url


@pytest.fixture
def page(browser):
    """A desktop page that records (and dismisses) any dialog."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def open_uploader(page, server: str) -> None:  # noqa: ANN001
    """The Sources view with the "Add documents" section open."""
    page.goto(f"{server}/?view=sources")
    wait_for_app(page)
    page.get_by_text("Add documents to the corpus").click()
    page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached")


def write(folder: Path, name: str, data: bytes) -> Path:
    """A file for the uploader."""
    path = folder / name
    path.write_bytes(data)
    return path


def test_hostile_uploads_give_messages(page, server: str, tmp_path: Path) -> None:
    open_uploader(page, server)
    files = [
        write(tmp_path, "picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        write(tmp_path, "empty.txt", b""),
        write(tmp_path, "huge.txt", b"word " * (LIMIT // 4)),
        write(tmp_path, "copy.txt", CORPUS["synthetic_fund.txt"].encode()),
        write(tmp_path, "markup.html", f"<html><body><p>{HOSTILE}</p></body></html>".encode()),
    ]
    upload_files(page, files)
    page.get_by_text("markup.html").last.wait_for()
    wait_for_app(page)
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "Binary data, not text" in main
    assert "Empty file (0 bytes)" in main
    assert "over the 19.5 kB limit" in main
    assert "Already in the corpus as synthetic_fund.txt" in main
    assert page.get_by_role("button", name="and rebuild").count() == 0
    assert page.evaluate(MARKUP_CHECK) == CLEAN
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "upload_hostile_1280")
    upload_files(page, [write(tmp_path, "report.pdf", b"%PDF-1.4 synthetic")])
    page.get_by_text("Unsupported file type '.pdf'").wait_for()
    wait_for_app(page)
    page.locator(".st-key-upload_preview_3").scroll_into_view_if_needed()
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "upload_pdf_1280")
    assert page.dialogs == []


def test_upload_preview_confirm_and_see_the_new_event(page, server: str, corpus, tmp_path) -> None:
    raw = corpus[0]
    open_uploader(page, server)
    upload_files(page, [write(tmp_path, "browser upload é.txt", NEW_DOC.encode())])
    page.get_by_text("ready to add").wait_for()
    wait_for_app(page)
    preview = page.locator(".st-key-upload_preview_0").inner_text()
    assert "Theresa May" in preview and "2014-06-03" in preview
    assert "<script>alert(1)</script>" in preview  # the title, shown as text
    assert page.evaluate(MARKUP_CHECK) == CLEAN
    assert not (raw / "browser upload é.txt").exists()
    screenshot(page, "upload_preview_1280")
    record_progress(page)
    page.get_by_role("button", name="Add 1 file (1 event) and rebuild").click()
    page.get_by_text("to the corpus. Rebuilt").wait_for(timeout=30_000)
    wait_for_app(page)
    seen = progress_seen(page)  # "1 of 1" unless the pipeline's code changed meanwhile
    assert any(re.fullmatch(r"Extracted (\d+) of \1 new or changed documents", t) for t in seen), (
        seen
    )
    assert (raw / "browser upload é.txt").read_bytes() == NEW_DOC.encode()
    assert page.get_by_text("3 events from 3 documents").is_visible()
    screenshot(page, "upload_done_1280")
    page.locator(".st-key-f_text input").fill("Zanzibar")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('q=Zanzibar')")
    wait_for_app(page)
    page.get_by_text("Table", exact=True).click()
    wait_for_app(page)
    assert page.get_by_text("1 event from 1 document").is_visible()
    assert page.evaluate(MARKUP_CHECK) == CLEAN
    screenshot(page, "upload_new_event_table_1280")
    assert page.dialogs == []


def test_progress_recorder_keeps_text_replaced_within_one_frame(page) -> None:  # noqa: ANN001
    page.set_content('<div data-testid="stProgress"><p>Looking</p></div>')
    record_progress(page)
    page.evaluate("""() => {
        const p = document.querySelector('[data-testid="stProgress"] p');
        p.firstChild.data = 'Extracted 1 of 1 new or changed documents';
        p.firstChild.data = '';  // in the same task: one batch of changes
    }""")
    page.evaluate("""() => {
        const bar = document.createElement('div');
        bar.setAttribute('data-testid', 'stProgress');
        bar.textContent = 'Extracted 2 of 2 new or changed documents';
        document.body.append(bar);
        bar.remove();  // added and removed before the observer runs
    }""")
    seen = progress_seen(page)
    assert "Extracted 1 of 1 new or changed documents" in seen
    assert "Extracted 2 of 2 new or changed documents" in seen
    assert "" not in seen


def test_a_rebuild_left_mid_way_finishes_and_its_tables_appear(page, tmp_path: Path) -> None:
    """The user starts a rebuild in the Data quality view and moves on before it ends
    (Streamlit stops that run): the build goes on, and its tables appear on a later run."""
    raw, processed, reference = write_corpus(tmp_path / "left")
    for k in range(1500):  # a few seconds of building: time to leave the page meanwhile
        (raw / f"synthetic_{k:04d}.txt").write_text(
            synthetic_document(
                f"left page {k}",
                "1 May 2015",
                [f"On 2 May 2015 the Home Office published guidance number {k}."],
            ),
            encoding="utf-8",
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIMELINE_RAW_DIR", str(raw))
        with streamlit_server(processed, reference) as url:
            page.goto(f"{url}/?view=quality")
            wait_for_app(page)
            page.get_by_role("button", name="Rebuild data").click()
            page.locator('[data-testid="stProgress"]').wait_for()  # the rebuild is under way
            page.get_by_text("Timeline", exact=True).click()  # the user moves on
            wait_for_app(page)
            assert page.get_by_text("2 events from 2 documents").is_visible()  # left before its end
            for _ in range(90):
                page.wait_for_timeout(1000)
                page.reload()
                wait_for_app(page)
                if page.get_by_text("1,502 events from 1,502 documents").is_visible():
                    break
            assert page.get_by_text("1,502 events from 1,502 documents").is_visible()
            screenshot(page, "rebuild_left_then_shown_1280")
