"""The example programs, run in-process against the emulator, and their project files."""

from __future__ import annotations

import runpy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from .harness import ProgramMocks, settle

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ["quickstart", "list-clusters", "drift-check", "use-as-input", "existing-by-id"]
ENGINE = "vvr-6.0.7-flink-1.15"
Program = Callable[..., ProgramMocks]


def run_example(name: str) -> dict[str, Any]:
    """Run ``examples/<name>/__main__.py`` as the language host would; return its exports."""
    runpy.run_path(str(REPO / "examples" / name / "__main__.py"), run_name="__main__")
    stack = pulumi.runtime.get_root_resource()
    assert stack is not None
    exports: dict[str, Any] = stack.outputs  # type: ignore[attr-defined]
    return {key: settle(pulumi.Output.from_input(value)).value for key, value in exports.items()}


def test_quickstart_exports_the_cluster(program: Program) -> None:
    program()

    assert run_example("quickstart") == {
        "sessionClusterId": "1f68a52c-1760-43c6-97fb-afe0674b****",
        "engineVersion": ENGINE,
        "deploymentTargetName": "default-queue",
    }


def test_list_clusters_exports_ids_and_names(program: Program) -> None:
    program()

    assert run_example("list-clusters") == {
        "ids": ["ws-demo:default-namespace:test-sessionCluster"],
        "names": ["test-sessionCluster"],
    }


def test_drift_check_exports_the_observation(program: Program) -> None:
    program()
    exports = run_example("drift-check")

    assert exports["id"] == "ws-demo:default-namespace:test-sessionCluster"
    assert exports["engineVersion"] == ENGINE
    assert exports["flinkConf"] == {"taskmanager.numberOfTaskSlots": "1"}


def test_use_as_input_feeds_the_engine_version_to_a_resource(program: Program) -> None:
    mocks = program()
    exports = run_example("use-as-input")

    (pinned,) = mocks.registered
    assert pinned.typ.endswith(":PinnedSetting")
    assert pinned.inputs["value"] == ENGINE
    assert exports == {"pinnedKey": "flink.engineVersion", "pinnedEngineVersion": ENGINE}


def test_existing_by_id_reads_the_cluster(program: Program) -> None:
    mocks = program()

    assert run_example("existing-by-id") == {
        "sessionClusterId": "1f68a52c-1760-43c6-97fb-afe0674b****",
        "engineVersion": ENGINE,
        "deploymentTargetName": "default-queue",
    }
    (read,) = mocks.registered
    assert read.resource_id == "ws-demo:default-namespace:test-sessionCluster"


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_is_a_python_project_on_the_repository_venv(name: str) -> None:
    folder = REPO / "examples" / name
    project = yaml.safe_load((folder / "Pulumi.yaml").read_text())

    assert project["runtime"]["name"] == "python"
    assert (folder / project["runtime"]["options"]["virtualenv"]).resolve() == REPO / ".venv"
    assert "pulumi up" in (folder / "README.md").read_text()


def test_the_root_project_runs_the_quickstart() -> None:
    project = yaml.safe_load((REPO / "Pulumi.yaml").read_text())

    assert (REPO / project["main"]).resolve() == REPO / "examples" / "quickstart"
    assert (REPO / project["runtime"]["options"]["virtualenv"]).resolve() == REPO / ".venv"
