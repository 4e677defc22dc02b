"""What each kind of timer does when it is due: the ``deadlines.timer_handlers`` point.

A handler ``fn(timer) -> str`` runs inside the sweep's transaction while the timer row
is locked, must be idempotent (re-read and check the target's state before acting),
and returns a short outcome word stored on the timer (``"reminded"``,
``"skipped:closed"`` ...). Adding a kind of timer: write the function in the owning
app and register it in that app's ``extensions.py`` with
``timer_handlers.register("kind")(fn)`` (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Callable

from deadlines.models import Timer
from takedown.extensions import Registry

Handler = Callable[[Timer], str]

timer_handlers = Registry(
    "deadlines.timer_handlers",
    "fn(timer) -> outcome word, by timer kind: runs when a timer of that kind is due, inside the "
    "sweep's transaction with the timer row locked; idempotent.",
)


def timer_handler(kind: str) -> Callable[[Handler], Handler]:
    """Decorator form of ``timer_handlers.register(kind)``."""
    return timer_handlers.register(kind)


def handler_for(kind: str) -> Handler | None:
    return timer_handlers.get(kind)


def kinds() -> list[str]:
    return timer_handlers.keys()
