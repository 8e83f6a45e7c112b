"""Command line: `python -m pipeline build [--raw DIR] [--out DIR] ...`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.build import OUT_DIR, RAW_DIR, BuildError, build
from pipeline.load import DEFAULT_MAX_BYTES
from pipeline.reference import DEFAULT_DIR as REFERENCE_DIR
from pipeline.reference import ReferenceDataError
from pipeline.schema import SchemaError


def _parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per job."""
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build the processed tables from the raw folder")
    b.add_argument("--raw", type=Path, default=RAW_DIR, help="folder of documents (default data/raw)")
    b.add_argument("--out", type=Path, default=OUT_DIR, help="output folder (default data/processed)")
    b.add_argument("--reference", type=Path, default=REFERENCE_DIR, help="reference tables (default data/reference)")
    b.add_argument("--if-stale", action="store_true", help="do nothing when the output is up to date")
    b.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes to use (default: all cores)")
    b.add_argument(
        "--max-bytes",
        type=int,
        default=int(os.environ.get("TIMELINE_MAX_BYTES", DEFAULT_MAX_BYTES)),
        help="files larger than this are rejected (default 20 MB, or $TIMELINE_MAX_BYTES)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the process exit code."""
    args = _parser().parse_args(argv)
    try:
        report = build(
            args.raw, args.out, args.reference, if_stale=args.if_stale, workers=args.workers, max_bytes=args.max_bytes
        )
    except (BuildError, ReferenceDataError, SchemaError) as exc:
        print(f"build failed, previous output left as it was: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
