"""Runs Pulumi programs in-process with ``pulumi.runtime.set_mocks``, against a real emulator.

Only the engine is played here. Every lookup goes over HTTP to the emulator; a dynamic resource
runs its real provider, decoded from ``__provider`` as the plugin would decode it.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import dill
import pulumi
from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime.rpc import unwrap_rpc_secret
from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")
PROJECT = "flink-tests"
SECRET_KEYS = ["alicloud:secretKey", "alicloud:securityToken"]


def emulator_config(emulator: Emulator) -> dict[str, str]:
    """Stack config pointing at ``emulator``, signed with its default credential."""
    return {
        "alicloud-flink:endpoint": emulator.url,
        "alicloud:accessKey": DEFAULT_CREDENTIAL.access_key_id,
        "alicloud:secretKey": DEFAULT_CREDENTIAL.access_key_secret,
    }


class ProgramMocks(pulumi.runtime.Mocks):
    """The engine's part: records each registration, runs dynamic providers for real."""

    def __init__(self, config: Mapping[str, str], preview: bool) -> None:
        self.config = dict(config)
        self.preview = preview
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args)
        if args.typ.startswith("pulumi-python:dynamic"):
            return self._run_dynamic(args.inputs, args.resource_id)
        if self.preview:  # a resource about to be created has no id and no outputs yet
            return None, {}
        return f"{args.name}-id", dict(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        raise AssertionError(f"no invoke expected, got {args.token}")

    def _run_dynamic(
        self, inputs: Mapping[str, Any], read_id: str | None
    ) -> tuple[str | None, dict[str, Any]]:
        """Configure, then read (``read_id``) or check and (outside preview) create, as the
        dynamic plugin would.

        Secrets are unwrapped first, as the engine strips them for the plugin.
        """
        plain = {key: unwrap_rpc_secret(value) for key, value in inputs.items()}
        provider = dill.loads(base64.b64decode(plain.pop("__provider")))
        provider.configure(ConfigureRequest(Config(self.config, PROJECT)))
        if read_id:  # a read (``Resource.get``): the engine calls Read, at preview too
            read = provider.read(read_id, plain)
            return read.id, read.outs
        checked = provider.check({}, plain)
        assert not checked.failures, [(f.property, f.reason) for f in checked.failures]
        if self.preview:
            return None, checked.inputs
        created = provider.create(checked.inputs)
        return created.id, created.outs


def start_program(config: Mapping[str, str], *, preview: bool = False) -> ProgramMocks:
    """A fresh program run (new root stack) with ``config`` as its stack config."""
    pulumi.runtime.reset_options(project=PROJECT, stack="test", preview=preview)
    mocks = ProgramMocks(config, preview)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack="test", preview=preview)
    pulumi.runtime.set_all_config(dict(config), secret_keys=SECRET_KEYS)
    return mocks


@dataclass(frozen=True)
class Settled(Generic[T]):
    """What an Output resolved to."""

    value: T | None
    known: bool
    secret: bool


def settle(output: pulumi.Output[T]) -> Settled[T]:
    """Wait for ``output`` on the program's event loop; its exception, if any, is raised."""

    async def resolve() -> Settled[T]:
        return Settled(await output.future(), await output.is_known(), await output.is_secret())

    return _sync_await(resolve())


def unknown_at_preview(name: str) -> pulumi.Output[str]:
    """An output the engine does not know at preview: a resource property not computed yet."""
    return _Pending(name).value


class _Pending(pulumi.CustomResource):
    """A stand-in for any resource whose output is computed on creation."""

    value: pulumi.Output[str]

    def __init__(self, name: str) -> None:
        super().__init__("test:index:Pending", name, {"value": None})
