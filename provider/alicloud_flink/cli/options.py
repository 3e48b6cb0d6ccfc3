"""What every command reads from its flags and the environment, resolved in one place.

Credentials are never flags: they come from the environment, a CLI profile or the
``alibabacloud-credentials`` chain through :func:`alicloud_flink.settings.resolve_settings`, the
same resolution the SDK and the dynamic provider use.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from alicloud_flink.cli import NAMESPACE_ENV, WORKSPACE_ENV
from alicloud_flink.errors import InvalidInputError
from alicloud_flink.settings import Settings, resolve_settings


@dataclass(frozen=True)
class Identity:
    """Which session cluster, as far as one source knows: any part may be missing."""

    workspace: str | None = None
    namespace: str | None = None
    name: str | None = None

    def over(self, fallback: Identity) -> Identity:
        """This identity, with the parts it leaves out taken from ``fallback``."""
        return Identity(
            self.workspace or fallback.workspace,
            self.namespace or fallback.namespace,
            self.name or fallback.name,
        )


def settings(args: argparse.Namespace) -> Settings:
    """Endpoint, region and credentials: ``--region/--endpoint/--profile``, then the env."""
    return resolve_settings(region=args.region, endpoint=args.endpoint, profile=args.profile)


def flag_identity(args: argparse.Namespace) -> Identity:
    """The cluster named by ``-w/-n/--name``: only the parts given on the command line."""
    return Identity(args.workspace, args.namespace, args.name)


def env_identity() -> Identity:
    """The workspace and namespace from ``ALICLOUD_FLINK_WORKSPACE/NAMESPACE``."""
    return Identity(os.environ.get(WORKSPACE_ENV), os.environ.get(NAMESPACE_ENV))


def workspace(args: argparse.Namespace) -> str:
    """``--workspace``, else ``ALICLOUD_FLINK_WORKSPACE``; raises when neither is set."""
    return _required("workspace", "-w/--workspace", WORKSPACE_ENV, args.workspace)


def namespace(args: argparse.Namespace) -> str:
    """``--namespace``, else ``ALICLOUD_FLINK_NAMESPACE``; raises when neither is set."""
    return _required("namespace", "-n/--namespace", NAMESPACE_ENV, args.namespace)


def namespaces(args: argparse.Namespace) -> list[str]:
    """Every ``--namespace`` of a repeatable flag once, in order, else the env variable."""
    if args.namespace:
        return list(dict.fromkeys(args.namespace))
    return [_required("namespace", "-n/--namespace", NAMESPACE_ENV, None)]


def pairs(flag: str, values: list[str] | None) -> dict[str, str]:
    """``KEY=VALUE`` flags as a dict (a later key wins); raises naming ``flag`` when malformed."""
    result: dict[str, str] = {}
    for text in values or []:
        key, separator, value = text.partition("=")
        if not separator or not key.strip():
            raise InvalidInputError(flag, f"{text!r} is not of the form KEY=VALUE")
        result[key.strip()] = value
    return result


def _required(field: str, flag: str, variable: str, given: str | None) -> str:
    found = given or os.environ.get(variable)
    if not found:
        raise InvalidInputError(field, f"not given: pass {flag} or set {variable}")
    return found
