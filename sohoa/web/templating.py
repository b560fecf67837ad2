"""Jinja2 templates with the Vietnamese formatting filters."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from sohoa.web import labels

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
env = templates.env
env.filters.update(
    date=labels.fmt_date,
    number=labels.fmt_number,
    percent=labels.fmt_percent,
    size=labels.fmt_size,
    doc_type=labels.doc_type_name,
    state=labels.state_name,
    field=labels.field_name,
    reason=labels.reason_vi,
    role=labels.ROLE_NAMES.get,
    mask_ids=labels.mask_ids,
    value=labels.fmt_value,
    review_reason=labels.review_reason_vi,
)
