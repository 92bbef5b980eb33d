"""Keep personal data out of logs.

Every handler of the project passes records through RedactPiiFilter (settings.LOGGING), so an
ID number or a mobile number that reaches a log message — in a URL's query string, an error
text, a task argument — is masked before it is written.
"""

from __future__ import annotations

import logging
import re

from .identifiers import mask_id_number, mask_mobile

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:[1-9]\d{16}[\dXx]|[1-9]\d{14})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|%2B)?86[- ]?)?1[3-9]\d{9}(?!\d)")


def redact(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_mobile(m.group(0)[-11:]), text)


class RedactPiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the record, masked as it stands
            message = str(record.msg)
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            # Tracebacks are formatted later; redact the cached text they will use.
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True
