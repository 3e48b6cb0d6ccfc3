"""Runs one ``pulumi preview`` under the real Pulumi CLI, each in a fresh Python process.

``alicloud_flink.stack_runner`` runs a project's program as an Automation API inline program
against the CLI that ``make engine`` builds. A fresh process per preview gives every run a cold
import cache, as a CI job has: the program's imports are paid in the timed preview. Only the
preview is timed, not the creation of the throwaway stack and its config.

Run as a script, this module is that child: ``engine.py PROJECT_DIR URL`` prints one JSON line.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ENGINE_PULUMI = BENCH_DIR.parents[1] / ".engine" / "bin" / "pulumi"


@dataclass(frozen=True)
class Preview:
    """How one preview went: its wall time and the CLI's exit code and output."""

    seconds: float
    code: int
    output: str


def engine_status() -> str | None:
    """Why previews cannot run here, or ``None`` when the engine and the runner are present."""
    if not ENGINE_PULUMI.is_file():
        return f"no Pulumi CLI at {ENGINE_PULUMI} (make engine)"
    if importlib.util.find_spec("alicloud_flink.stack_runner") is None:
        return "alicloud_flink.stack_runner is not available"
    return None


def preview_in_child(project_dir: Path, url: str) -> Preview:
    """Run :func:`_preview_once` in a fresh interpreter and return what it measured."""
    from common import PYTHON, run_json

    found = run_json([PYTHON, str(Path(__file__)), str(project_dir), url], timeout=600)
    return Preview(float(found["seconds"]), int(found["code"]), str(found["output"]))


def write_project(directory: Path, name: str, program: str) -> Path:
    """A Python Pulumi project (``Pulumi.yaml`` + ``__main__.py``) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n", encoding="utf-8")
    (directory / "__main__.py").write_text(program, encoding="utf-8")
    return directory


def _preview_once(project_dir: Path, url: str) -> Preview:
    """Open a throwaway stack of the project against ``url`` and time one preview."""
    from alicloud_flink.emulator import DEFAULT_CREDENTIAL
    from alicloud_flink.stack_runner import StackRunner, Target

    target = Target(url, DEFAULT_CREDENTIAL.access_key_id, DEFAULT_CREDENTIAL.access_key_secret)
    with StackRunner(project_dir, target, stack_name="bench") as runner:
        started = time.perf_counter()
        outcome = runner.preview()
        seconds = time.perf_counter() - started
    return Preview(seconds, outcome.code, outcome.output[-4000:] if outcome.code else "")


if __name__ == "__main__":
    result = _preview_once(Path(sys.argv[1]), sys.argv[2])
    print(json.dumps({"seconds": result.seconds, "code": result.code, "output": result.output}))
