"""Plays the Pulumi engine against the real dynamic-provider plugin, over gRPC.

:class:`ProviderProcess` starts ``python -u -m pulumi.dynamic`` as the engine's launcher does and
sends it the engine's messages. One process stands for one CLI command (its lookup cache lives
as long as the command), so a test starts a new one for each ``pulumi up`` or ``refresh``.
The flows below (:func:`up`, :func:`refresh`, :func:`preview`) make the calls the engine makes.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from alicloud_flink.dynamic_provider import SessionClusterLookupProvider
from google.protobuf import json_format, struct_pb2
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

REPO = Path(__file__).resolve().parents[2]
PROJECT = "flink-tests"
URN = f"urn:pulumi:test::{PROJECT}::pulumi-python:dynamic:SessionClusterLookup::cluster"
START_TIMEOUT_S = 30


def program_inputs(workspace: str, namespace: str, name: str) -> dict[str, Any]:
    """The inputs ``SessionClusterLookup`` registers (``None`` output placeholders are dropped)."""
    return {
        "workspace": workspace,
        "namespace": namespace,
        "name": name,
        "__provider": serialize_provider(SessionClusterLookupProvider()),
    }


class ProviderProcess:
    """A running plugin and the messages the engine sends it; records every property map."""

    def __init__(self, config: Mapping[str, str]) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by stop()
        self._process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            cwd=REPO,
            env=_plugin_environment(),
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._channel = grpc.insecure_channel(f"127.0.0.1:{self._read_port()}")
        grpc.channel_ready_future(self._channel).result(timeout=START_TIMEOUT_S)
        self._stub = provider_pb2_grpc.ResourceProviderStub(self._channel)
        self.seen: list[dict[str, Any]] = []
        self._stub.Configure(
            provider_pb2.ConfigureRequest(
                variables=dict(config),
                args=_struct(config),
                acceptSecrets=True,
                acceptResources=True,
            )
        )

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> provider_pb2.CheckResponse:
        response: provider_pb2.CheckResponse = self._stub.Check(
            provider_pb2.CheckRequest(urn=URN, olds=_struct(olds), news=_struct(news))
        )
        self._saw(response.inputs)
        return response

    def create(self, properties: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        response = self._stub.Create(
            provider_pb2.CreateRequest(urn=URN, properties=_struct(properties))
        )
        return response.id, self._saw(response.properties)

    def read(
        self, id_: str, properties: Mapping[str, Any], inputs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        response = self._stub.Read(
            provider_pb2.ReadRequest(
                id=id_, urn=URN, properties=_struct(properties), inputs=_struct(inputs)
            )
        )
        return response.id, self._saw(response.properties), self._saw(response.inputs)

    def diff(
        self,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any],
    ) -> provider_pb2.DiffResponse:
        response: provider_pb2.DiffResponse = self._stub.Diff(
            provider_pb2.DiffRequest(
                id=id_,
                urn=URN,
                olds=_struct(olds),
                news=_struct(news),
                old_inputs=_struct(old_inputs),
            )
        )
        return response

    def update(
        self,
        id_: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any],
    ) -> dict[str, Any]:
        response = self._stub.Update(
            provider_pb2.UpdateRequest(
                id=id_,
                urn=URN,
                olds=_struct(olds),
                news=_struct(news),
                old_inputs=_struct(old_inputs),
            )
        )
        return self._saw(response.properties)

    def stderr_text(self) -> str:
        """Everything the plugin wrote to stderr so far (its logs and tracebacks)."""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self) -> None:
        """Close the channel and end the plugin process this object started."""
        self._channel.close()
        self._process.kill()
        self._process.wait()
        self._stderr.close()

    def _read_port(self) -> int:
        assert self._process.stdout is not None
        ready, _, _ = select.select([self._process.stdout], [], [], START_TIMEOUT_S)
        line = self._process.stdout.readline() if ready else b""
        if not line.strip().isdigit():
            self._stderr.seek(0)
            raise RuntimeError(f"the plugin printed no port: {self._stderr.read().decode()}")
        return int(line)

    def _saw(self, properties: struct_pb2.Struct) -> dict[str, Any]:
        as_dict = json_format.MessageToDict(properties)
        self.seen.append(as_dict)
        return as_dict


@dataclass(frozen=True)
class State:
    """One resource in the stack's state: its id, outputs and inputs."""

    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any]


def up(plugin: ProviderProcess, inputs: Mapping[str, Any], state: State | None = None) -> State:
    """``pulumi up``: Check, then Create (no state) or Diff and, on a change, Update."""
    checked = plugin.check(state.inputs if state else {}, inputs)
    assert not checked.failures, checked.failures
    news = json_format.MessageToDict(checked.inputs)
    if state is None:
        id_, outputs = plugin.create(news)
        return State(id_, outputs, news)
    diff = plugin.diff(state.id, state.outputs, news, state.inputs)
    if diff.changes != provider_pb2.DiffResponse.DIFF_SOME:
        return state
    return State(state.id, plugin.update(state.id, state.outputs, news, state.inputs), news)


def refresh(plugin: ProviderProcess, state: State) -> tuple[State | None, bool]:
    """``pulumi refresh``: the new state (None when gone) and whether refresh reports a change.

    Since CLI 3.120 the change is ``Diff(olds=refreshed outputs, old_inputs=refreshed inputs,
    news=old inputs)``.
    """
    id_, outputs, inputs = plugin.read(state.id, state.outputs, state.inputs)
    if not id_:
        return None, True
    diff = plugin.diff(id_, outputs, state.inputs, inputs)
    return State(id_, outputs, inputs), diff.changes == provider_pb2.DiffResponse.DIFF_SOME


def preview(plugin: ProviderProcess, state: State, inputs: Mapping[str, Any]) -> bool:
    """``pulumi preview``: whether Check (a fresh lookup) and Diff report a change."""
    checked = plugin.check(state.inputs, inputs)
    assert not checked.failures, checked.failures
    news = json_format.MessageToDict(checked.inputs)
    diff = plugin.diff(state.id, state.outputs, news, state.inputs)
    return diff.changes == provider_pb2.DiffResponse.DIFF_SOME


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct


def _plugin_environment() -> dict[str, str]:
    """The test's environment without Alibaba Cloud settings, able to import the project."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ALICLOUD_", "ALIBABA_CLOUD_"))
    }
    paths = [str(REPO / "provider"), str(REPO / "sdk"), env.get("PYTHONPATH", "")]
    return env | {"PYTHONPATH": os.pathsep.join(filter(None, paths)), "PULUMI_PROJECT": PROJECT}


def leaked(secret: str, maps: list[dict[str, Any]]) -> bool:
    """Whether ``secret`` appears in any property map or in any decoded ``__provider`` blob."""
    blobs = [base64.b64decode(m["__provider"]) for m in maps if "__provider" in m]
    return secret in json.dumps(maps) or any(secret.encode() in blob for blob in blobs)
