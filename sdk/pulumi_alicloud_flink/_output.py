"""How every ``*_output`` function runs a blocking lookup inside a Pulumi program."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import pulumi

T = TypeVar("T")


def lookup_output(lookup: Callable[..., T], **inputs: pulumi.Input[Any]) -> pulumi.Output[T]:
    """``lookup(**values)`` as an Output, once every input has a value.

    The result depends on every input (``Output.all``) and is secret when any input is secret.
    At preview, while an input is unknown, ``lookup`` is not called and the result is unknown:
    no API request is made for a value the engine does not know yet. The blocking call runs in
    a worker thread, so the event loop stays free and many lookups of one program run at once.
    """

    async def run(values: dict[str, Any]) -> T:
        return await asyncio.to_thread(lookup, **values)

    return pulumi.Output.all(**inputs).apply(run)
