"""Entry point of the ``alicloud-flink`` console script: parse, dispatch, turn errors into exits.

Exit codes: 0 success, 1 error (one line on stderr; a traceback only with ``--debug``), 2 drift.
A command module is imported only when it runs: ``--help`` loads neither pydantic, the API
client, nor pulumi (the CLI never imports pulumi at all).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from alicloud_flink.cli import EXIT_ERROR, PROG, one_line
from alicloud_flink.cli.parser import build_parser

EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line (``sys.argv[1:]`` by default) and return its exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["emulator"]:
        return _run_emulator(arguments[1:])
    args = build_parser().parse_args(arguments)
    try:
        return _runner(args.command)(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as failure:  # every error becomes one line and exit 1
        return _report(failure, debug=args.debug)


def _runner(target: str) -> Callable[[argparse.Namespace], int]:
    """The ``run`` function named ``module:function``, importing its module only now."""
    module_name, _, function = target.partition(":")
    runner: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(module_name), function
    )
    return runner


def _report(failure: Exception, *, debug: bool) -> int:
    """Print ``failure`` as one line on stderr (after its traceback with ``--debug``)."""
    from alicloud_flink.errors import FlinkLookupError

    if debug:
        import traceback

        traceback.print_exception(failure)
    if isinstance(failure, (FlinkLookupError, OSError)):  # expected: bad input, files, API
        message = str(failure)
    else:
        hint = "" if debug else "; re-run with --debug for the traceback"
        message = f"unexpected {type(failure).__name__}: {failure}{hint}"
    print(f"{PROG}: error: {one_line(message)}", file=sys.stderr)  # server text may span lines
    return EXIT_ERROR


def _run_emulator(argv: list[str]) -> int:
    """``alicloud-flink emulator ...``: hand the rest of the line to the emulator's own CLI."""
    from alicloud_flink.emulator.cli import main as emulator_main

    try:
        return emulator_main(argv)
    except SystemExit as leaving:
        if leaving.code == 2:  # argparse's usage error; here 2 would read as drift
            return EXIT_ERROR
        raise


if __name__ == "__main__":
    sys.exit(main())
