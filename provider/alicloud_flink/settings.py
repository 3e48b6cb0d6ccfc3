"""Where the endpoint, region, credentials and timeouts come from, resolved once for every surface.

Resolution order, for each setting: an explicit value (function argument or CLI flag), then the
Pulumi stack config a pulumi-alicloud user already has (``alicloud:region``, ``alicloud:accessKey``,
``alicloud:secretKey``, ``alicloud:securityToken``, ``alicloud:profile``; this project's own
``alicloud-flink:endpoint`` for what pulumi-alicloud lacks), then environment variables
(``ALICLOUD_*`` first, then ``ALIBABA_CLOUD_*``). Credentials found nowhere fall back to the
``alibabacloud-credentials`` default chain (env, OIDC, CLI profile, credentials file, ECS RAM
role), resolved lazily by the client.

The SDK functions (program side), the dynamic provider (plugin side, from Configure) and the CLI
all call :func:`resolve_settings`; none of them re-implements this order.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from alicloud_flink.errors import ConfigurationError

DEFAULT_CONNECT_TIMEOUT_MS = 5_000
DEFAULT_READ_TIMEOUT_MS = 10_000
DEFAULT_MAX_ATTEMPTS = 4
# urlsplit silently drops tabs and newlines, which would change the host a typo names.
_UNSAFE_ENDPOINT_CHARACTER = re.compile(r"[\s\x00-\x1f\x7f]")
_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")

# Each setting: the places it may come from, in order, after an explicit value.
_SOURCES: dict[str, tuple[str, ...]] = {
    "region": ("alicloud:region", "$ALICLOUD_REGION", "$ALIBABA_CLOUD_REGION"),
    "endpoint": ("alicloud-flink:endpoint", "$ALICLOUD_FLINK_ENDPOINT"),
    "access_key_id": (
        "alicloud:accessKey",
        "$ALICLOUD_ACCESS_KEY",
        "$ALIBABA_CLOUD_ACCESS_KEY_ID",
    ),
    "access_key_secret": (
        "alicloud:secretKey",
        "$ALICLOUD_SECRET_KEY",
        "$ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ),
    "security_token": (
        "alicloud:securityToken",
        "$ALICLOUD_SECURITY_TOKEN",
        "$ALIBABA_CLOUD_SECURITY_TOKEN",
    ),
    "profile": ("alicloud:profile", "$ALICLOUD_PROFILE", "$ALIBABA_CLOUD_PROFILE"),
    "connect_timeout_ms": ("alicloud:clientConnectTimeout", "$ALICLOUD_FLINK_CONNECT_TIMEOUT_MS"),
    "read_timeout_ms": ("alicloud:clientReadTimeout", "$ALICLOUD_FLINK_READ_TIMEOUT_MS"),
    "max_attempts": ("alicloud-flink:maxAttempts", "$ALICLOUD_FLINK_MAX_ATTEMPTS"),
}

#: The stack-config keys this project reads; surfaces pass exactly these to resolve_settings.
CONFIG_KEYS: tuple[str, ...] = tuple(
    source for sources in _SOURCES.values() for source in sources if not source.startswith("$")
)


@dataclass(frozen=True)
class Credentials:
    """Credentials and where they came from. ``repr`` never shows the secret or the token.

    With no access key, the client asks the ``alibabacloud-credentials`` chain (or the named
    CLI profile) when it first signs a request.
    """

    source: str
    access_key_id: str | None = None
    access_key_secret: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    profile: str | None = None

    @property
    def masked_key_id(self) -> str:
        """The AccessKey id with all but its first four characters hidden, for messages."""
        key = self.access_key_id or ""
        return f"{key[:4]}****" if key else "(none)"


@dataclass(frozen=True)
class Settings:
    """Everything a client needs to reach the Flink API; built by :func:`resolve_settings`."""

    endpoint: str
    protocol: str
    credentials: Credentials
    region: str | None = None
    connect_timeout_ms: int = DEFAULT_CONNECT_TIMEOUT_MS
    read_timeout_ms: int = DEFAULT_READ_TIMEOUT_MS
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    @property
    def base_url(self) -> str:
        """The endpoint as a URL, for messages and cache keys (it holds no secret)."""
        return f"{self.protocol.lower()}://{self.endpoint}"


def resolve_settings(
    config: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    **explicit: str | int | None,
) -> Settings:
    """Resolve settings from explicit values, stack config and the environment, in that order.

    ``config`` holds namespaced stack-config keys (``alicloud:region``); ``explicit`` takes the
    field names of :class:`Settings` and :class:`Credentials` (``endpoint``, ``access_key_id`` …).
    Raises :class:`ConfigurationError` when neither region nor endpoint is known, when an
    endpoint is unusable, or when only half of an AccessKey pair is given.
    """
    found = _Lookup(config or {}, os.environ if env is None else env, explicit)
    region = found.value("region")
    endpoint_text = found.value("endpoint")
    if not endpoint_text and not region:
        raise ConfigurationError(
            "no Flink endpoint: set alicloud:region (or ALICLOUD_REGION), or "
            "alicloud-flink:endpoint (or ALICLOUD_FLINK_ENDPOINT)"
        )
    protocol, endpoint = parse_endpoint(endpoint_text or f"ververica.{region}.aliyuncs.com")
    return Settings(
        endpoint=endpoint,
        protocol=protocol,
        credentials=_resolve_credentials(found),
        region=region,
        connect_timeout_ms=found.positive_int("connect_timeout_ms", DEFAULT_CONNECT_TIMEOUT_MS),
        read_timeout_ms=found.positive_int("read_timeout_ms", DEFAULT_READ_TIMEOUT_MS),
        max_attempts=found.positive_int("max_attempts", DEFAULT_MAX_ATTEMPTS),
    )


def parse_endpoint(text: str) -> tuple[str, str]:
    """Split an endpoint into (protocol, host[:port]).

    HTTPS always; ``http://`` only for an explicitly given loopback host (the emulator), so a
    typo can never send signed requests in clear text over a network.
    """
    raw = text.strip()
    if _UNSAFE_ENDPOINT_CHARACTER.search(raw):
        raise ConfigurationError(f"endpoint {text!r} must not contain spaces or control characters")
    try:
        parts = urlsplit(raw if "://" in raw else f"https://{raw}")
        port = parts.port
    except ValueError as problem:  # a bad IPv6 literal, a port that is no number or too big
        raise ConfigurationError(f"endpoint {text!r} is not a usable URL: {problem}") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname or not _is_host(parts.hostname):
        raise ConfigurationError(f"endpoint {text!r} is not a host[:port] or an http(s) URL")
    if port == 0:
        raise ConfigurationError(f"endpoint {text!r} has port 0")
    if parts.path.strip("/") or parts.query or parts.fragment or parts.username:
        raise ConfigurationError(f"endpoint {text!r} must not carry a path, query or user")
    if scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"endpoint {text!r}: plain http is allowed only for a loopback host "
            "(127.0.0.1, ::1, localhost); use https"
        )
    return scheme.upper(), parts.netloc


def _is_host(host: str) -> bool:
    """A DNS name or an IP address (urlsplit has already removed an IPv6 literal's brackets)."""
    if _HOST_NAME.fullmatch(host):
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Lookup:
    """Finds each setting in explicit values, then config, then env, remembering the source."""

    def __init__(
        self,
        config: Mapping[str, str],
        env: Mapping[str, str],
        explicit: Mapping[str, str | int | None],
    ) -> None:
        self._config = config
        self._env = env
        self._explicit = explicit

    def find(self, name: str) -> tuple[str | None, str]:
        """The first non-empty value for ``name`` and a label of where it came from."""
        given = self._explicit.get(name)
        if given is not None and str(given).strip():
            return str(given).strip(), f"the explicit {name} argument"
        for source in _SOURCES[name]:
            if source.startswith("$"):
                value, label = self._env.get(source[1:]), f"env {source[1:]}"
            else:
                value, label = self._config.get(source), f"stack config {source}"
            if value is not None and str(value).strip():
                return str(value).strip(), label
        return None, "nowhere"

    def value(self, name: str) -> str | None:
        return self.find(name)[0]

    def positive_int(self, name: str, default: int) -> int:
        value, source = self.find(name)
        if value is None:
            return default
        if not value.isdigit() or int(value) <= 0:
            raise ConfigurationError(f"{name} from {source} must be a positive integer")
        return int(value)


def _resolve_credentials(found: _Lookup) -> Credentials:
    key_id, key_source = found.find("access_key_id")
    secret, secret_source = found.find("access_key_secret")
    if key_id and secret:
        return Credentials(
            source=key_source if key_source == secret_source else f"{key_source}/{secret_source}",
            access_key_id=key_id,
            access_key_secret=secret,
            security_token=found.value("security_token"),
        )
    if key_id or secret:
        present, missing = ("AccessKey id", "secret") if key_id else ("secret", "AccessKey id")
        source = key_source if key_id else secret_source
        raise ConfigurationError(f"the {present} is set (from {source}) but the {missing} is not")
    profile, profile_source = found.find("profile")
    if profile:
        return Credentials(source=f"CLI profile {profile!r} ({profile_source})", profile=profile)
    return Credentials(source="the alibabacloud-credentials default chain")
