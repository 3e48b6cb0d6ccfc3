"""``output_file``: the Terraform-style JSON record of a plural lookup, written atomically.

The file holds the list of matched clusters with Terraform's attribute names (``id``,
``session_cluster_name``, ``engine_version`` …), as ``terraform-provider-alicloud`` writes it, so
``alicloud-flink drift`` can read files written by either tool. It is written to a temporary
file in the same folder and renamed into place, and only after a successful lookup: a failed
or interrupted lookup never leaves a partial or empty file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alicloud_flink.models import SessionCluster


def write_output_file(path: str | os.PathLike[str], clusters: Iterable[SessionCluster]) -> Path:
    """Atomically replace ``path`` with the JSON list of ``clusters``; returns the path."""
    target = Path(path)
    records = [cluster.model_dump(mode="json") for cluster in clusters]
    text = json.dumps(records, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def read_output_file(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The records of an ``output_file``; raises ``ValueError`` when it is not such a file."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError(f"{path} is not an output_file: expected a JSON list of objects")
    return records
