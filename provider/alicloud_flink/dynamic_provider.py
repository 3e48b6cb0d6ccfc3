"""The dynamic provider behind ``SessionClusterLookup``: a session cluster observed as a resource.

The resource creates nothing. Its state is what the lookup core saw: the cluster's identity
(``workspace``, ``namespace``, ``name``), the tracked fields of
:func:`alicloud_flink.drift.snapshot` and ``provider_version``. Refresh reports drift only through
a change of *inputs* (Pulumi CLI 3.120 and later compare ``Diff(olds=refreshed outputs,
news=old inputs)``), so the observed values live in the inputs:
:meth:`~SessionClusterLookupProvider.check` runs the lookup and adds them, and
:meth:`~SessionClusterLookupProvider.read` returns them as both outputs and inputs. As a bonus,
``pulumi preview --expect-no-changes`` alone catches drift, since Check looks again.

The provider is pickled *by reference* into every property map (``__provider``), so the blob is a
few dozen bytes, holds no client and no credential, and the plugin runs the installed code.
Settings come from the stack config the engine passes to Configure, resolved by
:func:`alicloud_flink.settings.resolve_settings` into a module-level holder that is never pickled.
Importing this module is cheap: the lookup core (pydantic, tea-openapi) is imported on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

from alicloud_flink.drift import TRACKED_FIELDS, compare, snapshot

if TYPE_CHECKING:
    from alicloud_flink.lookup import ClusterQuery
    from alicloud_flink.models import SessionCluster
    from alicloud_flink.settings import Settings

#: The inputs that say which cluster is observed; changing one observes another cluster.
IDENTITY_KEYS: tuple[str, ...] = ("workspace", "namespace", "name")
VERSION_KEY = "provider_version"
#: Every property of the resource, in state order: the identity, the fields of
#: ``drift.TRACKED_FIELDS`` and the provider version. ``alicloud-flink`` reads these names from
#: ``pulumi stack export``.
OUTPUT_KEYS: tuple[str, ...] = (*IDENTITY_KEYS, *TRACKED_FIELDS, VERSION_KEY)


class _Configured:
    """Settings resolved by Configure; module-level so that no pickle can ever capture them."""

    settings: Settings | None = None


_CONFIGURED = _Configured()


class SessionClusterLookupProvider(ResourceProvider):
    """Observes one session cluster; the resource's properties are the cluster's tracked fields.

    Create and update only record what Check observed; delete does nothing (the cluster is never
    touched). The instance has no attributes, so its pickle names only this class; the blob is
    not marked secret because it cannot hold one.
    """

    serialize_as_secret_always = False

    def configure(self, req: ConfigureRequest) -> None:
        """Resolve settings from the stack config the engine passed, as the SDK functions do."""
        from alicloud_flink.settings import CONFIG_KEYS, resolve_settings

        found = ((key, req.config.get(key)) for key in CONFIG_KEYS)
        config = {key: str(value) for key, value in found if value is not None}
        _CONFIGURED.settings = resolve_settings(config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Look the cluster up and return its identity plus the observed values as the inputs.

        At preview, while an identity input is unknown, nothing is looked up and the inputs pass
        through (the outputs stay unknown). A bad input, or a cluster that does not exist, is a
        check failure on the property concerned whose message names workspace, namespace and
        name; any other API error is raised, never hidden.
        """
        from alicloud_flink.errors import InvalidInputError, NotFoundError
        from alicloud_flink.lookup import find_cluster

        if any(isinstance(news.get(key), Unknown) for key in IDENTITY_KEYS):
            return CheckResult(dict(news), [])
        try:
            query = lookup_query(news)
            cluster = find_cluster(query, current_settings())
            return CheckResult(observation(query, cluster), [])
        except InvalidInputError as problem:
            return CheckResult(dict(news), [CheckFailure(problem.field, str(problem))])
        except NotFoundError as problem:
            return CheckResult(dict(news), [CheckFailure("name", str(problem))])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Whether anything observed changed; a different identity means a replacement.

        A changed observation is an update (the resource is a pure observation). Only another
        workspace, namespace or name replaces the resource, so that its id names its cluster.
        """
        changed = changed_keys(olds, news)
        replaces = [key for key in changed if key in IDENTITY_KEYS]
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Record the observation Check made; the id is the Terraform-style cluster id."""
        from alicloud_flink.models import cluster_id

        workspace, namespace, name = (str(props[key]) for key in IDENTITY_KEYS)
        return CreateResult(cluster_id(workspace, namespace, name), outs=dict(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Record the new observation Check made."""
        return UpdateResult(outs=dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Look again and return the observation as outputs *and* inputs, so refresh shows drift.

        A cluster that is not in its namespace is gone (an empty id, which refresh turns into a
        deletion) when ``props`` hold an earlier observation. When they hold none, this is the
        first read of ``SessionClusterLookup.get``, and a missing cluster is ``NotFoundError``
        (naming workspace, namespace and name): the engine cannot be told "does not exist" by a
        dynamic provider and would record an empty resource. Any API error, a missing namespace
        included, is raised: an error never removes the resource from the state.
        """
        from alicloud_flink.lookup import find_cluster, find_clusters

        query = lookup_query(props)
        if props.get(VERSION_KEY) is None:
            cluster = find_cluster(query, current_settings())
        else:
            search = find_clusters(query, current_settings())
            if not search.clusters:
                return ReadResult("", {})
            cluster = search.clusters[0]
        state = observation(query, cluster)
        return ReadResult(id_, outs=state, inputs=dict(state))


def lookup_query(identity: Mapping[str, Any]) -> ClusterQuery:
    """The validated query for the cluster that ``identity`` (workspace, namespace, name) names."""
    from alicloud_flink.lookup import ClusterQuery

    values: list[Any] = [identity.get(key) for key in IDENTITY_KEYS]
    workspace, namespace, name = values
    return ClusterQuery.build(workspace, namespace, name=name)


def observation(query: ClusterQuery, cluster: SessionCluster) -> dict[str, Any]:
    """The resource's properties, in :data:`OUTPUT_KEYS` order, for ``cluster``."""
    values = {
        "workspace": query.workspace,
        "namespace": query.namespace,
        "name": query.name,
        **snapshot(cluster),
        VERSION_KEY: provider_version(),
    }
    return {key: values[key] for key in OUTPUT_KEYS}


def changed_keys(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The properties whose values differ, in :data:`OUTPUT_KEYS` order.

    Tracked fields compare as :func:`alicloud_flink.drift.compare` defines drift (the same rule
    the CLI applies); identity and version compare exactly. A property missing on one side (an
    observation not made yet at preview) counts as changed.
    """
    drifted = {change.field for change in compare({k: olds.get(k) for k in TRACKED_FIELDS}, news)}
    return [
        key
        for key in OUTPUT_KEYS
        if key in drifted or (key not in TRACKED_FIELDS and olds.get(key) != news.get(key))
    ]


def current_settings() -> Settings:
    """The settings Configure resolved; the engine always configures before any other call."""
    from alicloud_flink.errors import ConfigurationError

    if _CONFIGURED.settings is None:
        raise ConfigurationError("the session-cluster provider was used before Configure")
    return _CONFIGURED.settings


@functools.cache
def provider_version() -> str:
    """A fingerprint of the code that shapes the resource's properties.

    It changes with this module, the drift definition and the models, so the first refresh or
    update after an upgrade shows the change and records values produced by the new code.
    """
    import hashlib

    from alicloud_flink import drift, models

    digest = hashlib.sha256()
    for source in (__file__, drift.__file__, models.__file__):
        digest.update(Path(source or "").read_bytes())
    return digest.hexdigest()[:16]
