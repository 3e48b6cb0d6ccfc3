"""The Flink API calls this project makes, on ``alibabacloud-tea-openapi``'s ``call_api``.

The request is the official SDK's, byte for byte (ROA, version 2022-07-18, the ``workspace``
header, each path segment percent-encoded, ACS3-HMAC-SHA256). The reply is parsed here rather
than by tea-openapi (``body_type="byte"``) so that a truncated or non-JSON body becomes a
:class:`MalformedResponseError` instead of a bare ``JSONDecodeError``, and an HTTP 200 with
``success: false`` becomes an error instead of an empty list.

Retries are this module's loop around single-attempt ``call_api`` calls, judged by tea-openapi's
own policy (``DaraCore.should_retry`` and ``get_backoff_time`` on a ``RetryOptions``):
throttling, 5xx and network errors, with equal-jitter exponential backoff, ``max_attempts``
attempts, each wait capped at ``MAX_BACKOFF_MS`` (a server's ``x-acs-retry-after`` included).
The loop is ours because tea-openapi's own one cannot retry a gateway's HTML error page (it
fails to parse it as JSON before it sees the status), and so that a TLS certificate failure,
which no retry fixes, fails at once. The worst case is bounded:
attempts * (connect + read timeout) + (attempts - 1) * MAX_BACKOFF_MS.

With ``DEBUG=sdk``, darabonba logs every request header; a filter on its logger masks the
STS security token (the signature and the AccessKey id reveal no secret).

tea-openapi (and with it requests and aiohttp) is imported when the first client is built, not
at import time, so that the CLI and ``import pulumi_alicloud_flink`` stay fast.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alicloud_flink import errors
from alicloud_flink.settings import Settings

if TYPE_CHECKING:
    from alibabacloud_tea_openapi.client import Client as OpenApiClient

API_VERSION = "2022-07-18"
MAX_BACKOFF_MS = 5_000
BACKOFF_PERIOD_MS = 200

_RETRYABLE_EXCEPTIONS = ["ThrottlingException", "ServerException", "RetryError"]
_THROTTLING_CODES = ["Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable"]
_AUTH_CODE_PREFIXES = (
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidTimeStamp",
    "SignatureNonceUsed",
    "InvalidSecurityToken",
    "Forbidden",
    "NoPermission",
    "InvalidCredentials",
    "InvalidAuthorization",
)
#: ververica's "object not found" code, as terraform-provider-alicloud reads it.
NOT_FOUND_CODES = frozenset({"990301"})
#: tea-openapi makes one attempt per ``call_api``; :meth:`FlinkApiClient._call` retries.
_NO_RETRIES_INSIDE_TEA = None
_GATEWAY_PAGE = "Failed to parse the value as json"
_CERTIFICATE_FAILURE = "CERTIFICATE_VERIFY_FAILED"
#: Request headers darabonba's ``DEBUG=sdk`` log must not show in clear.
_SECRET_HEADERS = re.compile(
    r"^(?P<head>[<>] (?:x-acs-security-token|x-acs-bearer-token) : ).*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class Reply:
    """The ``data`` of a successful call and the request id the service gave it."""

    data: Any
    request_id: str | None


@dataclass(frozen=True)
class RawReply:
    """The undecoded body of a call the service answered, and its request-id header."""

    body: bytes
    header_request_id: str | None


@dataclass(frozen=True)
class Target:
    """Which workspace and namespace a call is about; every error names them."""

    workspace: str
    namespace: str


class FlinkApiClient:
    """Signed, retried calls to one Flink endpoint with one set of credentials."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client = _build_openapi_client(settings)
        self._retry = _retry_options(settings.max_attempts)

    def list_session_clusters(self, target: Target) -> Reply:
        """``ListSessionClusters``: ``data`` is the raw list of cluster objects (not validated)."""
        return parse_list_reply(self.fetch_session_clusters(target), target)

    def fetch_session_clusters(self, target: Target) -> RawReply:
        """``ListSessionClusters`` with the body undecoded, so the caller chooses the parser.

        Transport and HTTP errors are raised here; what only the body tells (not JSON,
        ``success`` not true) is left to :func:`parse_list_reply`.
        """
        return self._fetch("ListSessionClusters", target, ())

    def get_session_cluster(self, target: Target, name: str) -> Reply:
        """``GetSessionCluster``: ``data`` is one raw cluster object."""
        reply = self._call("GetSessionCluster", target, (name,))
        if not isinstance(reply.data, dict):
            raise malformed_response("'data' is not an object", target, reply.request_id)
        return reply

    def _call(self, action: str, target: Target, tail: tuple[str, ...]) -> Reply:
        return parse_reply(self._fetch(action, target, tail), target)

    def _fetch(self, action: str, target: Target, tail: tuple[str, ...]) -> RawReply:
        from alibabacloud_tea_openapi import utils_models
        from darabonba.runtime import RuntimeOptions

        params = utils_models.Params(
            action=action,
            version=API_VERSION,
            protocol="HTTPS",
            pathname=session_clusters_path(target.namespace, *tail),
            method="GET",
            auth_type="AK",
            style="ROA",
            req_body_type="json",
            body_type="byte",
        )
        request = utils_models.OpenApiRequest(headers={"workspace": target.workspace})
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self._client.call_api(params, request, RuntimeOptions())
            except Exception as failure:  # tea-openapi raises many unrelated types; all are mapped
                delay_ms = self._retry_delay_ms(failure, attempts)
                if delay_ms is None:
                    raise translate_failure(failure, target, self.settings) from None
                time.sleep(delay_ms / 1000)
            else:
                header_id = (response.get("headers") or {}).get("x-acs-request-id")
                return RawReply(response.get("body") or b"", header_id)

    def _retry_delay_ms(self, failure: Exception, attempts: int) -> int | None:
        """How long to wait before another attempt, or ``None`` when the failure is final."""
        from darabonba.core import DaraCore
        from darabonba.policy.retry import RetryPolicyContext

        judged = _retry_subject(failure)
        if judged is None:
            return None
        context = RetryPolicyContext(retries_attempted=attempts, exception=judged)
        if not DaraCore.should_retry(self._retry, context):
            return None
        return int(DaraCore.get_backoff_time(self._retry, context))


class _GatewayPage(Exception):
    """Stands for a gateway's non-JSON error page before the retry policy (a 5xx in effect)."""

    name = "ServerException"


def _retry_subject(failure: Exception) -> Exception | None:
    """The exception the retry policy judges; ``None`` for failures no retry can fix."""
    inner = getattr(failure, "inner_exception", None) or failure
    if _GATEWAY_PAGE in str(inner):
        return _GatewayPage()
    if _CERTIFICATE_FAILURE in str(inner):
        return None
    return inner if isinstance(inner, Exception) else failure


@functools.lru_cache(maxsize=1024)
def session_clusters_path(namespace: str, *tail: str) -> str:
    """``/api/v2/namespaces/{namespace}/sessionclusters[/{name}]``, every segment encoded."""
    from darabonba.url import Url

    segments = ["api", "v2", "namespaces", namespace, "sessionclusters", *tail]
    return "/" + "/".join(Url.percent_encode(segment) for segment in segments)


def _build_openapi_client(settings: Settings) -> OpenApiClient:
    from alibabacloud_tea_openapi.client import Client
    from alibabacloud_tea_openapi.utils_models import Config

    config = Config(
        endpoint=settings.endpoint,
        protocol=settings.protocol,
        region_id=settings.region,
        connect_timeout=settings.connect_timeout_ms,
        read_timeout=settings.read_timeout_ms,
        retry_options=_NO_RETRIES_INSIDE_TEA,
        user_agent="pulumi-alicloud-flink",
    )
    creds = settings.credentials
    if creds.access_key_id:
        config.access_key_id = creds.access_key_id
        config.access_key_secret = creds.access_key_secret
        config.security_token = creds.security_token
    else:
        config.credential = _credential_chain(creds.profile)
    _mask_debug_log()
    return Client(config)


class _SecretHeaderMask(logging.Filter):
    """Masks secret request headers in darabonba's ``DEBUG=sdk`` request log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _SECRET_HEADERS.sub(r"\g<head>****", record.msg)
        return True


def _mask_debug_log() -> None:
    """Install the mask on darabonba's logger once (it logs only with ``DEBUG=sdk``)."""
    logger = logging.getLogger("darabonba-core")
    if not any(isinstance(existing, _SecretHeaderMask) for existing in logger.filters):
        logger.addFilter(_SecretHeaderMask())


def _credential_chain(profile: str | None) -> Any:
    """The ``alibabacloud-credentials`` client: a named CLI profile, else the default chain."""
    from alibabacloud_credentials.client import Client as CredentialClient

    if profile:
        from alibabacloud_credentials.provider.cli_profile import CLIProfileCredentialsProvider

        return CredentialClient(provider=CLIProfileCredentialsProvider(profile_name=profile))
    return CredentialClient()


def _retry_options(max_attempts: int) -> Any:
    from darabonba.policy.retry import RetryCondition, RetryOptions

    backoff = {"policy": "EqualJitter", "period": BACKOFF_PERIOD_MS, "cap": MAX_BACKOFF_MS}
    condition = RetryCondition(
        {
            "maxAttempts": max_attempts,
            "backoff": backoff,
            "exception": _RETRYABLE_EXCEPTIONS,
            "errorCode": _THROTTLING_CODES,
            "maxDelay": MAX_BACKOFF_MS,
        }
    )
    return RetryOptions({"retryable": True, "retryCondition": [condition]})


def parse_list_reply(raw: RawReply, target: Target) -> Reply:
    """A ListSessionClusters body decoded; ``data`` must be a list of JSON objects."""
    reply = parse_reply(raw, target)
    if not isinstance(reply.data, list) or not all(isinstance(c, dict) for c in reply.data):
        raise malformed_response("'data' is not a list of objects", target, reply.request_id)
    return reply


def parse_reply(raw: RawReply, target: Target) -> Reply:
    """A body decoded: JSON, an object, ``success`` true; else the matching error."""
    header_id = raw.header_request_id
    try:
        body = json.loads(raw.body)
    except (ValueError, UnicodeDecodeError) as failure:
        raise malformed_response(f"the body is not JSON ({failure})", target, header_id) from None
    if not isinstance(body, dict):
        raise malformed_response("the body is not a JSON object", target, header_id)
    request_id = body.get("requestId") or header_id
    if body.get("success") is not True:
        raise _service_error(body, target, request_id)
    return Reply(data=body.get("data"), request_id=request_id)


def malformed_response(
    problem: str, target: Target, request_id: str | None
) -> errors.FlinkLookupError:
    return errors.MalformedResponseError(
        f"malformed response from the Flink API: {problem}",
        workspace=target.workspace,
        namespace=target.namespace,
        request_id=request_id,
    )


def _service_error(
    body: dict[str, Any], target: Target, request_id: str | None
) -> errors.FlinkLookupError:
    """An HTTP 200 whose body says ``success`` is not true."""
    code = _text(body.get("errorCode") or body.get("Code"))
    message = _text(body.get("errorMessage") or body.get("Message")) or "no message"
    kind = errors.NotFoundError if code in NOT_FOUND_CODES else errors.ApiError
    return kind(
        f"the Flink API reported a failure: {message}",
        workspace=target.workspace,
        namespace=target.namespace,
        request_id=request_id,
        code=code,
    )


def translate_failure(
    failure: Exception, target: Target, settings: Settings
) -> errors.FlinkLookupError:
    """Map whatever tea-openapi raised to this project's hierarchy, without any secret."""
    data = getattr(failure, "data", None)
    body = data if isinstance(data, dict) else {}
    status = getattr(failure, "status_code", None)
    code = _text(body.get("Code") or body.get("code") or body.get("errorCode"))
    message = _text(body.get("Message") or body.get("message") or body.get("errorMessage"))
    context = {
        "workspace": target.workspace,
        "namespace": target.namespace,
        "request_id": _text(body.get("RequestId") or body.get("requestId"))
        or _text(getattr(failure, "request_id", None)),
        "code": code,
    }
    if isinstance(status, int):
        return _classify_status(status, code, message or f"HTTP {status}", context, settings)
    return _classify_transport(failure, settings, context)


def _classify_status(
    status: int,
    code: str | None,
    message: str,
    context: dict[str, str | None],
    settings: Settings,
) -> errors.FlinkLookupError:
    detail = f"the Flink API answered HTTP {status}: {message}"
    if (code and code.startswith(_AUTH_CODE_PREFIXES)) or status in (401, 403):
        clock = (
            "; the request's timestamp was refused: check this machine's clock (the API "
            "allows 15 minutes of skew)"
            if code and code.startswith("InvalidTimeStamp")
            else ""
        )
        return errors.AuthenticationError(
            f"{detail} (AccessKey {settings.credentials.masked_key_id}){clock}",
            credential_source=settings.credentials.source,
            **context,
        )
    if status == 429 or (code and code.startswith("Throttling")):
        return errors.ThrottledError(f"{detail}; retries exhausted", **context)
    if status >= 500:
        return errors.TransientError(f"{detail}; retries exhausted", **context)
    if status == 404 or code in NOT_FOUND_CODES:
        return errors.NotFoundError(detail, **context)
    return errors.ApiError(detail, **context)


def _classify_transport(
    failure: Exception, settings: Settings, context: dict[str, str | None]
) -> errors.FlinkLookupError:
    inner = getattr(failure, "inner_exception", None) or failure
    name = getattr(inner, "name", type(inner).__name__)
    if _CERTIFICATE_FAILURE in str(inner):
        return errors.ConfigurationError(
            f"the TLS certificate of {settings.base_url} is not trusted "
            f"({_scrub(_reason(inner), settings)}); certificate checks are never turned off: "
            "check the endpoint, or add its CA to the system's trust store",
            **context,
        )
    if name == "RetryError":
        return errors.TransientError(
            f"cannot reach the Flink API at {settings.base_url}: "
            f"{_scrub(_reason(inner), settings)}; "
            "retries exhausted",
            **context,
        )
    if _GATEWAY_PAGE in str(inner):
        # tea-openapi parses every error body as JSON; an HTML page (a load balancer's 502)
        # fails that parse before the status is seen. FlinkApiClient retries it as a 5xx.
        return errors.TransientError(
            "the Flink API answered with a non-JSON error page (a gateway or load balancer "
            "failure); retries exhausted",
            **context,
        )
    if getattr(inner, "code", None) == "InvalidCredentials" or "credential" in str(inner).lower():
        return errors.AuthenticationError(
            "no usable credentials", credential_source=settings.credentials.source, **context
        )
    return errors.ApiError(
        f"the Flink API call failed: {type(inner).__name__}: {_scrub(str(inner), settings)}",
        **context,
    )


def _reason(failure: BaseException) -> str:
    """A failure's text; darabonba's RetryError keeps it in ``message`` (its str is a dict)."""
    message = getattr(failure, "message", None)
    return message if isinstance(message, str) and message else str(failure)


def _scrub(text: str, settings: Settings) -> str:
    """Remove the secret and the token from a message, should a library have echoed them."""
    for secret in (settings.credentials.access_key_secret, settings.credentials.security_token):
        if secret:
            text = text.replace(secret, "****")
    return text


def _text(value: object) -> str | None:
    """A string field of an error body; tea-openapi turns absent fields into ``'None'``."""
    if value is None or value in ("", "None", '""'):
        return None
    return str(value)
