"""The product's URLs plus ``/bench/bare-insert``: the floor the intake is compared with.

The bare endpoint does what any Django endpoint storing a complaint must at least do
(parse JSON, one INSERT, answer JSON) and nothing the product adds (validation,
triage, deadlines, audit, several rows).
"""

import json

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def bare_insert(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_bare (body, created_at) VALUES (%s, CURRENT_TIMESTAMP) RETURNING id",
            [json.dumps(body)],
        )
        row_id = cursor.fetchone()[0]
    return JsonResponse({"id": row_id}, status=201)


urlpatterns = [
    path("bench/bare-insert", bare_insert),
    path("", include("takedown.urls")),
]
