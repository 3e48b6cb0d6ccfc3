"""How every ``*_output`` function runs a blocking lookup inside a Pulumi program."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")

#: Lookups of one program that may wait on the API at once. asyncio's default executor has
#: ``min(32, cpu_count + 4)`` threads (6 on a 2-core CI runner), which would queue the list
#: calls of a program touching 32 namespaces into six rounds; the lookup core's own limit
#: (``alicloud_flink.lookup.MAX_CONCURRENCY``) is the same 32.
MAX_CONCURRENT_LOOKUPS = 32


def lookup_output(
    lookup: Callable[..., T],
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None,
    **inputs: pulumi.Input[Any],
) -> pulumi.Output[T]:
    """``lookup(**values)`` as an Output, once every input has a value and ``opts.depends_on``
    has settled.

    The result depends on every input (``Output.all``) and on the ``depends_on`` resources of
    ``InvokeOutputOptions``, and is secret when any input is secret. At preview, while an input
    is unknown or a resource it depends on is still to be created, ``lookup`` is not called and
    the result is unknown: no API request is made for a value the engine does not know yet (as
    Pulumi does for an invoke whose dependencies are pending). The other options (``parent``,
    ``provider``, ``version``) choose a provider plugin, which these lookups do not use. The
    blocking call runs in a worker thread of this package's own pool (with the caller's context
    variables, as ``asyncio.to_thread`` would), so the event loop stays free and up to
    :data:`MAX_CONCURRENT_LOOKUPS` lookups of one program wait on the API at once.
    """

    async def run(values: dict[str, Any]) -> T:
        call = functools.partial(contextvars.copy_context().run, lookup, **values)
        return await asyncio.get_running_loop().run_in_executor(_executor(), call)

    settled = _dependencies_settled(opts)
    return pulumi.Output.all(settled, pulumi.Output.all(**inputs)).apply(lambda both: run(both[1]))


def _dependencies_settled(
    opts: pulumi.InvokeOptions | pulumi.InvokeOutputOptions | None,
) -> pulumi.Output[list[str]]:
    """Known once every ``depends_on`` resource exists, carrying them as dependencies.

    A custom resource exists once its id is known; a component (which has no id) once it is
    registered, so list the custom resources themselves to wait for a component's children.
    """
    depends_on = opts.depends_on if isinstance(opts, pulumi.InvokeOutputOptions) else None
    if depends_on is None:
        return pulumi.Output.from_input([])
    return pulumi.Output.from_input(depends_on).apply(_existence)


def _existence(resources: object) -> pulumi.Output[list[str]]:
    """The ids of custom resources and the URNs of components, as one Output."""
    from alicloud_flink.errors import InvalidInputError

    listed = resources if isinstance(resources, Sequence) else [resources]
    gates: list[pulumi.Output[str]] = []
    for resource in listed:
        if not isinstance(resource, pulumi.Resource):
            raise InvalidInputError(
                "opts.depends_on", f"must hold resources, not {type(resource).__name__}"
            )
        gates.append(resource.id if isinstance(resource, pulumi.CustomResource) else resource.urn)
    return pulumi.Output.all(*gates)


@functools.cache
def _executor() -> ThreadPoolExecutor:
    """The pool, made on first use; its threads start only as lookups need them."""
    return ThreadPoolExecutor(MAX_CONCURRENT_LOOKUPS, thread_name_prefix="flink-lookup")
