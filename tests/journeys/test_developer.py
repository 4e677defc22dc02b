"""A developer of the host platform reads the API documentation: Swagger UI comes from the
product itself, with nothing fetched from another site, and lists the complaint intake."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.journey]


def test_api_docs_work_offline(product, new_context, visit):
    page = new_context().new_page()
    elsewhere: list[str] = []

    def only_the_product(route):
        if route.request.url.startswith(product.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_product)
    page.goto(f"{product.url}/api/docs/")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/complaints/").first
    operation.wait_for()
    assert page.locator(".swagger-ui .info .title").inner_text().strip() != ""
    assert elsewhere == []
    # Swagger UI's own markup and colours come with the pinned sidecar package, not from the
    # product's templates: photographed, not held to the product's axe bar.
    visit.photograph(page, "swagger ui")
