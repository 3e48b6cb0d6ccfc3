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

__all__ = ["stack_config", "stack_settings"]


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
