"""Run a Pulumi project's program against the emulator (or any endpoint) under the real Pulumi CLI.

The program (``__main__.py`` of a project directory) runs as an Automation API *inline* program:
the CLI talks to a language server inside this process instead of starting the Python language
host ``pulumi-language-python``, which cannot be built here (provider/scripts/ENGINE.md says
why). Everything else is the real engine: the CLI ``make engine`` builds, a ``file://`` backend
and the passphrase secrets provider in a temporary directory, and the ``pulumi-python`` dynamic
provider plugin, which the engine starts in its own process through
``pulumi-resource-pulumi-python``.

``python -m alicloud_flink.stack_runner examples/quickstart`` starts an embedded emulator, runs
``up``, prints the stack outputs as JSON and cleans up (``make demo``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pulumi.automation import Stack

#: The CLI's exit code when ``--expect-no-changes`` saw changes (Pulumi CLI 3.226 and later).
EXPECT_NO_CHANGES_EXIT_CODE = 7
#: Encrypts the secret config of the throwaway stack; the state never outlives the run.
PASSPHRASE = "alicloud-flink-stack-runner"
REPO_ENGINE_BIN = Path(__file__).resolve().parents[2] / ".engine" / "bin"
CLI_TIMEOUT_SECONDS = 300
_COMMAND_ERROR = re.compile(
    r"\n code: (?P<code>-?\d+)\n stdout: (?P<stdout>.*)\n stderr: (?P<stderr>.*)", re.S
)


class StackRunError(RuntimeError):
    """A Pulumi operation failed; the message carries the CLI's exit code and output."""


@dataclass(frozen=True)
class Outcome:
    """How one CLI operation exited and what it printed."""

    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """Everything the operation printed: stdout, then stderr."""
        return f"{self.stdout}{self.stderr}"

    @property
    def ok(self) -> bool:
        """Whether the CLI exited 0."""
        return self.code == 0

    def check(self) -> Outcome:
        """Return ``self`` if the operation succeeded, else raise :class:`StackRunError`."""
        if not self.ok:
            raise StackRunError(f"pulumi exited with code {self.code}:\n{self.output}")
        return self


@dataclass(frozen=True)
class Target:
    """The API the program talks to: ``alicloud-flink:endpoint`` and an AccessKey pair."""

    endpoint: str
    access_key_id: str
    access_key_secret: str


class _Printed(Protocol):
    """What every automation result carries."""

    stdout: str
    stderr: str


def find_engine_bin() -> Path:
    """The directory of the ``pulumi`` to run: ``.engine/bin`` of this repository, else PATH.

    Automation's ``PulumiCommand(root)`` runs ``<root>/bin/pulumi``, so this is a ``bin``
    directory (``~/.pulumi/bin``, ``/usr/local/bin`` …). Raises :class:`StackRunError` when
    there is none, naming ``make engine``.
    """
    if (REPO_ENGINE_BIN / "pulumi").is_file():
        return REPO_ENGINE_BIN
    found = shutil.which("pulumi")
    if found is None:
        raise StackRunError(f"no Pulumi CLI in {REPO_ENGINE_BIN} or on PATH: run `make engine`")
    return Path(found).parent


class StackRunner:
    """One stack of a project, its program run inline, in a temporary backend; a context manager.

    Entering creates the stack and sets its config: ``alicloud-flink:endpoint``,
    ``alicloud:accessKey`` and ``alicloud:secretKey`` (a secret) from ``target``, then ``config``
    (keys without a namespace belong to the project). Leaving deletes the temporary directory,
    state included. Operations return an :class:`Outcome` instead of raising on a CLI failure,
    because a failing preview or refresh is often the point.
    """

    def __init__(
        self,
        project_dir: str | Path,
        target: Target,
        stack_name: str = "dev",
        config: Mapping[str, str] | None = None,
        engine_bin: Path | None = None,
    ) -> None:
        self.project_dir = Path(project_dir).resolve()
        self.target = target
        self.stack_name = stack_name
        self.engine_bin = engine_bin or find_engine_bin()
        self.project_name, self.main = read_project(self.project_dir)
        self._config = dict(config or {})
        self._root: Path | None = None
        self._stack: Stack | None = None

    def __enter__(self) -> StackRunner:
        self._root = Path(tempfile.mkdtemp(prefix="flink-stack-"))
        try:
            for part in ("backend", "home", "work"):
                (self._root / part).mkdir()
            self._stack = self._create_stack()
            self._set_initial_config()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Forget the stack and delete its temporary directory (state, config, CLI logs)."""
        root, self._root, self._stack = self._root, None, None
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)

    @property
    def root(self) -> Path:
        """The temporary directory: ``backend/`` (state), ``home/`` (PULUMI_HOME), ``work/``."""
        if self._root is None:
            raise StackRunError("the stack runner is not open; use it as a context manager")
        return self._root

    @property
    def env(self) -> dict[str, str]:
        """The environment the CLI runs with, on top of this process's own.

        The dynamic-provider plugin must run this Python (it imports the provider module): the
        launcher takes ``PULUMI_RUNTIME_VIRTUALENV`` first, then ``./.venv`` of the caller's
        working directory, then ``python3`` on ``PATH``, so both the venv and ``PATH`` say so.
        """
        search_path = [str(self.engine_bin), str(Path(sys.executable).parent)]
        python_path = [str(self.project_dir), *filter(None, [os.environ.get("PYTHONPATH")])]
        in_venv = {"PULUMI_RUNTIME_VIRTUALENV": sys.prefix} if sys.prefix != sys.base_prefix else {}
        return {
            **in_venv,
            "PATH": os.pathsep.join([*search_path, os.environ.get("PATH", "")]),
            "PYTHONPATH": os.pathsep.join(python_path),
            "PULUMI_HOME": str(self.root / "home"),
            "PULUMI_BACKEND_URL": self.backend_url,
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        }

    @property
    def backend_url(self) -> str:
        """The ``file://`` URL of the stack's state."""
        return (self.root / "backend").as_uri()

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        """Set one stack config value (``secret`` stores it encrypted)."""
        from pulumi.automation import ConfigValue

        self.stack.set_config(key, ConfigValue(value, secret=secret))

    def up(self, on_output: Callable[[str], Any] | None = None) -> Outcome:
        """``pulumi up``: run the program and apply its changes."""
        return _attempt(
            lambda: self.stack.up(color="never", on_output=on_output, show_secrets=False)
        )

    def preview(self, *, expect_no_changes: bool = False) -> Outcome:
        """``pulumi preview --diff``; with ``expect_no_changes``, changes exit 7."""
        return _attempt(
            lambda: self.stack.preview(
                expect_no_changes=expect_no_changes, diff=True, color="never"
            )
        )

    def refresh(self, *, expect_no_changes: bool = False, run_program: bool = False) -> Outcome:
        """``pulumi refresh --yes --diff``; with ``expect_no_changes``, changes exit 7.

        As with the CLI, the refreshed state is saved even when changes make it exit 7. Without
        ``run_program`` the provider is configured from the state of the last ``up``, so a
        changed stack config (a rotated secret) reaches refresh only with ``run_program``.
        """
        return _attempt(
            lambda: self.stack.refresh(
                expect_no_changes=expect_no_changes,
                run_program=run_program,
                diff=True,
                color="never",
                show_secrets=False,
            )
        )

    def destroy(self) -> Outcome:
        """``pulumi destroy --yes``: delete every resource of the stack."""
        return _attempt(lambda: self.stack.destroy(color="never", show_secrets=False))

    def outputs(self) -> dict[str, Any]:
        """The stack outputs as plain values (secrets revealed)."""
        return {key: value.value for key, value in self.stack.outputs().items()}

    def export(self) -> dict[str, Any]:
        """The stack's deployment as ``pulumi stack export`` prints it, secrets encrypted.

        (Automation's ``export_stack`` would pass ``--show-secrets``.)
        """
        deployment: dict[str, Any] = json.loads(self.cli("stack", "export").check().stdout)
        return dict(deployment["deployment"])

    def cli(self, *args: str, stack: bool = True) -> Outcome:
        """Run the real ``pulumi`` with ``args`` against this stack's backend and config.

        Commands that need no program work: ``stack output --json``, ``stack export``,
        ``refresh --yes --expect-no-changes`` (refresh does not run the program). ``preview`` and
        ``up`` do not: they need the language host that cannot be built; use :meth:`preview`.
        """
        command = [str(self.engine_bin / "pulumi"), *args, "--non-interactive"]
        if stack:
            command += ["--stack", self.stack_name]
        done = subprocess.run(
            command,
            cwd=self.root / "work",
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_SECONDS,
            check=False,
        )
        return Outcome(done.returncode, done.stdout, done.stderr)

    def pulumi_version(self) -> str:
        """What ``pulumi version`` of the CLI in use prints (``v3.276.0``)."""
        return self.cli("version", stack=False).check().stdout.strip()

    @property
    def stack(self) -> Stack:
        """The automation stack; only while the runner is open."""
        if self._stack is None:
            raise StackRunError("the stack runner is not open; use it as a context manager")
        return self._stack

    def _create_stack(self) -> Stack:
        from pulumi import automation as auto

        # PulumiCommand runs `pulumi version` with os.environ: keep its log out of ~/.pulumi.
        with _environ(PULUMI_HOME=self.env["PULUMI_HOME"], PULUMI_SKIP_UPDATE_CHECK="true"):
            command = auto.PulumiCommand(root=str(self.engine_bin.parent))
        settings = auto.ProjectSettings(
            name=self.project_name,
            runtime="python",
            backend=auto.ProjectBackend(url=self.backend_url),
        )
        options = auto.LocalWorkspaceOptions(
            work_dir=str(self.root / "work"),
            pulumi_home=self.env["PULUMI_HOME"],
            pulumi_command=command,
            env_vars=self.env,
            project_settings=settings,
            secrets_provider="passphrase",
        )
        program = inline_program(self.project_dir, self.main)
        return auto.create_or_select_stack(
            self.stack_name, self.project_name, program=program, opts=options
        )

    def _set_initial_config(self) -> None:
        from pulumi.automation import ConfigValue

        values = {
            "alicloud-flink:endpoint": ConfigValue(self.target.endpoint),
            "alicloud:accessKey": ConfigValue(self.target.access_key_id),
            "alicloud:secretKey": ConfigValue(self.target.access_key_secret, secret=True),
        }
        values.update({key: ConfigValue(value) for key, value in self._config.items()})
        self.stack.set_all_config(values)


def read_project(project_dir: Path) -> tuple[str, Path]:
    """The project's name and program file, from ``Pulumi.yaml`` (``main`` defaults to ``.``)."""
    import yaml

    settings: dict[str, Any] = yaml.safe_load((project_dir / "Pulumi.yaml").read_text("utf-8"))
    main = project_dir / str(settings.get("main") or ".")
    program = main / "__main__.py" if main.is_dir() else main
    if not program.is_file():
        raise StackRunError(f"no program: {program} does not exist")
    return str(settings["name"]), program


def inline_program(project_dir: Path, main: Path) -> Callable[[], None]:
    """A function that runs ``main`` as ``__main__``, as the language host would.

    The project directory is on ``sys.path`` during the run, so that modules next to the program
    import. A language host starts a fresh process per run; here the lookup replies cached by an
    earlier run in this process are dropped first, so that every run sees the API afresh.
    """

    def program() -> None:
        from alicloud_flink.lookup import clear_cache

        clear_cache()
        sys.path.insert(0, str(project_dir))
        try:
            runpy.run_path(str(main), run_name="__main__")
        finally:
            sys.path.remove(str(project_dir))

    return program


def _attempt(operation: Callable[[], _Printed]) -> Outcome:
    """Run an automation operation; a CLI failure becomes an Outcome with its exit code."""
    from pulumi.automation.errors import CommandError

    try:
        result = operation()
    except CommandError as failure:
        # The error keeps no attributes, only the text "\n code: N\n stdout: ...\n stderr: ...".
        text = str(failure)
        found = _COMMAND_ERROR.fullmatch(text)
        if found is None:
            return Outcome(1, text, "")
        return Outcome(int(found["code"]), found["stdout"], found["stderr"])
    return Outcome(0, result.stdout, result.stderr)


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Set environment variables of this process for the duration of a block."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def main(argv: list[str] | None = None) -> int:
    """Run a project's ``up`` against an embedded emulator and print its stack outputs as JSON."""
    parser = argparse.ArgumentParser(prog="python -m alicloud_flink.stack_runner")
    parser.add_argument("project_dir", help="a Pulumi project directory, e.g. examples/quickstart")
    parser.add_argument("--stack", default="dev", help="stack name (default: dev)")
    args = parser.parse_args(argv)
    try:
        outputs = run_demo(Path(args.project_dir), args.stack)
    except StackRunError as failure:
        print(f"stack_runner: {failure}", file=sys.stderr)
        return 1
    print(json.dumps(outputs, indent=2, sort_keys=True))
    return 0


def run_demo(project_dir: Path, stack_name: str) -> dict[str, Any]:
    """Start an emulator, run ``up`` (CLI output to stderr), read the outputs, then destroy."""
    from alicloud_flink.emulator import DEFAULT_CREDENTIAL, Emulator

    def say(line: str) -> None:
        print(f"stack_runner: {line}", file=sys.stderr, flush=True)

    with Emulator() as emulator:
        target = Target(
            emulator.url, DEFAULT_CREDENTIAL.access_key_id, DEFAULT_CREDENTIAL.access_key_secret
        )
        with StackRunner(project_dir, target, stack_name) as runner:
            say(f"real Pulumi CLI {runner.pulumi_version()} ({runner.engine_bin / 'pulumi'})")
            say(f"program {runner.main} runs as an Automation API inline program")
            say(f"emulator at {emulator.url}, state in {runner.backend_url}")
            runner.up(on_output=lambda line: print(line, file=sys.stderr)).check()
            outputs = runner.outputs()
            runner.destroy().check()
    return outputs


if __name__ == "__main__":
    sys.exit(main())
