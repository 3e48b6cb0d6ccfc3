"""Row 5: start-up. Import cost against ``import pulumi``, the CLI's ``--help``, the provider blob.

- Import: fresh interpreters alternate between ``import pulumi`` and
  ``import pulumi_alicloud_flink``, each timing only its import statement (interpreter start-up
  is the same for both and left out); medians are compared.
- ``alicloud-flink --help``: the console script run with ``-X importtime``; the modules it
  imported must include neither pulumi nor tea-openapi.
- ``SessionClusterLookup``'s ``__provider``: the blob ``pulumi.dynamic`` serializes for it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from common import PYTHON, Row, median, run_json

RUNS = 21
TARGET_IMPORT_RATIO = 1.10
TARGET_BLOB_BYTES = 200
FORBIDDEN = ("pulumi", "alibabacloud_tea_openapi")
REPORTED = (*FORBIDDEN, "pydantic", "requests", "aiohttp", "alicloud_flink.lookup")
_TIMED_IMPORT = (
    "import json, time; t = time.perf_counter(); import {module}; "
    "print(json.dumps(time.perf_counter() - t))"
)


def _import_seconds(module: str) -> float:
    return float(run_json([PYTHON, "-c", _TIMED_IMPORT.format(module=module)]))


def import_row() -> Row:
    """Alternate fresh interpreters importing either package; compare median import times."""
    times: dict[str, list[float]] = {"pulumi": [], "pulumi_alicloud_flink": []}
    _import_seconds("pulumi_alicloud_flink")  # warm the file cache and the .pyc files
    for run in range(RUNS):
        order = list(times) if run % 2 == 0 else list(reversed(times))
        for module in order:
            times[module].append(_import_seconds(module))
    base, ours = median(times["pulumi"]), median(times["pulumi_alicloud_flink"])
    ratio = ours / base
    return Row(
        key="5a",
        what=f"Start-up: `import pulumi_alicloud_flink`, fresh interpreter, median of {RUNS}",
        figure=f"{ours * 1000:.0f} ms = {ratio:.2f}x",
        comparison=f"`import pulumi`: {base * 1000:.0f} ms",
        target=f"<= {TARGET_IMPORT_RATIO:.2f}x",
        passed=ratio <= TARGET_IMPORT_RATIO,
        raw={"seconds": times, "ratio": ratio},
    )


def help_row() -> Row:
    """Which heavy modules ``alicloud-flink --help`` imports."""
    script = Path(PYTHON).with_name("alicloud-flink")
    done = subprocess.run(
        [PYTHON, "-X", "importtime", str(script), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
        check=False,
    )
    modules = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    present = [name for name in REPORTED if _loaded(modules, name)]
    forbidden = [name for name in FORBIDDEN if name in present]
    return Row(
        key="5b",
        what="Start-up: `alicloud-flink --help` (modules imported, `-X importtime`)",
        figure=f"{len(modules)} modules; heavy ones: {', '.join(present) or 'none'}",
        comparison="—",
        target="imports neither pulumi nor tea-openapi",
        passed=done.returncode == 0 and not forbidden and bool(modules),
        raw={"modules": len(modules), "heavy": present, "exit_code": done.returncode},
    )


def blob_row() -> Row:
    """The size of the serialized provider a ``SessionClusterLookup`` carries in its state."""
    from alicloud_flink.dynamic_provider import SessionClusterLookupProvider
    from pulumi.dynamic.dynamic import serialize_provider

    blob = serialize_provider(SessionClusterLookupProvider())
    size = len(blob.encode("ascii"))
    return Row(
        key="5c",
        what="Start-up: `__provider` blob of `SessionClusterLookup` (base64 of the dill pickle)",
        figure=f"{size} bytes",
        comparison="a provider class pickled by value: kilobytes",
        target=f"<= {TARGET_BLOB_BYTES} bytes",
        passed=size <= TARGET_BLOB_BYTES,
        raw={"bytes": size},
    )


def _loaded(modules: set[str], package: str) -> bool:
    return any(name == package or name.startswith(f"{package}.") for name in modules)


def measure() -> list[Row]:
    """The three start-up rows."""
    return [import_row(), help_row(), blob_row()]
