"""Property-based fuzz of the OpenAPI document with schemathesis: no input gives a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from api.app import create_app
from hypothesis import HealthCheck, given, settings

from api_support import toy_results


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return create_app(toy_results(tmp_path_factory.mktemp("toy-fuzz")), token="fuzz-token-1")


#: examples per operation (about 25 operations: the whole fuzz stays well under 2 minutes)
EXAMPLES = 15


def test_no_server_error(app) -> None:  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    seen: list[tuple[str, str, int]] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            seen.append((case.method, case.formatted_path, response.status_code))
            kind = response.headers.get("content-type", [""])[0]
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                case.query,
                response.text[:500],
            )
            if response.status_code >= 400 and "json" in kind:
                body = response.json()
                assert {"error", "message"} <= set(body), body
            if response.status_code >= 400 or "json" in kind or "text" in kind:
                assert "Traceback" not in response.text

        check()
    # the fuzz reached both answers and refusals
    codes = {code for _m, _p, code in seen}
    assert 200 in codes and codes & {400, 404, 422}


def test_openapi_has_examples(app) -> None:  # type: ignore[no-untyped-def]
    doc = app.openapi()
    schemas = doc["components"]["schemas"]
    for name in ("RegionSummary", "Inventory", "SinkPotential", "Health"):
        assert schemas[name].get("examples"), name
    assert "/ogc/collections/{collectionId}/items" in doc["paths"]
