"""The one lookup core every surface calls: the SDK functions, the dynamic resource, the CLI.

A namespace is listed at most once per (endpoint, workspace, namespace) per process: results are
cached, and concurrent identical requests wait for the one call in flight instead of sending
their own. Errors are not cached, so a later call may succeed. The cache key holds no secret.

A listed namespace is parsed once (:mod:`alicloud_flink.listing`): a lookup that returns every
cluster validates the body in one pass; a filtered lookup filters raw JSON (name, labels,
status, engine version) and validates only its matches. Each cluster is validated at most once
per process, which keeps large namespaces cheaper than the official SDK's own parse.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from alicloud_flink import validation
from alicloud_flink.client import FlinkApiClient, Reply, Target, malformed_response
from alicloud_flink.errors import FlinkLookupError, InvalidInputError, NotFoundError
from alicloud_flink.listing import ClusterFacts, Listing, parse_listing, validated
from alicloud_flink.models import SessionCluster, cluster_id
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

    @property
    def selects_all(self) -> bool:
        """Whether the query returns every listed cluster as listed (no filter, no details)."""
        return not (
            self.name is not None
            or self.session_cluster_id is not None
            or self.ids
            or self.name_regex is not None
            or self.labels
            or self.status is not None
            or self.engine_version is not None
            or self.enable_details
        )

    def matches_facts(self, facts: ClusterFacts) -> bool:
        """Whether a cluster with these facts (raw or validated) passes every filter."""
        name = facts.name
        return (
            (self.name is None or name == self.name)
            and (not self.ids or cluster_id(self.workspace, self.namespace, name) in self.ids)
            and self._matches_regex(name)
            and self._matches_text("session_cluster_id", facts.session_cluster_id)
            and self._matches_labels(facts.labels)
            and self._matches_text("engine_version", facts.engine_version)
            and self._matches_text("status", facts.status)
        )

    def _matches_regex(self, name: object) -> bool:
        """``name_regex`` on the name; a name that is not text (a broken reply) never matches."""
        if self.name_regex is None:
            return True
        text = "" if name is None else name
        return isinstance(text, str) and self.name_regex.search(text) is not None

    def _matches_labels(self, present: object) -> bool:
        if not self.labels:
            return True
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
    listing = _cache.list_namespace(settings, query.target, validate_all=query.selects_all)
    if query.selects_all:
        return ClusterSearch(
            query.workspace, query.namespace, listing.by_name(), listing.request_id
        )
    facts = listing.facts
    matched = sorted(
        (index for index, cluster in enumerate(facts) if query.matches_facts(cluster)),
        key=lambda index: str(facts[index].name or ""),
    )
    if query.enable_details:
        names = [facts[index].name for index in matched]
        clusters = _with_details(settings, query.target, names)
    else:
        clusters = tuple(listing.cluster(index) for index in matched)
    return ClusterSearch(query.workspace, query.namespace, clusters, listing.request_id)


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
        self._replies: dict[tuple[str, ...], Future[Any]] = {}
        self._clients: dict[Settings, FlinkApiClient] = {}

    def list_namespace(
        self, settings: Settings, target: Target, *, validate_all: bool = False
    ) -> Listing:
        """The namespace's listing; the call that fills the cache parses as its lookup needs."""
        key = ("list", settings.base_url, target.workspace, target.namespace)

        def fetch() -> Listing:
            reply = self._client(settings).fetch_session_clusters(target)
            return parse_listing(reply, target, validate_all=validate_all)

        listing: Listing = self._get(key, fetch)
        return listing

    def get_cluster(self, settings: Settings, target: Target, name: str) -> Reply:
        key = ("get", settings.base_url, target.workspace, target.namespace, name)
        reply: Reply = self._get(
            key, lambda: self._client(settings).get_session_cluster(target, name)
        )
        return reply

    def clear(self) -> None:
        with self._lock:
            self._replies.clear()

    def _get(self, key: tuple[str, ...], fetch: Any) -> Any:
        with self._lock:
            pending = self._replies.get(key)
            owner = pending is None
            if pending is None:
                pending = self._replies[key] = Future()
        if owner:
            self._fill(key, pending, fetch)
        return pending.result()

    def _fill(self, key: tuple[str, ...], pending: Future[Any], fetch: Any) -> None:
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
    settings: Settings, target: Target, names: list[object]
) -> tuple[SessionCluster, ...]:
    """The named clusters in their GetSessionCluster form, fetched concurrently."""
    if not names:
        return ()
    checked = [name for name in names if isinstance(name, str) and name]
    if len(checked) != len(names):
        # Asking GetSessionCluster for "None" would turn a broken listing into "not found".
        raise malformed_response("a listed cluster has no name to fetch details of", target, None)
    with ThreadPoolExecutor(max_workers=min(MAX_CONCURRENCY, len(checked))) as pool:
        replies = list(pool.map(lambda name: _cache.get_cluster(settings, target, name), checked))
    return tuple(validated(reply.data, target) for reply in replies)


def _describe(query: ClusterQuery) -> str:
    if query.name is not None:
        return f"name {query.name!r}"
    return f"session_cluster_id {query.session_cluster_id!r}"


def _suggestion(query: ClusterQuery, settings: Settings) -> str:
    """``; did you mean ...`` with the closest existing names (from the cached list)."""
    if query.name is None:
        return ""
    listing = _cache.list_namespace(settings, query.target)
    names = [str(facts.name) for facts in listing.facts]
    close = difflib.get_close_matches(query.name, names, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(map(repr, close))}?" if close else ""
