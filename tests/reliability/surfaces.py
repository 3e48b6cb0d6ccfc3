"""Surface adapters: run a scenario through each way users reach the lookup core.

- ``functions``: ``get_session_clusters`` (with ``output_file``), ``get_session_cluster`` and
  ``get_session_clusters_output`` inside a Pulumi program (``set_mocks``, tests/sdk/harness).
- ``provider``: the ``SessionClusterLookup`` dynamic provider in its own plugin process, driven
  over gRPC as the engine drives it (tests/provider/harness): Check (``up``) and Read
  (``refresh``).
- ``cli``: the installed ``alicloud-flink`` console script (tests/cli/helpers).
- ``engine``: a Pulumi program under the real CLI (``alicloud_flink.stack_runner``): ``refresh``
  and ``up``, with ``pulumi stack export`` to prove that no resource is dropped.

Each probe (:meth:`Bench.probe`) starts from the baseline (:func:`.scenarios.restore`), applies
the scenario, runs one operation and judges it: the outcome, the error type and code, the
number of API requests (the retry budget, or one attempt) and the time taken against a bound.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from alicloud_flink.client import MAX_BACKOFF_MS
from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator
from alicloud_flink.settings import DEFAULT_CONNECT_TIMEOUT_MS

from .report import Row
from .scenarios import (
    CLUSTER,
    CLUSTER_ID,
    ENGINE,
    WORKSPACE,
    Scenario,
    Size,
    baseline_state,
    restore,
)

SENTINEL = '[{"kept": "from an earlier run"}]\n'
PROJECT_DIR = Path(__file__).with_name("project")
#: Start-up cost a surface adds on top of the retry bound (interpreter, imports, engine).
OVERHEAD_S = {"functions": 3.0, "provider": 15.0, "cli": 15.0, "engine": 90.0}


@dataclass
class Observed:
    """What one operation gave: data, or an error's class name, code and text."""

    data: Any = None
    error: str | None = None
    code: str | None = None
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def of_exception(cls, failure: BaseException) -> Observed:
        code = getattr(failure, "code", None)
        return cls(error=type(failure).__name__, code=code, text=str(failure))


def credentials_of(scenario: Scenario) -> tuple[str, str]:
    """The AccessKey pair the client uses in ``scenario``."""
    return (
        scenario.key_id or DEFAULT_CREDENTIAL.access_key_id,
        scenario.secret or DEFAULT_CREDENTIAL.access_key_secret,
    )


def time_bound_s(size: Size, attempts: int, surface: str) -> float:
    """The longest a probe may take: every attempt times out, every wait is the longest."""
    per_attempt = (DEFAULT_CONNECT_TIMEOUT_MS + size.read_timeout_ms) / 1000
    return attempts * per_attempt + (attempts - 1) * MAX_BACKOFF_MS / 1000 + OVERHEAD_S[surface]


@contextmanager
def scenario_emulator() -> Iterator[Emulator]:
    """A running emulator holding the baseline state, with the default credential."""
    with Emulator(baseline_state()) as emulator:
        yield emulator


@dataclass
class Bench:
    """One row's emulator and scenario: runs probes and holds each to the expectation."""

    row: Row
    emulator: Emulator
    scenario: Scenario
    size: Size

    def probe(
        self,
        label: str,
        operation: Callable[[], Observed],
        *,
        calls: int = 1,
        exact_requests: bool = True,
    ) -> Observed:
        """Restore, apply the scenario, run ``operation`` and judge the outcome."""
        restore(self.emulator)
        self.scenario.apply(self.emulator, self.size)
        started = time.monotonic()
        observed = operation()
        elapsed = time.monotonic() - started
        requests = int(self.emulator.admin.stats()["requests"])
        self._tally(label, requests, elapsed, self.scenario.attempts(self.size, calls))
        if exact_requests:
            attempts = self.scenario.attempts(self.size, calls)
            self.row.expect(
                requests == attempts, f"{label}: {requests} requests, expected {attempts}"
            )
        else:
            self.row.expect(requests >= 1, f"{label}: no request reached the emulator")
        self._judge(label, observed)
        return observed

    def _tally(self, label: str, requests: int, elapsed: float, attempts: int) -> None:
        """Add to the row's counts; a probe slower than the bound turns the row red."""
        counts = self.row.counts
        counts["probes"] = counts.get("probes", 0) + 1
        counts["requests"] = counts.get("requests", 0) + requests
        counts["slowest_s"] = round(max(counts.get("slowest_s", 0.0), elapsed), 2)
        bound = time_bound_s(self.size, attempts, self.row.surface)
        counts["bound_s"] = round(max(counts.get("bound_s", 0.0), bound), 1)
        self.row.expect(
            elapsed <= bound, f"{label}: took {elapsed:.1f} s, over the {bound:.1f} s bound"
        )

    def _judge(self, label: str, observed: Observed) -> None:
        """Success, or the expected error type, code and message fragments."""
        expect, row = self.scenario.expect, self.row
        if expect.success:
            row.expect(
                observed.ok, f"{label}: expected success, got {observed.error}: {observed.text}"
            )
            return
        if not row.expect(not observed.ok, f"{label}: expected {expect.error}, got success"):
            return
        if observed.error != "exit":  # an exit code carries no class; the CLI judge checks it
            row.expect(
                observed.error == expect.error,
                f"{label}: expected {expect.error}, got {observed.error}: {observed.text}",
            )
        if expect.code is not None:
            row.expect(
                expect.code in f"{observed.code} {observed.text}",
                f"{label}: no code {expect.code}",
            )
        for fragment in expect.says:
            row.expect(fragment in observed.text, f"{label}: message lacks {fragment!r}")


# --- functions -------------------------------------------------------------------------------


def run_functions(scenario: Scenario, size: Size, row: Row) -> None:
    """The SDK functions inside a Pulumi program, each probe a fresh program run."""
    import pulumi
    from pulumi_alicloud_flink import (
        get_session_cluster,
        get_session_clusters,
        get_session_clusters_output,
    )
    from sdk.harness import emulator_config, settle

    namespace = scenario.namespace
    with scenario_emulator() as emulator, tempfile.TemporaryDirectory() as folder:
        bench = Bench(row, emulator, scenario, size)
        key_id, secret = credentials_of(scenario)
        config = emulator_config(emulator) | {
            "alicloud:accessKey": key_id,
            "alicloud:secretKey": secret,
            "alicloud-flink:maxAttempts": str(size.max_attempts),
            "alicloud:clientReadTimeout": str(size.read_timeout_ms),
        }
        target = Path(folder) / "clusters.json"

        def plural() -> Observed:
            target.write_text(SENTINEL)
            found = get_session_clusters(WORKSPACE, namespace, output_file=str(target))
            return Observed(found.names)

        def single() -> Observed:
            found = get_session_cluster(WORKSPACE, namespace, name=CLUSTER)
            return Observed([found.cluster.session_cluster_name], extra={"cluster": found})

        def lifted() -> Observed:
            found = settle(get_session_clusters_output(WORKSPACE, namespace))
            return Observed(found.value.names if found.value else None)

        try:
            for label, call in (("plain", plural), ("single", single), ("output", lifted)):
                observed = bench.probe(label, _in_program(call, config))
                _judge_data(row, scenario, label, observed)
            _judge_output_file(row, scenario, target)
        finally:
            pulumi.runtime.set_all_config({})


def _in_program(call: Callable[[], Observed], config: dict[str, str]) -> Callable[[], Observed]:
    """``call`` inside a fresh program run with ``config``, its exception observed."""
    from alicloud_flink.lookup import clear_cache
    from sdk.harness import start_program

    def run() -> Observed:
        clear_cache()
        start_program(config)
        try:
            return call()
        except Exception as failure:
            return Observed.of_exception(failure)

    return run


def _judge_data(row: Row, scenario: Scenario, label: str, observed: Observed) -> None:
    if scenario.expect.success and observed.ok:
        row.expect(observed.data == [CLUSTER], f"{label}: wrong data {observed.data!r}")


def _judge_output_file(row: Row, scenario: Scenario, target: Path) -> None:
    """``output_file`` holds the records after success, and is untouched after a failure."""
    from alicloud_flink.output_file import read_output_file

    leftovers = sorted(p.name for p in target.parent.iterdir() if p != target)
    row.expect(not leftovers, f"output_file: temporary files left behind: {leftovers}")
    if scenario.expect.success:
        records = read_output_file(target)
        row.expect([r.get("id") for r in records] == [CLUSTER_ID], "output_file: wrong records")
    else:
        row.expect(target.read_text() == SENTINEL, "output_file: changed by a failed lookup")


# --- provider (engine protocol over gRPC) ----------------------------------------------------

_RECORDED: dict[str, Any] = {}
_RECORDING = threading.Lock()


def run_provider(scenario: Scenario, size: Size, row: Row) -> None:
    """Check (``up``) and Read (``refresh``), each in a fresh plugin process."""
    from provider.harness import program_inputs

    namespace = scenario.namespace
    with scenario_emulator() as emulator:
        bench = Bench(row, emulator, scenario, size)
        recorded = recorded_state(emulator, namespace)
        key_id, secret = credentials_of(scenario)
        config = {
            "alicloud-flink:endpoint": emulator.url,
            "alicloud:accessKey": key_id,
            "alicloud:secretKey": secret,
            "alicloud-flink:maxAttempts": str(size.max_attempts),
            "alicloud:clientReadTimeout": str(size.read_timeout_ms),
        }
        inputs = program_inputs(WORKSPACE, namespace, CLUSTER)
        # A success is cached for the life of a plugin (one CLI command), so Read needs a
        # plugin of its own after a successful Check; failures are never cached.
        with _plugins(config, 2 if scenario.expect.success else 1) as (checker, reader):
            checked = bench.probe("Check", lambda: _check(checker, inputs))
            read = bench.probe("Read", lambda: _read(reader, recorded))
        _judge_check(row, scenario, checked)
        _judge_read(row, scenario, read, recorded)


def recorded_state(emulator: Emulator, namespace: str) -> Any:
    """What ``pulumi up`` recorded for the cluster (once per namespace and process)."""
    with _RECORDING:
        if namespace not in _RECORDED:
            _RECORDED[namespace] = _record(emulator, namespace)
    return _RECORDED[namespace]


def _record(emulator: Emulator, namespace: str) -> Any:
    """``up`` in a plugin on the unharmed emulator, with the default credential."""
    from provider.harness import ProviderProcess, program_inputs, up

    restore(emulator)
    process = ProviderProcess(
        {
            "alicloud-flink:endpoint": emulator.url,
            "alicloud:accessKey": DEFAULT_CREDENTIAL.access_key_id,
            "alicloud:secretKey": DEFAULT_CREDENTIAL.access_key_secret,
        }
    )
    try:
        return up(process, program_inputs(WORKSPACE, namespace, CLUSTER))
    finally:
        process.stop()


@contextmanager
def _plugins(config: dict[str, str], count: int) -> Iterator[tuple[Any, Any]]:
    """Plugin processes for Check and Read: two, or one doing both."""
    from concurrent.futures import ThreadPoolExecutor

    from provider.harness import ProviderProcess

    with ThreadPoolExecutor(count) as pool:
        started = list(pool.map(lambda _: ProviderProcess(config), range(count)))
    try:
        yield started[0], started[-1]
    finally:
        for process in started:
            process.stop()


def _check(process: Any, inputs: dict[str, Any]) -> Observed:
    import grpc
    from google.protobuf import json_format

    try:
        response = process.check({}, inputs)
    except grpc.RpcError as failure:
        return _rpc_failure(failure)
    if response.failures:
        # The provider turns exactly two errors into Check failures: bad input, not found.
        refused = response.failures[0]
        kind = "InvalidInputError" if refused.reason.startswith("invalid ") else "NotFoundError"
        return Observed(error=kind, text=f"CheckFailure on {refused.property}: {refused.reason}")
    return Observed(json_format.MessageToDict(response.inputs))


def _read(process: Any, recorded: Any) -> Observed:
    import grpc

    try:
        id_, outputs, inputs = process.read(recorded.id, recorded.outputs, recorded.inputs)
    except grpc.RpcError as failure:
        return _rpc_failure(failure)
    return Observed({"id": id_, "outputs": outputs, "inputs": inputs})


def _rpc_failure(failure: Any) -> Observed:
    """The error class the plugin raised, read from the gRPC details (its traceback)."""
    import re

    details = failure.details() or ""
    named = re.findall(r"alicloud_flink\.errors\.(\w+)", details)
    return Observed(error=named[-1] if named else "RpcError", text=details)


def _judge_check(row: Row, scenario: Scenario, observed: Observed) -> None:
    """Check: the observation on success; a not-found namespace is a Check failure."""
    if scenario.expect.success and observed.ok:
        row.expect(observed.data.get("engine_version") == ENGINE, "Check: wrong observation")


def _judge_read(row: Row, scenario: Scenario, observed: Observed, recorded: Any) -> None:
    """Read never returns an empty id (a deletion) because of a fault."""
    if observed.ok:
        row.expect(observed.data["id"] == recorded.id, "Read: the resource was dropped")
        row.expect(observed.data["outputs"] == recorded.outputs, "Read: outputs changed")


# --- cli -------------------------------------------------------------------------------------


def run_cli(scenario: Scenario, size: Size, row: Row) -> None:
    """The console script, once per command of ``size.cli_probes``."""
    with scenario_emulator() as emulator, tempfile.TemporaryDirectory() as folder:
        bench = Bench(row, emulator, scenario, size)
        env = _cli_environment(emulator, scenario, size)
        target = Path(folder) / "clusters.json"
        for name in size.cli_probes:
            args, calls = _cli_command(name, scenario, target)
            target.write_text(SENTINEL)
            observed = bench.probe(name, partial(_run_cli, env, args), calls=calls)
            _judge_cli(row, scenario, name, observed, target)


def _cli_environment(emulator: Emulator, scenario: Scenario, size: Size) -> dict[str, str]:
    from cli.helpers import emulator_environment

    key_id, secret = credentials_of(scenario)
    env = emulator_environment(emulator.url)
    env.update(
        ALIBABA_CLOUD_ACCESS_KEY_ID=key_id,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET=secret,
        ALICLOUD_FLINK_MAX_ATTEMPTS=str(size.max_attempts),
        ALICLOUD_FLINK_READ_TIMEOUT_MS=str(size.read_timeout_ms),
    )
    return env


def _cli_command(name: str, scenario: Scenario, target: Path) -> tuple[list[str], int]:
    """The arguments of one CLI probe and how many API calls it makes when all goes well."""
    location = ["-w", WORKSPACE, "-n", scenario.namespace]
    listing = ["clusters", "list", *location, "-o", "json", "--output-file", str(target)]
    commands = {
        "list": (listing, 1),
        "list-debug": ([*listing, "--debug"], 1),
        "get": (["clusters", "get", CLUSTER, *location, "-o", "json"], 2),
        "drift": (
            ["drift", *location, "--name", CLUSTER, "--expect", f"engine_version={ENGINE}"],
            1,
        ),
    }
    return commands[name]


def _run_cli(env: dict[str, str], args: list[str]) -> Observed:
    from cli.helpers import run

    done = run(env, *args)
    extra = {"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
    if done.returncode == 0:
        return Observed(done.stdout, extra=extra)
    return Observed(error="exit", text=done.stderr, extra=extra)


def _judge_cli(row: Row, scenario: Scenario, name: str, observed: Observed, target: Path) -> None:
    """Exit 0 with the right data, or exit 1 with one error line; never 2, never partial."""
    code, stderr = observed.extra["code"], observed.extra["stderr"]
    if scenario.expect.success:
        if name in ("list", "list-debug") and observed.ok:
            names = [r["session_cluster_name"] for r in json.loads(observed.data)]
            row.expect(names == [CLUSTER], f"{name}: wrong data {names}")
        if name == "get" and observed.ok:
            row.expect(json.loads(observed.data)["engine_version"] == ENGINE, "get: wrong data")
        return
    row.expect(code == 1, f"{name}: exit {code}, expected 1")
    errors = [line for line in stderr.splitlines() if line.startswith("alicloud-flink")]
    row.expect(len(errors) == 1 and ": error: " in errors[0], f"{name}: no one-line error")
    if name != "list-debug":
        row.expect("Traceback" not in stderr, f"{name}: a traceback without --debug")
    if name.startswith("list"):
        row.expect(target.read_text() == SENTINEL, f"{name}: output file changed by a failure")
        leftovers = [p.name for p in target.parent.iterdir() if p != target]
        row.expect(not leftovers, f"{name}: temporary files left: {leftovers}")


# --- engine ----------------------------------------------------------------------------------


def engine_available() -> bool:
    """Whether the real Pulumi CLI and ``alicloud_flink.stack_runner`` are both here."""
    try:
        from alicloud_flink import stack_runner
    except ImportError:
        return False
    return (stack_runner.REPO_ENGINE_BIN / "pulumi").is_file()


def run_engine(scenario: Scenario, size: Size, row: Row) -> None:
    """``up`` a stack, then ``refresh`` and ``up`` again under the fault; export each time."""
    from alicloud_flink.stack_runner import StackRunner, Target

    with scenario_emulator() as emulator, tempfile.TemporaryDirectory() as folder:
        bench = Bench(row, emulator, scenario, size)
        target = Path(folder) / "clusters.json"
        config = {
            "namespace": scenario.namespace,
            "outputFile": str(target),
            "alicloud-flink:maxAttempts": str(size.max_attempts),
            "alicloud:clientReadTimeout": str(size.read_timeout_ms),
        }
        key = Target(
            emulator.url, DEFAULT_CREDENTIAL.access_key_id, DEFAULT_CREDENTIAL.access_key_secret
        )
        with StackRunner(PROJECT_DIR, key, config=config) as runner:
            restore(emulator)
            baseline = runner.up()
            if not row.expect(baseline.ok, f"baseline up failed: {baseline.output[-2000:]}"):
                return
            stack = _Stack(runner, scenario, _lookup_resource(runner.export()))
            written = target.read_text()
            for operation in ("refresh", "up"):
                observed = bench.probe(
                    operation, partial(stack.run, operation), exact_requests=False
                )
                stack.judge(row, operation, observed)
                row.expect(
                    scenario.expect.success or target.read_text() == written,
                    f"{operation}: output_file changed by a failed lookup",
                )


@dataclass
class _Stack:
    """A stack under the real engine, its recorded resource, and the scenario it suffers."""

    runner: Any
    scenario: Scenario
    recorded: dict[str, Any] | None

    def run(self, operation: str) -> Observed:
        """Run ``operation`` with the scenario's credentials, then put the right ones back."""
        key_id, secret = credentials_of(self.scenario)
        rotated = (key_id, secret) != (
            DEFAULT_CREDENTIAL.access_key_id,
            DEFAULT_CREDENTIAL.access_key_secret,
        )
        if rotated:
            self._sign_with(key_id, secret)
        try:
            if operation == "refresh":  # a changed key reaches refresh only via the program
                outcome = self.runner.refresh(run_program=rotated)
            else:
                outcome = self.runner.up()
        finally:
            if rotated:
                self._sign_with(
                    DEFAULT_CREDENTIAL.access_key_id, DEFAULT_CREDENTIAL.access_key_secret
                )
        extra = {"code": outcome.code, "output": outcome.output}
        if outcome.ok:
            return Observed(outcome.stdout, extra=extra)
        return Observed(error="exit", text=outcome.output, extra=extra)

    def judge(self, row: Row, operation: str, observed: Observed) -> None:
        """The resource survives every fault; a failure names the error class."""
        now = _lookup_resource(self.runner.export())
        row.expect(now is not None, f"{operation}: the resource was dropped from the state")
        if self.scenario.expect.success:
            row.expect(now == self.recorded, f"{operation}: the resource changed: {now}")
            return
        wanted = str(self.scenario.expect.error)
        row.expect(wanted in observed.text, f"{operation}: the output does not name {wanted}")

    def _sign_with(self, key_id: str, secret: str) -> None:
        self.runner.set_config("alicloud:accessKey", key_id)
        self.runner.set_config("alicloud:secretKey", secret, secret=True)


def _lookup_resource(deployment: dict[str, Any]) -> dict[str, Any] | None:
    """The SessionClusterLookup resource of a ``pulumi stack export`` (id and outputs)."""
    for resource in deployment.get("resources", []):
        if resource.get("type", "").endswith("SessionClusterLookup"):
            return {"id": resource.get("id"), "outputs": resource.get("outputs")}
    return None


RUNNERS: dict[str, Callable[[Scenario, Size, Row], None]] = {
    "functions": run_functions,
    "provider": run_provider,
    "cli": run_cli,
    "engine": run_engine,
}


def run_row(scenario: Scenario, surface: str, size: Size) -> Row:
    """One row of the fault matrix."""
    from .report import check

    row = check(
        "fault matrix",
        scenario.name,
        surface,
        lambda r: RUNNERS[surface](scenario, size, r),
    )
    row.detail = scenario.title
    return row


#: Surfaces whose probes run in other processes, so that their rows may run side by side.
CONCURRENT_SURFACES = frozenset({"provider", "cli"})


def run_rows(
    pairs: list[tuple[Scenario, str]], size: Size, workers: int = 4
) -> dict[tuple[str, str], Row]:
    """Rows of ``pairs``: provider and CLI rows ``workers`` at a time, the rest one by one.

    Functions and the engine run programs in this process (global Pulumi runtime state), so
    their rows run serially while the others proceed in a thread pool.
    """
    from concurrent.futures import ThreadPoolExecutor

    side_by_side = [pair for pair in pairs if pair[1] in CONCURRENT_SURFACES]
    with ThreadPoolExecutor(max(1, workers)) as pool:
        pending = {
            (scenario.name, surface): pool.submit(run_row, scenario, surface, size)
            for scenario, surface in side_by_side
        }
        serial = {
            (scenario.name, surface): run_row(scenario, surface, size)
            for scenario, surface in pairs
            if surface not in CONCURRENT_SURFACES
        }
        done = {key: future.result() for key, future in pending.items()}
    rows = done | serial
    return {(scenario.name, surface): rows[scenario.name, surface] for scenario, surface in pairs}
