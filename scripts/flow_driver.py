"""Walk a config flow to its entry, answering every form with its defaults.

Shared by scripts/dev_bootstrap.py (over Home Assistant's HTTP API) and
scripts/smoke_setup.py (in-process). Both hand in flow results shaped as the HTTP API
answers them: `data_schema` serialized by voluptuous_serialize, so a form's fields are
a list of dicts with `name`, `required`, `default` and, for a section, `schema`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

FlowResult = dict[str, Any]
# Sends the answer to one step of flow `flow_id`; returns the next step.
Configure = Callable[[str, dict[str, Any]], Awaitable[FlowResult]]
MAX_STEPS = 20


class FlowError(Exception):
    """The flow did not end in a new entry."""


async def create_entry(
    result: FlowResult, configure: Configure, log: Callable[[str], None]
) -> FlowResult:
    """Answer each step of the flow that `result` started; return its create_entry.

    Forms get their defaults, menus their first option. A form shown again with
    errors means the defaults are rejected, so the flow fails instead of looping.
    """
    for _ in range(MAX_STEPS):
        step = result.get("step_id")
        match result["type"]:
            case "create_entry":
                log(f"config flow created the entry {result['title']!r}")
                return result
            case "abort":
                raise FlowError(f"config flow aborted: {result.get('reason')}")
            case "form" if result.get("errors"):
                raise FlowError(
                    f"step {step!r} rejects its defaults: {result['errors']}"
                )
            case "form":
                answer = form_defaults(result.get("data_schema") or [], step)
            case "menu":
                answer = {"next_step_id": next(iter(result["menu_options"]))}
            case other:
                raise FlowError(f"unexpected config flow result {other!r}")
        log(f"config flow step {step!r}: {answer}")
        result = await configure(result["flow_id"], answer)
    raise FlowError(f"config flow did not finish within {MAX_STEPS} steps")


def form_defaults(fields: list[dict[str, Any]], step: str | None) -> dict[str, Any]:
    """Answer a serialized form with its defaults (optional fields without one left out)."""
    answer: dict[str, Any] = {}
    for field in fields:
        name = field["name"]
        if field.get("type") == "expandable":  # a section
            answer[name] = form_defaults(field.get("schema") or [], step)
        elif "default" in field:
            answer[name] = field["default"]
        elif field.get("required"):
            raise FlowError(
                f"step {step!r}: required field {name!r} has no default; "
                "finish it in the UI instead"
            )
    return answer
