"""An agency's system submits its return through the API and follows the check, with the page's
rules; the partnership reads completeness and the baseline as published (suppressed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from reachable.returns.models import ReturnPeriod, Submission
from reachable.returns.tests.test_submissions import HEADER_2026, ROWS
from reachable.testing import person, signed_in_client, system_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def yjs_system() -> Client:
    return system_client("data_submitter", "suffolk-yjs", None, name="Suffolk YJS case system")


def _submit(client: Client, lines: list[str], name: str = "return.csv", **fields: Any) -> Any:
    data = {
        "period": ReturnPeriod.objects.get(label="April to September 2026").pk,
        "domain": "youth-justice",
        "county": "suffolk",
        "file": SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode()),
        **fields,
    }
    return client.post("/api/returns/", data)


def test_a_return_is_accepted_as_a_job_and_polled_to_its_end(yjs_system) -> None:
    queued = _submit(yjs_system, [HEADER_2026, *ROWS])
    assert queued.status_code == 202, queued.content
    sub = Submission.objects.get()
    assert queued["Location"] == f"/api/returns/{sub.pk}/"
    job = yjs_system.get(queued["Location"]).json()
    # Tests run jobs at once; a deployment answers "queued" first and the system polls.
    assert job["finished"] is True
    assert job["status"] == "accepted"
    assert job["rows"] == 3
    assert yjs_system.get(job["problems_url"]).json() == []
    assert [s["id"] for s in yjs_system.get("/api/returns/").json()] == [sub.pk]


def test_a_rejected_return_lists_its_problems_by_row_and_column(yjs_system) -> None:
    bad = ROWS[0].replace("2010-03-27", "31/02/2010")
    job = yjs_system.get(_submit(yjs_system, [HEADER_2026, bad])["Location"]).json()
    assert job["status"] == "rejected"
    problems = yjs_system.get(job["problems_url"]).json()
    assert problems
    assert problems[0]["row"] == 2
    assert problems[0]["column"] == "date_of_birth"
    assert problems[0]["value"] == ""  # an identifier's value is never kept


@pytest.mark.parametrize(
    ("fields", "column"),
    [
        ({"period": "99999"}, "period"),
        ({"domain": "police"}, "domain"),  # another agency type's return
        ({"county": "norfolk"}, "county"),  # a county the agency does not cover
        ({"county": "atlantis"}, "county"),
    ],
)
def test_a_submission_for_what_is_not_the_agencys_is_refused_and_saves_nothing(
    yjs_system, fields, column
) -> None:
    refused = _submit(yjs_system, [HEADER_2026, *ROWS], **fields)
    assert refused.status_code == 400
    body = refused.json()
    named = {p["column"] for p in body.get("problems", [])} | set(body)
    assert column in named, body
    assert Submission.objects.count() == 0


def test_another_agencys_system_cannot_read_the_return(yjs_system) -> None:
    location = _submit(yjs_system, [HEADER_2026, *ROWS])["Location"]
    other = system_client("data_submitter", "norfolk-yjs", None, name="Norfolk YJS system")
    assert other.get(location).status_code == 404
    assert other.get(location + "problems/").status_code == 404
    assert other.get("/api/returns/").json() == []


def test_completeness_and_the_published_baseline_are_read_through_the_api(yjs_system) -> None:
    _submit(yjs_system, [HEADER_2026, *ROWS])
    period = ReturnPeriod.objects.get(label="April to September 2026")
    matrix = yjs_system.get(f"/api/completeness/?period={period.pk}").json()
    assert matrix["period"] == period.label
    suffolk = matrix["counties"].index("suffolk")
    rows = {(r["domain"], r["measure"]): r["states"] for r in matrix["rows"]}
    assert rows[("youth-justice", "care_status")][suffolk] == "submitted"
    assert yjs_system.get("/api/completeness/?period=abc").status_code == 404

    lead = signed_in_client(person("programme_lead", "partnership-team", username="lead.api"))
    published = lead.get(f"/api/baseline/?period={period.pk}", HTTP_ACCEPT="application/json")
    assert published.status_code == 200
    cells = [c for t in published.json()["tables"] for row in t["rows"] for c in row[1:]]
    # Three children in one county: every count from 1 to 4 is hidden.
    assert not [c for c in cells if isinstance(c, int) and 1 <= c <= 4]
    assert "[c]" in cells
    assert yjs_system.get("/api/baseline/").status_code == 403


def test_a_return_with_a_title_row_or_an_unclosed_quote_is_rejected_saying_where(
    yjs_system,
) -> None:
    titled = yjs_system.get(
        _submit(yjs_system, ["Youth Justice return", "", HEADER_2026, *ROWS])["Location"]
    ).json()
    assert titled["status"] == "rejected"
    [problem] = yjs_system.get(titled["problems_url"]).json()
    assert "start on line 3" in problem["message"]
    assert not Submission.objects.filter(status="accepted").exists()
