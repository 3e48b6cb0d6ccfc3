"""One namespace's ListSessionClusters reply, parsed once and shared by every lookup of it.

Two ways to parse a reply, chosen by the lookup that triggers the list call:

- A lookup that returns *every* cluster (no filter, no details) validates the whole body in one
  pass with pydantic-core (``validate_json``: parse and validate together, in Rust), about what
  the official SDK's ``json.loads`` + ``from_map`` costs, where ``json.loads`` followed by
  validating each cluster costs about 1.6x more.
- Any other lookup decodes the body to plain dicts (``json.loads``), filters those on a few raw
  fields and validates only its matches. A namespace of 10,000 clusters is then cheaper than
  the SDK's own parse, which builds a model of every cluster.

Either way each cluster is validated at most once per process: later lookups of the namespace
reuse the models. A body the fast path refuses (not JSON, ``success`` not true, a malformed
cluster) is parsed again by :func:`alicloud_flink.client.parse_list_reply`, so every error is
the one the plain path reports.

Parsing pauses Python's cyclic garbage collector. A parse allocates thousands of container
objects, none of them garbage (pydantic's 10 models per cluster are twice the tracked objects
of the official SDK's ``from_map``). Left running, the collector scans them every 700
allocations, promotes the survivors and, in a process with a large heap (a Pulumi program),
soon runs a full collection of the whole heap (measured: 3 full collections of ~50 ms per 300
list calls of 50 clusters; validating 10,000 clusters took 1.07 s instead of 0.55 s). Paused,
the young generation is collected once, at the end of the parse, in the parse's own time.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StrictBool, TypeAdapter, ValidationError

from alicloud_flink.client import RawReply, Target, malformed_response, parse_list_reply
from alicloud_flink.models import STATUS_KEY, WIRE_KEYS, SessionCluster


class ClusterFacts(NamedTuple):
    """The fields lookups filter and sort on, read from a raw cluster or from a model."""

    name: Any
    session_cluster_id: Any
    labels: Any
    engine_version: Any
    status: Any

    @classmethod
    def of_raw(cls, raw: Mapping[str, Any]) -> ClusterFacts:
        """The facts of a wire-format (camelCase) cluster object."""
        status = raw.get(WIRE_KEYS["status"])
        return cls(
            raw.get(WIRE_KEYS["session_cluster_name"]),
            raw.get(WIRE_KEYS["session_cluster_id"]),
            raw.get(WIRE_KEYS["labels"]),
            raw.get(WIRE_KEYS["engine_version"]),
            status.get(STATUS_KEY) if isinstance(status, Mapping) else None,
        )

    @classmethod
    def of_model(cls, cluster: SessionCluster) -> ClusterFacts:
        """The facts of a validated cluster (the same values :meth:`of_raw` reads)."""
        return cls(
            cluster.session_cluster_name,
            cluster.session_cluster_id,
            cluster.labels,
            cluster.engine_version,
            cluster.current_status,
        )


class Listing:
    """The clusters of one namespace in list order, each validated at most once, on demand.

    Built by :func:`parse_listing`. Safe to share between threads without a lock: what it
    memoizes is idempotent, so two threads computing the same thing at once both get a right
    answer and either copy is kept.
    """

    def __init__(
        self,
        target: Target,
        request_id: str | None,
        raw: list[dict[str, Any]] | None,
        models: list[SessionCluster | None],
    ) -> None:
        self.target = target
        self.request_id = request_id
        self._raw = raw
        self._models = models
        self._facts: list[ClusterFacts] | None = None
        self._by_name: tuple[SessionCluster, ...] | None = None

    @property
    def facts(self) -> list[ClusterFacts]:
        """What filters read, for every cluster in list order (computed on first use)."""
        if self._facts is None:
            if self._raw is not None:
                self._facts = [ClusterFacts.of_raw(cluster) for cluster in self._raw]
            else:
                self._facts = [ClusterFacts.of_model(self.cluster(i)) for i in self.indices]
        return self._facts

    @property
    def indices(self) -> range:
        """The positions of the clusters, in list order."""
        return range(len(self._models))

    def by_name(self) -> tuple[SessionCluster, ...]:
        """Every cluster, validated and sorted by name (computed on first use)."""
        if self._by_name is None:
            pending = contextlib.nullcontext() if None not in self._models else gc_paused()
            with pending:
                clusters = [model or self.cluster(i) for i, model in enumerate(self._models)]
            clusters.sort(key=lambda cluster: cluster.session_cluster_name or "")
            self._by_name = tuple(clusters)
        return self._by_name

    def cluster(self, index: int) -> SessionCluster:
        """The validated cluster at ``index``; workspace and namespace filled when omitted."""
        model = self._models[index]
        if model is None:
            assert self._raw is not None  # a listing without raw clusters has every model
            model = self._models[index] = validated(self._raw[index], self.target)
        return model


def parse_listing(reply: RawReply, target: Target, *, validate_all: bool) -> Listing:
    """Parse a ListSessionClusters body: whole (``validate_all``) or to raw dicts, as above.

    Raises the error :func:`alicloud_flink.client.parse_list_reply` reports for the body, or a
    ``MalformedResponseError`` naming the first malformed field of a cluster.
    """
    with gc_paused():
        if validate_all:
            listing = _validated_listing(reply, target)
            if listing is not None:
                return listing
        decoded = parse_list_reply(reply, target)
    raw: list[dict[str, Any]] = decoded.data
    return Listing(target, decoded.request_id, raw, [None] * len(raw))


def validated(raw: Mapping[str, Any], target: Target) -> SessionCluster:
    """Validate one raw cluster, filling workspace/namespace the service may have omitted."""
    try:
        cluster = SessionCluster.model_validate(raw)
    except ValidationError as problem:
        raise _malformed_cluster(problem, target) from None
    return _with_place(cluster, target)


class _ListBody(BaseModel):
    """The fast path's view of a successful ListSessionClusters body (other keys ignored)."""

    model_config = ConfigDict(extra="ignore")

    request_id: str | None = Field(default=None, alias="requestId")
    success: StrictBool
    data: list[SessionCluster]


@functools.cache
def _list_body() -> TypeAdapter[_ListBody]:
    """The fast path's validator, built on first use (a program of singular lookups never
    needs it, and building it is a sixth of this module's import time)."""
    return TypeAdapter(_ListBody)


def _validated_listing(reply: RawReply, target: Target) -> Listing | None:
    """Every cluster validated straight from the body; ``None`` when the body needs the
    plain path (its errors are then reported exactly as that path reports them)."""
    try:
        body = _list_body().validate_json(reply.body)
    except ValidationError:
        return None
    if body.success is not True:
        return None
    models: list[SessionCluster | None] = [
        _with_place(cluster, target)
        if cluster.workspace is None or cluster.namespace is None
        else cluster
        for cluster in body.data
    ]
    return Listing(target, body.request_id or reply.header_request_id, None, models)


def _with_place(cluster: SessionCluster, target: Target) -> SessionCluster:
    missing = {
        key: value
        for key, value in (("workspace", target.workspace), ("namespace", target.namespace))
        if getattr(cluster, key) is None
    }
    return cluster.model_copy(update=missing) if missing else cluster


def _malformed_cluster(problem: ValidationError, target: Target) -> Exception:
    detail = problem.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in detail["loc"])
    return malformed_response(f"cluster field {where}: {detail['msg']}", target, None)


class _GcPause:
    """A pause of the cyclic garbage collector that nests and may overlap across threads.

    The first pause to begin disables the collector if it was enabled; the last to end enables
    it again and collects the youngest generation, so that no collection debt is left to
    whatever runs next.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                resume = self._depth == 0 and self._resume
                if resume:
                    gc.enable()
            if resume:
                gc.collect(0)


#: Wrap bulk parsing in ``with gc_paused():``.
gc_paused = _GcPause()
