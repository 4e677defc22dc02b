"""Keep complainants' personal data out of every log line.

Logs travel further than the database (log shippers, support tickets, error
trackers) and are kept by people who never need to know who complained. The filter
rewrites each record's final message, and the text of an attached traceback, so
that e-mail addresses, phone numbers, identity-card numbers, bank-card-like digit
runs and tracking tokens become ``[email]``, ``[phone]``, ``[id]``, ``[number]`` and
``[token]``. It is attached to the handlers in ``settings.LOGGING``, so records from
every logger (Django, gunicorn, Celery, the app) pass through it.

Names cannot be recognised by pattern; the code simply never logs them (audit
details and log calls carry references and ids, not people).
"""

from __future__ import annotations

import logging
import re

# Tracking and counter-notice links: /track/<token>/ and similar.
_LINK_TOKEN = re.compile(r"(/(?:track|counter-notice|counter-notices|respond|c)/)[A-Za-z0-9_\-]{16,}")
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Mainland resident ID numbers: 17 digits and a digit or X.
_CN_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Phone numbers: an optional +country code, then 7 or more digits, possibly split by
# spaces, dashes or parentheses (not dots: decimals and timestamps look alike).
_PHONE = re.compile(
    r"(?<![\w+\-.:])(?:\+\d{1,3}[\s\-]?)?(?:\(?\d{2,4}\)?[\s\-]?){1,3}\d{3,4}[\s\-]?\d{3,4}(?![\w]|\.\d)"
)
# Any other long digit run (bank cards, passport numbers written as digits).
_LONG_DIGITS = re.compile(r"(?<![\w])\d{12,19}(?![\w])")
# URL-safe random strings of the length the product's secrets have (43 chars for 32 bytes).
_TOKEN = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{40,64}(?![A-Za-z0-9_\-])")
_HEX = re.compile(r"^[0-9a-f]+$")
# Task, request and message ids (UUIDs) are how operators follow work through the logs;
# their groups can be all digits ("20481234-…", "…-492650123456") and read like a phone
# or a card, so they are set aside before the patterns run.
_UUID = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}(?![0-9A-Za-z])")


def _token(match: re.Match) -> str:
    text = match.group(0)
    # SHA-256 digests (64 lower-case hex) identify evidence and audit events; they are
    # not secrets and operators need them in the logs.
    if _HEX.match(text):
        return text
    # A token is random: it mixes letters and digits. Long plain words stay.
    if not (re.search(r"\d", text) and re.search(r"[A-Za-z]", text)):
        return text
    return "[token]"


def redact(text: str) -> str:
    """The text with personal data and secrets replaced by placeholders (UUIDs kept)."""
    if not text:
        return text
    if "-" not in text or _UUID.search(text) is None:
        return _redact(text)
    parts = []
    last = 0
    for uuid in _UUID.finditer(text):
        parts.append(_redact(text[last : uuid.start()]))
        parts.append(uuid.group())
        last = uuid.end()
    parts.append(_redact(text[last:]))
    return "".join(parts)


def _redact(text: str) -> str:
    if not text:
        return text
    text = _LINK_TOKEN.sub(r"\1[token]", text)
    text = _EMAIL.sub("[email]", text)
    text = _CN_ID.sub("[id]", text)
    text = _TOKEN.sub(_token, text)
    text = _LONG_DIGITS.sub("[number]", text)
    text = _PHONE.sub(_phone, text)
    return text


def _phone(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(c.isdigit() for c in text)
    # Dates, times and small counters look like digit groups too; a phone has 7+ digits
    # and is not an ISO timestamp fragment.
    if digits < 7 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return text
    return "[phone]"


class RedactingLogRecord(logging.LogRecord):
    """A record whose rendered message is always redacted, whoever reads it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Exception messages quote values (an IntegrityError's DETAIL, a ValueError's
        # repr): the traceback text is rendered and redacted now, once.
        if self.exc_info and self.exc_info[0] is not None:
            self.exc_text = redact(logging.Formatter().formatException(self.exc_info))
        if self.stack_info:
            self.stack_info = redact(self.stack_info)

    def getMessage(self) -> str:  # noqa: N802 (logging's name)
        return redact(super().getMessage())


def install_record_factory() -> None:
    """Make every record created from now on redact its message.

    Handler filters only see records that reach the handlers named in settings.LOGGING;
    gunicorn, Celery and test capture add their own handlers. Redacting in the record
    itself covers all of them. Idempotent.
    """
    current = logging.getLogRecordFactory()
    if current is logging.LogRecord:
        logging.setLogRecordFactory(RedactingLogRecord)
    elif current is not RedactingLogRecord and not getattr(current, "redacts", False):

        def factory(*args, **kwargs):
            record = current(*args, **kwargs)
            record.msg, record.args = redact(record.getMessage()), None
            return record

        factory.redacts = True  # type: ignore[attr-defined]
        logging.setLogRecordFactory(factory)


class RedactPersonalData(logging.Filter):
    """A handler filter: redacts the message and any traceback text.

    Configuring it (settings.LOGGING) also installs the redacting record factory, so
    the guarantee holds for handlers configured elsewhere too.
    """

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        install_record_factory()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_everywhere() -> None:
    """Attach the filter to every handler already configured, and install the record
    factory. For processes that configure logging outside settings.LOGGING (gunicorn's
    and Celery's own handlers)."""
    filt = RedactPersonalData()
    seen = set()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    for logger in loggers:
        for handler in getattr(logger, "handlers", []):
            if id(handler) in seen:
                continue
            seen.add(id(handler))
            if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
                handler.addFilter(filt)
