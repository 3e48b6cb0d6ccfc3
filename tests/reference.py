"""Shared test data: the reference example cluster, and settings that reach an emulator."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from alicloud_flink.settings import Settings, resolve_settings


def reference_cluster() -> dict[str, Any]:
    """A fresh copy of the reference example cluster (the emulator's default state holds it)."""
    text = resources.files("alicloud_flink.emulator").joinpath("default_state.json").read_text()
    cluster: dict[str, Any] = json.loads(text)["ws-demo"]["default-namespace"][0]
    return cluster


def settings_for(emulator: Emulator, secret: str | None = None, **extra: str | int) -> Settings:
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
