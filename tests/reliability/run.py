"""``make reliability``: every reliability suite at full size, reported in RELIABILITY.md.

Runs the fault matrix (every scenario through the functions, the dynamic provider over gRPC,
the CLI and, when ``make engine`` built it, the real Pulumi CLI), the soak, the fuzzers, the
signing checks, the secrets scan and the transport checks; writes ``RELIABILITY.md`` and the
raw ``reliability-results.json`` at the repository root; exits 1 when any row is red.

    .venv/bin/python tests/reliability/run.py [--size small|full] [--suite NAME ...]
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Import the suites as the package ``reliability`` (and the shared helpers beside it), never
# as top-level modules of this script's directory.
sys.path[0] = str(ROOT / "tests")

from reliability import fuzzing, secret_scan, signing, soak, surfaces, transport  # noqa: E402
from reliability.report import Row, write_report  # noqa: E402
from reliability.scenarios import FULL, SMALL, SURFACES, Size, failure_odds, matrix  # noqa: E402

SUITES = ("fault matrix", "soak", "fuzzing", "signing", "secrets scan", "transport")


def fault_matrix(size: Size, engine: bool) -> list[Row]:
    on = SURFACES if engine else tuple(s for s in SURFACES if s != "engine")
    return list(surfaces.run_rows(matrix(size, on), size).values())


def secrets_scan(engine: bool) -> list[Row]:
    scans: list[Callable[[], Row]] = [
        secret_scan.scanner_finds_a_planted_canary,
        secret_scan.scan_functions,
        secret_scan.scan_provider,
        secret_scan.scan_cli,
    ]
    if engine:
        scans += [secret_scan.scan_engine, secret_scan.scan_engine_plaintext_config]
    return [scan() for scan in scans]


def run_suite(name: str, size: Size, engine: bool) -> list[Row]:
    """The rows of one suite."""
    if name == "fault matrix":
        return fault_matrix(size, engine)
    if name == "soak":
        return [soak.run_soak(size)]
    if name == "fuzzing":
        return [fuzz(size) for fuzz in fuzzing.CHECKS]
    if name == "signing":
        return signing.run_signing()
    if name == "secrets scan":
        return secrets_scan(engine)
    return transport.run_transport()


def header(size: Size, engine: bool, timings: dict[str, float]) -> str:
    """What was run, where, and how long each suite took."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    bound = (
        "attempts x (connect timeout 5 s + read timeout "
        f"{size.read_timeout_ms / 1000:g} s) + (attempts - 1) x 5 s backoff cap + start-up"
    )
    lines = [
        f"Generated {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC} by `make reliability` "
        f"(`tests/reliability/run.py --size {size.name}`) at commit {commit or 'unknown'}, "
        f"Python {platform.python_version()}.",
        "",
        f"- Retry budget in the fault matrix: {size.max_attempts} attempts per call, read "
        f"timeout {size.read_timeout_ms} ms; a transient fault hits {size.max_attempts - 1} "
        "attempts (`-recovers`) or every attempt (`-persists`).",
        f"- Time bound per probe: {bound}; `slowest_s` is the slowest probe measured.",
        f"- Soak: {size.soak_lookups} lookups, {size.soak_threads} threads, 20% faults, "
        f"{size.soak_max_attempts} attempts: P(one lookup exhausts its budget) = "
        f"0.2^{size.soak_max_attempts} = {failure_odds(0.2, size.soak_max_attempts):.1e}.",
        f"- Fuzzing: {size.fuzz_examples} examples per property, "
        f"{size.fuzz_socket_examples} raw requests at the emulator.",
        "- Real Pulumi engine: "
        + ("`.engine/bin/pulumi` via `alicloud_flink.stack_runner`." if engine else "absent."),
        "- Wall time per suite: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ".",
        "",
        "Surfaces: `functions` = get_session_cluster(s)[_output] in a Pulumi program; "
        "`provider` = SessionClusterLookup's dynamic provider in its plugin process over gRPC "
        "(Check = up, Read = refresh); `cli` = the installed `alicloud-flink`; `engine` = the "
        "real Pulumi CLI running a program with both functions and the resource.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tests/reliability/run.py", description=__doc__)
    parser.add_argument("--size", choices=("small", "full"), default="full")
    parser.add_argument("--suite", action="append", choices=SUITES, help="(repeatable)")
    args = parser.parse_args(argv)
    size = FULL if args.size == "full" else SMALL
    engine = surfaces.engine_available()
    rows: list[Row] = []
    timings: dict[str, float] = {}
    for name in args.suite or SUITES:
        started = time.monotonic()
        print(f"reliability: {name} ...", file=sys.stderr, flush=True)
        suite_rows = run_suite(name, size, engine)
        timings[name] = time.monotonic() - started
        red = [row for row in suite_rows if not row.ok]
        print(
            f"reliability: {name}: {len(suite_rows) - len(red)}/{len(suite_rows)} green "
            f"in {timings[name]:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        for row in red:
            print(f"  RED {row.explain()}", file=sys.stderr)
        rows += suite_rows
    write_report(
        rows,
        ROOT / "RELIABILITY.md",
        ROOT / "reliability-results.json",
        header(size, engine, timings),
    )
    reds = sum(not row.ok for row in rows)
    print(f"reliability: {len(rows) - reds}/{len(rows)} rows green; see RELIABILITY.md")
    return 1 if reds else 0


if __name__ == "__main__":
    sys.exit(main())
