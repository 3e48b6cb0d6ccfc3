"""Acceptance tests against the real Alibaba Cloud API; run with ``make live`` only.

They need ``ALICLOUD_FLINK_LIVE=1``, ``ALICLOUD_FLINK_LIVE_WORKSPACE``,
``ALICLOUD_FLINK_LIVE_NAMESPACE``, a region (``ALICLOUD_REGION``) and read-only credentials from
the usual sources. ``make test`` deselects them (no machine of this project reaches the cloud);
run without that set-up, they fail with a message saying what is missing rather than skip.
"""

from __future__ import annotations

import os

import pytest
from alicloud_flink import lookup
from alicloud_flink.errors import AuthenticationError
from alicloud_flink.lookup import ClusterQuery, find_cluster, find_clusters
from alicloud_flink.settings import resolve_settings

pytestmark = pytest.mark.live


@pytest.fixture
def target() -> tuple[str, str]:
    missing = [
        name
        for name in ("ALICLOUD_FLINK_LIVE_WORKSPACE", "ALICLOUD_FLINK_LIVE_NAMESPACE")
        if not os.environ.get(name)
    ]
    if os.environ.get("ALICLOUD_FLINK_LIVE") != "1" or missing:
        pytest.fail(
            f"live tests need ALICLOUD_FLINK_LIVE=1 and {', '.join(missing) or 'credentials'}"
        )
    lookup.clear_cache()
    return os.environ["ALICLOUD_FLINK_LIVE_WORKSPACE"], os.environ["ALICLOUD_FLINK_LIVE_NAMESPACE"]


def test_every_cluster_of_the_namespace_parses_and_looks_up_singly(target: tuple[str, str]) -> None:
    workspace, namespace = target
    settings = resolve_settings()
    search = find_clusters(ClusterQuery.build(workspace, namespace), settings)
    assert search.request_id
    for name in search.names:
        found = find_cluster(ClusterQuery.build(workspace, namespace, name=name), settings)
        assert found.id == f"{workspace}:{namespace}:{name}"


def test_a_wrong_secret_is_an_authentication_error(target: tuple[str, str]) -> None:
    workspace, namespace = target
    real = resolve_settings()
    wrong = resolve_settings(
        region=real.region,
        endpoint=real.base_url,
        access_key_id="LTAIlive",
        access_key_secret="x" * 30,
    )
    with pytest.raises(AuthenticationError):
        find_clusters(ClusterQuery.build(workspace, namespace), wrong)
