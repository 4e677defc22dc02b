"""The OpenAPI document publishes every webhook the desk sends, and every body actually sent
(by a real decision, its end, and an intervention) validates against its published schema."""

from __future__ import annotations

import json
from datetime import timedelta

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from hostplatform.models import WebhookDelivery
from hostplatform.services import body_for
from moderation.services import measure_end
from prevention.interventions import intervention_create, intervention_lift
from takedown import roles
from tests.reports.conftest import decide, make_staff, submit

EVENTS = {"measure.apply", "measure.lift", "poster.notice", "intervention.apply", "intervention.lift"}


@pytest.fixture
def senior(db):
    return make_staff("senior1", roles.SENIOR_MODERATOR)


@pytest.fixture
def schema(db):
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_openapi_3_1_with_every_webhook_and_its_headers(schema):
    assert schema["openapi"].startswith("3.1")
    assert set(schema["webhooks"]) == EVENTS
    for event, item in schema["webhooks"].items():
        operation = item["post"]
        assert {p["name"] for p in operation["parameters"] if p["in"] == "header"} == {
            "webhook-id", "webhook-timestamp", "webhook-signature"}
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert body["properties"]["type"]["enum"] == [event]
        assert set(body["required"]) >= {"id", "type", "timestamp", "data"}


def test_every_body_sent_matches_its_published_schema(schema, senior, django_capture_on_commit_callbacks):
    complaint = submit(urls=("https://social.example/p/1", "https://social.example/p/2")).complaint
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(complaint, senior, "restrict_visibility", territorial_scope=["DE", "FR"],
                          end_date=timezone.now().date() + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        measure_end(decision.pk, now=timezone.now() + timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        intervention = intervention_create(kind="traffic_limit", target="topic:leak", reason="Mass sharing.",
                                           duration=timedelta(hours=2),
                                           params={"shares_per_minute": 5, "searches_per_minute": 0},
                                           actor="user:1")
        intervention_lift(intervention=intervention, actor="user:1", reason="Calmed down.")

    registry = Registry().with_resource("urn:api", Resource(contents=schema, specification=DRAFT202012))
    seen = set()
    for delivery in WebhookDelivery.objects.order_by("pk"):
        body = json.loads(body_for(delivery))
        ref = schema["webhooks"][delivery.event]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        validator = jsonschema.Draft202012Validator({"$ref": "urn:api" + ref}, registry=registry)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
        assert errors == [], (delivery.event, errors)
        seen.add(delivery.event)
    assert seen == EVENTS
    assert WebhookDelivery.objects.filter(event="measure.apply").count() == 2  # one per item
