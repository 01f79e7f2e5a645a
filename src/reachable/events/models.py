"""Workshop series and webinars (seeds 000 and 001): sessions, registration by members of the
public with a waiting list, attendance, feedback and training evaluation.

An app of its own, beside the learning hub rather than inside it: its records are about people
(registrants' names, emails, access needs), with their own retention and a public way in by
signed links, while the hub holds content about practice. A session links to the hub's examples.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from reachable.learning.models import PracticeExample


class Audience(models.TextChoices):
    """Who registers; "professionals" in the programme's reach figures are the first three."""

    STRATEGIC = "strategic", "Strategic (leaders, commissioners)"
    OPERATIONAL = "operational", "Operational (managers)"
    PRACTITIONER = "practitioner", "Practitioner"
    TEACHER = "teacher", "Teacher or school staff"
    PARENT = "parent", "Parent or carer"
    PUPIL = "pupil", "Pupil or young person"


PROFESSIONALS = [Audience.STRATEGIC, Audience.OPERATIONAL, Audience.PRACTITIONER]


class Series(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    themes = models.CharField(max_length=300, blank=True, help_text="Separated by commas.")
    audiences = models.CharField(max_length=200, blank=True, help_text="Who it is aimed at.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    online_link = models.URLField(
        blank=True, help_text="Sent only to people with a confirmed place, never shown publicly."
    )
    venue = models.CharField(max_length=300, blank=True)
    accessibility = models.TextField(blank=True, help_text="Step-free access, captions, BSL.")
    capacity = models.PositiveIntegerField()
    examples = models.ManyToManyField(PracticeExample, blank=True, related_name="+")
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def online(self) -> bool:
        return bool(self.online_link)


class Speaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    class State(models.TextChoices):
        CONFIRMED = "confirmed", "Place confirmed"
        WAITING = "waiting", "On the waiting list"
        OFFERED = "offered", "Offered a place"
        CANCELLED = "cancelled", "Cancelled"
        LAPSED = "lapsed", "Offer lapsed"

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registrations")
    name = models.CharField(max_length=120)
    email = models.EmailField(help_text="Kept in lower case: one registration per address.")
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    access_needs = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices)
    # The waiting list's order: lowest first. A change needs a reason and is audited.
    waiting_position = models.PositiveIntegerField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    # When the place became theirs (at registration, or on accepting an offer): reminders due
    # before then are not sent.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "email"], name="one_registration_each")
        ]
        indexes = [models.Index(fields=["session", "state"])]

    def __str__(self) -> str:
        return f"{self.name} for {self.session}"

    @property
    def token(self) -> str:
        """The signed link's token, for the registrant's emails and pages."""
        from reachable.events.services.tokens import registration_token

        return registration_token(self)


class Offer(models.Model):
    """A place offered from the waiting list, held for a set number of hours."""

    class State(models.TextChoices):
        OPEN = "open", "Offered"
        ACCEPTED = "accepted", "Accepted"
        EXPIRED = "expired", "Expired"
        DECLINED = "declined", "Declined"

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="offers")
    offered_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-offered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration"], condition=Q(state="open"), name="one_open_offer_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.registration}"


class SessionFeedback(models.Model):
    """One response per registration: ``registration_key`` (a keyed hash) enforces it even when
    the person chose to answer anonymously, when no link to the registration is kept."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registration_key = models.CharField(max_length=64, unique=True)
    usefulness = models.PositiveSmallIntegerField(help_text="1 (not useful) to 5 (very useful).")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Feedback on {self.session}"


class Instrument(models.Model):
    """A questionnaire scored by subscale means: the project ships a free one; a licensed one
    (ARTIC is one) is entered by the partnership that holds the licence."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    scale_min = models.SmallIntegerField()
    scale_max = models.SmallIntegerField()
    min_label = models.CharField(max_length=60)
    max_label = models.CharField(max_length=60)
    # A subscale's score needs at least this share of its items answered (not "not applicable").
    min_answered = models.DecimalField(max_digits=3, decimal_places=2, default=0.5)
    licence = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")), name="scale_max_above_min"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    subscale = models.CharField(max_length=100)
    reverse_keyed = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="item_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class EvaluationResponse(models.Model):
    """Answers before or after a series, paired by participant (a keyed hash of the series and
    the email address: the answers are not stored against a name)."""

    class Phase(models.TextChoices):
        PRE = "pre", "Before"
        POST = "post", "After"

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="responses")
    participant = models.CharField(max_length=64)
    phase = models.CharField(max_length=4, choices=Phase.choices)
    answers = models.JSONField(help_text="Item number to answer; null for not applicable.")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "series", "participant", "phase"],
                name="one_response_per_phase",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} response to {self.instrument}"
