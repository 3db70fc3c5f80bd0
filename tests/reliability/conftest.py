"""Fixtures of the fault suite, and the figures it prints at the end of a run.

``pytest tests/reliability -q`` ends with one line: faults survived of
tried, incident changes a power cut would have lost, and bad inputs rejected
of tried (README, Reliability).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
import logging
from pathlib import Path

import pytest

from .figures import FIGURES
from .servers import Broker, tcp_listener


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker of fault scenarios."""
    config.addinivalue_line(
        "markers", "fault(name): a fault scenario counted in the suite's figures"
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count a fault as survived only if setup, test and teardown all passed."""
    if "fault" not in report.keywords:
        return
    FIGURES.faults_tried.add(report.nodeid)
    if report.failed:
        FIGURES.faults_failed.add(report.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures once the suite ran."""
    if FIGURES.faults_tried or FIGURES.bad_inputs_tried or FIGURES.checkpoints:
        terminalreporter.write_line(FIGURES.summary())


@pytest.fixture(autouse=True)
def reliability_sockets(socket_enabled: None) -> None:
    """Let every test of the suite reach its servers on loopback."""


def _is_traceback(record: logging.LogRecord) -> bool:
    """Whether a record shows a traceback a user would find in the log.

    asyncio's debug mode (on in tests) logs every handled TLS handshake
    failure with its traceback at debug level; Home Assistant runs without it.
    """
    if record.exc_info is None and "Traceback" not in record.getMessage():
        return False
    return record.levelno >= logging.INFO or record.name.startswith(
        "custom_components.health_monitor"
    )


@pytest.fixture(autouse=True)
def no_traceback(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test whose log holds a traceback (an error nobody handled)."""
    yield
    broken = [
        record
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)  # type: ignore[arg-type]
        if _is_traceback(record)
    ]
    assert not broken, "\n".join(
        logging.Formatter().format(record) for record in broken
    )


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    """Run a private Mosquitto for one test and stop it afterwards."""
    server = Broker(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def bystander_port() -> AsyncGenerator[int]:
    """Return the port of a healthy TCP service that no fault touches."""
    async with tcp_listener() as port:
        yield port
