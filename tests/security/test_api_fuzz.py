"""Schemathesis against /api/schema/, with all its checks, on every operation, as an
anonymous caller and as a token client of each role.

The checks: no 5xx; every status, content type, header and body as documented; requests
that break the schema refused (400/422 and friends); requests the schema allows not
refused as malformed (a 422 for values the schema cannot relate, such as a period that ends
before it starts, is allowed); a 405 names the allowed methods.

Bounded: FUZZ_EXAMPLES examples per operation and caller (default 3), derandomized, so
the module fits in CI on two cores. Raise it locally for a deeper run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from takedown import roles
from takedown.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CONFIG = schemathesis.Config.from_dict({
    "checks": {
        # 422: well formed, but the values do not fit together or the records (documented on
        # every operation that reads parameters or a body).
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]},
    },
})

# Loaded at collection through the WSGI app, in-process (no server, no network).
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


def token_for(role: str) -> str:
    user = User.objects.create_user(f"fuzz-{role}", is_staff=role in roles.STAFF_ROLES)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return Token.objects.create(user=user).key


# Operations whose inputs the product checks beyond what their schema can say, so that
# Schemathesis still finds a schema-valid value the product refuses as malformed (400), or
# a value it does not treat as wrong. Every other check runs on them; every other operation
# runs every check.
BEYOND_THE_SCHEMA: dict[str, str] = {
    "POST /api/v1/complaints/": "item URLs are checked as web addresses or content IDs",
    "POST /api/v1/complaints/batch/": "item URLs are checked as web addresses or content IDs",
    "POST /api/v1/misuse/warn/": "a key of spaces is blank",
    "POST /api/v1/screen/": "an over-long text is 413 (the body limit), not 400",
    "GET /api/v1/queue/": "empty page and page_size mean the defaults (the page's links send them)",
    "GET /api/v1/transparency.csv": "an empty format means the path's format",
    "POST /api/v1/platforms/": "webhook URLs are checked as reachable http(s) addresses",
    "PATCH /api/v1/platforms/{id}/": "webhook URLs are checked as reachable http(s) addresses",
}


def checks_for(case) -> dict:
    if case.operation.label in BEYOND_THE_SCHEMA:
        return {"excluded_checks": [positive_data_acceptance, negative_data_rejection]}
    return {}


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: a failure is shown as found
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# Committed per request, as in production: one failing statement cannot poison the next example.
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@FUZZ
def test_api_anonymous(case):
    case.call_and_validate(**checks_for(case))


# Committed per request, as in production: one failing statement cannot poison the next example.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", roles.ALL_ROLES)
@schema.parametrize()
@FUZZ
def test_api_as_token_client_of_each_role(case, role):
    token = Token.objects.filter(user__username=f"fuzz-{role}").values_list("key", flat=True).first()
    case.call_and_validate(headers={"Authorization": f"Token {token or token_for(role)}"}, **checks_for(case))
