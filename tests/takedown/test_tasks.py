"""Publishing a nudge to the worker: the broker's outage never fails or stalls the caller."""

from __future__ import annotations

import pytest
from celery import shared_task

from takedown import tasks

calls: list[str] = []


@shared_task(name="tests.record_call")
def record_call(value: str) -> None:
    calls.append(value)


@pytest.fixture(autouse=True)
def _reset(monkeypatch):
    calls.clear()
    monkeypatch.setattr(tasks, "_broker_down_until", 0.0)


class BrokenPublish:
    def __init__(self):
        self.attempts = 0

    def __call__(self, *args, **kwargs):
        self.attempts += 1
        raise ConnectionRefusedError("broker down")


def test_a_failed_publish_says_so_and_skips_the_broker_for_a_while(monkeypatch, caplog):
    broken = BrokenPublish()
    monkeypatch.setattr(record_call, "apply_async", broken)
    assert tasks.publish(record_call, "first") is False
    assert broken.attempts == 1 and tasks.broker_marked_down()
    assert "broker unavailable for tests.record_call (ConnectionRefusedError)" in caplog.text
    assert tasks.publish(record_call, "second") is False
    assert broken.attempts == 1  # the second caller did not wait on the broker
    assert calls == []


def test_a_publish_reaches_the_task():
    assert tasks.publish(record_call, "now") is True  # eager in the suite: runs at once
    assert calls == ["now"]
