"""Property-based fuzzing: replies, clusters and filters, user input, the CLI, the emulator.

Each check runs a hypothesis property ``examples`` times and returns a row; a falsifying
example turns the row red with hypothesis' report. The properties:

- *reply bodies*: whatever status and body the API sends, a lookup returns clusters only for a
  ``success: true`` envelope whose ``data`` is a list of objects; anything else is one of the
  project's errors, never an empty list and never another exception.
- *clusters and filters*: mutated clusters (fields missing, null, wrong-typed, extra) under
  random filters give exactly the clusters a model-based reference selects, or a
  ``MalformedResponseError``; singular lookups agree; detail fetches too.
- *lookup arguments* and *settings*: any Python value for any argument is accepted or refused
  with ``InvalidInputError`` / ``ConfigurationError``; an accepted ``http://`` is loopback.
- *CLI*: random command lines and expectation files exit 0 or 1 (never 2, never a traceback
  without ``--debug``) and send nothing off this machine.
- *emulator parser*: malformed, oversized, flooded and duplicated requests get a 4xx (or 501 /
  505, or a hang-up) and the emulator keeps serving signed requests.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import socket
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

from alicloud_flink import errors
from alicloud_flink.emulator import Emulator
from alicloud_flink.lookup import (
    AmbiguousMatchError,
    ClusterQuery,
    clear_cache,
    find_cluster,
    find_clusters,
)
from alicloud_flink.models import SessionCluster, cluster_id
from alicloud_flink.settings import Settings, resolve_settings
from alicloud_flink.validation import label_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from reference import reference_cluster

from .network import StubApi, is_loopback, loopback_only
from .report import Row, check
from .scenarios import CLUSTER, ENGINE, NAMESPACE, WORKSPACE, Size

SUITE = "fuzzing"
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
anything = json_values | st.binary(max_size=8) | st.tuples(st.integers()) | st.sets(st.integers())


def run_property(row: Row, examples: int, test: Callable[..., None], **strategies: Any) -> None:
    """Run ``test`` under hypothesis for ``examples`` examples; a counterexample fails ``row``."""
    runs = Counter[str]()

    def counted(**values: Any) -> None:
        runs["runs"] += 1
        test(**values)

    prop = settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )(given(**strategies)(counted))
    try:
        prop()
    except Exception as failure:
        notes = " ".join(getattr(failure, "__notes__", []))  # hypothesis' falsifying example
        row.fail(f"{type(failure).__name__}: {failure} {notes}"[:3000])
    row.counts["max_examples"] = examples
    row.counts["runs"] = runs["runs"]  # examples tried, shrinking included


# --- reply bodies ----------------------------------------------------------------------------


def _mutated_cluster() -> st.SearchStrategy[dict[str, Any]]:
    base = reference_cluster()
    keys = sorted(base)
    names = st.sampled_from(["alpha", "beta", "etl-1", CLUSTER, "x"]) | json_values
    return st.builds(
        _mutate,
        drop=st.sets(st.sampled_from(keys), max_size=4),
        nulls=st.sets(st.sampled_from(keys), max_size=3),
        wrong=st.dictionaries(st.sampled_from(keys), json_values, max_size=2),
        extra=st.dictionaries(st.text(min_size=1, max_size=8), json_values, max_size=2),
        name=names,
        labels=st.none() | st.dictionaries(st.sampled_from(["test", "k", "team"]), json_values),
        status=st.sampled_from(["RUNNING", "STOPPED", None]),
    )


def _mutate(
    *,
    drop: set[str],
    nulls: set[str],
    wrong: dict[str, Any],
    extra: dict[str, Any],
    name: Any,
    labels: Any,
    status: str | None,
) -> dict[str, Any]:
    raw = {key: value for key, value in reference_cluster().items() if key not in drop}
    raw["name"] = name
    raw["labels"] = labels
    raw["status"] = {"currentSessionClusterStatus": status}
    raw.update(dict.fromkeys(nulls))
    raw.update(wrong)
    raw.update(extra)
    return raw


envelopes = st.fixed_dictionaries(
    {},
    optional={
        "success": st.sampled_from([True, False, None, "true", 1]),
        "data": st.lists(_mutated_cluster(), max_size=3) | json_values,
        "requestId": json_scalars,
        "errorCode": json_values,
        "errorMessage": json_values,
        "httpCode": json_scalars,
    },
)
bodies = st.one_of(
    st.binary(max_size=64),
    json_values.map(lambda v: json.dumps(v).encode()),
    envelopes.map(lambda v: json.dumps(v).encode()),
    st.tuples(envelopes, st.integers(0, 400)).map(lambda t: json.dumps(t[0]).encode()[: t[1]]),
)
statuses = st.sampled_from([200, 200, 200, 201, 400, 401, 403, 404, 429, 500, 502, 503])


def stub_settings(stub: StubApi) -> Settings:
    return resolve_settings(
        env={},
        endpoint=stub.url,
        access_key_id="fuzz-key",
        access_key_secret="fuzz-secret",
        max_attempts=1,
        read_timeout_ms=3_000,
    )


def fuzz_reply_bodies(size: Size) -> Row:
    """Any status and body: clusters only from a real success envelope, else our errors."""

    def body(row: Row) -> None:
        served: dict[str, Any] = {}
        with StubApi(lambda _m, _p: (served["status"], served["body"])) as stub:
            configured = stub_settings(stub)

            def prop(status: int, body: bytes) -> None:
                served.update(status=status, body=body)
                clear_cache()
                try:
                    found = find_clusters(ClusterQuery.build(WORKSPACE, NAMESPACE), configured)
                except errors.FlinkLookupError:
                    return
                _assert_success_envelope(status, body, len(found.clusters))

            run_property(row, size.fuzz_examples, prop, status=statuses, body=bodies)
        clear_cache()

    return check(SUITE, "reply bodies (status, JSON, envelope, truncation)", "core", body)


def _assert_success_envelope(status: int, body: bytes, count: int) -> None:
    """A returned result needs a 2xx, ``success: true`` and a list of objects as ``data``."""
    assert status < 300, f"HTTP {status} gave a result"
    parsed = json.loads(body)
    assert isinstance(parsed, dict), "a non-object body gave a result"
    assert parsed.get("success") is True, f"success={parsed.get('success')!r} gave a result"
    data = parsed.get("data")
    assert isinstance(data, list), f"data={data!r} gave a result"
    assert all(isinstance(item, dict) for item in data)
    assert count == len(data)


# --- clusters and filters --------------------------------------------------------------------

_LABEL_KEYS = st.sampled_from(["test", "k", "team"])
_IDS = st.sampled_from(["alpha", "beta", CLUSTER]).map(
    lambda n: cluster_id(WORKSPACE, NAMESPACE, n)
)
filters = st.fixed_dictionaries(
    {},
    optional={
        "name_regex": st.sampled_from(["^e", "a|b", ".*", "x$", "[0-9]", "^$"]),
        "labels": st.dictionaries(_LABEL_KEYS, st.sampled_from(["test", "1", "v", "true"])),
        "status": st.sampled_from(["RUNNING", "STOPPED"]),
        "engine_version": st.sampled_from([ENGINE, "vvr-8.0.9-flink-1.17"]),
        "ids": st.lists(_IDS, max_size=2),
    },
)


def fuzz_clusters_and_filters(size: Size) -> Row:
    """Mutated clusters under random filters agree with a model-based reference selection."""

    def body(row: Row) -> None:
        listing: dict[str, Any] = {"clusters": []}
        with StubApi(lambda _m, path: _serve_listing(listing["clusters"], path)) as stub:
            configured = stub_settings(stub)

            def prop(clusters: list[dict[str, Any]], chosen: dict[str, Any], details: bool) -> None:
                listing["clusters"] = clusters
                _check_plural(clusters, chosen, details, configured)
                _check_singular(clusters, chosen, configured)

            run_property(
                row,
                size.fuzz_examples,
                prop,
                # Names are unique in a namespace; details fetch a cluster by its name.
                clusters=st.lists(_mutated_cluster(), max_size=4, unique_by=_name_key),
                chosen=filters,
                details=st.booleans(),
            )
        clear_cache()

    return check(SUITE, "mutated clusters x filters (plural, singular, details)", "core", body)


def _name_key(cluster: dict[str, Any]) -> str:
    return json.dumps(cluster.get("name"), sort_keys=True)


def _serve_listing(clusters: list[dict[str, Any]], path: str) -> tuple[int, bytes]:
    """ListSessionClusters and GetSessionCluster over ``clusters``, as the service answers."""
    from urllib.parse import unquote

    tail = path.split("/sessionclusters", 1)[1]
    if not tail.strip("/"):
        data: Any = clusters
    else:
        wanted = unquote(tail.strip("/"))
        data = next((c for c in clusters if c.get("name") == wanted), None)
        if data is None:
            return 404, json.dumps({"success": False, "errorCode": "990301"}).encode()
    return 200, json.dumps({"success": True, "data": data}).encode()


def _check_plural(
    clusters: list[dict[str, Any]], chosen: dict[str, Any], details: bool, configured: Settings
) -> None:
    query = ClusterQuery.build(WORKSPACE, NAMESPACE, enable_details=details, **chosen)
    clear_cache()
    try:
        found = find_clusters(query, configured)
    except errors.MalformedResponseError:
        return
    assert sorted(found.names) == sorted(_reference_names(clusters, query)), "filters disagree"


def _check_singular(
    clusters: list[dict[str, Any]], chosen: dict[str, Any], configured: Settings
) -> None:
    named = {key: value for key, value in chosen.items() if key != "name_regex"}
    query = ClusterQuery.build(WORKSPACE, NAMESPACE, name="alpha", **named)
    expected = _reference_names(clusters, query)
    clear_cache()
    try:
        found = find_cluster(query, configured)
    except errors.MalformedResponseError:
        return
    except AmbiguousMatchError:
        assert len(expected) > 1, "ambiguous, but the reference finds at most one"
        return
    except errors.NotFoundError:
        assert not expected, f"not found, but the reference finds {expected}"
        return
    assert expected == [found.session_cluster_name]


def _reference_names(clusters: list[dict[str, Any]], query: ClusterQuery) -> list[str]:
    """The names of the clusters that validate and pass every filter, judged on the model."""
    selected = []
    for raw in clusters:
        try:
            model = SessionCluster.model_validate(raw)
        except ValidationError:
            continue
        if _model_matches(model, query):
            selected.append(model.session_cluster_name or "")
    return selected


def _model_matches(model: SessionCluster, query: ClusterQuery) -> bool:
    name = model.session_cluster_name
    labels = model.labels or {}
    return (
        (query.name is None or name == query.name)
        and (not query.ids or cluster_id(query.workspace, query.namespace, name) in query.ids)
        and (query.name_regex is None or query.name_regex.search(name or "") is not None)
        and all(k in labels and label_text(labels[k]) == v for k, v in query.labels.items())
        and (query.status is None or model.current_status == query.status)
        and (query.engine_version is None or model.engine_version == query.engine_version)
    )


# --- lookup arguments and settings -----------------------------------------------------------


def fuzz_lookup_arguments(size: Size) -> Row:
    """Any value for any argument: a query, or ``InvalidInputError`` naming the argument."""
    fields = (
        "workspace", "namespace", "name", "session_cluster_id", "ids", "name_regex", "labels",
        "status", "engine_version",
    )  # fmt: skip
    text = st.text(max_size=300) | st.sampled_from(["", " ", ".", "..", "a{99999999999}", "("])
    value = (
        text | anything | st.lists(text, max_size=3) | st.dictionaries(text, anything, max_size=3)
    )

    def prop(workspace: Any, namespace: Any, others: dict[str, Any]) -> None:
        try:
            ClusterQuery.build(workspace, namespace, **others)
        except errors.InvalidInputError as problem:
            assert problem.field in (*fields, "ids"), problem.field
            assert str(problem).startswith(f"invalid {problem.field}: ")

    def body(row: Row) -> None:
        run_property(
            row,
            size.fuzz_examples,
            prop,
            workspace=value,
            namespace=value,
            others=st.dictionaries(st.sampled_from(fields[2:]), value, max_size=4),
        )

    return check(SUITE, "lookup arguments (any Python value)", "core", body)


def fuzz_settings(size: Size) -> Row:
    """Any endpoint, region or number: settings, or ``ConfigurationError``; http only loopback."""
    endpoint = st.text(max_size=40) | st.sampled_from(
        ["http://[::1", "127.0.0.1:99999", "https://h:x", "http://10.0.0.1", "http://127.1"]
    )

    def prop(endpoint: str, region: str, attempts: str) -> None:
        try:
            found = resolve_settings(
                env={}, endpoint=endpoint, region=region, max_attempts=attempts
            )
        except errors.ConfigurationError:
            return
        if found.protocol == "HTTP":
            host = urlsplit(found.base_url).hostname
            assert is_loopback(host), f"plain http to {found.endpoint}"

    def body(row: Row) -> None:
        run_property(
            row,
            size.fuzz_examples,
            prop,
            endpoint=endpoint,
            region=st.text(max_size=20),
            attempts=st.text(max_size=4),
        )

    return check(SUITE, "settings (endpoint, region, numbers)", "core", body)


# --- CLI -------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # all but the newline ending each line
_FLAGS = (
    "-w", "-n", "--name", "--label", "--status", "--id", "--name-regex", "--engine-version",
    "--details", "--output-file", "-o", "--expect", "--from-output-file", "--from-stack-outputs",
    "--from-stack-export", "--endpoint", "--debug", "--profile",
)  # fmt: skip
_ENDPOINTS = ("http://127.0.0.1:9", "https://127.0.0.1:9", "http://10.1.2.3", "http://[::1", "")
_COMMANDS: tuple[list[str], ...] = (
    ["clusters", "list"],
    ["clusters", "get"],
    ["drift"],
    ["clusters"],
    ["emulator"],
    [],
    ["nope"],
)
_CLI_TOKENS = (
    st.sampled_from(_FLAGS)
    | st.text(max_size=12)
    | st.sampled_from(["@file0", "@file1", "@endpoint"])
)


def fuzz_cli(size: Size) -> Row:
    """Random command lines and expectation files: exit 0 or 1, one clear line, no traffic."""

    def body(row: Row) -> None:
        with tempfile.TemporaryDirectory() as folder, _cli_environment(), loopback_only() as sent:
            files = [Path(folder) / f"file-{index}.json" for index in range(3)]

            def prop(command: list[str], tokens: list[str], contents: list[bytes]) -> None:
                for path, content in zip(files, contents, strict=False):
                    path.write_bytes(content)
                argv = [*command, *(_token(t, files) for t in tokens)]
                code, err = _run_main(argv)
                assert code in (0, 1), f"exit {code} for {argv}: {err}"
                if "--debug" not in argv:
                    assert "Traceback" not in err, f"traceback for {argv}: {err}"
                    assert not _CONTROL.search(err), f"a raw control character: {err!r}"
                if code == 1:
                    assert "error:" in err.strip().splitlines()[-1], f"no error line: {err!r}"

            run_property(
                row,
                size.fuzz_examples,
                prop,
                command=st.sampled_from(_COMMANDS),
                tokens=st.lists(_CLI_TOKENS, max_size=8),
                contents=st.lists(bodies, min_size=3, max_size=3),
            )
            row.counts["off_machine_attempts"] = len(sent)
            row.expect(not sent, f"the CLI tried to reach {sorted(set(sent))[:3]}")

    return check(SUITE, "CLI arguments and expectation files", "cli", body)


def _token(token: str, files: list[Path]) -> str:
    if token.startswith(("/dev", "/proc", "/sys")):
        return "special-file"  # reading /dev/stdin or /dev/zero would block, not fail
    if token.startswith("@file"):
        return str(files[int(token[-1])])
    if token == "@endpoint":
        return "--endpoint=" + _ENDPOINTS[len(files) % len(_ENDPOINTS)]
    return token


@contextlib.contextmanager
def _cli_environment() -> Iterator[None]:
    """No endpoint, a fake key (the credential chain never runs), one attempt, short timeouts."""
    cleaned = {k: v for k, v in os.environ.items() if not k.startswith(("ALICLOUD", "ALIBABA"))}
    cleaned.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID="fuzz-key",
        ALIBABA_CLOUD_ACCESS_KEY_SECRET="fuzz-secret",
        ALICLOUD_FLINK_MAX_ATTEMPTS="1",
        ALICLOUD_FLINK_CONNECT_TIMEOUT_MS="500",
        ALIBABA_CLOUD_ECS_METADATA_DISABLED="true",
    )
    with mock.patch.dict(os.environ, cleaned, clear=True):
        yield


class _Unlistenable:
    """Stands in for the emulator in CLI fuzzing: accepts its arguments, cannot listen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Take anything."""

    def start(self) -> Any:
        raise OSError("the fuzzer starts no emulator")


def _run_main(argv: list[str]) -> tuple[int, str]:
    """``alicloud-flink argv`` in this process: its exit status and stderr."""
    from alicloud_flink.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    # ``emulator`` would serve until interrupted: let it parse, then fail to listen.
    no_emulator = mock.patch("alicloud_flink.emulator.cli.Emulator", _Unlistenable)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), no_emulator:
        try:
            code = main(argv)
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
    clear_cache()
    return code, err.getvalue()


# --- the emulator's request parser -----------------------------------------------------------

_HEADER_NAMES = (
    "host", "content-length", "transfer-encoding", "workspace", "authorization", "x-acs-date",
    "x-acs-action", "x-acs-version", "expect", "connection", "Content-Length", "WORKSPACE",
)  # fmt: skip
_ODD_PATHS = (
    "/", "*", "//", "/api/v2/namespaces//sessionclusters", "/api/v2/namespaces/%zz/sessionclusters",
    f"/api/v2/namespaces/{NAMESPACE}/sessionclusters/../../x", "/..%2f..%2fetc/passwd",
    f"/api/v2/namespaces/{NAMESPACE}/sessionclusters?%%%", "http://example.com/api",
    f"/api/v2/namespaces/{NAMESPACE}/sessionclusters/%00", "/%C0%AF", "/\u2603",
)  # fmt: skip
header = st.tuples(
    st.sampled_from(_HEADER_NAMES) | st.text(max_size=10),
    st.text(max_size=20) | st.sampled_from(["0", "-1", "99999999999", "chunked", "100-continue"]),
)
_METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "BREW", "get", ""])
_VERSIONS = ["HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/x", "", "HTTP/1.1 x"]
_PATHS = (
    st.sampled_from(_ODD_PATHS)
    | st.text(max_size=40).map(lambda t: "/" + t)
    | st.integers(0, 70_000).map(lambda n: "/" + "a" * n)
)
requests = st.fixed_dictionaries(
    {
        "method": _METHODS | st.text(max_size=6),
        "path": _PATHS,
        "version": st.sampled_from(_VERSIONS),
        "headers": st.lists(header, max_size=6),
        "flood": st.integers(0, 150),
        "big": st.integers(0, 70_000),
        "body": st.binary(max_size=64),
    }
)


def fuzz_emulator_parser(size: Size) -> Row:
    """Raw bytes at the emulator: 4xx (or 501/505, or a hang-up), and it keeps serving."""

    def body(row: Row) -> None:
        seen = Counter[str]()
        with Emulator() as emulator:

            def prop(request: dict[str, Any] | bytes) -> None:
                data = request if isinstance(request, bytes) else _assemble(**request)
                if b"/_emulator" in data.split(b"\r\n", 1)[0]:
                    return  # the admin routes are unsigned by design; not the parser's business
                for status in _final_statuses(_exchange(emulator.endpoint, data)):
                    seen[str(status)] += 1
                    assert 400 <= status < 500 or status in (501, 505), f"HTTP {status}"
                _assert_still_serving(emulator)

            run_property(
                row, size.fuzz_socket_examples, prop, request=requests | st.binary(max_size=200)
            )
            _assert_still_serving(emulator)
        row.counts.update(sorted(seen.items()))

    return check(SUITE, "emulator request parser (raw socket)", "emulator", body)


def _assemble(
    *,
    method: str,
    path: str,
    version: str,
    headers: list[tuple[str, str]],
    flood: int,
    big: int,
    body: bytes,
) -> bytes:
    """One request as bytes: request line, headers (a flood, a huge one), blank line, body."""
    lines = [f"{method} {path} {version}".rstrip()]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += [f"x-flood-{index}: v" for index in range(flood)]
    if big:
        lines.append("x-big: " + "b" * big)
    return "\r\n".join(lines).encode("utf-8", "surrogatepass") + b"\r\n\r\n" + body


def _exchange(endpoint: str, data: bytes) -> bytes:
    """Send, half-close (so nothing waits for more), and read until the server hangs up."""
    host, port = endpoint.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        with contextlib.suppress(OSError):  # the server may hang up before reading it all
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def _final_statuses(answer: bytes) -> list[int]:
    """The status of every answer on the connection, interim 1xx answers left out."""
    found = [int(s) for s in re.findall(rb"^HTTP/1\.[01] (\d{3}) ", answer, re.MULTILINE)]
    return [status for status in found if status >= 200]


def _assert_still_serving(emulator: Emulator) -> None:
    from emulator.helpers import send, signed

    path = f"/api/v2/namespaces/{NAMESPACE}/sessionclusters"
    response = send(emulator.endpoint, signed(emulator.endpoint, path))
    assert response.status == 200, f"a signed request got HTTP {response.status} afterwards"


CHECKS: tuple[Callable[[Size], Row], ...] = (
    fuzz_reply_bodies,
    fuzz_clusters_and_filters,
    fuzz_lookup_arguments,
    fuzz_settings,
    fuzz_cli,
    fuzz_emulator_parser,
)
