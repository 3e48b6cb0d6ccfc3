"""``clusters list`` and ``clusters get`` against the emulator, run as a CI job runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alicloud_flink.emulator import Emulator
from alicloud_flink.output_file import read_output_file

from .helpers import (
    CLUSTER,
    ENGINE,
    LIST_HEADER,
    LIST_KEYS,
    NAMESPACE,
    NEW_ENGINE,
    WORKSPACE,
    assert_one_line_error,
    cluster,
    run,
)

LOCATION = ("-w", WORKSPACE, "-n", NAMESPACE)


@pytest.fixture
def several(emulator: Emulator) -> Emulator:
    """Four clusters in the default namespace and one in ``team-b``."""
    admin = emulator.admin
    running = {"currentSessionClusterStatus": "RUNNING"}
    admin.upsert_cluster(WORKSPACE, NAMESPACE, cluster("etl-a", labels={"env": "prod"}))
    admin.upsert_cluster(
        WORKSPACE, NAMESPACE, cluster("etl-b", engineVersion=NEW_ENGINE, status=running)
    )
    admin.upsert_cluster(WORKSPACE, NAMESPACE, cluster("web", labels={"env": "dev", "test2": 1}))
    admin.upsert_cluster(WORKSPACE, "team-b", cluster("etl-c", namespace="team-b"))
    return emulator


def names(stdout: str) -> list[str]:
    return [row["session_cluster_name"] for row in json.loads(stdout)]


def test_list_table_has_the_stable_columns(env: dict[str, str]) -> None:
    result = run(env, "clusters", "list", *LOCATION)
    assert result.returncode == 0, result.stderr
    header, row, *rest = result.stdout.splitlines()
    assert header.split() == LIST_HEADER.split()
    assert row.split() == [
        WORKSPACE,
        NAMESPACE,
        CLUSTER,
        "-",
        ENGINE,
        "default-queue",
        "1f68a52c-1760-43c6-97fb-afe0674b****",
        "test=test,test2=1",
    ]
    assert rest == []


def test_list_json_has_the_same_columns_as_values(env: dict[str, str]) -> None:
    result = run(env, "clusters", "list", *LOCATION, "--output", "json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert list(row) == LIST_KEYS
    assert row["engine_version"] == ENGINE
    assert row["labels"] == {"test": "test", "test2": 1}


@pytest.mark.usefixtures("several")
@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ((), ["etl-a", "etl-b", CLUSTER, "web"]),
        (("--name-regex", "^etl-"), ["etl-a", "etl-b"]),
        (("--label", "env=prod"), ["etl-a"]),
        (("--label", "test2=1", "--label", "env=dev"), ["web"]),
        (("--status", "RUNNING"), ["etl-b"]),
        (("--engine-version", NEW_ENGINE), ["etl-b"]),
        (
            ("--id", f"{WORKSPACE}:{NAMESPACE}:web", "--id", f"{WORKSPACE}:{NAMESPACE}:etl-a"),
            ["etl-a", "web"],
        ),
        (("--name-regex", "^nothing$"), []),
    ],
)
def test_list_filters(env: dict[str, str], filters: tuple[str, ...], expected: list[str]) -> None:
    result = run(env, "clusters", "list", *LOCATION, *filters, "-o", "json")
    assert result.returncode == 0, result.stderr
    assert names(result.stdout) == expected


@pytest.mark.usefixtures("several")
def test_list_several_namespaces_each_listed_once(emulator: Emulator, env: dict[str, str]) -> None:
    emulator.admin.reset_stats()
    args = ("-w", WORKSPACE, "-n", NAMESPACE, "-n", "team-b", "-n", NAMESPACE)
    result = run(env, "clusters", "list", *args, "--name-regex", "^etl-", "-o", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["namespace"], r["session_cluster_name"]) for r in rows] == [
        (NAMESPACE, "etl-a"),
        (NAMESPACE, "etl-b"),
        ("team-b", "etl-c"),
    ]
    assert emulator.admin.stats()["by_namespace"] == {WORKSPACE: {NAMESPACE: 1, "team-b": 1}}


@pytest.mark.usefixtures("several")
def test_list_ids_pick_their_namespaces(env: dict[str, str]) -> None:
    ids = ("--id", f"{WORKSPACE}:team-b:etl-c")
    result = run(
        env,
        "clusters",
        "list",
        "-w",
        WORKSPACE,
        "-n",
        NAMESPACE,
        "-n",
        "team-b",
        *ids,
        "-o",
        "json",
    )
    assert names(result.stdout) == ["etl-c"]
    stray = run(env, "clusters", "list", *LOCATION, "--id", f"{WORKSPACE}:team-b:etl-c")
    assert_one_line_error(stray, "invalid ids", "none of the listed namespaces")


def test_list_empty_result_is_success_with_a_note(env: dict[str, str]) -> None:
    result = run(env, "clusters", "list", *LOCATION, "--name-regex", "^none$")
    assert (result.returncode, result.stdout) == (0, "")
    assert "no session clusters match" in result.stderr
    as_json = run(env, "clusters", "list", *LOCATION, "--name-regex", "^none$", "-o", "json")
    assert json.loads(as_json.stdout) == []


def test_list_takes_workspace_and_namespace_from_the_environment(env: dict[str, str]) -> None:
    env.update(ALICLOUD_FLINK_WORKSPACE=WORKSPACE, ALICLOUD_FLINK_NAMESPACE=NAMESPACE)
    result = run(env, "clusters", "list", "-o", "json")
    assert names(result.stdout) == [CLUSTER]


def test_list_writes_the_output_file(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "clusters.json"
    result = run(env, "clusters", "list", *LOCATION, "--output-file", str(target), "-o", "json")
    assert result.returncode == 0, result.stderr
    (record,) = read_output_file(target)
    assert record["id"] == f"{WORKSPACE}:{NAMESPACE}:{CLUSTER}"
    assert record["session_cluster_name"] == CLUSTER


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("-n", NAMESPACE), ("invalid workspace", "ALICLOUD_FLINK_WORKSPACE")),
        (("-w", WORKSPACE), ("invalid namespace", "ALICLOUD_FLINK_NAMESPACE")),
        ((*LOCATION, "--name-regex", "("), ("invalid name_regex", "does not compile")),
        ((*LOCATION, "--label", "novalue"), ("invalid --label", "KEY=VALUE")),
        (("-w", "bad workspace", "-n", NAMESPACE), ("invalid workspace",)),
        (("-w", WORKSPACE, "-n", "missing-ns"), ("missing-ns", "HTTP 404")),
    ],
)
def test_list_bad_input_is_one_line_exit_1(
    env: dict[str, str], args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_one_line_error(run(env, "clusters", "list", *args), *fragments)


def test_get_shows_every_field(env: dict[str, str]) -> None:
    result = run(env, "clusters", "get", CLUSTER, *LOCATION)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"session_cluster_name: {CLUSTER}" in lines
    assert "basic_resource_setting.taskmanager_resource_setting_spec.memory: 4Gi" in lines
    assert "logging.log_reserve_policy.expiration_days: 7" in lines
    assert "status.running.started_at: 0" in lines


def test_get_json_is_the_full_terraform_style_record(env: dict[str, str]) -> None:
    result = run(env, "clusters", "get", CLUSTER, *LOCATION, "--output", "json")
    record = json.loads(result.stdout)
    assert record["id"] == f"{WORKSPACE}:{NAMESPACE}:{CLUSTER}"
    assert record["engine_version"] == ENGINE
    assert record["logging"]["log4j_loggers"][0]["logger_level"] == "ERROR"
    assert record["status"]["running"]["reference_deployment_ids"] == [""]


def test_get_not_found_names_the_place_and_suggests(env: dict[str, str]) -> None:
    result = run(env, "clusters", "get", "test-sessioncluster", *LOCATION)
    assert_one_line_error(
        result,
        "no session cluster matches name 'test-sessioncluster'",
        f"did you mean '{CLUSTER}'",
        f"workspace '{WORKSPACE}'",
        f"namespace '{NAMESPACE}'",
    )
    assert result.stdout == ""
