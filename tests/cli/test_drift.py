"""``drift``: every expectation source, every exit code, the report, bad flags and bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alicloud_flink.drift import snapshot
from alicloud_flink.emulator import Emulator
from alicloud_flink.models import SessionCluster
from alicloud_flink.output_file import write_output_file
from reference import reference_cluster

from .helpers import (
    CLUSTER,
    ENGINE,
    NAMESPACE,
    NEW_ENGINE,
    PATH,
    WORKSPACE,
    assert_one_line_error,
    cluster,
    run,
    write_json,
)

SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
LOOKUP_TYPE = "pulumi-python:dynamic:SessionClusterLookup"
LOCATION = ("-w", WORKSPACE, "-n", NAMESPACE)
OK_REPORT = f"OK {PATH}\nSUMMARY 1 checked: 1 ok, 0 drifted, 0 missing\n"
ENGINE_DRIFT = f'DRIFT {PATH} engine_version: expected "{ENGINE}", actual "{NEW_ENGINE}"'


def secret(*, plaintext: Any = None) -> dict[str, str]:
    """A secret envelope as ``pulumi stack export`` writes it (revealed with --show-secrets)."""
    if plaintext is None:
        return {SECRET_SIGNATURE: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "v1:abc=="}
    return {
        SECRET_SIGNATURE: "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": json.dumps(plaintext),
    }


def lookup_outputs(raw: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """The outputs of a SessionClusterLookup resource observing ``raw`` (the reference cluster)."""
    model = SessionCluster.model_validate(raw or reference_cluster())
    return {
        "workspace": model.workspace,
        "namespace": model.namespace,
        "name": model.session_cluster_name,
        **snapshot(model),
        "provider_version": "0.1.0",
        **changes,
    }


def stack_export(*outputs: dict[str, Any]) -> dict[str, Any]:
    """A ``pulumi stack export`` document: the stack, a provider, and one lookup per outputs."""
    stack = "urn:pulumi:dev::demo::pulumi:pulumi:Stack::demo-dev"
    resources: list[dict[str, Any]] = [
        {"urn": stack, "custom": False, "type": "pulumi:pulumi:Stack", "outputs": {"name": "x"}},
        {"urn": "urn:pulumi:dev::demo::pulumi:providers:pulumi-python::default", "custom": True},
    ]
    resources += [
        {
            "urn": f"urn:pulumi:dev::demo::{LOOKUP_TYPE}::lookup-{index}",
            "custom": True,
            "id": f"{out['workspace']}:{out['namespace']}:{out['name']}",
            "type": LOOKUP_TYPE,
            "inputs": dict(out),
            "outputs": {"__provider": secret(), **out},
            "parent": stack,
        }
        for index, out in enumerate(outputs)
    ]
    return {
        "version": 3,
        "deployment": {"manifest": {"version": "v3.276.0"}, "resources": resources},
    }


def from_output_file(tmp_path: Path) -> list[str]:
    path = write_output_file(
        tmp_path / "clusters.json", [SessionCluster.model_validate(reference_cluster())]
    )
    return ["--from-output-file", str(path)]


def from_stack_outputs(tmp_path: Path) -> list[str]:
    outputs = {
        "engineVersion": ENGINE,
        "deploymentTargetName": "default-queue",
        "labels": {"test": "test", "test2": 1},
        "sessionClusterName": CLUSTER,
        "dashboardUrl": "https://example.invalid/not-a-tracked-field",
    }
    return ["--from-stack-outputs", write_json(tmp_path / "outputs.json", outputs), *LOCATION]


def from_stack_export(tmp_path: Path) -> list[str]:
    return [
        "--from-stack-export",
        write_json(tmp_path / "stack.json", stack_export(lookup_outputs())),
    ]


def from_inline(_tmp_path: Path) -> list[str]:
    expect = [
        "--expect",
        f"engine_version={ENGINE}",
        "--expect",
        "deploymentTargetName=default-queue",
    ]
    return [*LOCATION, "--name", CLUSTER, *expect]


SOURCES: dict[str, Callable[[Path], list[str]]] = {
    "output-file": from_output_file,
    "stack-outputs": from_stack_outputs,
    "stack-export": from_stack_export,
    "inline": from_inline,
}
each_source = pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())


@each_source
def test_unchanged_cluster_exits_0(
    env: dict[str, str], tmp_path: Path, source: Callable[[Path], list[str]]
) -> None:
    result = run(env, "drift", *source(tmp_path))
    assert (result.returncode, result.stdout, result.stderr) == (0, OK_REPORT, "")


@each_source
def test_moved_engine_version_exits_2(
    emulator: Emulator, env: dict[str, str], tmp_path: Path, source: Callable[[Path], list[str]]
) -> None:
    emulator.admin.patch_cluster(WORKSPACE, NAMESPACE, CLUSTER, {"engineVersion": NEW_ENGINE})
    result = run(env, "drift", *source(tmp_path))
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines() == [
        ENGINE_DRIFT,
        "SUMMARY 1 checked: 0 ok, 1 drifted, 0 missing",
    ]


@each_source
def test_deleted_cluster_is_missing_and_exits_2(
    emulator: Emulator, env: dict[str, str], tmp_path: Path, source: Callable[[Path], list[str]]
) -> None:
    emulator.admin.delete_cluster(WORKSPACE, NAMESPACE, CLUSTER)
    result = run(env, "drift", *source(tmp_path))
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines() == [
        f"MISSING {PATH}: cluster not found",
        "SUMMARY 1 checked: 0 ok, 0 drifted, 1 missing",
    ]


def test_json_report_lists_expected_and_actual(emulator: Emulator, env: dict[str, str]) -> None:
    emulator.admin.patch_cluster(
        WORKSPACE, NAMESPACE, CLUSTER, {"engineVersion": NEW_ENGINE, "labels": {"test2": None}}
    )
    expect = (
        "--expect",
        f"engineVersion={ENGINE}",
        "--expect",
        'labels={"test": "test", "test2": "1"}',
    )
    result = run(env, "drift", *LOCATION, "--name", CLUSTER, *expect, "--output", "json")
    assert result.returncode == 2, result.stderr
    assert json.loads(result.stdout) == {
        "drifted": True,
        "clusters": [
            {
                "workspace": WORKSPACE,
                "namespace": NAMESPACE,
                "name": CLUSTER,
                "status": "drifted",
                "changes": [
                    {"field": "engine_version", "expected": ENGINE, "actual": NEW_ENGINE},
                    {
                        "field": "labels",
                        "expected": {"test": "test", "test2": "1"},
                        "actual": {"test": "test"},
                    },
                ],
            }
        ],
    }


def test_json_report_when_nothing_moved(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "drift", *from_stack_export(tmp_path), "-o", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["drifted"] is False
    assert report["clusters"][0]["status"] == "ok"
    assert report["clusters"][0]["changes"] == []


def test_report_covers_several_clusters_and_namespaces(
    emulator: Emulator, env: dict[str, str], tmp_path: Path
) -> None:
    other = cluster("etl-c", namespace="team-b")
    emulator.admin.upsert_cluster(WORKSPACE, "team-b", other)
    gone = lookup_outputs(name="gone")
    stack = stack_export(lookup_outputs(), lookup_outputs(other), gone)
    emulator.admin.patch_cluster(WORKSPACE, "team-b", "etl-c", {"deploymentTargetName": "queue-2"})
    emulator.admin.reset_stats()
    result = run(env, "drift", "--from-stack-export", write_json(tmp_path / "stack.json", stack))
    assert result.returncode == 2, result.stderr
    assert result.stdout.splitlines() == [
        f"OK {PATH}",
        f'DRIFT {WORKSPACE}/team-b/etl-c deployment_target_name: expected "default-queue", '
        'actual "queue-2"',
        f"MISSING {WORKSPACE}/{NAMESPACE}/gone: cluster not found",
        "SUMMARY 3 checked: 1 ok, 1 drifted, 1 missing",
    ]
    assert emulator.admin.stats()["by_namespace"] == {WORKSPACE: {NAMESPACE: 1, "team-b": 1}}


def test_status_and_settings_drift(emulator: Emulator, env: dict[str, str], tmp_path: Path) -> None:
    emulator.admin.patch_cluster(
        WORKSPACE,
        NAMESPACE,
        CLUSTER,
        {
            "status": {"currentSessionClusterStatus": "FAILED"},
            "basicResourceSetting": {"parallelism": 8},
        },
    )
    result = run(env, "drift", *from_stack_export(tmp_path))
    assert result.returncode == 2
    drifted = [line.split()[2] for line in result.stdout.splitlines() if line.startswith("DRIFT")]
    assert drifted == ["status:", "basic_resource_setting:"]


def test_list_output_file_round_trips_into_drift(
    emulator: Emulator, env: dict[str, str], tmp_path: Path
) -> None:
    target = str(tmp_path / "expected.json")
    assert run(env, "clusters", "list", *LOCATION, "--output-file", target).returncode == 0
    assert run(env, "drift", "--from-output-file", target).returncode == 0
    emulator.admin.patch_cluster(
        WORKSPACE, NAMESPACE, CLUSTER, {"flinkConf": {"parallelism.default": "2"}}
    )
    result = run(env, "drift", "--from-output-file", target)
    assert result.returncode == 2
    assert f"DRIFT {PATH} flink_conf: expected" in result.stdout


def test_wrong_secret_exits_1_without_printing_it(env: dict[str, str], tmp_path: Path) -> None:
    wrong = "wrong-secret-0123456789-do-not-print"
    env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = wrong
    result = run(env, "drift", *from_inline(tmp_path))
    assert_one_line_error(result, "HTTP", "credentials from env")
    assert result.stdout == ""
    assert wrong not in result.stderr


def test_debug_adds_the_traceback(env: dict[str, str], tmp_path: Path) -> None:
    env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = "wrong-secret-0123456789-do-not-print"
    result = run(env, "drift", *from_inline(tmp_path), "--debug")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("alicloud-flink: error: ")
    assert "wrong-secret-0123456789-do-not-print" not in result.stderr


def test_persistent_server_error_exits_1(
    emulator: Emulator, env: dict[str, str], tmp_path: Path
) -> None:
    emulator.admin.add_fault({"kind": "http500", "count": -1})
    result = run(env, "drift", *from_stack_export(tmp_path))
    assert_one_line_error(result, "HTTP 500", "retries exhausted", f"namespace '{NAMESPACE}'")
    assert result.stdout == ""


def test_missing_namespace_is_an_error_not_drift(env: dict[str, str]) -> None:
    expect = ("--expect", f"engine_version={ENGINE}")
    result = run(
        env, "drift", "-w", WORKSPACE, "-n", "no-such-namespace", "--name", CLUSTER, *expect
    )
    assert_one_line_error(result, "HTTP 404", "no-such-namespace")


def test_unreachable_endpoint_exits_1(env: dict[str, str], tmp_path: Path) -> None:
    env["ALICLOUD_FLINK_ENDPOINT"] = "http://127.0.0.1:9"
    env["ALICLOUD_FLINK_CONNECT_TIMEOUT_MS"] = "500"
    result = run(env, "drift", *from_inline(tmp_path))
    assert_one_line_error(result, "cannot reach the Flink API at http://127.0.0.1:9")


def test_no_endpoint_or_region_exits_1(env: dict[str, str], tmp_path: Path) -> None:
    del env["ALICLOUD_FLINK_ENDPOINT"]
    assert_one_line_error(run(env, "drift", *from_inline(tmp_path)), "no Flink endpoint")


def test_flags_override_region_and_endpoint(
    emulator: Emulator, env: dict[str, str], tmp_path: Path
) -> None:
    del env["ALICLOUD_FLINK_ENDPOINT"]
    args = ("--region", "cn-hangzhou", "--endpoint", emulator.url)
    result = run(env, "drift", *from_inline(tmp_path), *args)
    assert (result.returncode, result.stdout) == (0, OK_REPORT)


SECRET_ENGINE = lookup_outputs(engine_version=secret(plaintext=NEW_ENGINE))
HIDDEN_NAME = lookup_outputs(name=secret())
BAD_FILES: list[tuple[str, str, Any, tuple[str, ...]]] = [
    ("output-file", "missing.json", None, ("cannot read", "No such file")),
    ("output-file", "broken.json", "[{", ("is not JSON",)),
    ("output-file", "object.json", {"a": 1}, ("is not an output_file",)),
    ("output-file", "empty.json", [], ("names no session cluster",)),
    (
        "output-file",
        "nameless.json",
        [{"workspace": WORKSPACE, "namespace": NAMESPACE}],
        ("record 1", "no session cluster name"),
    ),
    (
        "output-file",
        "typed.json",
        [{"session_cluster_name": CLUSTER, "labels": "x"}],
        ("record 1", "field labels"),
    ),
    ("stack-outputs", "list.json", [1], ("does not hold a JSON object",)),
    (
        "stack-outputs",
        "untracked.json",
        {"url": "x", "name": CLUSTER},
        ("no output is named like a tracked field",),
    ),
    (
        "stack-export",
        "outputs.json",
        {"engineVersion": ENGINE},
        ("is not a `pulumi stack export` file",),
    ),
    ("stack-export", "empty.json", stack_export(), ("names no session cluster",)),
    (
        "stack-export",
        "hidden.json",
        stack_export(HIDDEN_NAME),
        ("name is a secret", "--show-secrets"),
    ),
    ("stack-export", "bad-name.json", stack_export(lookup_outputs(name="..")), ("invalid name",)),
]


@pytest.mark.parametrize("case", BAD_FILES, ids=[f"{case[0]}-{case[1]}" for case in BAD_FILES])
def test_bad_expectation_file_exits_1(
    env: dict[str, str], tmp_path: Path, case: tuple[str, str, Any, tuple[str, ...]]
) -> None:
    source, file_name, content, fragments = case
    path = tmp_path / file_name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif content is not None:
        write_json(path, content)
    result = run(env, "drift", f"--from-{source}", str(path), *LOCATION)
    assert_one_line_error(result, f"invalid --from-{source}", *fragments)
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        ((*LOCATION,), ("one of the arguments --from-output-file",)),
        (("--from-output-file", "a.json", "--from-stack-export", "b.json"), ("not allowed with",)),
        (("--expect", "x=1", "--bogus"), ("unrecognized arguments: --bogus",)),
        (("--expect", "x=1", "--output", "xml"), ("invalid choice: 'xml'",)),
        ((*LOCATION, "--name", CLUSTER, "--expect", "engine_version"), ("KEY=VALUE",)),
        (
            (*LOCATION, "--name", CLUSTER, "--expect", "colour=blue"),
            ("'colour' is not a tracked field",),
        ),
        ((*LOCATION, "--name", CLUSTER, "--expect", "labels={bad"), ("labels", "is not JSON")),
        (
            (*LOCATION, "--expect", f"engine_version={ENGINE}"),
            ("no session cluster name", "--name"),
        ),
        (
            ("-n", NAMESPACE, "--name", CLUSTER, "--expect", "status=x"),
            ("no workspace", "ALICLOUD_FLINK_WORKSPACE"),
        ),
        (
            ("-w", "bad ws", "-n", NAMESPACE, "--name", CLUSTER, "--expect", "status=x"),
            ("invalid workspace",),
        ),
    ],
)
def test_bad_flags_exit_1_never_2(
    env: dict[str, str], args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    result = run(env, "drift", *args)
    assert_one_line_error(result, *fragments)
    assert result.stdout == ""


def test_encrypted_secrets_are_skipped_with_a_warning(env: dict[str, str], tmp_path: Path) -> None:
    stack = stack_export(lookup_outputs(labels=secret(), engine_version=secret(plaintext=ENGINE)))
    result = run(env, "drift", "--from-stack-export", write_json(tmp_path / "stack.json", stack))
    assert (result.returncode, result.stdout) == (0, OK_REPORT)
    assert "warning:" in result.stderr
    assert "labels is a secret and is not compared" in result.stderr


def test_revealed_secrets_are_compared(env: dict[str, str], tmp_path: Path) -> None:
    stack = stack_export(SECRET_ENGINE)
    result = run(env, "drift", "--from-stack-export", write_json(tmp_path / "stack.json", stack))
    assert result.returncode == 2
    assert (
        f'DRIFT {PATH} engine_version: expected "{NEW_ENGINE}", actual "{ENGINE}"' in result.stdout
    )


def test_hidden_stack_outputs_are_skipped_with_a_warning(
    env: dict[str, str], tmp_path: Path
) -> None:
    outputs = {
        "engineVersion": "[secret]",
        "deploymentTargetName": "default-queue",
        "name": CLUSTER,
    }
    path = write_json(tmp_path / "outputs.json", outputs)
    result = run(env, "drift", "--from-stack-outputs", path, *LOCATION)
    assert (result.returncode, result.stdout) == (0, OK_REPORT)
    assert "engine_version is a secret and is not compared" in result.stderr


def test_name_flag_wins_over_stack_outputs(env: dict[str, str], tmp_path: Path) -> None:
    outputs = {"engine_version": ENGINE, "name": "app-name-not-a-cluster"}
    path = write_json(tmp_path / "outputs.json", outputs)
    assert (
        run(env, "drift", "--from-stack-outputs", path, *LOCATION, "--name", CLUSTER).returncode
        == 0
    )
    result = run(env, "drift", "--from-stack-outputs", path, *LOCATION)
    assert result.returncode == 2
    assert f"MISSING {WORKSPACE}/{NAMESPACE}/app-name-not-a-cluster" in result.stdout


def test_stack_outputs_may_name_the_whole_location(env: dict[str, str], tmp_path: Path) -> None:
    outputs = {"workspace": WORKSPACE, "namespace": NAMESPACE, "name": CLUSTER, "status": ""}
    result = run(env, "drift", "--from-stack-outputs", write_json(tmp_path / "o.json", outputs))
    assert (result.returncode, result.stdout) == (0, OK_REPORT)


def test_environment_supplies_workspace_and_namespace(env: dict[str, str]) -> None:
    env.update(ALICLOUD_FLINK_WORKSPACE=WORKSPACE, ALICLOUD_FLINK_NAMESPACE=NAMESPACE)
    result = run(env, "drift", "--name", CLUSTER, "--expect", f"engine_version={ENGINE}")
    assert (result.returncode, result.stdout) == (0, OK_REPORT)


@pytest.mark.parametrize(
    ("expectation", "code"),
    [
        ('labels={"test": "test", "test2": "1"}', 0),
        ("labels={}", 2),
        ('flink_conf={"taskmanager.numberOfTaskSlots": 1}', 0),
        ('basicResourceSetting={"parallelism": 8}', 2),
        ("session_cluster_id=1f68a52c-1760-43c6-97fb-afe0674b****", 0),
    ],
)
def test_inline_json_values(env: dict[str, str], expectation: str, code: int) -> None:
    result = run(env, "drift", *LOCATION, "--name", CLUSTER, "--expect", expectation)
    assert result.returncode == code, result.stdout + result.stderr
