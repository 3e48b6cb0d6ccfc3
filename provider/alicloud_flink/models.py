"""The SessionCluster schema of the Flink API (2022-07-18), declared once.

Fields are snake_case in Python and camelCase on the wire (an alias generator, not a hand-written
table). The one deliberate rename, ``name`` → ``session_cluster_name``, gives Python the
attribute names of Terraform's ``alicloud_realtime_compute_session_clusters`` data source, so
``model_dump()`` *is* the Terraform-style record (used for ``output_file``) and
``model_dump(by_alias=True)`` is the API's own JSON.

Every field is optional because the service may omit or null any of them; unknown fields are
kept (``extra="allow"``) so a newer API does not lose data; label values may be any JSON value
(the reference example has ``"test2": 1``).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, JsonValue, computed_field

from alicloud_flink.wire import to_wire_name

DataT = TypeVar("DataT")


class WireModel(BaseModel):
    """Base of every API object: camelCase aliases, tolerant of omissions and new fields."""

    model_config = ConfigDict(
        alias_generator=to_wire_name, populate_by_name=True, extra="allow", frozen=True
    )


class ResourceSpec(WireModel):
    """CPU and memory of the JobManager or of each TaskManager."""

    cpu: float | None = None
    memory: str | None = None


class BasicResourceSetting(WireModel):
    """Parallelism and the resource specs of the session cluster's Flink processes."""

    parallelism: int | None = None
    jobmanager_resource_setting_spec: ResourceSpec | None = None
    taskmanager_resource_setting_spec: ResourceSpec | None = None


class Log4jLogger(WireModel):
    """One logger and its level."""

    logger_name: str | None = None
    logger_level: str | None = None


class LogReservePolicy(WireModel):
    """Whether log history is kept, and for how many days."""

    open_history: bool | None = None
    expiration_days: int | None = None


class Logging(WireModel):
    """Logging profile, the Log4j2 template and loggers, and the retention policy."""

    logging_profile: str | None = None
    log4j2_configuration_template: str | None = None
    log4j_loggers: list[Log4jLogger] | None = None
    log_reserve_policy: LogReservePolicy | None = None


class StatusFailure(WireModel):
    """Why the session cluster last failed (filled by GetSessionCluster)."""

    message: str | None = None
    reason: str | None = None
    failed_at: int | None = None


class StatusRunning(WireModel):
    """Run-time facts of a running session cluster (filled by GetSessionCluster)."""

    started_at: int | None = None
    last_update_time: int | None = None
    reference_deployment_ids: list[str] | None = None


class SessionClusterStatus(WireModel):
    """The cluster's current state (``RUNNING`` …) with failure and running details."""

    current_session_cluster_status: str | None = None
    failure: StatusFailure | None = None
    running: StatusRunning | None = None


class SessionCluster(WireModel):
    """A session cluster as ListSessionClusters and GetSessionCluster return it."""

    workspace: str | None = None
    namespace: str | None = None
    session_cluster_id: str | None = None
    session_cluster_name: str | None = Field(
        default=None,
        validation_alias=AliasChoices("name", "session_cluster_name"),
        serialization_alias="name",
    )
    deployment_target_name: str | None = None
    engine_version: str | None = None
    labels: dict[str, JsonValue] | None = None
    flink_conf: dict[str, JsonValue] | None = None
    basic_resource_setting: BasicResourceSetting | None = None
    logging: Logging | None = None
    status: SessionClusterStatus | None = None
    creator: str | None = None
    creator_name: str | None = None
    modifier: str | None = None
    modifier_name: str | None = None
    created_at: int | None = None
    modified_at: int | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def id(self) -> str:
        """The Terraform-style id ``<workspace>:<namespace>:<name>``."""
        return cluster_id(self.workspace or "", self.namespace or "", self.session_cluster_name)

    @property
    def current_status(self) -> str | None:
        """Shortcut to ``status.current_session_cluster_status``."""
        return self.status.current_session_cluster_status if self.status else None


class ResponseEnvelope(WireModel, Generic[DataT]):
    """The body every Flink API call returns; ``success`` decides, not the HTTP status."""

    request_id: str | None = None
    success: bool | None = None
    http_code: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    data: DataT | None = None


ListSessionClustersResponse = ResponseEnvelope[list[SessionCluster]]
GetSessionClusterResponse = ResponseEnvelope[SessionCluster]
RawEnvelope = ResponseEnvelope[Any]

#: Wire (camelCase) key of each SessionCluster field, derived from the model, for the fast
#: filters that read raw JSON before any cluster is validated.
WIRE_KEYS: dict[str, str] = {
    name: (info.serialization_alias or info.alias or name)
    for name, info in SessionCluster.model_fields.items()
}
STATUS_KEY = SessionClusterStatus.model_fields["current_session_cluster_status"].alias or ""


def cluster_id(workspace: str, namespace: str, name: str | None) -> str:
    """Terraform's id for a session cluster: ``<workspace>:<namespace>:<name>``."""
    return f"{workspace}:{namespace}:{name or ''}"
