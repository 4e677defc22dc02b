"""What the complaint channel adds to the layers below (see takedown.extensions)."""

from __future__ import annotations

from complaints import clock, demo, response_timers
from deadlines.registry import timer_handlers
from takedown.hooks import demo_seeders

timer_handlers.register(clock.RESPONSE_REMINDER)(response_timers.remind)
timer_handlers.register(clock.RESPONSE_BREACH)(response_timers.breach)
demo_seeders.connect(demo.seed_demo_complaints)
demo_seeders.connect(demo.seed_demo_deadlines)
