"""Settings of a program come from its stack config (then the environment), via the core."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from alicloud_flink.errors import AuthenticationError
from alicloud_flink.settings import CONFIG_KEYS
from pulumi_alicloud_flink import get_session_clusters
from pulumi_alicloud_flink.config import stack_config, stack_settings

from .harness import ProgramMocks, emulator_config

Program = Callable[..., ProgramMocks]
FROM_STACK_CONFIG = "stack config alicloud:accessKey/stack config alicloud:secretKey"


def test_every_config_key_is_read_from_its_namespace(program: Program) -> None:
    values = {key: f"value-of-{key}" for key in CONFIG_KEYS}
    program(config=values)

    assert stack_config() == values


def test_stack_settings_resolve_the_stack_config(program: Program, emulator: Emulator) -> None:
    program(config={"alicloud:region": "cn-hangzhou", "alicloud-flink:maxAttempts": "2"})
    settings = stack_settings()

    assert settings.base_url == emulator.url
    assert (settings.region, settings.max_attempts) == ("cn-hangzhou", 2)
    assert settings.credentials.access_key_id == DEFAULT_CREDENTIAL.access_key_id
    assert settings.credentials.source == FROM_STACK_CONFIG


def test_the_environment_fills_what_the_stack_config_lacks(
    program: Program, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALICLOUD_FLINK_ENDPOINT", emulator.url)
    program(config={"alicloud-flink:endpoint": ""})

    assert stack_config() == emulator_config(emulator) | {"alicloud-flink:endpoint": ""}
    assert get_session_clusters("ws-demo", "default-namespace").names == ["test-sessionCluster"]


def test_a_refused_secret_is_reported_without_the_secret(program: Program) -> None:
    secret = "wrong-secret-7f3a9c"
    program(config={"alicloud:secretKey": secret})

    with pytest.raises(AuthenticationError) as refused:
        get_session_clusters("ws-demo", "default-namespace")

    assert refused.value.credential_source == FROM_STACK_CONFIG
    assert secret not in str(refused.value)
