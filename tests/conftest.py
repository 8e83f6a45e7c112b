"""Shared fixtures: the seed corpus built once per test session into a temporary folder."""

from __future__ import annotations

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
