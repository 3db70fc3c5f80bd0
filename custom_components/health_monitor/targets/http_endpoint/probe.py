"""HTTP endpoints: status code, body, response time and TLS certificate expiry."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import re
import ssl
import time
from typing import Any

import aiohttp
from cryptography import x509
from yarl import URL

from homeassistant.const import CONF_METHOD, CONF_TIMEOUT, CONF_URL, CONF_VERIFY_SSL
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.util.ssl import get_default_no_verify_context

from ...engine.classification import Findings
from ...engine.models import CheckResult, ComponentType, HealthStatus, MetricValue
from ...engine.sanitize import sanitize_message
from ..base import Fault, TargetCheck, TargetError
from ..latency import IoClock, latency_only, latency_status, latency_thresholds

CONF_EXPECTED_STATUS = "expected_status"
CONF_BODY = "body"
# A script entity the incident response runs to recover the endpoint.
CONF_RECOVERY_SCRIPT = "recovery_script"

METHODS = ("GET", "HEAD")
# Outcomes kept for the success rate (a metric, and the condition of the
# endpoint recovery action; the status follows the current checks only).
SUCCESS_WINDOW = 20
# Outcomes read back from storage, at most (a longer list is not ours).
MAX_RESTORED_OUTCOMES = 1000
CERT_WARNING_DAYS = 14
CERT_DEGRADED_DAYS = 3
# A certificate changes rarely; its expiry is read once an hour, not every cycle.
CERT_REFRESH_SECONDS = 3600.0
# How long closing the connection that read the certificate may take.
CERT_CLOSE_TIMEOUT = 1.0

_RANGE = re.compile(r"^(\d{3})(?:\s*-\s*(\d{3}))?$")


class InvalidStatusCodesError(ValueError):
    """The expected status codes are not like "200" or "200-299, 301"."""


def parse_status_codes(text: str) -> tuple[tuple[int, int], ...]:
    """Return the inclusive ranges of "200", "200-299, 301" and the like."""
    ranges: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _RANGE.match(part.strip())
        if match is None:
            raise InvalidStatusCodesError(part.strip())
        low = int(match.group(1))
        high = int(match.group(2) or low)
        if not 100 <= low <= high <= 599:
            raise InvalidStatusCodesError(part.strip())
        ranges.append((low, high))
    return tuple(ranges)


def url_problem(url: str) -> str | None:
    """Return the form error of an endpoint address, if any.

    Credentials in the address are refused: they would show in the title,
    the form and every message about the target.
    """
    try:
        parsed = URL(url)
    except (TypeError, ValueError):
        return "invalid_url"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return "invalid_url"
    if parsed.user is not None or parsed.password is not None:
        return "credentials_in_url"
    return None


def without_credentials(url: str) -> str:
    """Return ``url`` without its user and password (for forms and titles)."""
    try:
        parsed = URL(url)
    except (TypeError, ValueError):
        return url
    if parsed.user is None and parsed.password is None:
        return url
    return str(parsed.with_user(None))


@dataclass(slots=True)
class _Response:
    status: int
    elapsed_ms: float
    body_found: bool | None


class HttpEndpointCheck(TargetCheck):
    """Requests an endpoint through Home Assistant's shared HTTP session.

    The status follows the current answer, so an endpoint that answers again
    is healthy at once (incidents wait for the success threshold). The
    outcomes of the last :data:`SUCCESS_WINDOW` checks give the success
    rate, a metric kept across restarts through :meth:`export_state`.
    """

    component_type = ComponentType.HTTP_ENDPOINT

    def _setup(self) -> None:
        """Watch the endpoint described by ``config``."""
        self.url = URL(self.config[CONF_URL])
        self.method: str = self.config.get(CONF_METHOD, "GET")
        self.timeout = float(self.config[CONF_TIMEOUT])
        self.verify_ssl: bool = self.config.get(CONF_VERIFY_SSL, True)
        self.expected = parse_status_codes(self.config[CONF_EXPECTED_STATUS])
        self.body: str | None = self.config.get(CONF_BODY) or None
        self._outcomes: deque[bool] = deque(maxlen=SUCCESS_WINDOW)
        self._cert_not_after: datetime | None = None
        self._cert_read_at: float | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Return a password of the address (the flow refuses them; older data may hold one)."""
        return (self.url.password,) if self.url.password else ()

    @property
    def success_rate(self) -> float | None:
        """Return the share of successful recent checks in percent."""
        if not self._outcomes:
            return None
        return round(100.0 * sum(self._outcomes) / len(self._outcomes), 1)

    def export_state(self) -> dict[str, Any]:
        """Return the outcomes behind the success rate, oldest first."""
        return {"outcomes": list(self._outcomes)}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Take back stored outcomes; anything but a list of booleans is ignored.

        Outcomes of checks made since the start stay the newest ones.
        """
        stored: object = state  # from storage: not necessarily what it claims
        if not isinstance(stored, Mapping):
            return
        outcomes = stored.get("outcomes")
        if (
            not isinstance(outcomes, list)
            or len(outcomes) > MAX_RESTORED_OUTCOMES
            or not all(isinstance(outcome, bool) for outcome in outcomes)
        ):
            return
        self._outcomes = deque([*outcomes, *self._outcomes], maxlen=SUCCESS_WINDOW)

    async def async_check(self) -> CheckResult:
        """Request the endpoint once and remember whether it answered as expected."""
        response: _Response | None = None
        error: TargetError | None = None
        try:
            response = await self._async_request()
        except TargetError as err:
            error = err
        if response is not None:
            error = self._problem(response)
        self._outcomes.append(error is None)
        metrics = await self._async_metrics(response, error)
        if error is not None:
            return CheckResult(
                status=HealthStatus.CRITICAL,
                message=sanitize_message(str(error), self.secrets),
                response_time_ms=response.elapsed_ms if response else None,
                metrics=metrics,
            )
        assert response is not None
        return self._classify(response, metrics)

    async def async_check_or_raise(self) -> CheckResult:
        """Request the endpoint once; raise TargetError unless it answers as expected."""
        response = await self._async_request()
        if error := self._problem(response):
            raise error
        return self._classify(response, await self._async_metrics(response, None))

    async def _async_request(self) -> _Response:
        session = async_get_clientsession(self.hass, verify_ssl=self.verify_ssl)
        clock = await IoClock.start()
        try:
            async with session.request(
                self.method,
                self.url,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                # The expected codes are those of this address, not of a redirect target.
                allow_redirects=False,
            ) as resp:
                body_found = None
                if self.body is not None and self.method == "GET":
                    text = await resp.text(errors="replace")
                    body_found = self.body in text
                ended = time.perf_counter()
                return _Response(
                    resp.status, await clock.elapsed_ms_until(ended), body_found
                )
        except aiohttp.ClientConnectorCertificateError as err:
            raise TargetError(
                "tls_failed",
                f"{self._label}: TLS certificate verify failed: "
                f"{_verify_message(err.certificate_error)}",
                Fault.ENCRYPTION,
            ) from err
        except aiohttp.ClientSSLError as err:
            raise TargetError(
                "tls_failed",
                f"{self._label}: TLS handshake failed: {err}",
                Fault.ENCRYPTION,
            ) from err
        except TimeoutError as err:
            raise TargetError(
                "timeout", f"{self._label}: no response within {self.timeout:g} s"
            ) from err
        except aiohttp.ClientConnectorError as err:
            raise TargetError(
                "cannot_connect",
                f"{self._label}: cannot connect: {err.strerror or err}",
                Fault.ADDRESS,
            ) from err
        except (aiohttp.ClientError, OSError, ValueError) as err:
            raise TargetError(
                "cannot_connect",
                f"{self._label}: request failed: {err}",
                Fault.ADDRESS,
            ) from err

    def _problem(self, response: _Response) -> TargetError | None:
        """Return why a response is not the expected one, if it is not."""
        if not any(low <= response.status <= high for low, high in self.expected):
            reason = (
                "invalid_auth" if response.status in (401, 403) else "unexpected_status"
            )
            return TargetError(
                reason,
                f"{self._label}: unexpected status {response.status} "
                f"(expected {self.config[CONF_EXPECTED_STATUS]})",
                Fault.ANSWER if reason == "unexpected_status" else None,
            )
        if response.body_found is False:
            return TargetError(
                "body_not_found",
                f"{self._label}: the response does not contain the expected text",
                Fault.CONTENT,
            )
        return None

    def _classify(
        self, response: _Response, metrics: dict[str, MetricValue]
    ) -> CheckResult:
        """Worst of latency and certificate expiry."""
        findings = Findings()
        # The latency comes first: with no other finding, a slow answer is
        # latency only.
        findings.add(
            latency_status(response.elapsed_ms, latency_thresholds(self.config)),
            f"{self._label}: {response.status} in {response.elapsed_ms:.1f} ms",
        )
        days = metrics.get("certificate_days")
        if isinstance(days, float):
            findings.add(
                certificate_status(days), f"certificate expires in {days:.0f} days"
            )
        return CheckResult(
            status=findings.status,
            message=", ".join(findings.texts()),
            response_time_ms=response.elapsed_ms,
            metrics=metrics,
            latency_only=latency_only(*findings.statuses),
        )

    async def _async_metrics(
        self, response: _Response | None, error: TargetError | None
    ) -> dict[str, MetricValue]:
        metrics: dict[str, MetricValue] = {
            "success_rate": self.success_rate,
            "success_rate_checks": len(self._outcomes),
        }
        if response is not None:
            metrics["status_code"] = response.status
            metrics["response_ms"] = response.elapsed_ms
        # A refused or silent server has no certificate to read; a failed
        # verification does, and its expiry tells why it failed.
        reachable = error is None or error.reason not in ("cannot_connect", "timeout")
        if self.url.scheme == "https" and reachable:
            not_after = await self._async_certificate_expiry()
            if not_after is not None:
                metrics["certificate_days"] = round(
                    (not_after - datetime.now(UTC)).total_seconds() / 86400, 2
                )
        return metrics

    async def _async_certificate_expiry(self) -> datetime | None:
        """Return when the server's certificate expires (read at most once an hour).

        aiohttp hands a finished response's connection back to its pool, so
        the certificate is read from a TLS handshake of its own. It does not
        verify, so an expired or self-signed certificate still shows its date.
        """
        now = time.monotonic()
        if (
            self._cert_read_at is not None
            and now - self._cert_read_at < CERT_REFRESH_SECONDS
        ):
            return self._cert_not_after
        host = self.url.host
        port = self.url.port or 443
        try:
            async with asyncio.timeout(self.timeout):
                _, writer = await asyncio.open_connection(
                    host,
                    port,
                    ssl=get_default_no_verify_context(),
                    server_hostname=host,
                )
        except (OSError, TimeoutError, ValueError):
            return self._cert_not_after
        try:
            ssl_object = writer.get_extra_info("ssl_object")
            der = (
                ssl_object.getpeercert(binary_form=True)
                if isinstance(ssl_object, ssl.SSLObject)
                else None
            )
            if der:
                self._cert_not_after = x509.load_der_x509_certificate(
                    der
                ).not_valid_after_utc
                self._cert_read_at = now
        except ValueError:
            self._cert_not_after = None
        finally:
            writer.close()
            # A server that hangs in the TLS shutdown would hold the check
            # for asyncio's 30 s shutdown timeout; nothing more is needed from it.
            try:
                async with asyncio.timeout(CERT_CLOSE_TIMEOUT):
                    await writer.wait_closed()
            except (OSError, ssl.SSLError, TimeoutError):
                writer.transport.abort()
        return self._cert_not_after

    @property
    def _label(self) -> str:
        return f"{self.method} {without_credentials(str(self.url))}"


def certificate_status(days_left: float) -> HealthStatus:
    """Classify the time until a certificate expires.

    Under 14 days it is a warning (time to renew), under 3 days the endpoint
    is degraded (renewal has failed); an expired one counts as under 3 days.
    """
    if days_left < CERT_DEGRADED_DAYS:
        return HealthStatus.DEGRADED
    if days_left < CERT_WARNING_DAYS:
        return HealthStatus.WARNING
    return HealthStatus.HEALTHY


def _verify_message(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return str(error.verify_message)
    return str(error)
