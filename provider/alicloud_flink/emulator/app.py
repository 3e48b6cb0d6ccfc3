"""``Emulator``: an in-process, start/stop-able emulator of the ververica session-cluster API."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from types import TracebackType

from .admin import EmulatorAdmin
from .faults import FaultPlan
from .server import EmulatorServer
from .signing import Credential, Verifier
from .state import ClusterStore, StateSource, load_state
from .stats import Stats

DEFAULT_CREDENTIAL = Credential("emulator-access-key-id", "emulator-access-key-secret")
Credentials = Mapping[str, str] | Iterable[Credential]
POLL_INTERVAL_SECONDS = 0.01


class Emulator:
    """Serves the emulated API on ``host:port`` (port 0 picks a free one) from a background thread.

    ``state`` is a state document, a JSON file holding one, or ``None`` for the bundled example
    (workspace ``ws-demo``, namespace ``default-namespace``). ``credentials`` maps AccessKey IDs
    to secrets, or lists ``Credential`` objects (for STS tokens); by default only
    ``DEFAULT_CREDENTIAL`` is accepted. State, faults and counters survive ``stop``/``start``.
    ``clock_skew_seconds`` sets the server's clock that far ahead of this machine's (negative:
    behind), so that every client's ``x-acs-date`` looks that late (or early) to the signature
    check: 1200 makes every request 20 minutes stale, past the 15-minute window.
    """

    def __init__(
        self,
        state: StateSource = None,
        credentials: Credentials | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock_skew_seconds: float = 0.0,
    ) -> None:
        self.credentials = _credentials(credentials)
        self.clock_skew_seconds = clock_skew_seconds
        self._store = ClusterStore(load_state(state))
        self._faults = FaultPlan()
        self._stats = Stats()
        self._address = (host, port)
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Emulator:
        """Bind and start serving; return ``self``. Raises OSError if the port is taken."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        verifier = Verifier(self.credentials, clock=self._clock)
        server = EmulatorServer(self._address, self._store, verifier, self._faults, self._stats)
        # stop() waits up to one poll interval; keep it short so test fixtures stop fast.
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL_SECONDS},
            name="flink-emulator",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def _clock(self) -> float:
        """The server's time: this machine's, shifted by ``clock_skew_seconds``."""
        return time.time() + self.clock_skew_seconds

    def stop(self) -> None:
        """Stop serving and close every connection; a stopped emulator can be started again."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None and thread is not None:
            server.close()
            thread.join()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def endpoint(self) -> str:
        """``host:port`` as ``open_api_models.Config(endpoint=...)`` takes it."""
        return self._running().endpoint

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:41234``."""
        return f"http://{self.endpoint}"

    @property
    def admin(self) -> EmulatorAdmin:
        """A client of this emulator's admin interface."""
        return EmulatorAdmin(self.url)

    def _running(self) -> EmulatorServer:
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() first")
        return self._server


def _credentials(credentials: Credentials | None) -> tuple[Credential, ...]:
    if credentials is None:
        return (DEFAULT_CREDENTIAL,)
    if isinstance(credentials, Mapping):
        accepted = tuple(Credential(key_id, secret) for key_id, secret in credentials.items())
    else:
        accepted = tuple(credentials)
    if not accepted or not all(isinstance(c, Credential) for c in accepted):
        raise TypeError("credentials must map AccessKey IDs to secrets, or list Credential objects")
    return accepted
