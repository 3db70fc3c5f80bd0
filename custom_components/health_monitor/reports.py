"""What the read actions and diagnostics report about health."""

from __future__ import annotations

from typing import Any

from .engine.models import ComponentHealth, SystemHealth


def component_report(component: ComponentHealth) -> dict[str, Any]:
    """Describe one component for service responses and diagnostics."""
    return {
        "name": component.name,
        "type": component.component_type.value,
        "status": component.status.value,
        "message": component.message,
        "response_time_ms": component.response_time_ms,
        "metrics": dict(component.metrics),
        "details": dict(component.details),
        "consecutive_failures": component.consecutive_failures,
        "uptime_percent": component.uptime_percent,
        "last_checked": component.last_checked.isoformat()
        if component.last_checked
        else None,
    }


def health_report(health: SystemHealth) -> dict[str, Any]:
    """Describe the whole installation for get_health and diagnostics."""
    return {
        "system": {
            "status": health.status.value,
            "health_score": health.health_score,
            "performance_score": health.performance_score,
            "counts": {status.value: count for status, count in health.counts.items()},
            "uptime_seconds": health.uptime_seconds,
            "last_cycle": health.cycle_started.isoformat(),
            "cycle_duration_ms": health.cycle_duration_ms,
        },
        "components": {
            component_id: component_report(component)
            for component_id, component in health.components.items()
        },
    }
