"""The learning hub: practice examples written in the Pathfinder's dissemination proforma (seed
003), reviewed before they are published, found by search, read without signing in.

Every section of the proforma is a field. Every save keeps a version, so what changed between
versions can be shown section by section. Nothing here is about a child: an example describes a
practice, never a person, and the review's Child First check looks at its language too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from reachable.core.models import Area, Code

THEMES = "thematic-area"
EVIDENCE = "evidence-strength"

# (field, heading, guidance on the form, required before review)
SECTIONS: list[tuple[str, str, str, bool]] = [
    ("summary", "Summary", "What the practice is, for whom, in two or three sentences.", True),
    ("purpose", "Purpose", "The problem it addresses and what it set out to change.", True),
    (
        "readiness",
        "Readiness",
        "What needs to be in place before starting: people, agreements, data.",
        False,
    ),
    (
        "implementation",
        "Implementation",
        "How it was set up, step by step, and how long it took.",
        True,
    ),
    (
        "delivery",
        "Process and delivery",
        "How it runs day to day: who does what, when, where.",
        False,
    ),
    (
        "enablers",
        "Enablers: core components and good practice",
        "What made it work; what must not be left out.",
        False,
    ),
    ("barriers", "Barriers", "What got in the way and how it was overcome (or not).", False),
    (
        "evaluation",
        "Evaluation",
        "How it was evaluated and what was found, with figures where there are any.",
        False,
    ),
    ("feedback", "Feedback", "What children, families and practitioners said about it.", False),
    (
        "further_information",
        "Further information",
        "Where to find out more: documents, contacts by role, links.",
        False,
    ),
]
SECTION_FIELDS = [name for name, _, _, _ in SECTIONS]


def _user(**kwargs: Any) -> Any:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", **kwargs
    )


class Audience(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    PRACTITIONER = "practitioner", "Practitioner"
    FAMILIES = "families", "Children and families (plain words)"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class PracticeExample(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    author = _user()
    county = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    workstream = models.CharField(max_length=200)
    theme = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": THEMES},
    )
    audience = models.CharField(max_length=20, choices=Audience.choices)
    tags = models.CharField(max_length=300, blank=True, help_text="Separated by commas.")
    evidence = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": EVIDENCE},
    )
    evaluation_method = models.CharField(max_length=300, blank=True)
    evaluation_link = models.URLField(blank=True)
    review_by = models.DateField(help_text="When the content should be checked again.")
    summary = models.TextField(blank=True)
    purpose = models.TextField(blank=True)
    readiness = models.TextField(blank=True)
    implementation = models.TextField(blank=True)
    delivery = models.TextField(blank=True)
    enablers = models.TextField(blank=True)
    barriers = models.TextField(blank=True)
    evaluation = models.TextField(blank=True)
    feedback = models.TextField(blank=True)
    further_information = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    reviewer = _user(null=True, blank=True)
    child_first_checked = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The attachments' titles and the text read from their PDFs, kept by the services so that
    # search reaches them on both databases.
    attachment_text = models.TextField(blank=True, editable=False)
    # PostgreSQL's weighted full-text vector, kept by the services (empty on SQLite, which
    # searches the sections directly: ``learning.search``).
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["state", "theme"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The search vector (``search.vector_update``) and the attachments' text
        # (``services.attachment_add``) are written by queries; a save of the other fields must
        # not overwrite them with the stale values held in memory.
        if self.pk and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kept_apart = {"id", "search_vector", "attachment_text"}
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if f.name not in kept_apart
            ]
        super().save(*args, **kwargs)

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    def sections(self) -> list[tuple[str, str, str]]:
        """(field, heading, text) for every section, in the proforma's order."""
        return [(name, heading, getattr(self, name)) for name, heading, _, _ in SECTIONS]


class Attachment(models.Model):
    """A file (PDF, slides, a document) or a link (a video) that goes with an example.

    Files are kept in the database, so the partnership's one backup holds them, under a size
    limit and after their content (not only their name) is checked (``learning.attachments``).
    """

    example = models.ForeignKey(
        PracticeExample, on_delete=models.CASCADE, related_name="attachments"
    )
    number = models.PositiveIntegerField(help_text="Its place among the example's attachments.")
    title = models.CharField(max_length=200)
    link = models.URLField(blank=True, help_text="A video or page elsewhere, instead of a file.")
    filename = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    content = models.BinaryField(blank=True, editable=False)
    text = models.TextField(blank=True, editable=False, help_text="Read from a PDF, for search.")
    added_by = _user()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["example", "number"], name="attachment_number_once")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return not self.link


class ExampleVersion(models.Model):
    """The sections as saved, every time: what the diff between versions is made from."""

    example = models.ForeignKey(PracticeExample, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    sections = models.JSONField()
    by = _user()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["example", "number"], name="version_number_once")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.example}"


class ReviewNote(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Sent for review"
        CHANGES = "changes", "Changes requested"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    example = models.ForeignKey(PracticeExample, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(blank=True)
    by = _user()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.by}"


class Feedback(models.Model):
    """'Was this useful?' from a reader, who need not sign in."""

    example = models.ForeignKey(PracticeExample, on_delete=models.CASCADE, related_name="ratings")
    useful = models.BooleanField()
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{'Useful' if self.useful else 'Not useful'}: {self.example}"


class MonthlyUse(models.Model):
    example = models.ForeignKey(PracticeExample, on_delete=models.CASCADE, related_name="use")
    month = models.DateField()
    views = models.PositiveIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["example", "month"], name="use_once_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.example} in {self.month:%B %Y}"
