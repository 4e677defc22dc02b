"""The WSGI entry point: web pages and the host platform's machine calls.

Both go through Django's one request cycle (URL resolution, views, the error handlers,
request signals that manage database connections). Paths in
``settings.MACHINE_API_PATHS`` take a handler built with the short
``settings.MACHINE_API_MIDDLEWARE`` list; everything else takes the full
``settings.MIDDLEWARE``. The test client always runs the full list, so the tests of
the views hold for both; ``tests/takedown/test_handlers.py`` checks the short route.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string


class MachineApiHandler(WSGIHandler):
    """Django's WSGI handler over ``settings.MACHINE_API_MIDDLEWARE`` (all synchronous).

    The machine paths themselves are resolved once: the URL patterns do not change while
    the process runs, and walking them cost as much as the screening of a short post.
    Any other path (a typo under a machine prefix) is resolved as usual.
    """

    def __init__(self) -> None:
        super().__init__()
        self._resolved: dict[str, Any] = {}
        self._exact_paths = frozenset(settings.MACHINE_API_PATHS)

    def resolve_request(self, request):
        match = self._resolved.get(request.path_info)
        if match is None or hasattr(request, "urlconf"):
            match = super().resolve_request(request)
            if request.path_info in self._exact_paths and not hasattr(request, "urlconf"):
                self._resolved[request.path_info] = match
            return match
        request.resolver_match = match
        return match

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.MACHINE_API_MIDDLEWARE):
            middleware = import_string(path)(handler)
            if hasattr(middleware, "process_view"):
                self._view_middleware.insert(0, middleware.process_view)
            if hasattr(middleware, "process_template_response"):
                self._template_response_middleware.append(middleware.process_template_response)
            if hasattr(middleware, "process_exception"):
                self._exception_middleware.append(middleware.process_exception)
            handler = convert_exception_to_response(middleware)
        self._middleware_chain = handler


class Application:
    """The WSGI callable: the machine handler for its paths, Django's own for the rest."""

    def __init__(self) -> None:
        self.web = WSGIHandler()
        self.machine = MachineApiHandler()
        self.machine_paths = tuple(settings.MACHINE_API_PATHS)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(self.machine_paths):
            return self.machine(environ, start_response)
        return self.web(environ, start_response)
