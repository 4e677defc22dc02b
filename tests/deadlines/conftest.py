"""Fixtures of the timer engine's tests."""
