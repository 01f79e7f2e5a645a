"""The county lines API does what the pages do, through the same rules."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reachable.lines.models import Line
from reachable.lines.tests.helpers import a_line, officer
from reachable.lines.tests.test_import import LINES
from reachable.testing import person, signed_in_client

pytestmark = pytest.mark.django_db


def _upload(client, text: str):
    return client.post(
        "/api/lines/import/",
        {"kind": "lines", "file": SimpleUploadedFile("lines.csv", text.encode(), "text/csv")},
        HTTP_ACCEPT="application/json",
    )


def test_an_import_through_the_api_is_all_or_nothing_with_the_same_problems() -> None:
    client = signed_in_client(officer())
    refused = _upload(client, LINES.replace("Cambridge", "Cambrige"))
    assert refused.status_code == 400
    [problem] = refused.json()["problems"]
    assert problem["row"] == 3
    assert problem["column"] == "destinations"
    assert "Did you mean Cambridge?" in problem["message"]
    assert Line.objects.count() == 0
    done = _upload(client, LINES)
    assert done.status_code == 200
    assert done.json()["written"] == 2
    listed = client.get("/api/lines/", HTTP_ACCEPT="application/json").json()
    assert sorted(line["name"] for line in listed) == ["Gold Drop", "Ice Box"]


def test_the_picture_api_gives_the_partnership_towns_and_counts_only() -> None:
    a_line("Lnmarkapi", "Lambeth", ("Ipswich",), first_seen=20)
    analyst = signed_in_client(person("analyst", "partnership-team", username="an"))
    answer = analyst.get("/api/lines-picture/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer.json()["flows"] == [{"from": "Lambeth", "to": "Ipswich", "lines": 1, "before": 0}]
    assert "Lnmarkapi" not in answer.content.decode()
    assert analyst.get("/api/lines/", HTTP_ACCEPT="application/json").status_code == 403
    bad = analyst.get("/api/lines-picture/?period=3000", HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert "Enter a year" in bad.json()["period"][0]
