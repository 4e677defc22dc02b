"""Publishing tasks from requests: the broker's outage never fails or stalls a request."""

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


@pytest.mark.django_db
def test_a_failed_publish_falls_back_inline_and_skips_the_broker_for_a_while(monkeypatch, django_capture_on_commit_callbacks):
    broken = BrokenPublish()
    monkeypatch.setattr(record_call, "apply_async", broken)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(record_call, "first", fallback_inline=True)
    assert calls == ["first"] and broken.attempts == 1
    assert tasks.broker_marked_down()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(record_call, "second", fallback_inline=True)
        tasks.enqueue(record_call, "dropped")  # no fallback: left to the sweeps
    assert calls == ["first", "second"]
    assert broken.attempts == 1  # the second request did not wait on the broker


@pytest.mark.django_db
def test_publishing_waits_for_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    published: list[tuple] = []
    monkeypatch.setattr(record_call, "apply_async", lambda *a, **k: published.append(k["args"]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue(record_call, "later")
    assert published == []
    callbacks[0]()
    assert published == [("later",)]
