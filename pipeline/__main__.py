"""Command line for the pipeline.

python -m pipeline build [--raw DIR] [--out DIR] [--if-stale] [--full] [--workers N] [--json]
python -m pipeline add FILE... [--rename]     copy into the raw folder, then rebuild
python -m pipeline check FILE...              show what each file would add; changes nothing
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path

from pipeline.build import OUT_DIR, RAW_DIR, BuildError, build, usable_cores
from pipeline.corpus import AddError, add_files, check_file, describe
from pipeline.load import DEFAULT_MAX_BYTES
from pipeline.reference import DEFAULT_DIR as REFERENCE_DIR
from pipeline.reference import ReferenceDataError, load_reference
from pipeline.schema import SchemaError


def _common(parser: argparse.ArgumentParser) -> None:
    """Options every sub-command shares."""
    parser.add_argument(
        "--raw", type=Path, default=RAW_DIR, help="folder of documents (default data/raw)"
    )
    parser.add_argument(
        "--out", type=Path, default=OUT_DIR, help="output folder (default data/processed)"
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=REFERENCE_DIR,
        help="reference tables (default data/reference)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=usable_cores(),
        help="processes to use (default: the cores this process may use, here %(default)s)",
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=int(os.environ.get("TIMELINE_MAX_BYTES", DEFAULT_MAX_BYTES)),
        help="files larger than this are rejected (default 20 MB, or $TIMELINE_MAX_BYTES)",
    )


def _parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="build the processed tables from the raw folder")
    _common(b)
    b.add_argument(
        "--if-stale", action="store_true", help="do nothing when the output is up to date"
    )
    b.add_argument(
        "--full",
        action="store_true",
        help="extract every file again, reusing nothing from the last build",
    )
    b.add_argument(
        "--json",
        action="store_true",
        help="for programs (the app): one JSON object per line on stdout, "
        '{"progress": [done, total]} as documents are extracted, then {"report": {...}} '
        'or {"error": "..."}',
    )
    a = commands.add_parser("add", help="copy files into the raw folder, then rebuild")
    _common(a)
    a.add_argument("files", type=Path, nargs="+")
    a.add_argument(
        "--rename", action="store_true", help="add a file under a free name when its name is taken"
    )
    c = commands.add_parser("check", help="show what files would add, changing nothing")
    _common(c)
    c.add_argument("files", type=Path, nargs="+")
    return parser


def _json_line(value: dict) -> None:
    """One object on one line of stdout, at once (a program reads it as it comes)."""
    print(json.dumps(value), flush=True)


def _build(args: argparse.Namespace, *, if_stale: bool = False) -> int:
    """Run a build and print its summary (or, with --json, its report as JSON)."""
    as_json = getattr(args, "json", False)

    def progress(done: int, total: int) -> None:
        _json_line({"progress": [done, total]})

    report = build(
        args.raw,
        args.out,
        args.reference,
        if_stale=if_stale,
        workers=args.workers,
        max_bytes=args.max_bytes,
        progress=progress if as_json else None,
        full=getattr(args, "full", False),
    )
    if as_json:
        _json_line({"report": dataclasses.asdict(report)})
    else:
        print(report.summary())
    return 0


def _add(args: argparse.Namespace) -> int:
    """Copy files in, then rebuild."""
    for item in add_files(args.files, args.raw, rename=args.rename):
        print(item.message)
    return _build(args)


def _check(args: argparse.Namespace) -> int:
    """Print what each file would add."""
    reference = load_reference(args.reference)
    for path in args.files:
        print(describe(check_file(path, reference, args.max_bytes)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run a command; return the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "add":
            return _add(args)
        if args.command == "check":
            return _check(args)
        return _build(args, if_stale=args.if_stale)
    except AddError as exc:
        print(f"add refused: {exc}", file=sys.stderr)
        return 2
    except (BuildError, ReferenceDataError, SchemaError, OSError) as exc:
        if getattr(args, "json", False):
            _json_line({"error": str(exc)})
        else:
            print(f"build failed, previous output left as it was: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
