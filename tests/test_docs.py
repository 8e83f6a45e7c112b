"""Documentation keeps up with the code: a command that is not in the README fails here."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pipeline.__main__ import _parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    """The pipeline's sub-commands and their parsers."""
    action = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_pipeline_command_is_in_the_readme():
    for name in _subcommands():
        assert f"python -m pipeline {name}" in README, name


def test_every_build_option_is_in_the_readme():
    options = {
        o for a in _subcommands()["build"]._actions for o in a.option_strings if o.startswith("--")
    }
    for option in options - {"--help"}:
        assert option in README, option


def test_every_documented_make_target_exists():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    for target in re.findall(r"`make ([a-z-]+)`", README):
        assert target in targets, target
    assert {"run", "test"} <= set(re.findall(r"make ([a-z-]+)", README))
