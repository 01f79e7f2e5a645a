"""The board pack: generated from the quarter's data, read back from the PDF, and kept unchanged
once issued whatever arrives later."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reachable.programmes import services
from reachable.programmes.models import BoardPack
from reachable.programmes.pack import PACK_CSS, PACK_STYLE_HASH
from reachable.programmes.tests.helpers import (
    a_deliverable,
    a_programme,
    a_target,
    board_member,
    last_quarter,
    lead,
)
from reachable.testing import page, signed_in_client

pytestmark = pytest.mark.django_db


def _quarter_recorded():
    programme = a_programme()
    quarter = last_quarter()
    objective = services.objective_add(
        user=lead(), programme=programme, text="Develop innovative practice"
    )
    late = a_deliverable(programme, title="E-learning module published", objective=objective)
    services.rag_record(
        user=lead(),
        deliverable=late,
        as_at=quarter.ends_on - dt.timedelta(days=3),
        status="in_progress",
        rag="red",
        reason="The provider withdrew; retendering.",
    )
    a_deliverable(programme, title="Workshops for custody staff", objective=objective)
    sessions = a_target(
        programme,
        name="Preventative sessions in schools",
        measure="",
        unit="sessions",
        target=Decimal(120),
    )
    services.actual_record(
        user=lead(),
        target=sessions,
        period_starts_on=quarter.starts_on,
        period_ends_on=quarter.ends_on,
        value=Decimal(37),
        source="SOS+ quarterly return",
    )
    line = services.budget_line_add(
        user=lead(),
        programme=programme,
        name="Staffing",
        year_starts_on=quarter.financial_year_starts_on,
        amount=Decimal(350000),
    )
    services.spend_record(
        user=lead(), budget_line=line, quarter=quarter, amount=Decimal(81234), source="Ledger"
    )
    board = services.body_add(
        user=lead(), programme=programme, name="Governance Board", cadence_weeks=6
    )
    services.meeting_record(
        user=lead(),
        body=board,
        held_on=quarter.ends_on - dt.timedelta(days=10),
        decisions=["Underspend moved to evaluation."],
        actions=[("Bring the evaluation plan", "Programme manager", None)],
    )
    return programme, quarter, late


def test_an_issued_pack_reads_back_with_every_section_and_figure() -> None:
    programme, quarter, _ = _quarter_recorded()
    pack = services.pack_issue(user=lead(), programme=programme, quarter=quarter)
    reader = PdfReader(io.BytesIO(bytes(pack.pdf)))
    pages = len(reader.pages)
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = " ".join(text.split())
    assert pages >= 2
    assert f"Page 1 of {pages}" in flat
    assert f"Page {pages} of {pages}" in flat
    for heading in (
        "Contents",
        "1. Progress per objective",
        "2. Deliverables by RAG",
        "3. Targets and actuals",
        "4. Spend against budget",
        "5. Risks and issues",
        "6. Decisions and actions from the last meeting",
    ):
        assert heading in flat, heading
    # The figures in the PDF are the ones in the database.
    assert "E-learning module published" in flat
    assert "The provider withdrew; retendering." in flat
    assert "37" in flat
    assert "120 sessions" in flat
    assert "31%" in flat
    assert "£81,234" in flat
    assert "£268,766" in flat
    assert "Underspend moved to evaluation." in flat
    assert f"as at {quarter.ends_on:%-d %B %Y}" in flat
    # The contents list gives each section's page.
    assert "page" in flat.split("Contents")[1].split("1. Progress")[0]
    assert pack.sha256 == hashlib.sha256(bytes(pack.pdf)).hexdigest()


def test_an_issued_pack_downloads_unchanged_after_new_data_arrives() -> None:
    programme, quarter, late = _quarter_recorded()
    pack = services.pack_issue(user=lead(), programme=programme, quarter=quarter)
    client = signed_in_client(board_member())
    before_pdf = client.get(reverse("programmes:pack_download", args=[pack.pk, "pdf"])).content
    before_html = client.get(reverse("programmes:pack_download", args=[pack.pk, "html"])).content
    # A late update for the same quarter arrives after the pack was issued.
    services.rag_record(
        user=lead(),
        deliverable=late,
        as_at=quarter.ends_on,
        status="in_progress",
        rag="green",
    )
    after_pdf = client.get(reverse("programmes:pack_download", args=[pack.pk, "pdf"])).content
    after_html = client.get(reverse("programmes:pack_download", args=[pack.pk, "html"])).content
    assert after_pdf == before_pdf
    assert after_html == before_html
    assert hashlib.sha256(after_pdf).hexdigest() == pack.sha256
    # The preview is built from today's data, so it shows the change; the issued pack does not.
    preview = page(
        client.get(
            reverse("programmes:pack_preview", args=[programme.pk]) + f"?quarter={quarter.key()}"
        )
    )
    assert "Green: on track" in preview
    assert "Green: on track" not in after_html.decode()
    # Issuing the same quarter again is refused; the first pack stays.
    with pytest.raises(Exception, match="issued already"):
        services.pack_issue(user=lead(), programme=programme, quarter=quarter)
    assert BoardPack.objects.count() == 1


def test_the_pack_page_allows_its_own_stylesheet_and_nothing_else_inline() -> None:
    programme, quarter, _ = _quarter_recorded()
    response = signed_in_client(lead()).get(
        reverse("programmes:pack_preview", args=[programme.pk]) + f"?quarter={quarter.key()}"
    )
    policy = response["Content-Security-Policy"]
    assert PACK_STYLE_HASH in policy
    assert "unsafe-inline" not in policy
    body = response.content.decode()
    assert f"<style>{PACK_CSS}</style>" in body
    assert body.count("<style") == 1
    assert "style=" not in body
    assert "<script" not in body
    # Every chart is an image with its description, followed by its figures as a table.
    assert body.count("<figure>") == body.count("the figures</caption>") >= 2
