"""One result row per (suite, scenario, surface), and the RELIABILITY.md / JSON report."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Row:
    """What one check tried, whether it held, and the figures it measured."""

    suite: str
    scenario: str
    surface: str
    ok: bool = True
    detail: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        """Record a broken expectation; the row turns red."""
        self.ok = False
        self.problems.append(problem)

    def expect(self, condition: bool, problem: str) -> bool:
        """``fail(problem)`` unless ``condition``; returns ``condition``."""
        if not condition:
            self.fail(problem)
        return condition

    def explain(self) -> str:
        """Every problem, for an assertion message."""
        return f"{self.suite}/{self.scenario}/{self.surface}: " + "; ".join(self.problems)


@contextmanager
def timed(row: Row) -> Iterator[Row]:
    """Time the block into ``row.seconds``; an unexpected exception turns the row red."""
    started = time.monotonic()
    try:
        yield row
    except Exception as failure:  # a harness or product bug: report it, keep the run going
        row.fail(f"unexpected {type(failure).__name__}: {failure}")
    finally:
        row.seconds = round(time.monotonic() - started, 3)


def check(suite: str, scenario: str, surface: str, body: Callable[[Row], None]) -> Row:
    """Run ``body`` on a fresh row, timed, and return the row."""
    row = Row(suite, scenario, surface)
    with timed(row):
        body(row)
    return row


def write_report(rows: Sequence[Row], markdown: Path, raw: Path, header: str) -> None:
    """Write the Markdown table and the raw JSON of ``rows``."""
    raw.write_text(json.dumps([asdict(row) for row in rows], indent=2, default=str) + "\n")
    markdown.write_text(_markdown(rows, header), encoding="utf-8")


def _markdown(rows: Sequence[Row], header: str) -> str:
    green = sum(row.ok for row in rows)
    lines = [
        "# Reliability report",
        "",
        header,
        "",
        f"**{green} of {len(rows)} rows green.**",
        "",
    ]
    for suite in dict.fromkeys(row.suite for row in rows):
        lines += [f"## {suite}", "", "| scenario | surface | result | counts | time (s) |"]
        lines.append("| --- | --- | --- | --- | --- |")
        for row in (r for r in rows if r.suite == suite):
            result = "green" if row.ok else "**RED**: " + "; ".join(row.problems)
            if row.detail:
                result += f" — {row.detail}"
            lines.append(
                f"| {row.scenario} | {row.surface} | {_cell(result)} | "
                f"{_cell(_counts(row.counts))} | {row.seconds:.2f} |"
            )
        lines.append("")
    return "\n".join(lines)


def _counts(counts: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())
