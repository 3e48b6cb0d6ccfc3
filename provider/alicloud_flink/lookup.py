"""The one lookup core every surface calls: the SDK functions, the dynamic resource, the CLI.

A namespace is listed at most once per (endpoint, workspace, namespace) per process: results are
cached, and concurrent identical requests wait for the one call in flight instead of sending
their own. Errors are not cached, so a later call may succeed. The cache key holds no secret.

Filtering runs on the raw JSON (name, labels, status, engine version); only the clusters a
lookup returns are validated into :class:`SessionCluster` models, which keeps large namespaces
as cheap as the official SDK's own parse.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from alicloud_flink import validation
from alicloud_flink.client import FlinkApiClient, Reply, Target, malformed_response
from alicloud_flink.errors import FlinkLookupError, InvalidInputError, NotFoundError
from alicloud_flink.models import STATUS_KEY, WIRE_KEYS, SessionCluster, cluster_id
from alicloud_flink.settings import Settings

MAX_CONCURRENCY = 32


@dataclass(frozen=True)
class ClusterQuery:
    """What to look for in one namespace; build it with :meth:`build`, which validates."""

    workspace: str
    namespace: str
    name: str | None = None
    session_cluster_id: str | None = None
    ids: frozenset[str] = frozenset()
    name_regex: re.Pattern[str] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    status: str | None = None
    engine_version: str | None = None
    enable_details: bool = False

    @classmethod
    def build(
        cls,
        workspace: str,
        namespace: str,
        *,
        name: str | None = None,
        session_cluster_id: str | None = None,
        ids: Iterable[str] | None = None,
        name_regex: str | None = None,
        labels: Mapping[str, object] | None = None,
        status: str | None = None,
        engine_version: str | None = None,
        enable_details: bool = False,
    ) -> ClusterQuery:
        """Validate every argument (raising ``InvalidInputError`` naming it) into a query."""
        checked_workspace = validation.workspace(workspace)
        checked_namespace = validation.path_segment("namespace", namespace)
        return cls(
            workspace=checked_workspace,
            namespace=checked_namespace,
            name=None if name is None else validation.path_segment("name", name),
            session_cluster_id=validation.optional_text("session_cluster_id", session_cluster_id),
            ids=validation.cluster_ids(ids, checked_workspace, checked_namespace),
            name_regex=validation.name_regex(name_regex),
            labels=validation.labels(labels),
            status=validation.optional_text("status", status),
            engine_version=validation.optional_text("engine_version", engine_version),
            enable_details=bool(enable_details),
        )

    @property
    def target(self) -> Target:
        return Target(self.workspace, self.namespace)

    def matches(self, raw: Mapping[str, Any]) -> bool:
        """Whether a raw (wire-format) cluster object passes every filter of this query."""
        name = raw.get(WIRE_KEYS["session_cluster_name"])
        return (
            (self.name is None or name == self.name)
            and (not self.ids or cluster_id(self.workspace, self.namespace, name) in self.ids)
            and (self.name_regex is None or self.name_regex.search(name or "") is not None)
            and self._matches_id(raw)
            and self._matches_labels(raw)
            and self._matches_text("engine_version", raw.get(WIRE_KEYS["engine_version"]))
            and self._matches_text("status", _raw_status(raw))
        )

    def _matches_id(self, raw: Mapping[str, Any]) -> bool:
        wanted = self.session_cluster_id
        return wanted is None or raw.get(WIRE_KEYS["session_cluster_id"]) == wanted

    def _matches_labels(self, raw: Mapping[str, Any]) -> bool:
        if not self.labels:
            return True
        present = raw.get(WIRE_KEYS["labels"])
        if not isinstance(present, Mapping):
            return False
        return all(
            key in present and validation.label_text(present[key]) == value
            for key, value in self.labels.items()
        )

    def _matches_text(self, attribute: str, actual: object) -> bool:
        wanted = getattr(self, attribute)
        return wanted is None or actual == wanted


@dataclass(frozen=True)
class ClusterSearch:
    """The clusters a query matched, ordered by name, and the request id of the list call."""

    workspace: str
    namespace: str
    clusters: tuple[SessionCluster, ...]
    request_id: str | None = None

    @property
    def ids(self) -> list[str]:
        """Terraform-style ids of the matches, in order."""
        return [cluster.id for cluster in self.clusters]

    @property
    def names(self) -> list[str]:
        """Names of the matches, in order."""
        return [cluster.session_cluster_name or "" for cluster in self.clusters]


def find_clusters(query: ClusterQuery, settings: Settings) -> ClusterSearch:
    """Every cluster matching ``query``, sorted by name; an empty result is a real empty list."""
    reply = _cache.list_namespace(settings, query.target)
    matched = sorted(
        (raw for raw in reply.data if query.matches(raw)),
        key=lambda raw: str(raw.get(WIRE_KEYS["session_cluster_name"]) or ""),
    )
    if query.enable_details:
        matched = _with_details(settings, query.target, matched)
    clusters = tuple(_validated(raw, query.target) for raw in matched)
    return ClusterSearch(query.workspace, query.namespace, clusters, reply.request_id)


def find_cluster(query: ClusterQuery, settings: Settings) -> SessionCluster:
    """The single cluster ``query`` names; zero or several matches are errors."""
    if (query.name is None) == (query.session_cluster_id is None):
        raise InvalidInputError("name", "give exactly one of name and session_cluster_id")
    search = find_clusters(query, settings)
    if len(search.clusters) == 1:
        return search.clusters[0]
    if search.clusters:
        raise AmbiguousMatchError(
            f"{len(search.clusters)} session clusters match {_describe(query)}: "
            f"{', '.join(search.names)}",
            workspace=query.workspace,
            namespace=query.namespace,
            request_id=search.request_id,
        )
    raise NotFoundError(
        f"no session cluster matches {_describe(query)}{_suggestion(query, settings)}",
        workspace=query.workspace,
        namespace=query.namespace,
        request_id=search.request_id,
    )


def find_clusters_many(queries: Sequence[ClusterQuery], settings: Settings) -> list[ClusterSearch]:
    """Run several plural lookups concurrently (one list call per distinct namespace)."""
    if len(queries) <= 1:
        return [find_clusters(query, settings) for query in queries]
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENCY, len(queries))) as pool:
        return list(pool.map(lambda query: find_clusters(query, settings), queries))


def clear_cache() -> None:
    """Forget every cached list and detail (tests and long-lived processes call this)."""
    _cache.clear()


class AmbiguousMatchError(FlinkLookupError):
    """A singular lookup matched more than one session cluster."""


class _ReplyCache:
    """Per-process cache of API replies with coalescing of concurrent identical calls."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._replies: dict[tuple[str, ...], Future[Reply]] = {}
        self._clients: dict[Settings, FlinkApiClient] = {}

    def list_namespace(self, settings: Settings, target: Target) -> Reply:
        key = ("list", settings.base_url, target.workspace, target.namespace)
        return self._get(key, lambda: self._client(settings).list_session_clusters(target))

    def get_cluster(self, settings: Settings, target: Target, name: str) -> Reply:
        key = ("get", settings.base_url, target.workspace, target.namespace, name)
        return self._get(key, lambda: self._client(settings).get_session_cluster(target, name))

    def clear(self) -> None:
        with self._lock:
            self._replies.clear()

    def _get(self, key: tuple[str, ...], fetch: Any) -> Reply:
        with self._lock:
            pending = self._replies.get(key)
            owner = pending is None
            if pending is None:
                pending = self._replies[key] = Future()
        if owner:
            self._fill(key, pending, fetch)
        return pending.result()

    def _fill(self, key: tuple[str, ...], pending: Future[Reply], fetch: Any) -> None:
        try:
            pending.set_result(fetch())
        except BaseException as failure:
            with self._lock:
                self._replies.pop(key, None)
            pending.set_exception(failure)

    def _client(self, settings: Settings) -> FlinkApiClient:
        with self._lock:
            client = self._clients.get(settings)
            if client is None:
                client = self._clients[settings] = FlinkApiClient(settings)
            return client


_cache = _ReplyCache()


def _with_details(
    settings: Settings, target: Target, matched: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Replace each listed cluster by its GetSessionCluster form, fetched concurrently."""
    names = [str(raw.get(WIRE_KEYS["session_cluster_name"])) for raw in matched]
    if not names:
        return matched
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENCY, len(names))) as pool:
        replies = list(pool.map(lambda name: _cache.get_cluster(settings, target, name), names))
    return [reply.data for reply in replies]


def _validated(raw: Mapping[str, Any], target: Target) -> SessionCluster:
    """Validate one raw cluster, filling workspace/namespace the service may have omitted."""
    try:
        cluster = SessionCluster.model_validate(raw)
    except ValidationError as problem:
        detail = problem.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in detail["loc"])
        raise malformed_response(f"cluster field {where}: {detail['msg']}", target, None) from None
    missing = {
        key: value
        for key, value in (("workspace", target.workspace), ("namespace", target.namespace))
        if getattr(cluster, key) is None
    }
    return cluster.model_copy(update=missing) if missing else cluster


def _raw_status(raw: Mapping[str, Any]) -> object:
    status = raw.get(WIRE_KEYS["status"])
    return status.get(STATUS_KEY) if isinstance(status, Mapping) else None


def _describe(query: ClusterQuery) -> str:
    if query.name is not None:
        return f"name {query.name!r}"
    return f"session_cluster_id {query.session_cluster_id!r}"


def _suggestion(query: ClusterQuery, settings: Settings) -> str:
    """``; did you mean ...`` with the closest existing names (from the cached list)."""
    if query.name is None:
        return ""
    reply = _cache.list_namespace(settings, query.target)
    names = [str(raw.get(WIRE_KEYS["session_cluster_name"])) for raw in reply.data]
    close = difflib.get_close_matches(query.name, names, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(map(repr, close))}?" if close else ""
