"""The provider settings of a Pulumi program: the stack config pulumi-alicloud users already have.

The keys are the ones :data:`alicloud_flink.settings.CONFIG_KEYS` lists (``alicloud:region``,
``alicloud:accessKey``, ``alicloud:secretKey``, ``alicloud:securityToken``, ``alicloud:profile``,
``alicloud-flink:endpoint`` …); :func:`alicloud_flink.settings.resolve_settings` decides what wins
over the environment. This is the only settings code in the SDK, and it matches what the dynamic
provider resolves from Configure. Secret config values are read as plain strings: they go into
the request signature only, never into an output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi

if TYPE_CHECKING:
    from alicloud_flink.settings import Settings

__all__ = ["CREDENTIAL_CONFIG_KEYS", "plaintext_credentials", "stack_config", "stack_settings"]

#: The stack-config keys that hold a credential, which must be set with ``--secret``.
CREDENTIAL_CONFIG_KEYS = ("alicloud:secretKey", "alicloud:securityToken")


def stack_config() -> dict[str, str]:
    """The values set in the stack config for the keys the settings resolution reads."""
    from alicloud_flink.settings import CONFIG_KEYS

    values = {}
    for key in CONFIG_KEYS:
        namespace, _, name = key.partition(":")
        value = pulumi.Config(namespace).get(name)
        if value is not None:
            values[key] = value
    return values


def stack_settings() -> Settings:
    """Endpoint, region, credentials and timeouts for this program's lookups.

    Raises :class:`alicloud_flink.errors.ConfigurationError` when they cannot be resolved.
    """
    from alicloud_flink.settings import resolve_settings

    return resolve_settings(stack_config())


def plaintext_credentials() -> list[str]:
    """The credential keys set in the stack config as plain text (not with ``--secret``).

    Pulumi stores the whole stack config of a program with dynamic resources as the inputs of
    its ``pulumi-python`` provider, in the state: a plain-text credential would land there
    unencrypted. (pulumi-alicloud's schema marks ``secretKey`` secret; a dynamic provider has no
    schema to do that.)
    """
    values = stack_config()
    return [
        key
        for key in CREDENTIAL_CONFIG_KEYS
        if key in values and not pulumi.runtime.is_config_secret(key)
    ]
