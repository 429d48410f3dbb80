"""Personal data out of every log line: each log record is redacted (rasa_addons.redaction) as it is made.

A record factory rather than a handler's filter, so it holds whatever handlers a library adds later
(coloredlogs, Sanic, structlog through the standard library). Every process we run installs it: ours at
start-up (`install()`), Rasa and the action server through their logging config file (`logging.yml`, whose
filter factory is `dict_config_filter`).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from rasa_addons.redaction import redact

_MARK = "_redacted"


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Redact a record's message (arguments merged in), traceback and stack in place; returns it."""
    if getattr(record, _MARK, False):
        return record
    try:
        message = record.getMessage()
    except Exception:
        message = str(record.msg)
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        # Formatters reuse exc_text when it is set: the traceback is rendered once, already redacted.
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    setattr(record, _MARK, True)
    return record


class RedactingFilter(logging.Filter):
    """A filter that redacts what passes (for a handler configured by hand)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record and let it through."""
        redact_record(record)
        return True


def install() -> None:
    """Redact every log record this process makes from now on (calling it again changes nothing)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, _MARK, False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return redact_record(factory(*args, **kwargs))

    setattr(redacting_factory, _MARK, True)
    logging.setLogRecordFactory(redacting_factory)


def dict_config_filter() -> RedactingFilter:
    """The `()` factory of a dictConfig filter: installs the record factory for the whole process."""
    install()
    return RedactingFilter()
