"""Citizen ID numbers never reach a log line or a run name (issue 17).

Staff name scans after the citizen ("001099012345.pdf"), error messages quote what a file held:
every log record made in this process is checked once it is made, and a 12-digit CCCD or 9-digit
CMND number in its message is cut to its last 4 digits (`********2345`) before any handler,
Prefect's API handler included, sees it. Runs of digits inside hexadecimal (a SHA-256) are left
alone. `install()` is called by `flows.prefect_env.configure`, before Prefect starts logging.
"""

from __future__ import annotations

import logging
from typing import Any

from ocr.identifiers import mask_id_numbers as mask_ids

_installed = False


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
        masked = mask_ids(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return record

    logging.setLogRecordFactory(masked_record)
    _installed = True
