"""Contract test of the exchange API against its own OpenAPI schema (schemathesis): requests
generated from /api/v1/openapi.json for every operation (bodies, paths and queries, valid and
not), each answer checked against the schema: a documented status code, the documented content
type and shape, never a server error. On SQLite and PostgreSQL, with a token of every scope."""

from __future__ import annotations

import pytest
import schemathesis
import schemathesis.checks
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from sohoa.api import tokens
from sohoa.web.app import create_app
from sohoa.web.config import WebSettings
from tests import web_support as ws


@pytest.fixture(scope="module")
def contract(module_engine, s3_server, tmp_path_factory):
    data = tmp_path_factory.mktemp("contract")
    url = module_engine.url.render_as_string(hide_password=False)
    app = create_app(ws.web_settings(data, url, s3_server), WebSettings(secret="s"), worker=False)
    with TestClient(app):  # the lifespan: engine and store on app.state
        ws.seed(app.state.engine, app.state.store, data)
        made = tokens.create(
            app.state.engine,
            "contract",
            office=ws.DISTRICT_A,
            scopes="register:write,dossiers:read,pii:read",
            rate_per_minute=100_000,
        )
        yield app, made.token


# A change-feed cursor and a rates period are opaque or have a grammar JSON Schema cannot state:
# a schema-valid string may still be refused (400 with the reason), which this check would flag.
OPAQUE = [schemathesis.checks.positive_data_acceptance]


def test_every_operation_answers_as_documented(contract):
    app, bearer = contract
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    auth = {"Authorization": f"Bearer {bearer}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {o.path for o in operations} >= {"/api/v1/register", "/api/v1/dossiers/{dossier_code}"}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=auth, excluded_checks=OPAQUE)

        answers_as_documented()
