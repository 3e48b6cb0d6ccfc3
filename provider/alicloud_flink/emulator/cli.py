"""``alicloud-flink emulator``: run the emulator in the foreground until SIGINT or SIGTERM.

The base URL is the first line on stdout, so a parent process can read it and connect; the
accepted AccessKey IDs (never the secrets) go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from types import FrameType
from typing import NoReturn

from alicloud_flink.cli import one_line
from alicloud_flink.settings import is_loopback

from .app import DEFAULT_CREDENTIAL, Emulator
from .signing import Credential
from .state import StateError

PROG = "alicloud-flink emulator"


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, serve until a signal arrives, and return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.allow_remote and not is_loopback(args.host):
        parser.error(f"--host {args.host} is not a loopback address; add --allow-remote to bind it")
    credentials = args.credential or [DEFAULT_CREDENTIAL]
    # Catch the signals before the URL is out: a parent may stop us as soon as it reads it.
    with _signals_caught() as stop_requested:
        try:
            emulator = Emulator(args.state, credentials, host=args.host, port=args.port).start()
        except StateError as exc:
            print(f"{PROG}: error: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(
                f"{PROG}: error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
            )
            return 1
        try:
            print(emulator.url, flush=True)
            for credential in credentials:
                sts = " (STS, with security token)" if credential.security_token else ""
                print(
                    f"{PROG}: accepting AccessKey ID {credential.access_key_id}{sts}",
                    file=sys.stderr,
                )
            while not stop_requested.wait(0.5):
                pass
        finally:
            emulator.stop()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Serve an offline emulator of the Alibaba Cloud Flink session-cluster API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=0, help="port to bind; 0 picks a free one (default)"
    )
    parser.add_argument(
        "--state", metavar="FILE", help="JSON state file (default: the bundled example)"
    )
    parser.add_argument(
        "--credential",
        action="append",
        type=_credential,
        metavar="ID:SECRET[:STS_TOKEN]",
        help=f"an accepted AccessKey; repeatable (default: {DEFAULT_CREDENTIAL.access_key_id})",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (the /_emulator/ admin routes are unauthenticated)",
    )
    return parser


class _Parser(argparse.ArgumentParser):
    """Usage errors as one printable line (control characters escaped), exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")


def _credential(value: str) -> Credential:
    key_id, _, rest = value.partition(":")
    secret, _, token = rest.partition(":")
    if not key_id or not secret:
        raise argparse.ArgumentTypeError("expected ID:SECRET or ID:SECRET:STS_TOKEN")
    return Credential(key_id, secret, token or None)


@contextlib.contextmanager
def _signals_caught() -> Iterator[threading.Event]:
    """Turn SIGINT and SIGTERM into an event while the block runs (main thread only)."""
    received = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        received.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
