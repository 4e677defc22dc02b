"""Reading what a client sends, whole or not at all.

A notice must never be stored half-read: a chunked body is read to its end before any
view sees it, a body that ends before its Content-Length or a multipart body without its
closing delimiter is refused (400) instead of parsed as far as it goes, JSON nested
deeper than ``MAX_JSON_DEPTH`` is refused instead of overflowing the parser's stack, and
a query string with a NUL or bytes that are not UTF-8 is refused before any view reads it.
"""

from __future__ import annotations

import json
import tempfile
from typing import Any
from urllib.parse import unquote_to_bytes

from django.core.exceptions import BadRequest
from django.core.handlers.wsgi import LimitedStream
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# Deeper than any document of the API (a batch of notices is five levels), far below the
# depth at which Python's JSON decoder runs out of stack (about 1000).
MAX_JSON_DEPTH = 32
_BLOCK = 64 * 1024


class TruncatedBody(BadRequest):
    """The body ended before its declared end: nothing of it may be used."""


class JSONTooDeep(ValueError):
    """JSON nested deeper than MAX_JSON_DEPTH (a ValueError, as json's own errors are)."""


def _too_deep(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` that refuses nesting deeper than MAX_JSON_DEPTH with a ValueError."""
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise JSONTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if isinstance(value, (dict, list)) and _too_deep(value, MAX_JSON_DEPTH):
        raise JSONTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the depth bound (and, as DRF's strict mode, no NaN)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", "utf-8")
        try:
            return loads(stream.read().decode(encoding), parse_constant=_reject_constant)
        except JSONTooDeep:
            raise ParseError(_("The JSON is nested deeper than %(n)s levels.") % {"n": MAX_JSON_DEPTH}) from None
        except ValueError:
            raise ParseError(_("The body is not valid JSON.")) from None


# --- Query strings ------------------------------------------------------------------------


def query_is_clean(query_string: str) -> bool:
    """True unless the (WSGI, latin-1 carried) query string decodes to a NUL or to bytes
    that are not UTF-8."""
    if not query_string:
        return True
    try:
        raw = query_string.encode("latin-1")
    except UnicodeEncodeError:  # already decoded text (a test client): judge it as UTF-8
        raw = query_string.encode("utf-8", errors="surrogateescape")
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        return False
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- Bodies ---------------------------------------------------------------------------------


class BodyTooLarge(Exception):
    pass


def read_chunked(wsgi_input, limit: int):
    """Read a chunked body to its end into a spooled file; (file, length).

    Raises BodyTooLarge past ``limit`` bytes and TruncatedBody when the server's reader
    reports a broken or unfinished chunked encoding.
    """
    spool = tempfile.SpooledTemporaryFile(max_size=2 * 1024 * 1024)
    length = 0
    try:
        while True:
            block = wsgi_input.read(_BLOCK)
            if not block:
                break
            length += len(block)
            if length > limit:
                spool.close()
                raise BodyTooLarge()
            spool.write(block)
    except (OSError, ValueError) as exc:  # gunicorn's NoMoreData, InvalidChunkSize, ...
        spool.close()
        raise TruncatedBody("The chunked body ended before its last chunk.") from exc
    spool.seek(0)
    return spool, length


def multipart_boundary(content_type: str) -> bytes | None:
    main, _sep, params = content_type.partition(";")
    if main.strip().lower() != "multipart/form-data":
        return None
    for param in params.split(";"):
        name, _eq, value = param.strip().partition("=")
        if name.strip().lower() == "boundary" and value:
            return value.strip().strip('"').encode("latin-1", errors="replace")
    return None


class CheckedStream:
    """Wraps a request's body stream. At its end it raises TruncatedBody if fewer bytes
    came than the Content-Length said, or if a multipart body never closed (its
    ``--boundary--`` delimiter did not come): Django's parser would otherwise keep the
    fields it had and silently drop a file cut short."""

    def __init__(self, stream, length: int, boundary: bytes | None):
        self._stream = stream
        self._length = length
        self._read = 0
        self._closer = b"--" + boundary + b"--" if boundary else None
        self._closed = self._closer is None
        self._tail = b""
        self._checked = False

    def _account(self, data: bytes, asked: int | None) -> bytes:
        self._read += len(data)
        if not self._closed and data:
            window = self._tail + data
            self._closed = self._closer in window
            self._tail = window[-len(self._closer):]
        at_end = self._read >= self._length or (not data and asked != 0)
        if at_end and not self._checked:
            self._checked = True
            if self._read < self._length:
                raise TruncatedBody("The body ended before its Content-Length.")
            if not self._closed:
                raise TruncatedBody("The multipart body has no closing delimiter.")
        return data

    def read(self, size: int = -1, /) -> bytes:
        return self._account(self._stream.read(size), size)

    def readline(self, size: int = -1, /) -> bytes:
        return self._account(self._stream.readline(size), size)

    def close(self) -> None:
        self._stream.close()


def limited(stream, length: int) -> LimitedStream:
    return LimitedStream(stream, length)
