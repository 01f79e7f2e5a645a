"""Submitting returns: accepted returns are stored pseudonymised (no name, date of birth or
reference survives), rejected ones store only their problems, a resubmission replaces the last
and keeps it, and nobody submits for a period, domain or county that is not theirs."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
from typing import Any

import duckdb
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from reachable.core.models import Area
from reachable.core.services import PartnershipFileError
from reachable.returns.models import Domain, ReturnPeriod, Submission
from reachable.returns.pseudonymise import dice
from reachable.returns.services import (
    names_path,
    return_periods_load,
    submission_queue,
    upload_dir,
)
from reachable.returns.tasks import run_submission_check
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db

HEADER = "local_id,given_name,family_name,date_of_birth,sex,ethnicity,postcode,exploitation_concern,identified_on,care_status,nrm_referred"
HEADER_2026 = HEADER.replace("exploitation_concern", "cce_concern")
ROWS = [
    "YJ-1,Jay,Okafor,2010-03-27,M,BCRB,IP1 2AB,Y,2026-05-02,cin,Y",
    "YJ-2,Zoë,Okafr,27/03/2011,F,WBRI,,N,,none,N",
    "YJ-3,Tyler,Brooks,2009-11-02,M,,CB1 1AA,Y,2026-08-30,cla,N",
]


@pytest.fixture
def kai(db):
    """The data submitter at Suffolk Youth Justice Service."""
    return person("data_submitter", "suffolk-yjs", username="kai.submitter")


def _upload(client: Any, lines: list[str], name: str = "return.csv", **fields: Any) -> Any:
    data = {
        "period": ReturnPeriod.objects.get(label="April to September 2026").pk,
        "domain": Domain.objects.get(version__version="2026.1", key="youth-justice").pk,
        "county": Area.objects.get(slug="suffolk").pk,
        "file": SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode()),
        **fields,
    }
    return client.post("/returns/submissions/new/", data)


def _key(text: str) -> str:
    return hmac.new(
        settings.REACHABLE_LINKAGE_KEY.encode(), text.encode(), hashlib.sha256
    ).hexdigest()


def test_an_accepted_return_keeps_no_name_birth_date_or_reference(kai, returns_dir) -> None:
    client = signed_in_client(kai)
    response = _upload(client, [HEADER_2026, *ROWS])
    sub = Submission.objects.get()
    assert response["Location"] == f"/returns/submissions/{sub.pk}/"
    assert sub.status == "accepted", sub.progress
    assert sub.rows == 3
    assert "3 rows accepted" in page(client.get(response["Location"]))
    assert not upload_dir(sub).exists(), "the uploaded file is deleted once checked"

    stored = duckdb.connect()
    rows = stored.execute(f"SELECT * FROM '{sub.stored_as}' ORDER BY _row").fetchall()
    columns = [d[0] for d in stored.description]
    assert not {"local_id", "given_name", "family_name", "date_of_birth", "postcode"} & set(columns)
    first = dict(zip(columns, rows[0], strict=True))
    assert first["person_key"] == _key("suffolk-yjs|YJ-1")
    assert first["given_h"] == _key("jay")
    assert first["dob_h"] == _key("2010-03-27")
    assert (first["dob_year"], first["dob_month"], first["postcode_district"]) == (2010, 3, "IP1")
    assert first["cce_concern"] == "Y"
    assert first["identified_on"] == dt.date(2026, 5, 2)
    second = dict(zip(columns, rows[1], strict=True))
    assert second["given_h"] == _key("zoe"), "accents and case folded before hashing"
    for path in (sub.stored_as, names_path(sub)):
        with open(path, "rb") as stored_file:
            raw = stored_file.read()
        assert b"Okafor" not in raw
        assert b"okafor" not in raw
        assert b"YJ-1" not in raw


def test_name_filters_score_a_misspelling_close_and_another_name_far(kai) -> None:
    _upload(signed_in_client(kai), [HEADER_2026, *ROWS])
    sub = Submission.objects.get()
    codes = dict(duckdb.connect().execute(f"SELECT h, clk FROM '{names_path(sub)}'").fetchall())
    okafor, okafr, brooks = codes[_key("okafor")], codes[_key("okafr")], codes[_key("brooks")]
    assert dice(okafor, okafr) > 0.75
    assert dice(okafor, brooks) < 0.4


def test_a_rejected_return_stores_only_its_problems(kai, returns_dir) -> None:
    client = signed_in_client(kai)
    bad = ["YJ-1,Jay,Okafor,27/13/2010,M,BCRB,,maybe,2026-05-02,cin,Y"]
    _upload(client, [HEADER_2026, *bad])
    sub = Submission.objects.get()
    assert sub.status == "rejected"
    assert sub.stored_as == ""
    problems = {(p.row, p.column): p.value for p in sub.problems.all()}
    assert problems[(2, "cce_concern")] == "maybe"
    assert problems[(2, "date_of_birth")] == "", "identifier values are not kept"
    assert not list(returns_dir.glob("accepted/*"))
    text = page(client.get(f"/returns/submissions/{sub.pk}/"))
    assert "Not accepted: 2 problems to fix" in text
    book = load_workbook(
        io.BytesIO(client.get(f"/returns/submissions/{sub.pk}/problems.xlsx").content)
    )
    assert [c.value for c in book.active[1]] == ["Row", "Column", "Value", "How to fix it"]
    assert book.active.max_row == 3


def test_a_resubmission_replaces_the_last_and_keeps_it(kai) -> None:
    client = signed_in_client(kai)
    _upload(client, [HEADER_2026, *ROWS[:1]])
    _upload(client, [HEADER_2026, *ROWS], gaps="nrm_referred not recorded before June")
    first, second = Submission.objects.order_by("pk")
    assert (first.status, second.status) == ("superseded", "accepted")
    assert second.replaces == first
    assert second.gaps == "nrm_referred not recorded before June"


def test_nobody_submits_outside_their_period_domain_or_county(kai) -> None:
    yj = Domain.objects.get(version__version="2026.1", key="youth-justice")
    police = Domain.objects.get(version__version="2026.1", key="police")
    open_period = ReturnPeriod.objects.get(label="April to September 2026")
    closed = ReturnPeriod.objects.get(label="April to September 2025")
    suffolk, essex = Area.objects.get(slug="suffolk"), Area.objects.get(slug="essex")

    def queue(**kw: Any) -> Submission:
        args: dict[str, Any] = {
            "period": open_period,
            "domain": yj,
            "county": suffolk,
            "filename": "r.csv",
        }
        return submission_queue(user=kai, chunks=[b"x"], **(args | kw))

    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"period": closed}, "period", "is closed"),
        ({"domain": police}, "domain", "does not return the Police domain"),
        ({"county": essex}, "county", "does not cover Essex"),
        ({"filename": "r.pdf"}, "file", "Upload a CSV, XLSX or ODS file"),
    ]
    for kw, field, words in cases:
        with pytest.raises(ValidationError) as refused:
            queue(**kw)
        assert words in refused.value.message_dict[field][0]
    assert not Submission.objects.exists()


def test_another_agency_cannot_see_a_return(kai) -> None:
    _upload(signed_in_client(kai), [HEADER_2026, *ROWS])
    sub = Submission.objects.get()
    other = signed_in_client(person("data_submitter", "essex-yjs", username="eve.submitter"))
    assert other.get(f"/returns/submissions/{sub.pk}/").status_code == 404
    assert other.get(f"/returns/submissions/{sub.pk}/problems.csv").status_code == 404
    assert "No returns yet" in page(other.get("/returns/submissions/"))


def test_a_redelivered_job_changes_nothing(kai) -> None:
    _upload(signed_in_client(kai), [HEADER_2026, *ROWS])
    sub = Submission.objects.get()
    assert run_submission_check.call(sub.pk) == "accepted"
    assert Submission.objects.get().stored_as == sub.stored_as


def test_bad_return_periods_in_the_partnership_file_are_named() -> None:
    good = {
        "label": "P",
        "starts_on": dt.date(2027, 4, 1),
        "ends_on": dt.date(2027, 9, 30),
        "due_on": dt.date(2027, 10, 31),
        "spec_version": "2026.1",
    }
    with pytest.raises(PartnershipFileError, match="must start, end, then fall due"):
        return_periods_load({"return_periods": [good | {"due_on": dt.date(2027, 9, 1)}]})
    with pytest.raises(PartnershipFileError, match="must be dates"):
        return_periods_load({"return_periods": [good | {"starts_on": "April"}]})
    assert return_periods_load({"return_periods": [good]}) == 1


def test_completeness_shows_each_measure_by_county_with_the_reasons_for_gaps(kai) -> None:
    header = "local_id,given_name,family_name,date_of_birth,sex,cce_concern,identified_on"
    _upload(
        signed_in_client(kai),
        [header, "YJ-1,Jay,Okafor,2010-03-27,M,Y,2026-05-02"],
        gaps="Care status is held in another system until January",
    )
    analyst = signed_in_client(person("analyst", "partnership-team", username="ana.analyst"))
    csv_text = analyst.get("/returns/completeness/?format=csv").content.decode()
    table = {(r[0], r[1]): r[2:] for r in csv.reader(io.StringIO(csv_text))}
    counties = table[("Domain", "Measure")]
    suffolk = counties.index("Suffolk")
    norfolk = counties.index("Norfolk")
    assert table[("Youth Justice", "cce_concern")][suffolk] == "Submitted"
    assert table[("Youth Justice", "care_status")][suffolk] == "Return in, measure not captured"
    assert table[("Youth Justice", "cce_concern")][norfolk] == "Not yet captured"
    assert table[("Police", "offence")][suffolk] == "Not yet captured"
    assert ("Youth Justice", "given_name") not in table, "identifiers are not measures"
    text = page(analyst.get("/returns/completeness/"))
    assert "Care status is held in another system until January" in text


def test_a_check_whose_worker_was_stopped_says_so_and_runs_again(kai, settings) -> None:
    import datetime as dt

    from django.utils import timezone

    from reachable.returns.models import ReturnPeriod

    stopped = Submission.objects.create(
        agency=kai.active_memberships[0].agency,
        county=Area.objects.get(slug="suffolk"),
        period=ReturnPeriod.objects.get(label="April to September 2026"),
        domain=Domain.objects.get(version__version="2026.1", key="youth-justice"),
        submitted_by=kai,
        submitted_at=timezone.now(),
        filename="return.csv",
        status=Submission.Status.CHECKING,
        heartbeat_at=timezone.now()
        - dt.timedelta(minutes=settings.REACHABLE_JOB_STALE_MINUTES + 1),
    )
    upload_dir(stopped).mkdir(parents=True)
    (upload_dir(stopped) / "return.csv").write_text("\n".join([HEADER_2026, *ROWS]) + "\n")
    client = signed_in_client(kai)
    shown = page(client.get(f"/returns/submissions/{stopped.pk}/"))
    assert "stopped before it finished" in shown
    assert client.post(f"/returns/submissions/{stopped.pk}/run-again/").status_code == 302
    stopped.refresh_from_db()
    assert stopped.status == "accepted"  # the test settings check it at once
    assert client.post(f"/returns/submissions/{stopped.pk}/run-again/").status_code == 302
    assert Submission.objects.filter(status="accepted").count() == 1
