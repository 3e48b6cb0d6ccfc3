"""``make bench``: run every benchmark, write BENCHMARKS.md and bench-results.json, judge.

Each benchmark module (round_trips, concurrency, overhead, large_namespace, startup,
engine_preview) measures this project side by side with its comparison in the same run, so
every figure is a ratio or a count rather than an absolute time on a shared, noisy machine.
The exit status is 1 when any target is missed (a row that could not run, such as the engine
row without ``make engine``, is reported as not run, and an informational row has no target:
neither fails). ``--only 3 4`` runs
some rows and prints them without writing the report.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from common import REPO, Row

#: Row number -> the module that measures it, in report order.
BENCHMARKS: dict[str, str] = {
    "1": "round_trips",
    "2": "concurrency",
    "3": "overhead",
    "4": "large_namespace",
    "5": "startup",
    "6": "engine_preview",
}
PACKAGES = (
    "pulumi",
    "pydantic",
    "alibabacloud-tea-openapi",
    "alibabacloud-ververica20220718",
    "darabonba-core",
)
MARKDOWN = REPO / "BENCHMARKS.md"
RESULTS = REPO / "bench-results.json"


def run_benchmark(number: str) -> tuple[list[Row], float]:
    """The rows of one benchmark and how long it took; a crash becomes a failed row."""
    started = time.perf_counter()
    try:
        rows: list[Row] = importlib.import_module(BENCHMARKS[number]).measure()
    except Exception as failure:  # a broken benchmark is a failed row, not a missing report
        detail = "".join(traceback.format_exception_only(failure)).strip()
        traceback.print_exc()
        rows = [Row(number, BENCHMARKS[number], "error", "—", "—", False, notes=detail)]
    return rows, time.perf_counter() - started


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "platform": platform.platform(),
        "pulumi_cli": _pulumi_cli_version(),
        "packages": {name: _version(name) for name in PACKAGES},
    }


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else platform.processor() or "unknown"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _pulumi_cli_version() -> str:
    import subprocess

    from engine import ENGINE_PULUMI

    if not ENGINE_PULUMI.is_file():
        return "not built"
    home = {"PULUMI_HOME": str(REPO / ".engine" / "pulumi-home"), "PULUMI_SKIP_UPDATE_CHECK": "1"}
    done = subprocess.run(
        [str(ENGINE_PULUMI), "version"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **home},
        check=False,
    )
    return done.stdout.strip() or "unknown"


def markdown(rows: Sequence[Row], info: dict[str, Any], timings: dict[str, float]) -> str:
    """BENCHMARKS.md: the table, the notes of rows that have some, and how it was measured."""
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`tests/bench/run.py`) on {info['finished']}. Every figure is "
        "a count, or a ratio of two things measured side by side in the same run; absolute "
        "times are shown for scale only (the machine is shared and noisy).",
        "",
        "| # | What was measured | This project | Comparison | Target | Result |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r.key} | {r.what} | {r.figure} | {r.comparison} | {r.target} | {r.verdict} |"
        for r in rows
    ]
    noted = [row for row in rows if row.notes]
    if noted:
        lines += ["", "## Notes", ""]
        lines += [f"- **{row.key}** ({row.verdict}): {row.notes}" for row in noted]
    lines += ["", *_how_measured(info, timings)]
    return "\n".join(lines) + "\n"


def _how_measured(info: dict[str, Any], timings: dict[str, float]) -> list[str]:
    m = info["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in m["packages"].items())
    per_row = ", ".join(f"row {key} {seconds:.0f} s" for key, seconds in timings.items())
    return [
        "## How measured",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['platform']}, Python {m['python']}; "
        f"load average {m['load_average']} at the start, {info['load_average_end']} at the end.",
        f"- Software: Pulumi CLI {m['pulumi_cli']} (`make engine`), {packages}.",
        "- The emulator runs in its own process (`python -m alicloud_flink.emulator`); both "
        "sides of a comparison call the same emulator with the same credential over keep-alive "
        "connections, alternating (the order swapped every pair) and compared by medians.",
        "- 1: a program run in-process with `pulumi.runtime.set_mocks` (secret key set as a "
        "secret); functions call the emulator, `SessionClusterLookup` runs its real dynamic "
        "provider decoded from `__provider` (configure, check, create); list calls counted by "
        "the emulator. 1e: the same program under the real CLI (`alicloud_flink.stack_runner`: "
        "inline program + the `pulumi-python` plugin process), `pulumi preview`.",
        "- 2: `set_latency_ms(100)`; a program settling `get_session_clusters_output` over 32 "
        "namespaces vs over 1 (cache cleared each run), plus one sequential loop of 32 calls.",
        "- 3: `find_clusters` of a query returning all 50 clusters (cache cleared after each "
        "call: signed call, parse, validation of every cluster) vs the official SDK's "
        "`list_session_clusters_with_options`, both in one fresh child process; 3 blocks of "
        "200 alternating pairs, verdict on the median of the blocks' ratios of medians. 3p: "
        "the same in a child that imported pulumi first.",
        "- 4: each side in a fresh process per run, warmed on a one-cluster namespace; time of "
        "one call on the 10,000-cluster namespace; peak RSS growth from `/proc/self/status` "
        "`VmHWM`. 4b (informational): the same runs with a third child doing a lookup without "
        "filter, which validates all 10,000 clusters into models.",
        "- 5: fresh interpreters timing only the import statement; `-X importtime` of the "
        "console script; `pulumi.dynamic.dynamic.serialize_provider` of the provider.",
        "- 6: `StackRunner.preview()` timed in a fresh process per preview (stack creation not "
        "timed), quickstart / empty program / imports-only program alternating.",
        f"- Duration of this run: {info['duration_s']:.0f} s ({per_row}).",
    ]


def write_report(rows: Sequence[Row], info: dict[str, Any], timings: dict[str, float]) -> None:
    """Write BENCHMARKS.md and bench-results.json at the repository root."""
    MARKDOWN.write_text(markdown(rows, info, timings), encoding="utf-8")
    document = {
        **info,
        "timings_s": timings,
        "passed": all(row.passed is not False for row in rows),
        "rows": [dataclasses.asdict(row) | {"verdict": row.verdict} for row in rows],
    }
    RESULTS.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks; 1 when a target is missed, else 0."""
    parser = argparse.ArgumentParser(prog="tests/bench/run.py", description=__doc__)
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS), metavar="ROW")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info: dict[str, Any] = {"machine": machine()}
    rows: list[Row] = []
    timings: dict[str, float] = {}
    for number in args.only or BENCHMARKS:
        print(f"bench: row {number} ({BENCHMARKS[number]}) ...", file=sys.stderr, flush=True)
        found, timings[number] = run_benchmark(number)
        rows += found
        for row in found:
            print(f"bench:   {row.key}: {row.figure} [{row.verdict}]", file=sys.stderr)
    info |= {
        "finished": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "duration_s": time.perf_counter() - started,
        "load_average_end": [round(value, 2) for value in os.getloadavg()],
    }
    if args.only:
        print(markdown(rows, info, timings))
    else:
        write_report(rows, info, timings)
        print(f"bench: wrote {MARKDOWN.name} and {RESULTS.name}", file=sys.stderr)
    missed = [row.key for row in rows if row.passed is False]
    if missed:
        print(f"bench: targets missed: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
