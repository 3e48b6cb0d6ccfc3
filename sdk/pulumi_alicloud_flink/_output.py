"""How every ``*_output`` function runs a blocking lookup inside a Pulumi program."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")

#: Lookups of one program that may wait on the API at once. asyncio's default executor has
#: ``min(32, cpu_count + 4)`` threads (6 on a 2-core CI runner), which would queue the list
#: calls of a program touching 32 namespaces into six rounds; the lookup core's own limit
#: (``alicloud_flink.lookup.MAX_CONCURRENCY``) is the same 32.
MAX_CONCURRENT_LOOKUPS = 32


def lookup_output(lookup: Callable[..., T], **inputs: pulumi.Input[Any]) -> pulumi.Output[T]:
    """``lookup(**values)`` as an Output, once every input has a value.

    The result depends on every input (``Output.all``) and is secret when any input is secret.
    At preview, while an input is unknown, ``lookup`` is not called and the result is unknown:
    no API request is made for a value the engine does not know yet. The blocking call runs in
    a worker thread of this package's own pool (with the caller's context variables, as
    ``asyncio.to_thread`` would), so the event loop stays free and up to
    :data:`MAX_CONCURRENT_LOOKUPS` lookups of one program wait on the API at once.
    """

    async def run(values: dict[str, Any]) -> T:
        call = functools.partial(contextvars.copy_context().run, lookup, **values)
        return await asyncio.get_running_loop().run_in_executor(_executor(), call)

    return pulumi.Output.all(**inputs).apply(run)


@functools.cache
def _executor() -> ThreadPoolExecutor:
    """The pool, made on first use; its threads start only as lookups need them."""
    return ThreadPoolExecutor(MAX_CONCURRENT_LOOKUPS, thread_name_prefix="flink-lookup")
