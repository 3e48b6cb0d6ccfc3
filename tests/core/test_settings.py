"""Settings resolution: explicit values, then stack config, then env; endpoints; credentials."""

from __future__ import annotations

import pytest
from alicloud_flink.errors import ConfigurationError
from alicloud_flink.settings import parse_endpoint, resolve_settings

SECRET = "s3cr3t-Value-XYZ"


def test_region_gives_the_regional_https_endpoint() -> None:
    settings = resolve_settings({"alicloud:region": "cn-hangzhou"}, env={})
    assert (settings.protocol, settings.endpoint) == ("HTTPS", "ververica.cn-hangzhou.aliyuncs.com")


def test_explicit_beats_config_beats_env() -> None:
    env = {"ALICLOUD_REGION": "env-region", "ALICLOUD_FLINK_ENDPOINT": "env.example.com"}
    config = {"alicloud:region": "config-region"}
    assert resolve_settings(config, env=env).region == "config-region"
    assert resolve_settings(config, env=env, region="explicit").region == "explicit"
    assert resolve_settings(config, env=env).endpoint == "env.example.com"


def test_alicloud_env_names_come_before_alibaba_cloud_names() -> None:
    env = {
        "ALICLOUD_REGION": "r",
        "ALICLOUD_ACCESS_KEY": "LTAIfromAlicloud",
        "ALICLOUD_SECRET_KEY": SECRET,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIfromAlibaba",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "other",
    }
    creds = resolve_settings(env=env).credentials
    assert creds.access_key_id == "LTAIfromAlicloud"
    assert creds.source == "env ALICLOUD_ACCESS_KEY/env ALICLOUD_SECRET_KEY"


def test_stack_config_credentials_and_token() -> None:
    config = {
        "alicloud:region": "r",
        "alicloud:accessKey": "LTAIcfg",
        "alicloud:secretKey": SECRET,
        "alicloud:securityToken": "tok",
    }
    creds = resolve_settings(config, env={}).credentials
    assert (creds.access_key_id, creds.security_token) == ("LTAIcfg", "tok")
    assert creds.source == "stack config alicloud:accessKey/stack config alicloud:secretKey"


def test_repr_never_shows_secret_or_token() -> None:
    settings = resolve_settings(
        env={},
        region="r",
        access_key_id="LTAIabcdef",
        access_key_secret=SECRET,
        security_token="T0K",
    )
    assert SECRET not in repr(settings)
    assert "T0K" not in repr(settings)
    assert settings.credentials.masked_key_id == "LTAI****"


def test_half_a_key_pair_is_a_configuration_error_naming_the_source() -> None:
    with pytest.raises(ConfigurationError, match=r"AccessKey id is set \(from env ALICLOUD_ACCESS"):
        resolve_settings(env={"ALICLOUD_REGION": "r", "ALICLOUD_ACCESS_KEY": "LTAIx"})


def test_profile_and_default_chain() -> None:
    assert (
        resolve_settings(env={"ALICLOUD_REGION": "r", "ALICLOUD_PROFILE": "ci"}).credentials.profile
        == "ci"
    )
    fallback = resolve_settings(env={"ALICLOUD_REGION": "r"}).credentials
    assert fallback.access_key_id is None
    assert fallback.source == "the alibabacloud-credentials default chain"


def test_no_region_and_no_endpoint_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match="alicloud:region"):
        resolve_settings(env={})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ververica.cn-shanghai.aliyuncs.com", ("HTTPS", "ververica.cn-shanghai.aliyuncs.com")),
        ("https://example.com:8443", ("HTTPS", "example.com:8443")),
        ("http://127.0.0.1:9000", ("HTTP", "127.0.0.1:9000")),
        ("http://localhost:9000/", ("HTTP", "localhost:9000")),
        ("http://[::1]:9000", ("HTTP", "[::1]:9000")),
    ],
)
def test_endpoints(text: str, expected: tuple[str, str]) -> None:
    assert parse_endpoint(text) == expected


@pytest.mark.parametrize(
    "text", ["http://10.0.0.5:80", "http://example.com", "ftp://x", "https://x/path", "https://u@x"]
)
def test_unsafe_or_odd_endpoints_are_refused(text: str) -> None:
    with pytest.raises(ConfigurationError, match="endpoint"):
        parse_endpoint(text)


def test_timeouts_and_attempts_must_be_positive_integers() -> None:
    settings = resolve_settings(
        {"alicloud:region": "r", "alicloud:clientReadTimeout": "2500"},
        env={"ALICLOUD_FLINK_MAX_ATTEMPTS": "2"},
    )
    assert (settings.read_timeout_ms, settings.max_attempts) == (2500, 2)
    with pytest.raises(ConfigurationError, match="read_timeout_ms from stack config"):
        resolve_settings({"alicloud:region": "r", "alicloud:clientReadTimeout": "-1"}, env={})
