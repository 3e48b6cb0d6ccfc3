"""How Python field names map to the Flink API's camelCase names, in one function.

Kept apart from :mod:`alicloud_flink.models` so that light modules (the drift rules, the dynamic
provider) can use it without importing pydantic.
"""

from __future__ import annotations


def to_wire_name(field_name: str) -> str:
    """``log4j2_configuration_template`` → ``log4j2ConfigurationTemplate`` (digits kept)."""
    first, *rest = field_name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)
