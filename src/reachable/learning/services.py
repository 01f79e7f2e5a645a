"""Every change to a practice example: write, send for review, publish or send back, withdraw.

Each service checks who may do it (``learning.access``), validates (a refusal names the field and
saves nothing), keeps a version of the sections on every save and is audited.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from reachable.audit.services import audit_record
from reachable.learning import access
from reachable.learning.attachments import file_check
from reachable.learning.models import (
    SECTION_FIELDS,
    SECTIONS,
    Attachment,
    ExampleVersion,
    Feedback,
    MonthlyUse,
    PracticeExample,
    ReviewNote,
    State,
)
from reachable.learning.search import vector_update

RESERVED_SLUGS = {"manage"}  # the hub's own pages sit beside the examples' addresses
DESCRIPTIVE = [
    "title",
    "county",
    "workstream",
    "theme",
    "audience",
    "tags",
    "evidence",
    "evaluation_method",
    "evaluation_link",
    "review_by",
]


def _audit(user: Any, action: str, example: PracticeExample, **detail: Any) -> None:
    audit_record(user=user, action=f"learning.{action}", obj=example, detail=detail)


def _review_by_ahead(review_by: dt.date) -> None:
    if review_by <= timezone.localdate():
        raise ValidationError({"review_by": "Enter a review-by date in the future."})


def _version(user: Any, example: PracticeExample) -> ExampleVersion:
    last = example.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ExampleVersion.objects.create(
        example=example,
        number=last + 1,
        title=example.title,
        sections={name: getattr(example, name) for name in SECTION_FIELDS},
        by=user,
    )


def _slug_for(title: str) -> str:
    base = slugify(title)[:100] or "example"
    if base in RESERVED_SLUGS:
        base = f"{base}-example"
    slug, n = base, 2
    while PracticeExample.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def example_create(*, user: Any, **fields: Any) -> PracticeExample:
    if not access.may_write(user):
        raise ValidationError("Your role cannot write practice examples.")
    _review_by_ahead(fields["review_by"])
    example = PracticeExample.objects.create(
        author=user, slug=_slug_for(fields["title"]), state=State.DRAFT, **fields
    )
    _version(user, example)
    vector_update(example.pk)
    _audit(user, "example.create", example, title=example.title)
    return example


@transaction.atomic
def example_update(*, user: Any, example: PracticeExample, **fields: Any) -> PracticeExample:
    """The author's changes to a draft; every save is a new version."""
    access.edit_check(user, example)
    if "review_by" in fields:
        _review_by_ahead(fields["review_by"])
    changed = [name for name, value in fields.items() if getattr(example, name) != value]
    for name, value in fields.items():
        setattr(example, name, value)
    example.save()
    if any(name in SECTION_FIELDS or name == "title" for name in changed):
        _version(user, example)
    vector_update(example.pk)
    _audit(user, "example.update", example, changed=changed)
    return example


@transaction.atomic
def review_request(*, user: Any, example: PracticeExample, reviewer: Any) -> PracticeExample:
    """Send a draft to a reviewer: the proforma's required sections must be written."""
    access.edit_check(user, example)
    missing = {
        name: f"Write the {heading.lower()} before sending it for review."
        for name, heading, _, required in SECTIONS
        if required and not getattr(example, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    if reviewer is None or not access.may_review(reviewer):
        raise ValidationError({"reviewer": "Choose a reviewer."})
    if reviewer.pk == example.author_id:
        raise ValidationError({"reviewer": "Choose a reviewer other than the author."})
    _review_by_ahead(example.review_by)
    example.state, example.reviewer = State.IN_REVIEW, reviewer
    example.save(update_fields=["state", "reviewer", "updated_at"])
    ReviewNote.objects.create(example=example, kind=ReviewNote.Kind.SUBMITTED, by=user)
    _audit(user, "example.submit", example, reviewer=reviewer.pk)
    return example


@transaction.atomic
def review_decide(
    *,
    user: Any,
    example: PracticeExample,
    publish: bool,
    comment: str = "",
    child_first: bool = False,
) -> PracticeExample:
    """Publish (the Child First check done), or send back to the author with what to change."""
    access.review_check(user, example)
    if example.state != State.IN_REVIEW:
        raise ValidationError("Only an example in review can be decided.")
    if publish:
        if not child_first:
            raise ValidationError(
                {
                    "child_first": "Confirm the Child First check (child-first language and "
                    "approach) before publishing, or ask for changes."
                }
            )
        example.state, example.published_at = State.PUBLISHED, timezone.now()
        example.child_first_checked = True
        kind = ReviewNote.Kind.PUBLISHED
    else:
        if not comment.strip():
            raise ValidationError({"comment": "Say what the author should change."})
        example.state = State.DRAFT
        kind = ReviewNote.Kind.CHANGES
    example.reviewer = user
    example.save()
    ReviewNote.objects.create(example=example, kind=kind, text=comment.strip(), by=user)
    _audit(user, "example.publish" if publish else "example.changes", example)
    return example


@transaction.atomic
def withdraw(*, user: Any, example: PracticeExample, reason: str) -> PracticeExample:
    access.withdraw_check(user, example)
    if example.state != State.PUBLISHED:
        raise ValidationError("Only a published example can be withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is withdrawn (readers of links see it)."})
    example.state, example.withdrawn_reason = State.ARCHIVED, reason.strip()
    example.save(update_fields=["state", "withdrawn_reason", "updated_at"])
    ReviewNote.objects.create(example=example, kind=ReviewNote.Kind.WITHDRAWN, text=reason, by=user)
    _audit(user, "example.withdraw", example, reason=reason)
    return example


@transaction.atomic
def attachment_add(
    *,
    user: Any,
    example: PracticeExample,
    title: str,
    filename: str = "",
    content: bytes = b"",
    link: str = "",
) -> Attachment:
    """Add a file (checked by its content, its PDF text read for search) or a link to a draft."""
    example = PracticeExample.objects.select_for_update().get(pk=example.pk)
    access.edit_check(user, example)  # on the locked row: it may have been sent for review
    if bool(content or filename) == bool(link):
        raise ValidationError({"file": "Choose a file, or give a link instead: one of the two."})
    if link and not link.startswith("https://"):
        raise ValidationError({"link": "Give a secure link, starting https://"})
    if not title.strip():
        raise ValidationError({"title": "Enter a title for the attachment."})
    fields: dict[str, Any] = {"link": link}
    if not link:
        checked = file_check(filename, content)
        fields = {
            "filename": checked.filename,
            "content_type": checked.content_type,
            "size": len(checked.content),
            "sha256": checked.sha256,
            "content": checked.content,
            "text": checked.text,
        }
    last = example.attachments.order_by("-number").values_list("number", flat=True).first()
    attachment = Attachment.objects.create(
        example=example, number=(last or 0) + 1, title=title.strip(), added_by=user, **fields
    )
    attachment_text_refresh(example)
    _audit(
        user,
        "attachment.add",
        example,
        number=attachment.number,
        title=attachment.title,
        sha256=attachment.sha256,
    )
    return attachment


@transaction.atomic
def attachment_remove(*, user: Any, example: PracticeExample, number: int) -> None:
    example = PracticeExample.objects.select_for_update().get(pk=example.pk)
    access.edit_check(user, example)
    removed, _ = example.attachments.filter(number=number).delete()
    if not removed:
        raise ValidationError("That attachment has already been removed.")
    attachment_text_refresh(example)
    _audit(user, "attachment.remove", example, number=number)


def attachment_text_refresh(example: PracticeExample) -> None:
    """What search reads from the attachments: their titles and their PDFs' text."""
    parts = example.attachments.order_by("number").values_list("title", "text")
    text = "\n".join(f"{title}\n{body}" for title, body in parts)
    PracticeExample.objects.filter(pk=example.pk).update(attachment_text=text)
    vector_update(example.pk)


def feedback_record(*, example: PracticeExample, useful: bool, comment: str = "") -> Feedback:
    """A reader's 'was this useful?': public, so only for a published example, and short."""
    if example.state != State.PUBLISHED:
        raise ValidationError("This example is not published.")
    return Feedback.objects.create(example=example, useful=useful, comment=comment[:2000])


def use_count(example: PracticeExample, *, download: bool = False) -> None:
    from django.db.models import F

    month = timezone.localdate().replace(day=1)
    use, _ = MonthlyUse.objects.get_or_create(example=example, month=month)
    column = "downloads" if download else "views"
    MonthlyUse.objects.filter(pk=use.pk).update(**{column: F(column) + 1})


def version_diff(older: ExampleVersion, newer: ExampleVersion) -> list[tuple[str, list[str]]]:
    """Per section that changed, its unified diff (lines starting with - or +)."""
    changed = []
    headings = {name: heading for name, heading, _, _ in SECTIONS}
    pairs = [("title", "Title", older.title, newer.title)] + [
        (name, headings[name], older.sections.get(name, ""), newer.sections.get(name, ""))
        for name in SECTION_FIELDS
    ]
    for _, heading, before, after in pairs:
        if before == after:
            continue
        lines = list(
            difflib.unified_diff(
                str(before).splitlines(), str(after).splitlines(), lineterm="", n=1
            )
        )[2:]
        changed.append((heading, [line for line in lines if not line.startswith("@@")]))
    return changed
