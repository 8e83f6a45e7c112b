"""Shared fixtures: the seed corpus built once per test session into a temporary folder."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from pipeline.build import build
from pipeline.reference import load_reference

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def reference():
    """The shipped reference tables."""
    return load_reference()


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory) -> Path:
    """The seed corpus in data/raw built into a fresh folder (never into data/processed)."""
    out = tmp_path_factory.mktemp("seed-build")
    build(RAW, out, workers=1)
    return out


_HOLD = """
import sys
from pathlib import Path
from pipeline.build import _exclusive
with _exclusive(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()  # until the test closes our stdin, or kills us
"""


@pytest.fixture
def hold_folder() -> Iterator[Callable[[Path], subprocess.Popen]]:
    """`hold(out)` starts another process holding `out` as a build does, until its stdin
    closes (the test may close it, or kill the process; the rest end with the test)."""
    holders: list[subprocess.Popen] = []

    def hold(out: Path) -> subprocess.Popen:
        holder = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(out)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        holders.append(holder)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        return holder

    yield hold
    for holder in holders:
        if holder.poll() is None:
            holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
        if holder.stdin and not holder.stdin.closed:
            holder.stdin.close()


@pytest.fixture(scope="session")
def seed_events(seed_build: Path) -> pd.DataFrame:
    """The built events table."""
    return pd.read_parquet(seed_build / "events.parquet")


@pytest.fixture(scope="session")
def seed_documents(seed_build: Path) -> pd.DataFrame:
    """The built documents table, with texts."""
    return pd.read_parquet(seed_build / "documents.parquet").set_index("source_path", drop=False)


@pytest.fixture(scope="session")
def seed_mentions(seed_build: Path) -> pd.DataFrame:
    """The built mentions table."""
    return pd.read_parquet(seed_build / "mentions.parquet")


# --- the app's tests -------------------------------------------------------------------


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    """Small synthetic processed and reference folders, written once per test module."""
    from app_fixtures import write_small

    return write_small(tmp_path_factory.mktemp("small"))


@pytest.fixture
def app_env(folders, monkeypatch):
    """Point the app at the small synthetic folders."""
    processed, reference = folders
    monkeypatch.setenv("TIMELINE_DATA_DIR", str(processed))
    monkeypatch.setenv("TIMELINE_REFERENCE_DIR", str(reference))


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (skips without one, unless it is required)."""
    from app_browser import chromium

    with chromium() as instance:
        yield instance
