"""An offline emulator of the Alibaba Cloud Flink (ververica 2022-07-18) session-cluster API.

It answers ListSessionClusters and GetSessionCluster over real HTTP, checks ACS3-HMAC-SHA256
signatures the way the API gateway does, injects faults on demand, and is driven by an unsigned
admin interface under ``/_emulator/`` (see ``EmulatorAdmin``). Standard library only.
"""

from .admin import EmulatorAdmin, EmulatorAdminError
from .app import DEFAULT_CREDENTIAL, Emulator
from .cli import main
from .faults import FAULT_KINDS, Fault
from .signing import Credential
from .state import StateError

__all__ = [
    "DEFAULT_CREDENTIAL",
    "FAULT_KINDS",
    "Credential",
    "Emulator",
    "EmulatorAdmin",
    "EmulatorAdminError",
    "Fault",
    "StateError",
    "main",
]
