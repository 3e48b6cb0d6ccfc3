"""Shared test data: the reference example cluster, and settings that reach an emulator."""

from __future__ import annotations

import json
from importlib import resources
from typing import TYPE_CHECKING, Any, TypedDict

from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from alicloud_flink.settings import Settings, resolve_settings

if TYPE_CHECKING:
    from typing import Unpack  # 3.11+; annotations are never evaluated at run time


class SettingsOverrides(TypedDict, total=False):
    """Explicit values :func:`settings_for` passes on to ``resolve_settings``."""

    region: str
    security_token: str
    profile: str
    connect_timeout_ms: int
    read_timeout_ms: int
    max_attempts: int


def reference_cluster() -> dict[str, Any]:
    """A fresh copy of the reference example cluster (the emulator's default state holds it)."""
    text = resources.files("alicloud_flink.emulator").joinpath("default_state.json").read_text()
    cluster: dict[str, Any] = json.loads(text)["ws-demo"]["default-namespace"][0]
    return cluster


def settings_for(
    emulator: Emulator, secret: str | None = None, **extra: Unpack[SettingsOverrides]
) -> Settings:
    """Settings that reach ``emulator`` with its default credential (or another secret)."""
    key_id, default_secret = (
        DEFAULT_CREDENTIAL.access_key_id,
        DEFAULT_CREDENTIAL.access_key_secret,
    )
    return resolve_settings(
        env={},
        endpoint=emulator.url,
        access_key_id=key_id,
        access_key_secret=secret or default_secret,
        **extra,
    )
