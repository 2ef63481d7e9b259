"""One language rule for every page a user reads (landing, maps, report, council note):
``?lang=fr|en`` wins, else Accept-Language by quality, else French."""

from __future__ import annotations

import json

import pytest
from api.app import create_app
from fastapi.testclient import TestClient

from api_support import toy_results
from minettgeo.language import DEFAULT_LANGUAGE, choose_language

#: (?lang=, Accept-Language, language of the page)
CASES = [
    (None, None, "fr"),  # nothing asked: French, the users' working language
    (None, "en-GB,en;q=0.9", "en"),
    ("fr", "en", "fr"),  # ?lang= wins over the header
    ("en", "fr-LU,fr", "en"),
    (None, "de-DE,de;q=0.9", "fr"),  # neither fr nor en in the header: French
    (None, "fr;q=0.4, en;q=0.8", "en"),  # by quality, not by position
    (None, "en;q=0, de", "fr"),  # q=0: not English
]
PAGES = ["/", "/maps/", "/maps/emissions", "/maps/carbon", "/api/report"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    base = tmp_path_factory.mktemp("page-language")
    results = toy_results(base)
    return TestClient(create_app(results, layers_dir=base / "layers"))


def test_choose_language_by_hand() -> None:
    assert DEFAULT_LANGUAGE == "fr"
    for query, header, expected in CASES:
        assert choose_language(query, header) == expected, (query, header)
    assert choose_language(None, "") == "fr" and choose_language("de", None) == "fr"
    # equal qualities: the first listed
    assert choose_language(None, "en, fr") == "en" and choose_language(None, "fr, en") == "fr"


def _get(client: TestClient, path: str, query: str | None, header: str | None):  # type: ignore[no-untyped-def]
    params = {"lang": query} if query else {}
    headers = {"Accept-Language": header} if header else {}
    return client.get(path, params=params, headers=headers)


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(("query", "header", "expected"), CASES)
def test_every_html_page_follows_the_rule(
    client: TestClient, path: str, query: str | None, header: str | None, expected: str
) -> None:
    r = _get(client, path, query, header)
    assert r.status_code == 200, r.text
    assert r.headers["content-language"] == expected
    assert "Accept-Language" in r.headers["vary"]
    assert f'<html lang="{expected}"' in r.text


def test_the_report_pdf_follows_the_rule(client: TestClient) -> None:
    for query, header, expected in CASES[:3]:
        r = _get(client, "/api/report.pdf", query, header)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        assert r.headers["content-language"] == expected
        assert f"report_{expected}_" in r.headers["content-disposition"]


def test_the_council_note_follows_the_rule(client: TestClient) -> None:
    body = json.dumps(
        {
            "title": "Estate",
            "year": 2027,
            "measures": [{"type": "demolition", "target": {"buildings": ["BA"]}}],
        }
    )
    for query, header, expected in (CASES[0], CASES[1], CASES[2], CASES[4]):
        params = {"draws": 200, "format": "html", **({"lang": query} if query else {})}
        headers = {"Accept-Language": header} if header else {}
        r = client.post("/policy/check", params=params, headers=headers, content=body)
        assert r.status_code == 200, r.text
        assert r.headers["content-language"] == expected
        assert f'lang="{expected}"' in r.text


def test_an_unknown_lang_is_refused_naming_it(client: TestClient) -> None:
    for path in PAGES:
        r = client.get(path, params={"lang": "de"})
        assert r.status_code == 422 and r.json()["parameter"] == "lang", path
