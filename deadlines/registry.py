"""What each kind of timer does when it is due.

A handler runs inside the sweep's transaction while the timer row is locked, must be
idempotent (re-read and check the target's state before acting), and returns a short
outcome word stored on the timer (``"reminded"``, ``"skipped:closed"`` ...).
Adding a kind of timer: write a function and decorate it with ``@timer_handler("kind")``
in the owning app's ``timers.py``; the app's ``ready()`` imports that module.
"""

from __future__ import annotations

from collections.abc import Callable

from deadlines.models import Timer

Handler = Callable[[Timer], str]
_HANDLERS: dict[str, Handler] = {}


def timer_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not fn:
            raise RuntimeError(f"timer kind {kind!r} already has a handler")
        _HANDLERS[kind] = fn
        return fn

    return register


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def kinds() -> list[str]:
    return sorted(_HANDLERS)
