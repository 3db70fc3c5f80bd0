"""How long things have been in a condition, and the level each has reached.

An entity unavailable for ten minutes, a sensor not reported for six hours:
each thing's clock starts when it entered the condition, and it reaches a
level once its clock passes that level's age. Starting, restarting and
stopping a clock cost O(1): each level keeps the things still waiting for
it in the order their clocks started, so :meth:`ConditionAges.advance` looks
only at the things that are due, plus one per level. Clocks normally start
in time order (events arrive in order); clocks that start earlier than the
newest one waiting (things that joined late, with old clocks) make that
level's queue sorted once before it is next read.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import HealthStatus


@dataclass(frozen=True, slots=True)
class AgeLevel:
    """A status reached once a condition has lasted ``after`` (at that age exactly)."""

    after: timedelta
    status: HealthStatus


class ConditionAges:
    """Clocks of things in one condition, each at the level its age reached."""

    def __init__(self, levels: Sequence[AgeLevel]) -> None:
        """Track ``levels`` (any order; the longer age is the later level)."""
        self.levels = tuple(sorted(levels, key=lambda level: level.after))
        # _waiting[i]: things that have not reached level i yet (but level i - 1).
        self._waiting: list[OrderedDict[str, datetime]] = [
            OrderedDict() for _ in self.levels
        ]
        self._since: dict[str, datetime] = {}
        # Index of the level each thing reached, for those that reached one.
        self._reached: dict[str, int] = {}
        # Index of the queue each waiting thing is in.
        self._queue_of: dict[str, int] = {}
        # Queues a clock joined out of order; sorted before they are read.
        self._unsorted: set[int] = set()

    def __bool__(self) -> bool:
        """Whether there are levels to reach at all."""
        return bool(self.levels)

    def __contains__(self, key: object) -> bool:
        """Whether ``key``'s clock runs."""
        return key in self._since

    def __len__(self) -> int:
        """Return how many clocks run."""
        return len(self._since)

    def since(self, key: str) -> datetime | None:
        """Return when ``key`` entered the condition, if it is in it."""
        return self._since.get(key)

    def status(self, key: str) -> HealthStatus | None:
        """Return the status of the level ``key`` reached, if any."""
        index = self._reached.get(key)
        return None if index is None else self.levels[index].status

    def reached(self) -> Iterator[tuple[str, HealthStatus, datetime]]:
        """Yield each thing that reached a level: key, status, since (O(reached))."""
        for key, index in self._reached.items():
            yield key, self.levels[index].status, self._since[key]

    @property
    def reached_count(self) -> int:
        """Return how many things reached a level."""
        return len(self._reached)

    def start(self, key: str, since: datetime) -> bool:
        """(Re)start ``key``'s clock at ``since``; return whether its status changed.

        Its status changes when it had reached a level: a restarted clock
        starts from no level.
        """
        if not self.levels:
            return False
        had_level = self.stop(key)
        self._since[key] = since
        self._wait(0, key, since)
        return had_level

    def stop(self, key: str) -> bool:
        """Stop ``key``'s clock (it left the condition); return whether it had a level."""
        if self._since.pop(key, None) is None:
            return False
        queue = self._queue_of.pop(key, None)
        if queue is not None:
            del self._waiting[queue][key]
        return self._reached.pop(key, None) is not None

    def advance(self, now: datetime) -> list[str]:
        """Move every clock that is due to its level; return the keys that changed."""
        changed: list[str] = []
        last = len(self.levels) - 1
        for index, level in enumerate(self.levels):
            queue = self._queue(index)
            started_by = now - level.after
            while queue:
                key, since = next(iter(queue.items()))
                if since > started_by:
                    break
                del queue[key]
                self._reached[key] = index
                changed.append(key)
                if index < last:
                    self._wait(index + 1, key, since)
                else:
                    del self._queue_of[key]
        return changed

    def next_due(self) -> datetime | None:
        """Return when the next clock reaches a level (None: none waits)."""
        due = [
            next(iter(queue.values())) + level.after
            for level, queue in zip(
                self.levels, map(self._queue, range(len(self.levels))), strict=True
            )
            if queue
        ]
        return min(due, default=None)

    def _wait(self, index: int, key: str, since: datetime) -> None:
        """Queue ``key`` for level ``index``; a clock out of order marks it unsorted."""
        queue = self._waiting[index]
        if queue and next(reversed(queue.values())) > since:
            self._unsorted.add(index)
        queue[key] = since
        self._queue_of[key] = index

    def _queue(self, index: int) -> OrderedDict[str, datetime]:
        """Return the queue of level ``index`` in clock order (sorting it if needed).

        Many clocks joining at once (a start, a label's new members) cost one
        sort, not one each.
        """
        queue = self._waiting[index]
        if index in self._unsorted:
            self._unsorted.discard(index)
            ordered = sorted(queue.items(), key=lambda item: item[1])
            queue.clear()
            queue.update(ordered)
        return queue
