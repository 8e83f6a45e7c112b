"""Adding documents (`python -m pipeline add`) and previewing them (`check`)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline.corpus import AddError, add_files, plan_add

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
MARK = "Synthetic test document written for the test suite; not a real statement."
NEW = f"Press release\n\nThe Home Office launched a synthetic test scheme today.\n\n{MARK}\n\nPublished 4 June 2013\n"


def _cli(*args: str) -> subprocess.CompletedProcess:
    """Run the pipeline's command line."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.fixture
def corpus(tmp_path):
    """A copy of the seed corpus and a new file to add."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    new = tmp_path / "incoming" / "new release.txt"
    new.parent.mkdir()
    new.write_text(NEW)
    return raw, new, tmp_path / "out"


def test_add_copies_then_rebuilds(corpus):
    raw, new, out = corpus
    result = _cli("add", str(new), "--raw", str(raw), "--out", str(out), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "added as new release.txt" in result.stdout
    assert (raw / "new release.txt").read_text() == NEW
    events = pd.read_parquet(out / "events.parquet")
    assert (events["source_path"] == "new release.txt").any()


def test_add_refuses_to_overwrite_a_different_file(corpus):
    raw, new, out = corpus
    (raw / "new release.txt").write_text("Someone else's document.")
    result = _cli("add", str(new), "--raw", str(raw), "--out", str(out))
    assert result.returncode == 2
    assert "already in" in result.stderr and "--rename" in result.stderr
    assert (raw / "new release.txt").read_text() == "Someone else's document."
    assert not out.exists()


def test_add_with_rename_keeps_both(corpus):
    raw, new, _ = corpus
    (raw / "new release.txt").write_text("Someone else's document.")
    [added] = add_files([new], raw, rename=True)
    assert added.target == raw / "new release (2).txt"
    assert (raw / "new release.txt").read_text() == "Someone else's document."


def test_same_text_under_another_name_is_not_copied(corpus):
    raw, _, _ = corpus
    [added] = add_files([RAW / "003_47d1d793452e7d07.txt"], raw)
    assert added.target is None and "already in the corpus" in added.message
    assert len(list(raw.iterdir())) == 5


def test_add_is_all_or_nothing(corpus, tmp_path):
    raw, new, _ = corpus
    bad = tmp_path / "incoming" / "scan.pdf"
    bad.write_bytes(b"%PDF")
    with pytest.raises(AddError, match="unsupported file type"):
        add_files([new, bad], raw)
    assert not (raw / "new release.txt").exists()
    with pytest.raises(AddError, match="not a file"):
        plan_add([tmp_path / "missing.txt"], raw)


def test_check_previews_and_changes_nothing(corpus):
    raw, new, out = corpus
    before = sorted(p.name for p in raw.iterdir())
    result = _cli("check", str(new), "--raw", str(raw), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "press release" in result.stdout
    assert "2013-06-04 (explicit: Published 4 June 2013)" in result.stdout
    assert "events:   1" in result.stdout
    assert sorted(p.name for p in raw.iterdir()) == before
    assert not out.exists()


def test_check_reports_a_file_that_would_be_rejected(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _cli("check", str(empty))
    assert result.returncode == 0
    assert "would be rejected: empty file" in result.stdout


def test_two_files_of_one_name_in_one_batch(corpus, tmp_path):
    raw, new, _ = corpus
    other = tmp_path / "elsewhere" / "new release.txt"
    other.parent.mkdir()
    other.write_text(NEW.replace("synthetic test scheme", "second synthetic scheme"))
    with pytest.raises(AddError, match="--rename"):
        plan_add([new, other], raw)
    added = add_files([new, other], raw, rename=True)
    assert [a.target.name for a in added] == ["new release.txt", "new release (2).txt"]
    assert (raw / "new release (2).txt").read_text() == other.read_text()
