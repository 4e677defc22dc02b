"""Schemathesis against /api/schema/: every operation, as an anonymous caller and as a
token client holding every role. Zero 5xx, and every documented response matches its
schema and content type.

Bounded: FUZZ_EXAMPLES examples per operation and caller (default 12), so the whole
module runs in a few minutes on two cores. Raise it locally for a deeper run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from takedown import roles
from takedown.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def all_roles_token(db) -> str:
    user = User.objects.create_user("fuzz-admin", is_staff=True)
    for name in roles.ALL_ROLES:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return Token.objects.create(user=user).key


# Loaded at collection through the WSGI app, in-process (no server, no network).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


# Committed per request, as in production: one failing statement cannot poison the next example.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_anonymous(case):
    case.call_and_validate(checks=CHECKS)


# Committed per request, as in production: one failing statement cannot poison the next example.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_as_token_client_with_every_role(case, all_roles_token):
    case.call_and_validate(headers={"Authorization": f"Token {all_roles_token}"}, checks=CHECKS)
