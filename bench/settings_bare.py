"""Settings for the intake benchmark: the product's own, plus one bare endpoint to compare."""

from takedown.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bare"
