"""Citizen ID numbers never reach a log line or a run name (issue 17).

Staff name scans after the citizen ("001099012345.pdf"), error messages quote what a file held:
every log record made in this process is checked once it is made, and a 12-digit CCCD or 9-digit
CMND number in its message is cut to its last 4 digits (`********2345`) before any handler,
Prefect's API handler included, sees it. Runs of digits inside hexadecimal (a SHA-256) are left
alone. `install()` is called by `flows.prefect_env.configure`, before Prefect starts logging.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_ID = re.compile(r"(?<![0-9a-f])(?:\d{12}|\d{9})(?![0-9a-f])")
_installed = False


def mask_ids(text: str) -> str:
    """`text` with every CCCD/CMND-shaped number cut to its last 4 digits."""
    return _ID.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)


def install() -> None:
    """Mask citizen IDs in every log record of this process (idempotent)."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: logging reports it as it always did
            return record
        if _ID.search(message):
            record.msg, record.args = mask_ids(message), ()
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True
