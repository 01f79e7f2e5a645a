"""The learning hub: the review workflow's rules, versions with a diff, search ranking, facets,
public pages that show published examples only, and harmless odd input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from reachable.core.models import Code
from reachable.learning import search, services
from reachable.learning.models import Feedback, MonthlyUse, PracticeExample, State
from reachable.learning.synth import synth_learning
from reachable.synth.services import system_user
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db


def _writer(username: str = "writer") -> Any:
    from reachable.accounts.models import User

    found = User.objects.filter(username=username).first()
    return found or person(
        "custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username=username
    )


def _reviewer(username: str = "reviewer") -> Any:
    from reachable.accounts.models import User

    found = User.objects.filter(username=username).first()
    return found or person("programme_lead", "partnership-team", username=username)


def _draft(by: Any = None, **fields: Any) -> PracticeExample:
    values: dict[str, Any] = {
        "title": "Meeting children in custody",
        "workstream": "Custody early intervention",
        "county": None,
        "theme": Code.objects.get(code_list__key="thematic-area", code="practice"),
        "audience": "practitioner",
        "tags": "custody",
        "evidence": Code.objects.get(code_list__key="evidence-strength", code="not-rated"),
        "evaluation_method": "",
        "evaluation_link": "",
        "review_by": timezone.localdate() + dt.timedelta(days=200),
        "summary": "A practitioner meets every detained child.",
        "purpose": "Children left custody with nobody asking why.",
        "implementation": "Two practitioners, matched to arrival times.",
    }
    values.update(fields)
    return services.example_create(user=by or _writer(), **values)


def _published(**fields: Any) -> PracticeExample:
    example = _draft(**fields)
    services.review_request(user=example.author, example=example, reviewer=_reviewer())
    return services.review_decide(user=_reviewer(), example=example, publish=True, child_first=True)


def test_an_example_goes_from_draft_to_review_to_published_with_its_rules() -> None:
    writer, reviewer = _writer(), _reviewer()
    example = _draft(by=writer, implementation="")
    with pytest.raises(ValidationError) as refused:
        services.review_request(user=writer, example=example, reviewer=reviewer)
    assert "implementation" in refused.value.message_dict  # a required section is empty
    services.example_update(user=writer, example=example, implementation="Step by step.")
    services.review_request(user=writer, example=example, reviewer=reviewer)
    # The author cannot review their own example, nor change it while it is in review.
    with pytest.raises(PermissionDenied):
        services.review_decide(user=writer, example=example, publish=True, child_first=True)
    with pytest.raises(PermissionDenied):
        services.example_update(user=writer, example=example, summary="Changed in review")
    with pytest.raises(ValidationError) as refused:
        services.review_decide(user=reviewer, example=example, publish=True)
    assert "child_first" in refused.value.message_dict
    services.review_decide(user=reviewer, example=example, publish=False, comment="Add figures.")
    example.refresh_from_db()
    assert example.state == State.DRAFT
    assert example.notes.first().text == "Add figures."  # type: ignore[union-attr]
    services.review_request(user=writer, example=example, reviewer=reviewer)
    services.review_decide(user=reviewer, example=example, publish=True, child_first=True)
    example.refresh_from_db()
    assert example.state == State.PUBLISHED
    with pytest.raises(ValidationError) as refused:
        services.withdraw(user=writer, example=example, reason=" ")
    assert "reason" in refused.value.message_dict
    services.withdraw(user=writer, example=example, reason="Replaced by the 2027 guidance.")
    assert PracticeExample.objects.get().state == State.ARCHIVED


def test_a_review_by_date_in_the_past_is_refused_and_nothing_saved() -> None:
    with pytest.raises(ValidationError) as refused:
        _draft(review_by=timezone.localdate() - dt.timedelta(days=1))
    assert "review_by" in refused.value.message_dict
    assert not PracticeExample.objects.exists()


def test_every_save_keeps_a_version_and_the_diff_shows_the_sections_that_changed() -> None:
    writer = _writer()
    example = _draft(by=writer)
    services.example_update(
        user=writer, example=example, purpose="Children left custody unheard.", barriers="Rotas."
    )
    older, newer = example.versions.order_by("number")
    changes = dict(services.version_diff(older, newer))
    assert set(changes) == {"Purpose", "Barriers"}
    assert "-Children left custody with nobody asking why." in changes["Purpose"]
    assert "+Children left custody unheard." in changes["Purpose"]
    diff = page(
        signed_in_client(writer).get(reverse("learning:version_diff", args=[example.pk, 2]))
    )
    assert "Removed: </span>Children left custody with nobody asking why." in diff


def test_a_term_in_the_summary_ranks_above_the_same_term_in_further_information() -> None:
    _published(title="Panel practice", summary="How the exploitation panel shares actions.")
    _published(
        title="Detached youth work",
        summary="Youth workers at stations.",
        further_information="See also the panel guidance.",
    )
    _published(title="Comfort boxes", summary="A box for every child in a cell.")
    found = search.search("panel")
    assert [r.example.title for r in found.results] == ["Panel practice", "Detached youth work"]
    assert "<mark>panel</mark>" in found.results[0].snippet
    # Facets count the matched examples only.
    assert found.facets["theme"] == [("practice", "Practice models", 2)]


def test_public_pages_show_published_examples_only_and_count_their_use() -> None:
    draft = _draft(title="A draft nobody may see", summary="Secret draft wording.")
    shown = _published(title="Meeting children in custody")
    anonymous = Client()
    assert anonymous.get(reverse("learning:example", args=[draft.slug])).status_code == 404
    assert anonymous.get(reverse("learning:example_pdf", args=[draft.slug])).status_code == 404
    hub = page(anonymous.get(reverse("learning:hub") + "?q=draft"))
    assert "Secret draft wording" not in hub
    assert anonymous.get(reverse("learning:example", args=[shown.slug])).status_code == 200
    pdf = anonymous.get(reverse("learning:example_pdf", args=[shown.slug]))
    assert pdf["Content-Type"] == "application/pdf"
    use = MonthlyUse.objects.get(example=shown)
    assert (use.views, use.downloads) == (1, 1)
    posted = anonymous.post(
        reverse("learning:example", args=[shown.slug]), {"useful": "yes", "comment": "Clear."}
    )
    assert posted.status_code == 302
    assert Feedback.objects.get().useful is True


def test_markup_is_escaped_on_public_pages() -> None:
    shown = _published(summary="Use <script>alert(1)</script> & <b>care</b>.")
    body = Client().get(reverse("learning:example", args=[shown.slug])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    found = search.search("care")
    assert "<b>" not in found.results[0].snippet
    assert "&lt;b&gt;<mark>care</mark>" in found.results[0].snippet


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2000))
def test_any_search_text_is_harmless(text: str) -> None:
    found = search.search(text)
    assert len(found.query) <= search.MAX_QUERY
    for result in found.results:
        assert "<script" not in result.snippet.lower()


def test_the_demo_examples_can_be_found() -> None:
    assert synth_learning(user_id=system_user().pk) == 12
    found = search.search("custody")
    titles = [r.example.title for r in found.results]
    assert "Meeting every detained child in custody" in titles[:2]
    overdue = PracticeExample.objects.get(title="Mentoring young people away from exploitation")
    body = page(Client().get(reverse("learning:example", args=[overdue.slug])))
    assert "may be out of date" in body
