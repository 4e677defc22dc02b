"""The product's URLs plus ``/bench/bare-insert`` and ``/bench/bare-insert-batch`` (100 rows in one
INSERT): the floors the intake and the batch endpoint are compared with.

The bare endpoints do what any Django endpoint storing a complaint must at least do
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


@csrf_exempt
def bare_insert_batch(request: HttpRequest) -> JsonResponse:
    """The floor of the batch endpoint: parse a batch, one multi-row INSERT, answer the ids."""
    bodies = json.loads(request.body)["complaints"]
    values = ", ".join(["(%s, CURRENT_TIMESTAMP)"] * len(bodies))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO bench_bare (body, created_at) VALUES {values} RETURNING id",
                       [json.dumps(body) for body in bodies])
        ids = [row[0] for row in cursor.fetchall()]
    return JsonResponse({"ids": ids}, status=201)


urlpatterns = [
    path("bench/bare-insert", bare_insert),
    path("bench/bare-insert-batch", bare_insert_batch),
    path("", include("takedown.urls")),
]
