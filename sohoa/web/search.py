"""Search: full text with or without diacritics, and exact lookups by dossier code, certificate
serial, parcel + map sheet, and citizen ID, through `sohoa.services.search`, limited to the
account's offices. A citizen ID is POSTed (never in a URL, so never in a log) and shown masked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from sohoa.services import accounts, search
from sohoa.services.accounts import Account
from sohoa.web.labels import mask_ids
from sohoa.web.security import csrf_protected, current_account
from sohoa.web.templating import templates
from sohoa.web.viewer import mask_id

router = APIRouter(dependencies=[Depends(current_account)])
Me = Annotated[Account, Depends(current_account)]
LIMIT = 30
LOOKUPS = ("dossier_code", "gcn_serial", "parcel_number", "map_sheet")


@router.get("/search")
async def find(
    request: Request,
    me: Me,
    q: str = "",
    dossier_code: str = "",
    gcn_serial: str = "",
    parcel_number: str = "",
    map_sheet: str = "",
) -> Response:
    given = {"text": q, "dossier_code": dossier_code, "gcn_serial": gcn_serial}
    given |= {"parcel_number": parcel_number, "map_sheet": map_sheet}
    return await _answer(request, me, {k: v.strip() for k, v in given.items()})


@router.post("/search", dependencies=[Depends(csrf_protected)])
async def find_by_citizen_id(
    request: Request, me: Me, citizen_id: Annotated[str, Form()] = ""
) -> Response:
    digits = "".join(c for c in citizen_id if c.isdigit())
    return await _answer(request, me, {"citizen_id": digits}, citizen_id=True)


async def _answer(request: Request, me: Account, given: dict, citizen_id: bool = False):
    app = request.app
    criteria = {k: v for k, v in given.items() if v}
    hits, error = None, None
    if (
        criteria.get("parcel_number")
        and not criteria.get("map_sheet")
        or (criteria.get("map_sheet") and not criteria.get("parcel_number"))
    ):
        error = "Tra cứu thửa đất cần cả số thửa và số tờ bản đồ."
    elif citizen_id and len(criteria.get("citizen_id", "")) != 12:
        error = "Số CCCD gồm đúng 12 chữ số."
    elif criteria:
        hits = await run_in_threadpool(
            search.search,
            app.state.settings,
            **criteria,
            limit=LIMIT,
            offices=me.offices,
            links=False,
            engine=app.state.engine,
        )
        what = {k: (mask_id(v) if k == "citizen_id" else v) for k, v in criteria.items()}
        accounts.record_access(
            app.state.engine, me, "search", {"criteria": what, "hits": len(hits)}
        )
    shown = {k: v for k, v in given.items() if k != "citizen_id"}
    context = {
        "account": me,
        "csrf_token": request.state.csrf_token,
        "given": shown,
        "searched_id": mask_id(criteria["citizen_id"]) if criteria.get("citizen_id") else "",
        "hits": [_row(h) for h in hits] if hits is not None else None,
        "error": error,
    }
    status = 400 if error else 200
    return templates.TemplateResponse(request, "search.html", context, status_code=status)


def _row(hit: search.SearchHit) -> dict:
    fields = {k: (mask_id(v) if "citizen_id" in k else v) for k, v in hit.fields.items()}
    return {"hit": hit, "fields": fields, "snippet": highlight(hit.snippet, hit.marks)}


def highlight(snippet: str, marks) -> Markup:
    """The snippet HTML-escaped, the query's words in <mark>, citizen IDs masked."""
    out, at = [], 0
    for start, end in marks:
        out.append(escape(mask_ids(snippet[at:start])))
        out.append(Markup("<mark>") + escape(mask_ids(snippet[start:end])) + Markup("</mark>"))
        at = end
    out.append(escape(mask_ids(snippet[at:])))
    return Markup("").join(out)
