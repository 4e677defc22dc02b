"""Background work of the moderator workspace. Tasks take IDs and re-read under lock."""

from __future__ import annotations

from celery import shared_task

from moderation import notify, services


@shared_task(name="moderation.send_decision_email", acks_late=True, ignore_result=True)
def send_decision_email(decision_id: int) -> None:
    """Carried out from the outbox, which retries it while the mail server refuses."""
    notify.send_decision_email(decision_id)


@shared_task(name="moderation.forward_counter_notice", acks_late=True, ignore_result=True)
def forward_counter_notice(counter_id: int) -> None:
    """Forward a counter-notice to the complainant; idempotent (state checked under lock).

    If this task is lost, the counter-notice stays in ``forwarding`` and the staff case
    page offers to forward it again; the waiting period never starts before it reaches
    the complainant.
    """
    services.counter_notice_forward(counter_id)
