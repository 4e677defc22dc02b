"""Extension points: the one way a lower layer lets higher layers take part.

The apps are layered (docs/ARCHITECTURE.md): each imports only from the layers below
it, and import-linter keeps it so in CI. When a lower layer must let a higher one act
(intake asks whether the submitter is suspended from filing, the timer engine runs
handlers for timers other apps schedule, a decision must reach the host platform), it
declares an extension point in its own ``hooks.py``, and each higher app connects its
functions in its ``extensions.py``.

There are two kinds of points:

- ``Hook``: every connected function runs, in layer order, with the caller's
  arguments, inside the caller's transaction; a function that raises stops the call,
  so a refusal (``DomainError``) or a failure rolls the caller's change back. The
  results come back as a list, in the same order.
- ``Registry``: one function per key (a timer kind, a webhook event type).

``load()`` imports every app's ``hooks``, ``events`` and ``extensions`` modules, in
``LAYERS`` order, once at start-up (``takedown.apps``): so the order in which functions run is the layer order,
never the order of ``INSTALLED_APPS``, and every point and what connects to it can be
listed (``points()``).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from typing import Any

# Lowest first. Apps in one layer never import each other (import-linter contract).
LAYERS: tuple[str, ...] = (
    "takedown",
    "audit",
    "deadlines",
    "complaints",
    "moderation",
    "hostplatform",
    "prevention",
    "preservation",
    "reports",
)

_POINTS: dict[str, Hook | Registry] = {}


def _check_name(name: str) -> None:
    if name in _POINTS:
        raise RuntimeError(f"extension point {name!r} is declared twice")


class Hook:
    """A point where higher layers add behaviour to a lower layer's operation."""

    def __init__(self, name: str, doc: str) -> None:
        _check_name(name)
        self.name = name
        self.doc = doc
        self._receivers: list[Callable[..., Any]] = []
        _POINTS[name] = self

    def connect(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Connect ``fn`` (usable as a decorator). Connecting twice is a no-op."""
        if fn not in self._receivers:
            self._receivers.append(fn)
        return fn

    def __call__(self, *args: Any, **kwargs: Any) -> list[Any]:
        return [fn(*args, **kwargs) for fn in self._receivers]

    @property
    def receivers(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._receivers)

    def __repr__(self) -> str:
        return f"<Hook {self.name} ({len(self._receivers)} connected)>"


class Registry:
    """A point where higher layers supply the one function for a key."""

    def __init__(self, name: str, doc: str) -> None:
        _check_name(name)
        self.name = name
        self.doc = doc
        self._handlers: dict[str, Callable[..., Any]] = {}
        _POINTS[name] = self

    def register(self, key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            current = self._handlers.get(key)
            if current is not None and current is not fn:
                raise RuntimeError(f"{self.name}: {key!r} already has a handler ({current.__qualname__})")
            self._handlers[key] = fn
            return fn

        return decorator

    def get(self, key: str) -> Callable[..., Any] | None:
        return self._handlers.get(key)

    def keys(self) -> list[str]:
        return sorted(self._handlers)

    @property
    def receivers(self) -> tuple[Callable[..., Any], ...]:
        return tuple(self._handlers[key] for key in self.keys())

    def __repr__(self) -> str:
        return f"<Registry {self.name} ({len(self._handlers)} keys)>"


_loaded = False


def load() -> None:
    """Import each app's ``extensions`` module, lowest layer first. Idempotent."""
    global _loaded
    if _loaded:
        return
    for app in LAYERS:
        for module in (f"{app}.hooks", f"{app}.events", f"{app}.extensions"):
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
    _loaded = True


def points() -> dict[str, Hook | Registry]:
    """Every declared extension point by name (after ``load()``)."""
    return dict(sorted(_POINTS.items()))
