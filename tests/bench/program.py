"""Runs a Pulumi program in this process with ``pulumi.runtime.set_mocks``.

Only the engine is played: every function really calls the emulator, and a
``SessionClusterLookup`` runs its real dynamic provider, decoded from ``__provider`` with dill as
the ``pulumi-python`` plugin decodes it, then configured, checked and created. The provider thus
shares this process's lookup cache, as it would not under the real engine (see round_trips.py).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Mapping
from typing import Any

import dill
import pulumi
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime.rpc import unwrap_rpc_secret
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROJECT = "flink-bench"
STACK = "bench"
#: Set with ``--secret``, as SessionClusterLookup requires of a credential in the stack config.
SECRET_KEYS = ["alicloud:secretKey", "alicloud:securityToken"]


class BenchMocks(pulumi.runtime.Mocks):
    """The engine's part; records the size of every dynamic provider blob it sees."""

    def __init__(self, config: Mapping[str, str], preview: bool) -> None:
        self.config = dict(config)
        self.preview = preview
        self.blob_sizes: list[int] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        """Run dynamic resources' providers for real; echo other resources' inputs."""
        if args.typ.startswith("pulumi-python:dynamic"):
            return self._run_dynamic(args.inputs)
        return f"{args.name}-id", dict(args.inputs)

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """No program here makes an invoke; the functions run in the program's process."""
        raise AssertionError(f"unexpected invoke {args.token}")

    def _run_dynamic(self, inputs: Mapping[str, Any]) -> tuple[str | None, dict[str, Any]]:
        plain = {key: unwrap_rpc_secret(value) for key, value in inputs.items()}
        blob = plain.pop("__provider")
        self.blob_sizes.append(len(blob))
        provider = dill.loads(base64.b64decode(blob))
        provider.configure(ConfigureRequest(Config(self.config, PROJECT)))
        checked = provider.check({}, plain)
        if checked.failures:
            raise AssertionError([(f.property, f.reason) for f in checked.failures])
        if self.preview:
            return None, checked.inputs
        created = provider.create(checked.inputs)
        return created.id, created.outs


def run_program(
    program: Callable[[], list[pulumi.Output[Any]]],
    config: Mapping[str, str],
    *,
    preview: bool = False,
) -> BenchMocks:
    """Run ``program`` as a fresh stack with ``config``; wait for its outputs and every RPC."""
    mocks = BenchMocks(config, preview)
    pulumi.runtime.reset_options(project=PROJECT, stack=STACK, preview=preview)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=STACK, preview=preview)
    pulumi.runtime.set_all_config(dict(config), secret_keys=SECRET_KEYS)

    async def body() -> None:
        await asyncio.gather(*(output.future() for output in program()))

    _sync_await(run_pulumi_func(body))
    return mocks


def settle(outputs: list[pulumi.Output[Any]]) -> list[Any]:
    """Wait for ``outputs`` on the program's event loop (after :func:`start_program`)."""

    async def resolve() -> list[Any]:
        return list(await asyncio.gather(*(output.future() for output in outputs)))

    return _sync_await(resolve())


def start_program(config: Mapping[str, str]) -> None:
    """Make a fresh (non-preview) stack the current program, for code that settles itself."""
    pulumi.runtime.reset_options(project=PROJECT, stack=STACK, preview=False)
    pulumi.runtime.set_mocks(BenchMocks(config, False), project=PROJECT, stack=STACK)
    pulumi.runtime.set_all_config(dict(config), secret_keys=SECRET_KEYS)
