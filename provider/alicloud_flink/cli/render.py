"""How results look: aligned tables and ``key: value`` lines for people, JSON for machines.

The list columns and the drift report lines are a stable, greppable interface that CI scripts
parse: change them only deliberately.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from alicloud_flink.drift import snapshot
from alicloud_flink.models import SessionCluster
from alicloud_flink.validation import label_text

if TYPE_CHECKING:
    from alicloud_flink.cli.drift_command import ClusterCheck

#: ``clusters list`` columns: (table header, JSON key = Terraform attribute name), in order.
LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("WORKSPACE", "workspace"),
    ("NAMESPACE", "namespace"),
    ("NAME", "session_cluster_name"),
    ("STATUS", "status"),
    ("ENGINE_VERSION", "engine_version"),
    ("DEPLOYMENT_TARGET", "deployment_target_name"),
    ("SESSION_CLUSTER_ID", "session_cluster_id"),
    ("LABELS", "labels"),
)

_EMPTY = "-"


def list_row(cluster: SessionCluster) -> dict[str, Any]:
    """The stable columns of one cluster as JSON values (``status`` is the status string)."""
    known = {
        **snapshot(cluster),
        "workspace": cluster.workspace,
        "namespace": cluster.namespace,
        "session_cluster_name": cluster.session_cluster_name,
    }
    return {key: known[key] for _, key in LIST_COLUMNS}


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """Rows as left-aligned columns under upper-case headers (``-`` for empty cells)."""
    cells = [[header for header, _ in columns]]
    cells += [[_cell(row.get(key)) for _, key in columns] for row in rows]
    widths = [max(len(line[index]) for line in cells) for index in range(len(columns))]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in cells
    )


def details(record: Mapping[str, Any]) -> str:
    """One ``dotted.key: value`` line per leaf of a record (lists stay JSON), in field order."""
    return "\n".join(f"{key}: {_cell(value)}" for key, value in _leaves("", record))


def to_json(value: Any, *, sort_keys: bool = False) -> str:
    """Indented JSON, non-ASCII kept, the form every ``--output json`` prints."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys)


def drift_report(checks: Sequence[ClusterCheck]) -> str:
    """The CI-log report: one OK/MISSING line per cluster, one DRIFT line per moved field."""
    lines: list[str] = []
    for check in checks:
        path = check.expectation.path
        if check.status == "missing":
            lines.append(f"MISSING {path}: cluster not found")
        elif check.status == "ok":
            lines.append(f"OK {path}")
        lines += [
            f"DRIFT {path} {change.field}: expected {_compact(change.expected)}, "
            f"actual {_compact(change.actual)}"
            for change in check.changes
        ]
    lines.append(_summary(checks))
    return "\n".join(lines)


def drift_json(checks: Sequence[ClusterCheck]) -> str:
    """``{"drifted": bool, "clusters": [...]}`` with every expected and actual value."""
    return to_json(
        {
            "drifted": any(check.status != "ok" for check in checks),
            "clusters": [
                {
                    "workspace": check.expectation.workspace,
                    "namespace": check.expectation.namespace,
                    "name": check.expectation.name,
                    "status": check.status,
                    "changes": [
                        {"field": c.field, "expected": c.expected, "actual": c.actual}
                        for c in check.changes
                    ],
                }
                for check in checks
            ],
        }
    )


def _summary(checks: Sequence[ClusterCheck]) -> str:
    counts = dict.fromkeys(("ok", "drifted", "missing"), 0)
    for check in checks:
        counts[check.status] += 1
    parts = ", ".join(f"{count} {status}" for status, count in counts.items())
    return f"SUMMARY {len(checks)} checked: {parts}"


def _leaves(prefix: str, value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, Mapping) and value:
        for key, inner in value.items():
            yield from _leaves(f"{prefix}.{key}" if prefix else str(key), inner)
    else:
        yield prefix, value


def _cell(value: Any) -> str:
    """A value as people read it: ``-`` when empty, labels as ``k=v,…``, lists as JSON."""
    if value is None or value in ("", {}):
        return _EMPTY
    if isinstance(value, Mapping):
        return ",".join(f"{key}={label_text(inner)}" for key, inner in value.items())
    if isinstance(value, list):
        return _compact(value)
    return label_text(value)


def _compact(value: Any) -> str:
    """One-line JSON, keys sorted, so reports are stable and strings are quoted."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
