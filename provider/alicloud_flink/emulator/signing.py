"""Server-side verification of ACS3-HMAC-SHA256 request signatures, as the API gateway does it.

This is an implementation independent of tea-openapi's signer: it rebuilds the canonical request
from what arrived on the wire (method, raw path, raw query, headers, body), so a client that
signs something other than what it sends is caught.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import quote, unquote_plus

ALGORITHM = "ACS3-HMAC-SHA256"
MAX_CLOCK_SKEW_SECONDS = 15 * 60
# Headers every request must carry (x-acs-date is checked on its own, with its own error code).
REQUIRED_HEADERS = (
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-signature-nonce",
    "x-acs-version",
)
MUST_BE_SIGNED = (*REQUIRED_HEADERS, "x-acs-date")

_AUTHORIZATION = re.compile(
    rf"{ALGORITHM} Credential=(?P<key>[^,\s]+),\s*"
    r"SignedHeaders=(?P<headers>[^,\s]+),\s*Signature=(?P<signature>[0-9a-fA-F]{64})"
)
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@dataclass(frozen=True)
class Credential:
    """An AccessKey pair the emulator accepts, optionally an STS one with its security token."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SignedRequest:
    """What the verifier needs of a request, exactly as it arrived."""

    method: str
    path: str  # as sent, still percent-encoded
    query: str  # as sent, without the leading "?"
    headers: Mapping[str, str]  # lower-case names, one value each
    body: bytes


class SignatureError(Exception):
    """A request the gateway refuses before it reaches the service, with the gateway's code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def canonical_query(raw_query: str) -> str:
    """Sort the query's pairs and percent-encode each key and value ('~' left alone)."""
    pairs = []
    for part in raw_query.split("&"):
        if part:
            key, _, value = part.partition("=")
            pairs.append((_encode(unquote_plus(key)), _encode(unquote_plus(value))))
    return "&".join(f"{key}={value}" for key, value in sorted(pairs))


def canonical_request(request: SignedRequest, signed_headers: Sequence[str]) -> str:
    """Build the canonical request string over the headers the client says it signed."""
    header_lines = "".join(f"{name}:{request.headers[name].strip()}\n" for name in signed_headers)
    return "\n".join(
        [
            request.method,
            request.path,
            canonical_query(request.query),
            header_lines,
            ";".join(signed_headers),
            hashlib.sha256(request.body).hexdigest(),
        ]
    )


def string_to_sign(canonical: str) -> str:
    """Hash the canonical request into the string that gets signed."""
    return f"{ALGORITHM}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def signature(secret: str, to_sign: str) -> str:
    """Return the hex HMAC-SHA256 of the string to sign under the AccessKey secret."""
    return hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


class NonceCache:
    """Remembers signature nonces long enough that no replay inside the clock window gets in."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float]) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        self._expiry: deque[tuple[float, str]] = deque()

    def claim(self, nonce: str) -> bool:
        """Record a nonce; ``False`` if it was already used."""
        now = self._clock()
        with self._lock:
            while self._expiry and self._expiry[0][0] <= now:
                self._seen.discard(self._expiry.popleft()[1])
            if nonce in self._seen:
                return False
            self._seen.add(nonce)
            self._expiry.append((now + self._ttl, nonce))
            return True


class Verifier:
    """Checks a request's signature against the configured credentials, in the gateway's order."""

    def __init__(
        self, credentials: Iterable[Credential], clock: Callable[[], float] = time.time
    ) -> None:
        self._credentials = {c.access_key_id: c for c in credentials}
        self._clock = clock
        # A request dated d is accepted until d + skew, and d >= first use - skew.
        self._nonces = NonceCache(2 * MAX_CLOCK_SKEW_SECONDS, clock)

    def verify(self, request: SignedRequest) -> Credential:
        """Return the request's credential, or raise SignatureError saying why it is refused."""
        headers = request.headers
        key_id, signed_headers, provided = _parse_authorization(headers.get("authorization"))
        missing = [name for name in REQUIRED_HEADERS if not headers.get(name)]
        if missing:
            raise _incomplete(f"missing required header(s): {', '.join(missing)}")
        self._check_date(headers.get("x-acs-date"))
        credential = self._credentials.get(key_id)
        if credential is None:
            raise SignatureError(
                404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
            )
        _check_signed_headers(signed_headers, headers)
        _check_content_hash(request)
        expected_to_sign = string_to_sign(canonical_request(request, signed_headers))
        expected = signature(credential.access_key_secret, expected_to_sign)
        if not hmac.compare_digest(expected.encode(), provided.lower().encode()):
            raise SignatureError(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. "
                f"server string to sign is:{expected_to_sign}",
            )
        _check_security_token(credential, headers.get("x-acs-security-token"))
        if not self._nonces.claim(headers["x-acs-signature-nonce"]):
            raise SignatureError(
                400, "SignatureNonceUsed", "Specified signature nonce was used already."
            )
        return credential

    def _check_date(self, value: str | None) -> None:
        try:
            if value is None or not _TIMESTAMP.fullmatch(value):
                raise ValueError
            signed_at = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        except ValueError:
            raise _expired(f"x-acs-date must be UTC %Y-%m-%dT%H:%M:%SZ, got {value!r}") from None
        skew = abs(self._clock() - signed_at.timestamp())
        if skew > MAX_CLOCK_SKEW_SECONDS:
            raise _expired(f"x-acs-date {value} is {int(skew)} s away from the server clock")


def _parse_authorization(value: str | None) -> tuple[str, list[str], str]:
    match = _AUTHORIZATION.fullmatch(value.strip()) if value else None
    if match is None:
        raise _incomplete(
            f"the Authorization header must read '{ALGORITHM} Credential=<AccessKeyId>,"
            "SignedHeaders=<name;...>,Signature=<hex>'"
        )
    return match["key"], match["headers"].split(";"), match["signature"]


def _check_signed_headers(signed: list[str], headers: Mapping[str, str]) -> None:
    if signed != sorted(set(signed)) or any(name != name.lower() for name in signed):
        raise _incomplete("SignedHeaders must be lower-case, sorted and unique")
    absent = [name for name in signed if name not in headers]
    if absent:
        raise _incomplete(f"signed header(s) not sent: {', '.join(absent)}")
    present = {name for name in headers if name.startswith("x-acs-") or name == "workspace"}
    unsigned = sorted((present | set(MUST_BE_SIGNED)) - set(signed))
    if unsigned:
        raise _incomplete(f"header(s) must be signed: {', '.join(unsigned)}")


def _check_content_hash(request: SignedRequest) -> None:
    actual = hashlib.sha256(request.body).hexdigest()
    sent = request.headers["x-acs-content-sha256"].strip().lower()
    if not hmac.compare_digest(sent.encode(), actual.encode()):
        raise SignatureError(
            400,
            "SignatureDoesNotMatch",
            "x-acs-content-sha256 is not the hex SHA-256 of the request body.",
        )


def _check_security_token(credential: Credential, sent: str | None) -> None:
    expected = credential.security_token
    if expected is None:
        return
    if sent is None or not hmac.compare_digest(sent.strip().encode(), expected.encode()):
        raise SignatureError(
            400,
            "InvalidSecurityToken.Mismatch",
            "Specified SecurityToken mismatch with the AccessKey."
            + ("" if sent else " (no x-acs-security-token was sent)"),
        )


def _encode(value: str) -> str:
    return quote(value, safe="~")


def _incomplete(detail: str) -> SignatureError:
    return SignatureError(
        400,
        "IncompleteSignature",
        f"The request signature does not conform to Aliyun standards. {detail}",
    )


def _expired(detail: str) -> SignatureError:
    return SignatureError(
        400, "InvalidTimeStamp.Expired", f"Specified time stamp or date value is expired. {detail}"
    )
