"""Attachments to practice examples: checked by their content and size, found by search through
their PDFs' text, offered to the public only with a published example, changed only by the
author of a draft. A refused file saves nothing."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from reachable.learning import search, services
from reachable.learning.attachments import file_check, safe_filename
from reachable.learning.models import Attachment, MonthlyUse
from reachable.learning.synth import handout_pdf
from reachable.learning.tests.test_learning import _draft, _reviewer, _writer
from reachable.testing import page, signed_in_client

pytestmark = pytest.mark.django_db


def _slides() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("ppt/presentation.xml", "<p:presentation/>")
    return buffer.getvalue()


def _locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("a password")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _add_page(client: Client, example: Any, **data: Any) -> Any:
    return client.post(reverse("learning:attachment_new", args=[example.pk]), data)


def test_an_authors_pdf_is_kept_found_by_its_text_and_downloaded_once_published() -> None:
    writer = _writer()
    example = _draft(by=writer)
    client = signed_in_client(writer)
    response = _add_page(
        client,
        example,
        title="Prompt sheet",
        file=SimpleUploadedFile("prompt sheet.pdf", handout_pdf(), "application/pdf"),
        link="",
    )
    assert response.status_code == 302
    kept = Attachment.objects.get(example=example)
    assert (kept.filename, kept.content_type) == ("prompt sheet.pdf", "application/pdf")
    assert bytes(kept.content) == handout_pdf()
    # The author (and reviewers) fetch a draft's file; the public cannot.
    managed = reverse("learning:attachment_managed", args=[example.pk, kept.number])
    assert client.get(managed).status_code == 200
    public = reverse("learning:attachment", args=[example.slug, kept.number])
    assert Client().get(public).status_code == 404
    assert search.search("icebreaker").results == []  # drafts are never found

    services.review_request(user=writer, example=example, reviewer=_reviewer())
    services.review_decide(user=_reviewer(), example=example, publish=True, child_first=True)
    found = search.search("icebreaker")
    assert [r.example.pk for r in found.results] == [example.pk]
    assert "<mark>icebreaker</mark>" in found.results[0].snippet
    body = page(Client().get(reverse("learning:example", args=[example.slug])))
    assert "Prompt sheet" in body
    download = Client().get(public)
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="prompt sheet.pdf"'
    assert download.content == handout_pdf()
    assert MonthlyUse.objects.get(example=example).downloads == 1

    services.withdraw(user=writer, example=example, reason="Replaced by a newer guide.")
    assert Client().get(public).status_code == 404


def test_a_video_link_goes_with_the_example() -> None:
    writer = _writer()
    example = _draft(by=writer)
    response = _add_page(
        signed_in_client(writer),
        example,
        title="Recorded workshop",
        link="https://video.example.org/workshop",
    )
    assert response.status_code == 302
    link = Attachment.objects.get(example=example)
    assert (link.link, link.size, bytes(link.content)) == (
        "https://video.example.org/workshop",
        0,
        b"",
    )


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("notes.pdf", b"<html><script>alert(1)</script></html>", "The file must be one of"),
        ("slides.pdf", _slides(), "rename it to end .pptx"),
        ("guide.pdf", b"%PDF-1.7 this is not really a PDF", "The PDF could not be read"),
        ("locked.pdf", _locked_pdf(), "protected by a password"),
        ("empty.pdf", b"", "The submitted file is empty"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused_and_nothing_saved(
    filename: str, content: bytes, message: str
) -> None:
    writer = _writer()
    example = _draft(by=writer)
    response = _add_page(
        signed_in_client(writer),
        example,
        title="Handout",
        file=SimpleUploadedFile(filename, content),
        link="",
    )
    assert response.status_code == 400
    assert message in page(response)
    assert not Attachment.objects.exists()
    example.refresh_from_db()
    assert example.attachment_text == ""


@override_settings(REACHABLE_LEARNING_ATTACHMENT_MAX_MB=1)
def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    writer = _writer()
    example = _draft(by=writer)
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 1)
    response = _add_page(
        signed_in_client(writer), example, title="Big", file=SimpleUploadedFile("big.pdf", big)
    )
    assert response.status_code == 400
    assert "the limit is 1 MB" in page(response)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "Video", "link": "http://video.example.org/x"}, "starting https://"),
        ({"title": "Nothing"}, "Choose a file, or give a link instead"),
        ({"title": "", "link": "https://video.example.org/x"}, "Enter a title"),
    ],
)
def test_a_link_must_be_secure_and_one_of_file_or_link_given(
    data: dict[str, str], message: str
) -> None:
    writer = _writer()
    example = _draft(by=writer)
    response = _add_page(signed_in_client(writer), example, **data)
    assert response.status_code == 400
    assert message in page(response)
    assert not Attachment.objects.exists()


def test_only_the_author_of_a_draft_adds_or_removes_attachments() -> None:
    writer = _writer()
    example = _draft(by=writer)
    kept = services.attachment_add(
        user=writer, example=example, title="Slides", filename="s.pptx", content=_slides()
    )
    with pytest.raises(PermissionDenied):
        services.attachment_add(
            user=_reviewer(), example=example, title="Mine", link="https://example.org/x"
        )
    other = _writer("another.writer")
    assert signed_in_client(other).get(
        reverse("learning:attachment_managed", args=[example.pk, kept.number])
    ).status_code in {403, 404}
    services.review_request(user=writer, example=example, reviewer=_reviewer())
    with pytest.raises(PermissionDenied):  # in review: send it back for changes first
        services.attachment_remove(user=writer, example=example, number=kept.number)
    assert Attachment.objects.count() == 1


def test_removing_an_attachment_takes_its_text_out_of_search() -> None:
    writer = _writer()
    example = _draft(by=writer)
    kept = services.attachment_add(
        user=writer, example=example, title="Handout", filename="h.pdf", content=handout_pdf()
    )
    example.refresh_from_db()
    assert "icebreaker" in example.attachment_text
    services.attachment_remove(user=writer, example=example, number=kept.number)
    example.refresh_from_db()
    assert example.attachment_text == ""
    with pytest.raises(ValidationError):
        services.attachment_remove(user=writer, example=example, number=kept.number)


@settings(max_examples=80, deadline=None)
@given(
    name=st.text(max_size=300),
    content=st.one_of(
        st.binary(max_size=4000),
        st.binary(max_size=4000).map(lambda tail: b"%PDF-1.4\n" + tail),
        st.binary(max_size=4000).map(lambda tail: b"PK\x03\x04" + tail),
    ),
)
def test_any_file_is_either_accepted_as_an_allowed_type_or_refused_with_a_message(
    name: str, content: bytes
) -> None:
    message = ""
    try:
        checked = file_check(name, content)
    except ValidationError as refused:
        message = refused.message_dict["file"][0]
    if message:
        assert message.endswith(".")  # a sentence that says what to do
    else:
        assert checked.extension in {"pdf", "pptx", "odp", "docx", "odt"}
    cleaned = safe_filename(name)
    assert 0 < len(cleaned) <= 110
    assert not set(cleaned) & set('"/\\;')


@pytest.mark.parametrize("problem", ["compression", "encrypted"])
def test_a_crafted_archive_is_refused_not_an_error(problem: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    raw = bytearray(buffer.getvalue())
    # The member's local header: compression method at offset 8, flags at offset 6.
    if problem == "compression":
        raw[8:10] = (99).to_bytes(2, "little")
        central = raw.rfind(b"PK\x01\x02")
        raw[central + 10 : central + 12] = (99).to_bytes(2, "little")
    else:
        raw[6:8] = (1).to_bytes(2, "little")
        central = raw.rfind(b"PK\x01\x02")
        raw[central + 8 : central + 10] = (1).to_bytes(2, "little")
    with pytest.raises(ValidationError, match="The file must be one of"):
        file_check("notes.odt", bytes(raw))
