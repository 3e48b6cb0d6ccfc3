"""``SessionClusterLookup``: a session cluster observed as a resource, so refresh shows drift.

Declare one per cluster a stack depends on. ``pulumi up`` records the cluster's tracked fields;
``pulumi refresh`` (or ``pulumi preview``, which looks again) reports a change of engine
version, deployment target, labels, status, Flink configuration or resources as an update with
old and new values, and a cluster that disappeared as deleted. The cluster itself is never
modified. The provider (:mod:`alicloud_flink.dynamic_provider`) runs in the
``pulumi-python`` dynamic-provider plugin with the stack config the engine passes it.
"""

from __future__ import annotations

from typing import Any, cast

import pulumi
import pulumi.dynamic
from alicloud_flink.dynamic_provider import OUTPUT_KEYS, SessionClusterLookupProvider

__all__ = ["SessionClusterLookup"]


class SessionClusterLookup(pulumi.dynamic.Resource, name="SessionClusterLookup"):
    """One session cluster, looked up by workspace, namespace and name.

    The resource's id is the Terraform-style ``<workspace>:<namespace>:<name>``. At preview, the
    lookup runs as soon as the three inputs are known: a cluster that does not exist fails the
    preview, naming workspace, namespace and name; while an input is unknown, the outputs are
    unknown and no request is made. Changing an input observes another cluster (a replacement);
    a change in the cluster is an update. Deleting the resource leaves the cluster alone.
    """

    workspace: pulumi.Output[str]
    namespace: pulumi.Output[str]
    name: pulumi.Output[str]
    session_cluster_id: pulumi.Output[str | None]
    engine_version: pulumi.Output[str | None]
    deployment_target_name: pulumi.Output[str | None]
    labels: pulumi.Output[dict[str, Any] | None]
    """Label values as the API returns them (a label may be a number)."""
    status: pulumi.Output[str | None]
    """``status.currentSessionClusterStatus`` (``RUNNING`` …)."""
    flink_conf: pulumi.Output[dict[str, Any] | None]
    basic_resource_setting: pulumi.Output[dict[str, Any] | None]
    """Parallelism and the JobManager / TaskManager specs, with Terraform's attribute names."""
    provider_version: pulumi.Output[str]
    """Fingerprint of the provider code that recorded the values."""

    def __init__(
        self,
        resource_name: str,
        workspace: pulumi.Input[str],
        namespace: pulumi.Input[str],
        name: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Observe the cluster ``name`` of ``namespace`` in ``workspace``.

        :param resource_name: The Pulumi name of this resource (not the cluster's name).
        :param opts: Ordinary resource options (``parent``, ``depends_on``, ``protect`` …).
        """
        _refuse_plaintext_credentials()
        props: dict[str, Any] = dict.fromkeys(OUTPUT_KEYS)
        props.update(workspace=workspace, namespace=namespace, name=name)
        super().__init__(SessionClusterLookupProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str,
        id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> SessionClusterLookup:
        """Read the cluster with the Terraform-style id ``<workspace>:<namespace>:<name>``.

        The engine reads this resource instead of creating it: the provider's Read looks the
        cluster up, at preview as at update, and the outputs are what it saw. A cluster that
        does not exist fails the preview or update with ``NotFoundError`` naming workspace,
        namespace and name; a malformed id raises ``InvalidInputError`` naming ``id`` before
        anything is registered (once known, when the id is an Output). The engine counts a
        read as no change, so drift shows in ``pulumi refresh --expect-no-changes`` (and in
        the stack outputs a preview prints), not in ``preview --expect-no-changes``. Removing
        ``get`` from the program only drops the resource from the state.
        """
        read = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        if isinstance(id, str):
            workspace, namespace, name = _identity(id)
            return SessionClusterLookup(resource_name, workspace, namespace, name, read)
        identity = pulumi.Output.from_input(cast("pulumi.Input[str]", id)).apply(_identity)
        return SessionClusterLookup(resource_name, identity[0], identity[1], identity[2], read)


def _identity(cluster_id: str) -> tuple[str, str, str]:
    """Workspace, namespace and name of an id; a malformed one is refused naming ``id``."""
    from alicloud_flink.validation import cluster_id as split_cluster_id

    return split_cluster_id("id", cluster_id)


def _refuse_plaintext_credentials() -> None:
    """Fail before registering when a credential is plain-text stack config.

    The engine records the stack config as the ``pulumi-python`` provider's inputs in the
    state, so the first dynamic resource would write a plain-text credential there.
    """
    from pulumi_alicloud_flink.config import plaintext_credentials

    exposed = plaintext_credentials()
    if exposed:
        from alicloud_flink.errors import ConfigurationError

        keys = " and ".join(exposed)
        raise ConfigurationError(
            f"{keys} {'is' if len(exposed) == 1 else 'are'} set in the stack config as plain "
            "text; Pulumi records the stack config of a program with dynamic resources, such "
            "as SessionClusterLookup, in the state, where it would stay unencrypted. Set it "
            f"with `pulumi config set --secret {exposed[0]} ...`, or take the credential from "
            "the environment (ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN) "
            "or a CLI profile (alicloud:profile) instead"
        )
