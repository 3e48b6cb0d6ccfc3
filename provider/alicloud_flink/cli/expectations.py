"""What each session cluster is expected to look like, loaded from one of four sources.

Every source becomes a list of :class:`Expectation`: the cluster's workspace, namespace and
name, and the tracked fields (snake_case, see :data:`alicloud_flink.drift.TRACKED_FIELDS`) with
their expected JSON values. Keys are matched with :func:`alicloud_flink.drift.tracked_field`, so
``engineVersion`` and ``engine_version`` both work. A source that cannot be read or understood
raises :class:`InvalidInputError` naming its flag, the file and the record: a bad expectation is
an error (exit 1), never drift and never a silent pass.

Secrets: ``pulumi stack output --json`` shows them as ``"[secret]"`` and ``pulumi stack export``
as an encrypted envelope unless ``--show-secrets`` was given; such fields cannot be compared and
are skipped with a warning on stderr. Revealed (plaintext) envelopes are compared normally.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from alicloud_flink import validation
from alicloud_flink.cli import NAMESPACE_ENV, PROG, WORKSPACE_ENV, one_line
from alicloud_flink.cli.options import Identity
from alicloud_flink.drift import TRACKED_FIELDS, snapshot, tracked_field
from alicloud_flink.errors import InvalidInputError
from alicloud_flink.models import SessionCluster
from alicloud_flink.output_file import read_output_file

#: The key Pulumi marks a secret envelope with in state files and ``pulumi stack export``.
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
#: How ``pulumi stack output --json`` prints a secret without ``--show-secrets``.
HIDDEN_SECRET = "[secret]"
#: Resource type (substring) of the dynamic lookup resource in a stack export.
LOOKUP_TYPE = "SessionClusterLookup"
#: Keys that name the session cluster in stack outputs and in a lookup resource's outputs.
NAME_KEYS = ("name", "sessionClusterName", "session_cluster_name")


@dataclass(frozen=True)
class Expectation:
    """One session cluster and the tracked fields it should have (possibly none: it exists)."""

    workspace: str
    namespace: str
    name: str
    fields: Mapping[str, Any]

    @property
    def path(self) -> str:
        """``workspace/namespace/name``, how reports name the cluster."""
        return f"{self.workspace}/{self.namespace}/{self.name}"


class _Unknowable(Exception):
    """A value is a secret this file does not reveal."""


def from_output_file(path: str, defaults: Identity) -> list[Expectation]:
    """Each record of an ``output_file``; ``defaults`` fill a record's missing location."""
    flag = "--from-output-file"
    try:
        records = read_output_file(path)
    except (OSError, ValueError) as problem:
        raise InvalidInputError(flag, _read_problem(path, problem)) from None
    return _non_empty(
        flag,
        path,
        [
            _record_expectation(flag, f"{path} record {index}", record, defaults)
            for index, record in enumerate(records, start=1)
        ],
    )


def from_stack_outputs(path: str, flags: Identity, env: Identity) -> list[Expectation]:
    """One cluster from ``pulumi stack output --json``: flags, then outputs, then env name it."""
    flag = "--from-stack-outputs"
    outputs = _read_object(flag, path)
    if not any(tracked_field(key) for key in outputs):
        raise InvalidInputError(
            flag, f"{path}: no output is named like a tracked field ({_tracked_names()})"
        )
    identity = flags.over(_identity_in(flag, path, outputs)).over(env)
    return [_expectation(flag, path, identity, _tracked(path, outputs))]


def from_stack_export(path: str, defaults: Identity) -> list[Expectation]:
    """Every ``SessionClusterLookup`` resource of a ``pulumi stack export`` file."""
    flag = "--from-stack-export"
    document = _read_object(flag, path)
    deployment = document.get("deployment")
    resources = deployment.get("resources") if isinstance(deployment, Mapping) else None
    if not isinstance(resources, list) or not all(isinstance(r, Mapping) for r in resources):
        raise InvalidInputError(flag, f"{path} is not a `pulumi stack export` file")
    lookups = [r for r in resources if LOOKUP_TYPE in str(r.get("type")) and not r.get("delete")]
    return _non_empty(flag, path, [_resource_expectation(flag, r, defaults) for r in lookups])


def from_pairs(pairs: Mapping[str, str], identity: Identity) -> list[Expectation]:
    """One cluster from ``--expect FIELD=VALUE`` pairs; a VALUE starting with { or [ is JSON."""
    flag = "--expect"
    fields = {}
    for key, text in pairs.items():
        field = tracked_field(key)
        if field is None:
            raise InvalidInputError(flag, f"{key!r} is not a tracked field ({_tracked_names()})")
        fields[field] = _inline_value(key, text)
    return [_expectation(flag, "the command line", identity, fields)]


def _record_expectation(
    flag: str, where: str, record: Mapping[str, Any], defaults: Identity
) -> Expectation:
    """An output_file record, read through the model so it compares like a live snapshot."""
    try:
        expected = snapshot(SessionCluster.model_validate(record))
    except ValidationError as problem:
        detail = problem.errors(include_url=False, include_input=False)[0]
        location = ".".join(str(part) for part in detail["loc"])
        raise InvalidInputError(flag, f"{where}: field {location}: {detail['msg']}") from None
    named = {tracked_field(key) for key in record}
    identity = Identity(
        record.get("workspace"), record.get("namespace"), record.get("session_cluster_name")
    )
    fields = {name: value for name, value in expected.items() if name in named}
    return _expectation(flag, where, identity.over(defaults), fields)


def _resource_expectation(
    flag: str, resource: Mapping[str, Any], defaults: Identity
) -> Expectation:
    """A lookup resource of a stack export, from its outputs (snake_case keys)."""
    where = str(resource.get("urn") or "a SessionClusterLookup resource")
    outputs = resource.get("outputs")
    if not isinstance(outputs, Mapping):
        raise InvalidInputError(flag, f"{where}: has no outputs")
    identity = _identity_in(flag, where, outputs).over(defaults)
    return _expectation(flag, where, identity, _tracked(where, outputs))


def _identity_in(flag: str, where: str, values: Mapping[str, Any]) -> Identity:
    """The workspace, namespace and name that outputs hold (strings only)."""
    names = [_revealed_text(flag, where, key, values.get(key)) for key in NAME_KEYS]
    return Identity(
        _revealed_text(flag, where, "workspace", values.get("workspace")),
        _revealed_text(flag, where, "namespace", values.get("namespace")),
        next((name for name in names if name), None),
    )


def _revealed_text(flag: str, where: str, key: str, value: Any) -> str | None:
    try:
        revealed = _reveal(value)
    except _Unknowable:
        raise InvalidInputError(
            flag, f"{where}: {key} is a secret; re-create the file with --show-secrets"
        ) from None
    return revealed if isinstance(revealed, str) else None


def _tracked(where: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The tracked fields among ``values`` by snake_case name; unreadable secrets skipped."""
    fields = {}
    for key, value in values.items():
        field = tracked_field(key)
        if field is None:
            continue
        try:
            fields[field] = _reveal(value)
        except _Unknowable:
            _warn(f"{where}: {field} is a secret and is not compared (use --show-secrets)")
    return fields


def _reveal(value: Any) -> Any:
    """``value`` with plaintext secret envelopes opened; raises ``_Unknowable`` for hidden ones."""
    if isinstance(value, Mapping):
        if SECRET_SIGNATURE not in value:
            return {key: _reveal(inner) for key, inner in value.items()}
        try:
            return _reveal(json.loads(value["plaintext"]))
        except (KeyError, TypeError, ValueError):
            raise _Unknowable from None
    if isinstance(value, list):
        return [_reveal(inner) for inner in value]
    if value == HIDDEN_SECRET:
        raise _Unknowable
    return value


def _expectation(
    flag: str, where: str, identity: Identity, fields: Mapping[str, Any]
) -> Expectation:
    """A validated expectation; a missing or unusable workspace, namespace or name is an error."""
    missing = [
        hint
        for value, hint in (
            (identity.workspace, f"no workspace: pass -w/--workspace or set {WORKSPACE_ENV}"),
            (identity.namespace, f"no namespace: pass -n/--namespace or set {NAMESPACE_ENV}"),
            (identity.name, f"no session cluster name: pass --name or give one of {NAME_KEYS}"),
        )
        if not value
    ]
    if missing:
        raise InvalidInputError(flag, f"{where}: {missing[0]}")
    try:
        return Expectation(
            validation.workspace(identity.workspace),
            validation.path_segment("namespace", identity.namespace),
            validation.path_segment("name", identity.name),
            dict(fields),
        )
    except InvalidInputError as problem:
        raise InvalidInputError(flag, f"{where}: {problem}") from None


def _read_object(flag: str, path: str) -> Mapping[str, Any]:
    """A JSON file holding an object; unreadable, non-JSON or other shapes are errors."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise InvalidInputError(flag, _read_problem(path, problem)) from None
    if not isinstance(document, Mapping):
        raise InvalidInputError(flag, f"{path} does not hold a JSON object")
    return document


def _read_problem(path: str, problem: Exception) -> str:
    if isinstance(problem, OSError):
        return f"cannot read {path}: {problem.strerror or problem}"
    if isinstance(problem, json.JSONDecodeError | UnicodeDecodeError):
        return f"{path} is not JSON: {problem}"
    return str(problem)


def _inline_value(key: str, text: str) -> Any:
    if not text.lstrip().startswith(("{", "[")):
        return text
    try:
        return json.loads(text)
    except ValueError as problem:
        raise InvalidInputError("--expect", f"{key}: {text!r} is not JSON: {problem}") from None


def _non_empty(flag: str, path: str, expectations: list[Expectation]) -> list[Expectation]:
    """Refuse a source with nothing to check: a drift check must never pass vacuously."""
    if not expectations:
        raise InvalidInputError(flag, f"{path} names no session cluster to check")
    return expectations


def _tracked_names() -> str:
    return ", ".join(TRACKED_FIELDS)


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {one_line(message)}", file=sys.stderr)
