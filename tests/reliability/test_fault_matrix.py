"""The fault matrix at its small size: every scenario through every surface.

Transient faults must be absorbed within the retry budget; permanent ones must fail with the
right error type, after the expected number of attempts and within a bounded time; no failure
may drop a resource, touch an ``output_file`` or make the CLI exit 0 or 2.

The selected rows are computed together the first time one is needed (provider and CLI rows
side by side while the in-process ones run, see :func:`.surfaces.run_rows`); each test then
reports its own row.
"""

from __future__ import annotations

import pytest

from .report import Row
from .scenarios import BY_NAME, SMALL, Scenario, matrix
from .surfaces import engine_available, run_rows

#: The first test computes every selected row (its fixture's set-up counts towards its timeout).
pytestmark = pytest.mark.timeout(900)

CASES = [
    pytest.param(
        scenario,
        surface,
        id=f"{scenario.name}-{surface}",
        marks=[pytest.mark.engine] if surface == "engine" else [],
    )
    for scenario, surface in matrix(SMALL)
]


@pytest.fixture(scope="module")
def rows(request: pytest.FixtureRequest) -> dict[tuple[str, str], Row]:
    """The rows of every selected case (engine cases only when the engine is here)."""
    engine = engine_available()
    selected = [
        item.callspec.params
        for item in request.session.items
        if getattr(item, "module", None) is request.module and hasattr(item, "callspec")
    ]
    pairs = [
        (BY_NAME[params["scenario"].name], params["surface"])
        for params in selected
        if engine or params["surface"] != "engine"
    ]
    return run_rows(pairs, SMALL)


@pytest.mark.parametrize(("scenario", "surface"), CASES)
def test_fault_matrix(scenario: Scenario, surface: str, rows: dict[tuple[str, str], Row]) -> None:
    if surface == "engine" and not engine_available():
        pytest.skip("no real Pulumi CLI (make engine) or no alicloud_flink.stack_runner")
    row = rows[scenario.name, surface]

    assert row.ok, row.explain()
