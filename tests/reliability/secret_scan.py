"""Secrets scan: run every surface with a canary secret and STS token, then search for them.

Debug logging is on everywhere (the root logger at DEBUG in this process, ``DEBUG=sdk`` for
darabonba's request log in every process), and calls fail on purpose (HTTP 500 faults, a
refused secret, half a key pair). Everything the project writes or returns is collected:
exception messages, reprs and tracebacks, logs, stdout and stderr, ``output_file``, result
objects, property maps and the decoded ``__provider`` blob, and under the real engine every
CLI output, ``pulumi stack export`` and every file of the stack's backend, home and work
directories. Zero hits is the bar; the canary is searched in base64 too, and a planted copy
proves the scanner finds it. (``pulumi stack export --show-secrets`` is reported apart: the
engine keeps a dynamic provider's stack config encrypted in the state, and that command
decrypts every secret by design. A plain-text credential in the config is refused, see
``SessionClusterLookup``.)
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import os
import tempfile
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from alicloud_flink.emulator import Credential, Emulator

from .report import Row, check
from .scenarios import CLUSTER, NAMESPACE, WORKSPACE, baseline_state

SUITE = "secrets scan"
SCENARIO = "canary secret + STS token; DEBUG logs; failing calls"
KEY_ID = "canary-key-id"
CANARY_SECRET = "CANARY-Secret-7f3a9c1e5b"
CANARY_TOKEN = "CANARY-Token-4b8e2d6a1f"
OTHER_SECRET = "the-secret-the-emulator-expects"
MAX_FILE_BYTES = 50 << 20


def needles() -> dict[str, bytes]:
    """The canaries as bytes, plus the stable middle of their base64 at each alignment."""
    found = {}
    for label, secret in (("secret", CANARY_SECRET), ("token", CANARY_TOKEN)):
        raw = secret.encode()
        found[label] = raw
        for shift in range(3):
            encoded = base64.b64encode(b"\0" * shift + raw)
            found[f"{label} base64+{shift}"] = encoded[4 if shift else 0 : -4]
    return found


@dataclass
class Haystack:
    """Everything collected from one surface, by source."""

    sources: dict[str, bytes] = field(default_factory=dict)

    def add(self, label: str, value: Any) -> None:
        """Collect ``value`` (text, bytes, or anything JSON or ``repr`` can render)."""
        if isinstance(value, bytes):
            data = value
        elif isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
        else:
            data = json.dumps(value, default=repr).encode()
        self.sources[label] = self.sources.get(label, b"") + data + b"\n"

    def add_exception(self, label: str, failure: BaseException) -> None:
        """The message, repr, attributes and formatted traceback of ``failure``."""
        self.add(f"{label} str", str(failure))
        self.add(f"{label} repr", repr(failure))
        self.add(f"{label} vars", repr(vars(failure)))
        self.add(f"{label} traceback", "".join(traceback.format_exception(failure)))

    def add_tree(self, label: str, root: Path) -> None:
        """Every file under ``root`` (skipping huge ones)."""
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path.stat().st_size <= MAX_FILE_BYTES:
                self.add(f"{label}/{path.relative_to(root)}", path.read_bytes())

    def hits(self) -> list[str]:
        """``source: needle`` for every canary found."""
        return [
            f"{source}: {name}"
            for source, data in self.sources.items()
            for name, needle in needles().items()
            if needle in data
        ]


def judge(row: Row, haystack: Haystack) -> None:
    """Zero hits; counts of what was scanned."""
    hits = haystack.hits()
    row.counts.update(
        sources=len(haystack.sources),
        bytes=sum(len(d) for d in haystack.sources.values()),
        hits=len(hits),
    )
    row.expect(not hits, f"canary found in {hits[:5]}")


@contextlib.contextmanager
def debug_everything() -> Iterator[io.StringIO]:
    """Root logger at DEBUG into a buffer, ``DEBUG=sdk`` in the environment."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    # darabonba's own handler (made when it is imported) prints to the real stderr: point it
    # at the buffer too.
    import darabonba.core  # noqa: F401

    own = [
        h
        for h in logging.getLogger("darabonba-core").handlers
        if isinstance(h, logging.StreamHandler)
    ]
    streams = [h.setStream(buffer) for h in own]
    try:
        with mock.patch.dict(os.environ, {"DEBUG": "sdk"}):
            yield buffer
    finally:
        for own_handler, stream in zip(own, streams, strict=True):
            own_handler.setStream(stream)
        root.removeHandler(handler)
        root.setLevel(level)


@contextlib.contextmanager
def canary_emulators() -> Iterator[tuple[Emulator, Emulator]]:
    """One emulator accepting the canary credential, one expecting another secret."""
    good = Emulator(baseline_state(), [Credential(KEY_ID, CANARY_SECRET, CANARY_TOKEN)])
    other = Emulator(baseline_state(), [Credential(KEY_ID, OTHER_SECRET, CANARY_TOKEN)])
    with good, other:
        yield good, other


def _faulted(emulator: Emulator) -> contextlib.AbstractContextManager[None]:
    """HTTP 500 on every request for the block."""

    @contextlib.contextmanager
    def block() -> Iterator[None]:
        emulator.admin.add_fault({"kind": "http500", "count": -1})
        try:
            yield
        finally:
            emulator.admin.clear_faults()

    return block()


def _collect_call(haystack: Haystack, label: str, call: Callable[[], Any]) -> Any:
    """Run ``call``; collect its result's repr, or its exception."""
    try:
        result = call()
    except Exception as failure:
        haystack.add_exception(label, failure)
        return None
    haystack.add(f"{label} result", repr(result))
    return result


# --- functions -------------------------------------------------------------------------------


def scan_functions() -> Row:
    """The SDK functions and the resource in a program, in this process."""
    return check(SUITE, SCENARIO, "functions", _scan_functions)


def _scan_functions(row: Row) -> None:
    import pulumi
    from alicloud_flink.lookup import clear_cache
    from alicloud_flink.settings import resolve_settings
    from pulumi_alicloud_flink import (
        SessionClusterLookup,
        get_session_cluster,
        get_session_clusters,
        get_session_clusters_output,
    )
    from sdk.harness import settle, start_program

    haystack = Haystack()
    with (
        canary_emulators() as (good, other),
        debug_everything() as logs,
        tempfile.TemporaryDirectory() as folder,
    ):
        target = Path(folder) / "clusters.json"

        def program(emulator: Emulator) -> Any:
            clear_cache()
            return start_program(_stack_config(emulator) | {"alicloud-flink:maxAttempts": "2"})

        calls: dict[str, Callable[[], Any]] = {
            "plural": lambda: get_session_clusters(WORKSPACE, NAMESPACE, output_file=str(target)),
            "single": lambda: get_session_cluster(WORKSPACE, NAMESPACE, name=CLUSTER),
            "output": lambda: settle(get_session_clusters_output(WORKSPACE, NAMESPACE)).value,
        }
        mocks = program(good)
        for label, call in calls.items():
            row.expect(_collect_call(haystack, label, call) is not None, f"{label} failed")
        resource = SessionClusterLookup("c", workspace=WORKSPACE, namespace=NAMESPACE, name=CLUSTER)
        haystack.add("resource outputs", settle(resource.engine_version).value)
        haystack.add("registrations", [vars(args) for args in mocks.registered])
        with _faulted(good):
            for label, call in calls.items():
                program(good)
                _collect_call(haystack, f"{label} under HTTP 500", call)
        for label, call in calls.items():
            program(other)
            _collect_call(haystack, f"{label} with a refused secret", call)
        haystack.add("output_file", target.read_bytes())
        _collect_call(
            haystack,
            "half a key pair",
            lambda: resolve_settings(env={"ALICLOUD_SECRET_KEY": CANARY_SECRET}, region="r"),
        )
        haystack.add("settings repr", repr(resolve_settings(_stack_config(good), env={})))
        haystack.add("logs", logs.getvalue())
        row.expect("x-acs-security-token : ****" in logs.getvalue(), "no DEBUG=sdk request log")
        row.counts["requests"] = good.admin.stats()["requests"] + other.admin.stats()["requests"]
    pulumi.runtime.set_all_config({})
    clear_cache()
    judge(row, haystack)


def _stack_config(emulator: Emulator) -> dict[str, str]:
    return {
        "alicloud-flink:endpoint": emulator.url,
        "alicloud:accessKey": KEY_ID,
        "alicloud:secretKey": CANARY_SECRET,
        "alicloud:securityToken": CANARY_TOKEN,
    }


# --- provider (gRPC) -------------------------------------------------------------------------


def scan_provider() -> Row:
    """The dynamic provider in plugin processes: property maps, blob, errors, stderr."""
    return check(SUITE, SCENARIO, "provider", _scan_provider)


def _scan_provider(row: Row) -> None:
    import grpc
    from provider.harness import ProviderProcess, program_inputs, refresh, up

    haystack = Haystack()
    inputs = program_inputs(WORKSPACE, NAMESPACE, CLUSTER)
    with canary_emulators() as (good, other), mock.patch.dict(os.environ, {"DEBUG": "sdk"}):
        config = _stack_config(good) | {"alicloud-flink:maxAttempts": "2"}
        processes = [ProviderProcess(config) for _ in range(3)]
        processes.append(ProviderProcess(_stack_config(other)))
        try:
            state = up(processes[0], inputs)
            refreshed, _ = refresh(processes[1], state)
            row.expect(refreshed is not None, "refresh lost the resource")
            failing = [
                ("read under HTTP 500", processes[2], good),
                ("read with a refused secret", processes[3], None),
            ]
            for label, process, faulted in failing:
                with _faulted(faulted) if faulted else contextlib.nullcontext():
                    try:
                        process.read(state.id, state.outputs, state.inputs)
                        row.fail(f"{label} succeeded")
                    except grpc.RpcError as failure:
                        haystack.add(label, failure.details() or "")
            for index, process in enumerate(processes):
                haystack.add(f"plugin {index} property maps", process.seen)
                for properties in process.seen:
                    if "__provider" in properties:
                        haystack.add("__provider blob", base64.b64decode(properties["__provider"]))
                haystack.add(f"plugin {index} stderr", process.stderr_text())
        finally:
            for process in processes:
                process.stop()
        row.counts["requests"] = good.admin.stats()["requests"] + other.admin.stats()["requests"]
    judge(row, haystack)


# --- CLI -------------------------------------------------------------------------------------


def scan_cli() -> Row:
    """The console script: stdout, stderr (DEBUG=sdk, --debug) and the output file."""
    return check(SUITE, SCENARIO, "cli", _scan_cli)


def _scan_cli(row: Row) -> None:
    from cli.helpers import clean_environment, run

    haystack = Haystack()
    location = ["-w", WORKSPACE, "-n", NAMESPACE]
    with canary_emulators() as (good, other), tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "clusters.json"
        commands = {
            "list": ["clusters", "list", *location, "--output-file", str(target)],
            "list json debug": ["clusters", "list", *location, "-o", "json", "--debug"],
            "get": ["clusters", "get", CLUSTER, *location, "--debug"],
            "drift": ["drift", *location, "--name", CLUSTER, "--expect", "engine_version=x"],
        }
        for emulator, case in ((good, "ok"), (other, "refused secret")):
            env = clean_environment(**_cli_environment(emulator))
            for label, args in commands.items():
                done = run(env, *args)
                haystack.add(f"{label} ({case}) stdout", done.stdout)
                haystack.add(f"{label} ({case}) stderr", done.stderr)
                if case == "ok" and label != "drift":
                    row.expect(done.returncode == 0, f"{label} failed: {done.stderr}")
            with _faulted(emulator):
                done = run(env, *commands["list json debug"])
                haystack.add(f"list under HTTP 500 ({case})", done.stdout + done.stderr)
        half = clean_environment(ALIBABA_CLOUD_ACCESS_KEY_SECRET=CANARY_SECRET, DEBUG="sdk")
        done = run(half, *commands["list json debug"], "--endpoint", good.url)
        haystack.add("half a key pair", done.stdout + done.stderr)
        haystack.add("output_file", target.read_bytes())
    judge(row, haystack)


def _cli_environment(emulator: Emulator) -> dict[str, str]:
    return {
        "ALICLOUD_FLINK_ENDPOINT": emulator.url,
        "ALIBABA_CLOUD_ACCESS_KEY_ID": KEY_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": CANARY_SECRET,
        "ALIBABA_CLOUD_SECURITY_TOKEN": CANARY_TOKEN,
        "ALICLOUD_FLINK_MAX_ATTEMPTS": "2",
        "DEBUG": "sdk",
    }


# --- engine ----------------------------------------------------------------------------------


def scan_engine() -> Row:
    """A stack under the real Pulumi CLI: outputs, exports, every file of its directories."""
    return check(SUITE, SCENARIO, "engine", _scan_engine)


def _scan_engine(row: Row) -> None:
    from alicloud_flink.stack_runner import StackRunner, Target

    from .surfaces import PROJECT_DIR

    haystack = Haystack()
    with (
        canary_emulators() as (good, _),
        debug_everything() as logs,
        tempfile.TemporaryDirectory() as folder,
    ):
        target = Path(folder) / "clusters.json"
        config = {"outputFile": str(target), "alicloud-flink:maxAttempts": "2"}
        with StackRunner(PROJECT_DIR, Target(good.url, KEY_ID, CANARY_SECRET), config=config) as r:
            r.set_config("alicloud:securityToken", CANARY_TOKEN, secret=True)
            outcomes = {"up": r.up(), "refresh": r.refresh()}
            row.expect(outcomes["up"].ok, f"up failed: {outcomes['up'].output[-1500:]}")
            with _faulted(good):
                outcomes |= {"up under HTTP 500": r.up(), "refresh under HTTP 500": r.refresh()}
            for label, outcome in outcomes.items():
                haystack.add(label, outcome.output)
            haystack.add("stack export", r.cli("stack", "export").check().stdout)
            revealed = Haystack()
            revealed.add("export", r.cli("stack", "export", "--show-secrets").check().stdout)
            haystack.add("stack output --json", r.cli("stack", "output", "--json").stdout)
            haystack.add_tree("stack directory", r.root)
        haystack.add("output_file", target.read_bytes())
        haystack.add("logs of this process", logs.getvalue())
        row.counts["requests"] = good.admin.stats()["requests"]
    judge(row, haystack)
    row.counts["decrypted_export_hits"] = len(revealed.hits())
    row.detail = (
        "the engine keeps the stack config as the pulumi-python provider's inputs, secret "
        "values encrypted; only `stack export --show-secrets` decrypts them "
        f"({len(revealed.hits())} hits there, outside the bar)"
    )


def scanner_finds_a_planted_canary() -> Row:
    """The scanner itself: a canary planted plainly and in base64 is found."""

    def body(row: Row) -> None:
        haystack = Haystack()
        haystack.add("plain", f"x{CANARY_SECRET}y")
        haystack.add("base64", base64.b64encode(f"ab{CANARY_TOKEN}cd".encode()))
        found = haystack.hits()
        row.expect(len(found) >= 2, f"the scanner missed a planted canary: {found}")
        row.counts["planted_found"] = len(found)

    return check(SUITE, "planted canary (scanner self-test)", "scanner", body)


def scan_engine_plaintext_config() -> Row:
    """A credential set as plain-text config is refused before the state can record it."""
    return check(SUITE, "alicloud:secretKey set without --secret", "engine", _plaintext_config)


def _plaintext_config(row: Row) -> None:
    from alicloud_flink.stack_runner import StackRunner, Target

    from .surfaces import PROJECT_DIR

    haystack = Haystack()
    with (
        canary_emulators() as (good, _),
        StackRunner(PROJECT_DIR, Target(good.url, KEY_ID, CANARY_SECRET)) as runner,
    ):
        runner.set_config("alicloud:securityToken", CANARY_TOKEN, secret=True)
        runner.set_config("alicloud:secretKey", CANARY_SECRET, secret=False)
        outcome = runner.up()
        row.expect(not outcome.ok, "up with a plain-text secretKey succeeded")
        hint = "pulumi config set --secret alicloud:secretKey"
        row.expect(hint in outcome.output, f"no hint to use --secret: {outcome.output[-800:]}")
        haystack.add("up", outcome.output)
        haystack.add("stack export", runner.cli("stack", "export").check().stdout)
        for state in (runner.root / "backend" / ".pulumi" / "stacks").rglob("*"):
            if state.is_file():
                haystack.add(f"state file {state.name}", state.read_bytes())
    judge(row, haystack)
    row.detail = (
        "refused with a hint to use --secret; state and export clean (Pulumi's own update "
        "history and the stack's config file keep plain-text config, whatever the provider)"
    )
