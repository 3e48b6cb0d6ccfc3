"""The ``alicloud-flink`` console script: list, get and drift-check session clusters from CI.

:mod:`.main` parses the command line and dispatches; each command lives in its own module and
is imported only when it runs, so ``--help`` never pays for pydantic or the API client.
"""

PROG = "alicloud-flink"

EXIT_OK = 0
EXIT_ERROR = 1  # auth, network, bad input, bad expectation file, usage
EXIT_DRIFT = 2  # drift: a tracked field moved, or an expected cluster is missing

#: Environment defaults of ``-w/--workspace`` and ``-n/--namespace``.
WORKSPACE_ENV = "ALICLOUD_FLINK_WORKSPACE"
NAMESPACE_ENV = "ALICLOUD_FLINK_NAMESPACE"


def one_line(text: str) -> str:
    """``text`` as one printable line for a terminal or CI log.

    Runs of whitespace (newlines included) become one space, and any other control character
    (an ANSI escape in a server's message, a carriage return in an argument) is shown escaped
    (``\\x1b``), so that no input can forge or hide a line of the output.
    """
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in flat)
