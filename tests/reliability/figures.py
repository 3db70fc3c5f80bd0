"""The figures the fault suite reports at the end of a run (README, Reliability).

Faults are counted per test marked ``fault``: tried when it runs, survived
when setup, test and teardown all pass (teardown catches leaked tasks and
tracebacks). Bad inputs are counted per distinct value and place it was
tried in, so Hypothesis replaying an example while it shrinks counts it once.
Data lost is what a power cut one second after a change would lose: timeline
entries of incidents held in memory but not yet on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Figures:
    """Counts gathered while the suite runs."""

    faults_tried: set[str] = field(default_factory=set)
    faults_failed: set[str] = field(default_factory=set)
    bad_inputs_tried: set[str] = field(default_factory=set)
    bad_inputs_rejected: set[str] = field(default_factory=set)
    checkpoints: int = 0
    entries_lost: int = 0

    def bad_input(self, where: str, value: object, *, rejected: bool) -> None:
        """Count one bad value tried in ``where`` and whether it was rejected."""
        key = f"{where}={value!r:.200}#{len(repr(value))}"
        self.bad_inputs_tried.add(key)
        if rejected:
            self.bad_inputs_rejected.add(key)

    def saved(self, lost: int) -> None:
        """Count one check of the disk against memory and what it missed."""
        self.checkpoints += 1
        self.entries_lost += lost

    def summary(self) -> str:
        """Return the one line printed at the end of the session."""
        tried = len(self.faults_tried)
        survived = tried - len(self.faults_failed & self.faults_tried)
        return (
            f"Reliability: faults survived {survived} of {tried} tried; "
            f"data lost {self.entries_lost} incident changes "
            f"({self.checkpoints} power-cut checkpoints); "
            f"bad inputs rejected {len(self.bad_inputs_rejected)} of "
            f"{len(self.bad_inputs_tried)} tried"
        )


FIGURES = Figures()
