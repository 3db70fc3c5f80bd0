"""Running checks concurrently, each isolated by its own timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import time
from typing import Protocol

from .models import CheckResult, ComponentType, HealthStatus, elapsed_ms
from .sanitize import sanitize_message


class Check(Protocol):
    """Something that can observe one component."""

    @property
    def component_id(self) -> str:
        """Stable identifier of the component (unique within an installation)."""

    @property
    def name(self) -> str:
        """Human-readable component name."""

    @property
    def component_type(self) -> ComponentType:
        """Kind of component."""

    async def async_check(self) -> CheckResult:
        """Observe the component once."""


async def run_check(check: Check, timeout: float) -> CheckResult:
    """Run one check; never raise, never take much longer than ``timeout``.

    A check that raises becomes critical, one that hangs past its timeout
    becomes critical, and one that returns something that is not a
    :class:`CheckResult` becomes unknown. The response time is the check's own
    measurement when it made one, else the time the check took.
    """
    start = time.perf_counter()
    deadline = asyncio.timeout(timeout)
    try:
        async with deadline:
            result: object = await check.async_check()
    except Exception as err:  # noqa: BLE001 - a broken check must not break the cycle
        if isinstance(err, TimeoutError) and deadline.expired():
            return CheckResult(
                status=HealthStatus.CRITICAL,
                message=f"No answer within {timeout:g} s",
                response_time_ms=round(timeout * 1000.0, 1),
            )
        return CheckResult(
            status=HealthStatus.CRITICAL,
            message=sanitize_message(f"Check failed: {type(err).__name__}: {err}"),
            response_time_ms=elapsed_ms(start),
        )
    if (
        not isinstance(result, CheckResult)
        or not isinstance(result.status, HealthStatus)
        or not isinstance(result.message, str)
        or not isinstance(result.metrics, dict)
    ):
        return CheckResult(
            status=HealthStatus.UNKNOWN,
            message="Check returned an invalid result",
            response_time_ms=elapsed_ms(start),
        )
    if result.response_time_ms is None:
        result.response_time_ms = elapsed_ms(start)
    result.message = sanitize_message(result.message)
    return result


async def run_checks(checks: Sequence[Check], timeout: float) -> list[CheckResult]:
    """Run every check concurrently; results come back in the order of ``checks``."""
    return list(await asyncio.gather(*(run_check(check, timeout) for check in checks)))
