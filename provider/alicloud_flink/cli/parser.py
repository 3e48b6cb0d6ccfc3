"""The ``alicloud-flink`` command line: every command, flag, help text and example.

Only :mod:`argparse` is imported here, so ``--help`` stays instant. Usage errors exit with 1,
not argparse's usual 2, because ``drift`` reserves 2 for "something drifted": a typo in a CI
step must never read as drift.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from alicloud_flink.cli import NAMESPACE_ENV, PROG, WORKSPACE_ENV, one_line

_ENVIRONMENT = f"""\
environment:
  ALICLOUD_FLINK_ENDPOINT, ALICLOUD_REGION / ALIBABA_CLOUD_REGION   where the Flink API is
  ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET      credentials (or ALICLOUD_*,
      a CLI --profile, or the alibabacloud-credentials default chain; never a flag)
  {WORKSPACE_ENV}, {NAMESPACE_ENV}      default -w and -n
"""

_TOP_EPILOG = f"""\
exit codes: 0 success (drift: nothing moved), 1 error (auth, network, bad input or
file, usage), 2 drift: a tracked field moved or an expected cluster is missing.

examples:
  alicloud-flink clusters list -w ws-demo -n default-namespace
  alicloud-flink clusters get test-sessionCluster -w ws-demo -n default-namespace
  alicloud-flink drift --from-stack-outputs outputs.json -w ws-demo -n default-namespace
  alicloud-flink emulator --port 8080

{_ENVIRONMENT}"""

_LIST_EPILOG = f"""\
columns (table and json, in this order): workspace, namespace, session_cluster_name,
status, engine_version, deployment_target_name, session_cluster_id, labels.

examples:
  alicloud-flink clusters list -w ws-demo -n default-namespace
  alicloud-flink clusters list -w ws-demo -n team-a -n team-b --name-regex '^etl-' --output json
  alicloud-flink clusters list -w ws-demo -n default-namespace --label env=prod --status RUNNING
  alicloud-flink clusters list -w ws-demo -n default-namespace --output-file expected.json

{_ENVIRONMENT}"""

_CLUSTERS_EPILOG = f"""\
examples:
  alicloud-flink clusters list -w ws-demo -n default-namespace --output json
  alicloud-flink clusters get test-sessionCluster -w ws-demo -n default-namespace

{_ENVIRONMENT}"""

_GET_EPILOG = f"""\
Prints every field of the cluster (GetSessionCluster details included); exits 1 when no
cluster has that name, suggesting close names.

examples:
  alicloud-flink clusters get test-sessionCluster -w ws-demo -n default-namespace
  alicloud-flink clusters get test-sessionCluster --output json | jq .engine_version

{_ENVIRONMENT}"""

_DRIFT_EPILOG = f"""\
Compares live session clusters with an expectation, field by field (session_cluster_id,
engine_version, deployment_target_name, labels, status, flink_conf, basic_resource_setting;
only the fields the expectation names). Give exactly one source:

  --from-output-file FILE    the output_file of a lookup (Terraform attribute names); each
                             record names its cluster, -w/-n fill in only what it lacks
  --from-stack-outputs FILE  `pulumi stack output --json`: outputs named like a tracked field
                             (engineVersion or engine_version ...) are the expectation; the
                             cluster is --name/-w/-n, else outputs named name (or
                             sessionClusterName), workspace, namespace, else the environment
  --from-stack-export FILE   `pulumi stack export`: every SessionClusterLookup resource;
                             encrypted secret fields are skipped with a warning
  --expect FIELD=VALUE       inline (repeatable); the cluster is --name/-w/-n; a VALUE that
                             starts with {{ or [ is JSON

exit codes: 0 nothing moved, 2 drift (a field moved or a cluster is missing), 1 error
(auth, network, bad flags, unreadable or invalid expectation). A missing namespace is an
error, not drift: it usually means a wrong workspace, namespace or endpoint.

report lines: OK ws/ns/name | DRIFT ws/ns/name FIELD: expected X, actual Y |
MISSING ws/ns/name: cluster not found | SUMMARY ...

examples:
  pulumi stack output --json > outputs.json
  alicloud-flink drift --from-stack-outputs outputs.json -w ws-demo -n default-namespace
  alicloud-flink drift --from-stack-export <(pulumi stack export) --output json
  alicloud-flink drift --from-output-file clusters.json
  alicloud-flink drift -w ws-demo -n default-namespace --name test-sessionCluster \\
      --expect engine_version=vvr-6.0.7-flink-1.15 --expect 'labels={{"team": "data"}}'

{_ENVIRONMENT}"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 1 (2 means drift)."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: error: {one_line(message)} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each leaf command stores its runner as ``args.command``."""
    parser = _Parser(
        prog=PROG,
        description="Look up and drift-check Alibaba Cloud Flink session clusters.",
        epilog=_TOP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    clusters = _command(commands, "clusters", "list or show session clusters", _CLUSTERS_EPILOG)
    actions = clusters.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _add_list(actions)
    _add_get(actions)
    _add_drift(commands)
    _command(commands, "emulator", "run the local Flink API emulator (see its --help)", "")
    return parser


def _add_list(commands: Any) -> None:
    parser = _command(commands, "list", "list session clusters (table or JSON)", _LIST_EPILOG)
    _add_location(parser, many_namespaces=True)
    parser.add_argument("--name-regex", metavar="REGEX", help="names matching this regex")
    parser.add_argument(
        "--label", action="append", metavar="KEY=VALUE", help="label filter (repeatable)"
    )
    parser.add_argument("--status", help="current status, e.g. RUNNING")
    parser.add_argument("--engine-version", metavar="VERSION", help="e.g. vvr-8.0.9-flink-1.17")
    parser.add_argument(
        "--id",
        action="append",
        dest="ids",
        metavar="WS:NS:NAME",
        help="Terraform-style id (repeatable); namespaces without one are skipped",
    )
    parser.add_argument(
        "--details", action="store_true", help="fetch each match with GetSessionCluster"
    )
    parser.add_argument(
        "--output-file", metavar="FILE", help="also write the full records (for drift)"
    )
    _add_common(parser)
    parser.set_defaults(command="alicloud_flink.cli.clusters:run_list")


def _add_get(commands: Any) -> None:
    parser = _command(commands, "get", "show one session cluster, all fields", _GET_EPILOG)
    parser.add_argument("cluster_name", metavar="NAME", help="the session cluster's name")
    _add_location(parser, many_namespaces=False)
    _add_common(parser)
    parser.set_defaults(command="alicloud_flink.cli.clusters:run_get")


def _add_drift(commands: Any) -> None:
    parser = _command(commands, "drift", "compare live clusters with an expectation", _DRIFT_EPILOG)
    sources = parser.add_argument_group("expectation (exactly one source)")
    exclusive = sources.add_mutually_exclusive_group(required=True)
    exclusive.add_argument("--from-output-file", metavar="FILE", help="a lookup's output_file")
    exclusive.add_argument(
        "--from-stack-outputs", metavar="FILE", help="pulumi stack output --json"
    )
    exclusive.add_argument("--from-stack-export", metavar="FILE", help="pulumi stack export")
    exclusive.add_argument(
        "--expect", action="append", metavar="FIELD=VALUE", help="inline expectation (repeatable)"
    )
    _add_location(parser, many_namespaces=False)
    parser.add_argument("--name", help="session cluster name (stack outputs and --expect)")
    _add_common(parser)
    parser.set_defaults(command="alicloud_flink.cli.drift_command:run")


def _command(commands: Any, name: str, summary: str, epilog: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=summary[:1].upper() + summary[1:] + ".",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    return parser


def _add_location(parser: argparse.ArgumentParser, *, many_namespaces: bool) -> None:
    parser.add_argument("-w", "--workspace", help=f"workspace id (default: ${WORKSPACE_ENV})")
    if many_namespaces:
        parser.add_argument(
            "-n",
            "--namespace",
            action="append",
            help=f"namespace, repeatable: listed concurrently (default: ${NAMESPACE_ENV})",
        )
    else:
        parser.add_argument("-n", "--namespace", help=f"namespace (default: ${NAMESPACE_ENV})")


def _add_common(parser: argparse.ArgumentParser) -> None:
    common = parser.add_argument_group("connection and output")
    common.add_argument("--region", help="region id, e.g. cn-hangzhou (default: $ALICLOUD_REGION)")
    common.add_argument(
        "--endpoint", help="API endpoint host or URL (default: $ALICLOUD_FLINK_ENDPOINT)"
    )
    common.add_argument("--profile", help="Alibaba Cloud CLI profile for credentials")
    common.add_argument(
        "-o", "--output", choices=("table", "json"), default="table", help="output format"
    )
    common.add_argument("--debug", action="store_true", help="show tracebacks on errors")
