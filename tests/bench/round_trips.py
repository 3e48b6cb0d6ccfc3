"""Row 1: round trips of a program doing 100 lookups over 5 namespaces.

The program mixes every surface: ``get_session_cluster`` and ``get_session_clusters`` (plain,
run synchronously) and their ``_output`` forms (run concurrently in worker threads), and
``SessionClusterLookup`` resources (looked up by the dynamic provider's ``check``). Per
namespace: 4 of each kind, 20 lookups; the outputs are declared before the plain calls so that
concurrent lookups of one namespace really race. The emulator counts the list calls.

In-process (the target row): the provider runs in the program's process and shares its cache,
so the floor is one list call per namespace. Under the real engine (a second row, when
``make engine`` has built the CLI) the provider runs in the ``pulumi-python`` plugin process,
which has its own cache: the floor there is one call per namespace *per process*.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pulumi
from common import Row, emulator_process, list_calls, namespace_state, stack_config

WORKSPACE = "ws-bench"
NAMESPACES = tuple(f"team-{index}" for index in range(5))
CLUSTERS_PER_NAMESPACE = 20
KINDS = 5  # singular, singular_output, plural, plural_output, resource
PER_KIND = 4
LOOKUPS = len(NAMESPACES) * KINDS * PER_KIND


def lookup_program() -> list[pulumi.Output[Any]]:
    """The 100 lookups; returns the outputs to wait for (plain calls are done on return)."""
    outputs: list[pulumi.Output[Any]] = []
    for namespace in NAMESPACES:
        outputs += _deferred_lookups(namespace)
    for namespace in NAMESPACES:
        _plain_lookups(namespace)
    return outputs


def _name(index: int) -> str:
    return f"cluster-{index:05d}"


def _deferred_lookups(namespace: str) -> list[pulumi.Output[Any]]:
    """Singular and plural ``_output`` calls and resources: 12 lookups of ``namespace``."""
    from pulumi_alicloud_flink import (
        SessionClusterLookup,
        get_session_cluster_output,
        get_session_clusters_output,
    )

    outputs: list[pulumi.Output[Any]] = []
    plural_filters: list[dict[str, Any]] = [
        {},
        {"status": "RUNNING"},
        {"labels": {"team": "team-1"}},
        {"name_regex": "-0000[0-4]$"},
    ]
    for index in range(PER_KIND):
        outputs.append(get_session_cluster_output(WORKSPACE, namespace, name=_name(index)).id)
        filters = plural_filters[index]
        outputs.append(get_session_clusters_output(WORKSPACE, namespace, **filters).ids)
        resource = SessionClusterLookup(
            f"{namespace}-{index}", WORKSPACE, namespace, _name(PER_KIND + index)
        )
        outputs.append(resource.engine_version)
    return outputs


def _plain_lookups(namespace: str) -> None:
    """Plain (synchronous) singular and plural calls: 8 lookups of ``namespace``."""
    from pulumi_alicloud_flink import get_session_cluster, get_session_clusters

    for index in range(PER_KIND):
        found = get_session_cluster(WORKSPACE, namespace, name=_name(8 + index))
        assert found.cluster.session_cluster_name == _name(8 + index)
        listed = get_session_clusters(
            WORKSPACE, namespace, ids=[f"{WORKSPACE}:{namespace}:{_name(index)}"]
        )
        assert listed.names == [_name(index)]


def measure() -> list[Row]:
    """Row 1 in-process, and under the engine when it is available."""
    from alicloud_flink.lookup import clear_cache
    from program import run_program

    sizes = dict.fromkeys(NAMESPACES, CLUSTERS_PER_NAMESPACE)
    with emulator_process(namespace_state(WORKSPACE, sizes)) as emulator:
        admin = emulator.admin
        clear_cache()
        admin.reset_stats()
        mocks = run_program(lookup_program, stack_config(emulator.url))
        calls, stats = list_calls(admin), admin.stats()
        clear_cache()
        rows = [_in_process_row(calls, stats, len(mocks.blob_sizes))]
        rows.append(_engine_row(emulator.url, admin))
    return rows


def _in_process_row(calls: int, stats: dict[str, Any], resources: int) -> Row:
    per_namespace = stats["by_namespace"].get(WORKSPACE, {})
    return Row(
        key="1",
        what=(
            f"Round trips: {LOOKUPS} lookups (singular, plural, both `_output` forms, "
            f"{resources} `SessionClusterLookup`) over {len(NAMESPACES)} namespaces, "
            "in one process (mocks runtime)"
        ),
        figure=f"{calls} list calls ({calls / len(NAMESPACES):.2f} per namespace)",
        comparison=f"{LOOKUPS} (one per lookup, Terraform-style): {LOOKUPS / calls:.0f}x fewer",
        target=f"exactly {len(NAMESPACES)} (1.00 per distinct namespace)",
        passed=calls == len(NAMESPACES) and stats["requests"] == len(NAMESPACES),
        raw={"list_calls": calls, "stats": stats, "per_namespace": per_namespace},
    )


def _engine_row(url: str, admin: Any) -> Row:
    from engine import engine_status, preview_in_child, write_project

    what = (
        f"Round trips under the real engine: the same {LOOKUPS} lookups, `pulumi preview` "
        "(program + dynamic-provider plugin process)"
    )
    target = f"{len(NAMESPACES)} per process: program {len(NAMESPACES)} + plugin {len(NAMESPACES)}"
    missing = engine_status()
    if missing is not None:
        return Row("1e", what, "not run", f"{LOOKUPS}", target, None, notes=missing)
    with tempfile.TemporaryDirectory(prefix="flink-bench-rt-") as scratch:
        project = write_project(Path(scratch), "round-trips", _engine_program())
        admin.reset_stats()
        preview = preview_in_child(project, url)
    calls, stats = list_calls(admin), admin.stats()
    per_namespace = stats["by_namespace"].get(WORKSPACE, {})
    floor = 2 * len(NAMESPACES)
    return Row(
        key="1e",
        what=what,
        figure=f"{calls} list calls ({sorted(set(per_namespace.values()))} per namespace)",
        comparison=f"{LOOKUPS} (one call per lookup): {LOOKUPS / max(calls, 1):.0f}x fewer",
        target=target,
        passed=preview.code == 0 and calls == floor and set(per_namespace.values()) == {2},
        notes=(
            "Functions run in the program's process, `SessionClusterLookup` checks in the "
            "`pulumi-python` plugin process the engine starts; processes share no cache, so "
            "the floor is one list call per namespace per process."
            + ("" if preview.code == 0 else f" Preview failed: {preview.output[-300:]}")
        ),
        raw={"list_calls": calls, "stats": stats, "preview_seconds": preview.seconds},
    )


def _engine_program() -> str:
    """The project's ``__main__.py``: this module's program, imported from the bench dir."""
    here = Path(__file__).resolve().parent
    return (
        "import sys\n"
        f"sys.path.insert(0, {str(here)!r})\n"
        "from round_trips import lookup_program\n"
        "lookup_program()\n"
    )
