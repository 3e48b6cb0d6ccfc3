"""The error hierarchy every surface raises, so callers can act on the kind of failure.

Each error names the workspace, namespace and request id it concerns (when known) and never
carries a secret. An API failure is always one of these errors: it is never turned into
"not found", an empty result or a deleted resource by accident.
"""

from __future__ import annotations


class FlinkLookupError(Exception):
    """Base of every error this project raises about a session-cluster lookup."""

    def __init__(
        self,
        message: str,
        *,
        workspace: str | None = None,
        namespace: str | None = None,
        request_id: str | None = None,
        code: str | None = None,
    ) -> None:
        self.reason = message
        self.workspace = workspace
        self.namespace = namespace
        self.request_id = request_id
        self.code = code
        super().__init__(self._render())

    def _render(self) -> str:
        context = [
            f"{label} {value!r}"
            for label, value in (("workspace", self.workspace), ("namespace", self.namespace))
            if value is not None
        ]
        if self.code:
            context.append(f"code {self.code}")
        if self.request_id:
            context.append(f"request id {self.request_id}")
        return f"{self.reason} ({', '.join(context)})" if context else self.reason


class InvalidInputError(FlinkLookupError, ValueError):
    """An argument is unusable; raised before any network call. ``field`` names the argument."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"invalid {field}: {problem}")


class ConfigurationError(FlinkLookupError):
    """Settings (region, endpoint, credentials) cannot be resolved into a usable client."""


class NotFoundError(FlinkLookupError):
    """The service answered, and what was asked for does not exist."""


class AuthenticationError(FlinkLookupError):
    """The credentials were refused (unknown key, bad signature, clock skew, RAM denial).

    ``credential_source`` says where the credentials came from; the secret is never included.
    """

    def __init__(self, message: str, *, credential_source: str, **context: str | None) -> None:
        self.credential_source = credential_source
        super().__init__(f"{message}; credentials from {credential_source}", **context)


class TransientError(FlinkLookupError):
    """The service was unreachable or failed in a way a later retry may fix (5xx, network)."""


class ThrottledError(TransientError):
    """The service throttled the caller beyond the retry budget."""


class MalformedResponseError(FlinkLookupError):
    """The service answered with a body that is not the documented JSON shape."""


class ApiError(FlinkLookupError):
    """Any other error the service reported (``success: false`` or an unclassified code)."""
