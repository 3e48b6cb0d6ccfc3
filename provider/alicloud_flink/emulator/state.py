"""The emulator's cluster store: workspace -> namespace -> clusters, as the API returns them.

The state document has the shape ``{"<workspace>": {"<namespace>": [<cluster>, ...]}}`` where
each cluster is a JSON object exactly as ListSessionClusters returns it, keyed by its ``name``.
The store keeps the serialized ``data`` array of every namespace it has listed, so a namespace of
10,000 clusters is serialized once per change rather than once per request.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import Counter
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

Cluster = dict[str, Any]
State = dict[str, dict[str, list[Cluster]]]
StateSource = Mapping[str, Any] | str | Path | None

DEFAULT_STATE_FILE = "default_state.json"


class StateError(ValueError):
    """A state document, cluster or patch the store refuses because of its shape."""


class NotFound(LookupError):
    """Something the caller named does not exist in the store."""


class NamespaceNotFound(NotFound):
    """The workspace or the namespace does not exist."""


class ClusterNotFound(NotFound):
    """The namespace exists but holds no cluster of that name."""


def load_state(source: StateSource = None) -> State:
    """Read a state document from a mapping, a JSON file, or (for ``None``) the bundled default."""
    if source is None:
        text = resources.files(__package__).joinpath(DEFAULT_STATE_FILE).read_text("utf-8")
        return parse_state(parse_json(text, "the bundled state"))
    if isinstance(source, Mapping):
        return parse_state(_json_copy(source, "state"))
    try:
        text = Path(source).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"cannot read state file {str(source)!r}: {exc}") from exc
    return parse_state(parse_json(text, f"state file {str(source)!r}"))


def parse_json(text: str | bytes, what: str) -> Any:
    """Parse strict JSON (no NaN or Infinity, which clients could not read back)."""
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:  # includes JSONDecodeError and UnicodeDecodeError
        raise StateError(f"{what} is not valid JSON: {exc}") from exc


def parse_state(document: object) -> State:
    """Check the shape of a freshly parsed state document (which the store then owns)."""
    if not isinstance(document, dict):
        raise StateError("state must be a JSON object mapping workspaces to namespaces")
    for workspace, namespaces in document.items():
        if not isinstance(namespaces, dict):
            raise StateError(f"workspace {workspace!r} must map namespace names to cluster lists")
        for namespace, clusters in namespaces.items():
            _check_namespace(workspace, namespace, clusters)
    return document


def merge_patch(target: Any, patch: Any) -> Any:
    """Apply a JSON merge patch (RFC 7386): objects merge recursively, ``null`` removes a key."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


class ClusterStore:
    """Thread-safe clusters of every workspace and namespace, with a per-namespace listing cache.

    A stored cluster object is never mutated, only replaced, so readers may use it unlocked.
    """

    def __init__(self, state: State | None = None) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, dict[str, Cluster]]] = {}
        self._listings: dict[tuple[str, str], bytes] = {}
        self.replace(state or {})

    def replace(self, state: State) -> None:
        """Swap in a whole (already validated) state document."""
        indexed = {
            workspace: {
                namespace: {cluster["name"]: cluster for cluster in clusters}
                for namespace, clusters in namespaces.items()
            }
            for workspace, namespaces in state.items()
        }
        with self._lock:
            self._data = indexed
            self._listings.clear()

    def dump(self) -> State:
        """Return a copy of the whole state document."""
        with self._lock:
            state = {
                workspace: {ns: list(clusters.values()) for ns, clusters in namespaces.items()}
                for workspace, namespaces in self._data.items()
            }
        return copy.deepcopy(state)  # stored clusters are replaced, never mutated: copy unlocked

    def cluster_count(self) -> int:
        """Count the clusters of every namespace."""
        with self._lock:
            return sum(len(c) for namespaces in self._data.values() for c in namespaces.values())

    def list_json(self, workspace: str, namespace: str) -> bytes:
        """Return the namespace's clusters as a serialized JSON array (cached until it changes)."""
        with self._lock:
            key = (workspace, namespace)
            listing = self._listings.get(key)
            if listing is None:
                clusters = list(self._namespace(workspace, namespace).values())
                listing = _dump_json(clusters)
                self._listings[key] = listing
            return listing

    def get_json(self, workspace: str, namespace: str, name: str) -> bytes:
        """Return one cluster as serialized JSON."""
        with self._lock:
            return _dump_json(self._cluster(workspace, namespace, name))

    def upsert(self, workspace: str, namespace: str, cluster: object) -> Cluster:
        """Insert or replace a cluster (keyed by ``name``), creating the namespace if needed."""
        stored = _check_cluster(_json_copy(cluster, "cluster"), f"{workspace}/{namespace}")
        with self._lock:
            self._data.setdefault(workspace, {}).setdefault(namespace, {})[stored["name"]] = stored
            self._listings.pop((workspace, namespace), None)
        return copy.deepcopy(stored)

    def patch(self, workspace: str, namespace: str, name: str, fields: object) -> Cluster:
        """Deep-merge ``fields`` into a cluster; its ``name`` cannot change."""
        patch = _json_copy(fields, "patch")
        if not isinstance(patch, dict):
            raise StateError("a cluster patch must be a JSON object")
        if patch.get("name", name) != name:
            raise StateError("a patch cannot rename a cluster; delete it and upsert the new one")
        with self._lock:
            clusters = self._namespace(workspace, namespace)
            merged = merge_patch(self._cluster(workspace, namespace, name), patch)
            clusters[name] = stored = _check_cluster(merged, f"{workspace}/{namespace}")
            self._listings.pop((workspace, namespace), None)
        return copy.deepcopy(stored)

    def delete(self, workspace: str, namespace: str, name: str) -> None:
        """Remove a cluster; the (possibly now empty) namespace stays."""
        with self._lock:
            self._cluster(workspace, namespace, name)
            del self._data[workspace][namespace][name]
            self._listings.pop((workspace, namespace), None)

    def _namespace(self, workspace: str, namespace: str) -> dict[str, Cluster]:
        try:
            return self._data[workspace][namespace]
        except KeyError:
            raise NamespaceNotFound(workspace, namespace) from None

    def _cluster(self, workspace: str, namespace: str, name: str) -> Cluster:
        try:
            return self._namespace(workspace, namespace)[name]
        except KeyError:
            raise ClusterNotFound(workspace, namespace, name) from None


def _check_namespace(workspace: str, namespace: str, clusters: object) -> None:
    where = f"{workspace}/{namespace}"
    if not isinstance(clusters, list):
        raise StateError(f"namespace {where!r} must hold a list of clusters")
    names = Counter(_check_cluster(cluster, where)["name"] for cluster in clusters)
    duplicates = sorted(name for name, seen in names.items() if seen > 1)
    if duplicates:
        raise StateError(f"namespace {where!r} holds duplicate cluster names: {duplicates}")


def _check_cluster(cluster: object, where: str) -> Cluster:
    if not isinstance(cluster, dict):
        raise StateError(f"every cluster of {where!r} must be a JSON object")
    name = cluster.get("name")
    if not isinstance(name, str) or not name:
        raise StateError(f"every cluster of {where!r} needs a non-empty string 'name'")
    return cluster


def _json_copy(value: object, what: str) -> Any:
    """Deep-copy through JSON, which also proves the value is plain, finite JSON."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise StateError(f"the {what} is not plain JSON: {exc}") from exc


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _dump_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
