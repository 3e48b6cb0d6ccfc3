"""Checks on user input, run before any network call, each naming the field it rejects.

What the API allows is encoded rather than refused: a namespace or name with spaces, ``/``,
``%`` or non-ASCII letters is percent-encoded into one path segment. What cannot be sent safely
is refused: empty or padded values, control characters, ``.`` and ``..`` (a path segment that
HTTP stacks collapse), over-long values, a workspace that is not a plain header token, and
regular expressions that do not compile.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from alicloud_flink.errors import InvalidInputError

MAX_LENGTH = 253
MAX_REGEX_LENGTH = 1_000
_WORKSPACE = re.compile(r"[A-Za-z0-9._*\-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text(field: str, value: object) -> str:
    """A required string: not empty, not padded with spaces, no control characters, bounded."""
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInputError(field, "must not be empty or blank")
    if value != value.strip():
        raise InvalidInputError(field, f"must not start or end with whitespace: {value!r}")
    if len(value) > MAX_LENGTH:
        raise InvalidInputError(
            field, f"is {len(value)} characters long; the limit is {MAX_LENGTH}"
        )
    if _CONTROL.search(value):
        raise InvalidInputError(field, "must not contain control characters")
    return value


def workspace(value: object) -> str:
    """A workspace id, sent as an HTTP header: letters, digits and ``. _ * -`` only."""
    checked = text("workspace", value)
    if not _WORKSPACE.fullmatch(checked):
        raise InvalidInputError(
            "workspace", f"{checked!r} may hold only letters, digits and . _ * -"
        )
    return checked


def path_segment(field: str, value: object) -> str:
    """A namespace or cluster name, sent percent-encoded as one path segment."""
    checked = text(field, value)
    if checked in (".", ".."):
        raise InvalidInputError(field, f"{checked!r} is not a usable name")
    return checked


def name_regex(value: str | None) -> re.Pattern[str] | None:
    """Compile ``name_regex``; a bad pattern is an input error, not a surprise at match time."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise InvalidInputError("name_regex", "must be a non-empty string")
    if len(value) > MAX_REGEX_LENGTH:
        raise InvalidInputError("name_regex", f"is longer than {MAX_REGEX_LENGTH} characters")
    try:
        return re.compile(value)
    except (re.error, OverflowError, RecursionError) as problem:  # a{9999999999}, deep nesting
        raise InvalidInputError("name_regex", f"{value!r} does not compile: {problem}") from None


def cluster_ids(values: Iterable[str] | None, workspace_id: str, namespace: str) -> frozenset[str]:
    """Terraform-style ids ``<workspace>:<namespace>:<name>`` of this workspace and namespace."""
    if values is None:
        return frozenset()
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InvalidInputError("ids", f"must be a list of ids, not {type(values).__name__}")
    checked = set()
    prefix = f"{workspace_id}:{namespace}:"
    for value in values:
        text("ids", value)
        if not value.startswith(prefix) or not value[len(prefix) :]:
            raise InvalidInputError(
                "ids", f"{value!r} is not of the form {prefix}<session cluster name>"
            )
        checked.add(value)
    return frozenset(checked)


def cluster_id(field: str, value: object) -> tuple[str, str, str]:
    """A Terraform-style id ``<workspace>:<namespace>:<name>`` split into its three parts.

    The first two colons separate the parts, as Terraform's provider reads its ids, so a name
    may hold colons and a namespace may not.
    """
    checked = text(field, value)
    parts = checked.split(":", 2)
    if (
        len(parts) != 3
        or not _WORKSPACE.fullmatch(parts[0])
        or any(part in ("", ".", "..") for part in parts[1:])
    ):
        raise InvalidInputError(
            field, f"{checked!r} is not of the form <workspace>:<namespace>:<session cluster name>"
        )
    return parts[0], parts[1], parts[2]


def labels(values: Mapping[str, object] | None) -> dict[str, str]:
    """Label filters: non-empty keys; values compared as text (the API may send numbers)."""
    if values is None:
        return {}
    if not isinstance(values, Mapping):
        raise InvalidInputError("labels", "must be a mapping of label names to values")
    for key in values:
        text("labels", key)
    return {key: label_text(value) for key, value in values.items()}


def output_path(value: object) -> str | None:
    """``output_file``: absent, or a non-blank string (a path may be long or padded)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("output_file", "must be a non-empty file path")
    return value


def optional_text(field: str, value: object) -> str | None:
    """An optional filter such as ``status`` or ``engine_version``."""
    return None if value is None else text(field, value)


def label_text(value: object) -> str:
    """How a label value compares: strings as they are, JSON scalars as JSON (``1``, ``true``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)
