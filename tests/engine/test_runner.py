"""Running checks concurrently, each isolated by its own timeout."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import time
from typing import Any

from custom_components.health_monitor.engine.models import (
    CheckResult,
    ComponentType,
    HealthStatus,
)
from custom_components.health_monitor.engine.runner import run_check, run_checks


@dataclass
class FakeCheck:
    """A check whose observation is a given coroutine function."""

    component_id: str
    observe: Callable[[], Awaitable[Any]]
    name: str = "Fake"
    component_type: ComponentType = ComponentType.HTTP_ENDPOINT

    async def async_check(self) -> CheckResult:
        """Return whatever ``observe`` produces."""
        return await self.observe()


def answering(status: HealthStatus, **kwargs: Any) -> Callable[[], Awaitable[Any]]:
    """Return an observation that answers at once with ``status``."""

    async def observe() -> CheckResult:
        return CheckResult(status=status, message=f"{status} answer", **kwargs)

    return observe


def sleeping(seconds: float) -> Callable[[], Awaitable[Any]]:
    """Return an observation that hangs for ``seconds``."""

    async def observe() -> CheckResult:
        await asyncio.sleep(seconds)
        return CheckResult(status=HealthStatus.HEALTHY, message="late")

    return observe


def raising(error: Exception) -> Callable[[], Awaitable[Any]]:
    """Return an observation that raises ``error``."""

    async def observe() -> CheckResult:
        raise error

    return observe


def returning(value: Any) -> Callable[[], Awaitable[Any]]:
    """Return an observation that returns ``value`` as it is."""

    async def observe() -> Any:
        return value

    return observe


async def test_hanging_check_does_not_delay_the_others() -> None:
    """The cycle ends near the timeout, not after the slowest check."""
    checks = [
        FakeCheck("fast1", answering(HealthStatus.HEALTHY)),
        FakeCheck("sleeper", sleeping(5)),
        FakeCheck("fast2", answering(HealthStatus.WARNING)),
        FakeCheck("fast3", answering(HealthStatus.DEGRADED)),
    ]
    start = time.perf_counter()
    results = await run_checks(checks, timeout=0.2)
    elapsed = time.perf_counter() - start

    assert elapsed < 1.5
    assert [result.status for result in results] == [
        HealthStatus.HEALTHY,
        HealthStatus.CRITICAL,
        HealthStatus.WARNING,
        HealthStatus.DEGRADED,
    ]
    assert results[1].message.startswith("No answer within")


async def test_timed_out_check_is_critical_with_the_timeout_as_response_time() -> None:
    """A check past its timeout reports the timeout, in seconds and milliseconds."""
    result = await run_check(FakeCheck("sleeper", sleeping(5)), timeout=0.05)
    assert result.status is HealthStatus.CRITICAL
    assert result.message == "No answer within 0.05 s"
    assert result.response_time_ms == 50.0


async def test_checks_run_concurrently() -> None:
    """Every check is started before any has to finish."""
    all_started = asyncio.Event()
    started: list[str] = []

    def waiting_for_all(component_id: str) -> Callable[[], Awaitable[Any]]:
        async def observe() -> CheckResult:
            started.append(component_id)
            if len(started) == 3:
                all_started.set()
            await all_started.wait()
            return CheckResult(status=HealthStatus.HEALTHY, message=component_id)

        return observe

    checks = [FakeCheck(cid, waiting_for_all(cid)) for cid in ("a", "b", "c")]
    results = await run_checks(checks, timeout=1)
    assert [result.status for result in results] == [HealthStatus.HEALTHY] * 3


async def test_results_come_back_in_the_order_of_the_checks() -> None:
    """Whichever finishes first, results line up with the checks."""

    async def slow_healthy() -> CheckResult:
        await asyncio.sleep(0.05)
        return CheckResult(status=HealthStatus.HEALTHY, message="slow")

    checks = [
        FakeCheck("slow", slow_healthy),
        FakeCheck("fast", answering(HealthStatus.CRITICAL)),
    ]
    results = await run_checks(checks, timeout=1)
    assert [result.message for result in results] == ["slow", "critical answer"]


async def test_no_checks_give_no_results() -> None:
    """An empty cycle is fine."""
    assert await run_checks([], timeout=1) == []


async def test_raising_check_is_critical_and_others_are_intact() -> None:
    """An exception becomes a critical result; the other checks are unaffected."""
    checks = [
        FakeCheck("ok", answering(HealthStatus.HEALTHY, metrics={"cpu": 12.0})),
        FakeCheck("broken", raising(RuntimeError("boom"))),
        FakeCheck("warn", answering(HealthStatus.WARNING)),
    ]
    results = await run_checks(checks, timeout=1)

    assert results[1].status is HealthStatus.CRITICAL
    assert results[1].message == "Check failed: RuntimeError: boom"
    assert results[1].response_time_ms is not None
    assert results[0].status is HealthStatus.HEALTHY
    assert results[0].metrics == {"cpu": 12.0}
    assert results[2].status is HealthStatus.WARNING


async def test_exception_message_does_not_leak_credentials() -> None:
    """Passwords in an exception message never reach the result."""
    error = ConnectionError(
        "cannot connect to postgresql://user:secret@host/db (password=hunter2)"
    )
    result = await run_check(FakeCheck("db", raising(error)), timeout=1)
    assert result.status is HealthStatus.CRITICAL
    assert "secret" not in result.message
    assert "hunter2" not in result.message
    assert "postgresql://***@host/db" in result.message


async def test_result_message_is_sanitized() -> None:
    """A check's own message is sanitized as well."""

    async def leaky() -> CheckResult:
        return CheckResult(
            status=HealthStatus.HEALTHY, message="ok via mqtt://bob:hunter2@broker"
        )

    result = await run_check(FakeCheck("mqtt", leaky), timeout=1)
    assert "hunter2" not in result.message
    assert result.message == "ok via mqtt://***@broker"


async def test_garbage_result_is_unknown() -> None:
    """A check returning something that is not a CheckResult is unknown."""
    result = await run_check(FakeCheck("odd", returning({"status": "ok"})), timeout=1)
    assert result.status is HealthStatus.UNKNOWN
    assert result.message == "Check returned an invalid result"
    assert result.response_time_ms is not None


async def test_result_with_a_status_that_is_not_a_health_status_is_unknown() -> None:
    """A plain string status is not trusted."""
    garbage = CheckResult(status="healthy", message="looks fine")  # type: ignore[arg-type]
    result = await run_check(FakeCheck("odd", returning(garbage)), timeout=1)
    assert result.status is HealthStatus.UNKNOWN


async def test_check_response_time_is_kept_when_the_check_measured_one() -> None:
    """A check's own measurement wins over the runner's."""
    check = FakeCheck("m", answering(HealthStatus.HEALTHY, response_time_ms=123.4))
    result = await run_check(check, timeout=1)
    assert result.response_time_ms == 123.4


async def test_runner_measures_response_time_when_the_check_did_not() -> None:
    """Without a measurement the time the check took is used."""
    check = FakeCheck("m", sleeping(0.05))
    result = await run_check(check, timeout=1)
    assert result.response_time_ms is not None
    assert result.response_time_ms >= 40


async def test_result_with_a_message_that_is_not_text_is_unknown() -> None:
    """A result whose message is not a string is garbage, not a crash of the cycle."""
    garbage = CheckResult(status=HealthStatus.HEALTHY, message=None)  # type: ignore[arg-type]
    result = await run_check(FakeCheck("odd", returning(garbage)), timeout=1)
    assert result.status is HealthStatus.UNKNOWN


async def test_timeout_error_raised_by_the_check_is_a_failure_not_a_timeout() -> None:
    """A check's own timeout error is a failure reported at once, not a missed deadline."""
    result = await run_check(
        FakeCheck("db", raising(TimeoutError("socket timed out"))), timeout=5
    )
    assert result.status is HealthStatus.CRITICAL
    assert result.message == "Check failed: TimeoutError: socket timed out"
    assert result.response_time_ms is not None
    assert result.response_time_ms < 5000
