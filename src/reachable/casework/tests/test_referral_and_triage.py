from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reachable.casework import services
from reachable.casework.models import Case, CaseEvent, ChronologyEntry, Referral
from reachable.children.selectors import children_visible
from reachable.core.models import Team
from reachable.testing import make_child, make_detention, page, person, share, signed_in_client

CUSTODY = "custody_practitioner"

pytestmark = pytest.mark.django_db


def _refer(user, child, team, **changes):
    values = {"concerns": "Worried", "urgency": "routine", "consent": "given", "lawful_basis": ""}
    values.update(changes)
    return services.referral_make(user=user, child=child, to_team=team, **values)


def test_the_receiving_team_can_see_the_child_to_triage(sam, mace, mo) -> None:
    # The school received the record from the custody team; the MACE team has never seen it.
    jay = make_child(given_name="Jay", family_name="Okafor")
    share(jay, "norfolk-education", by=person(CUSTODY, "norfolk-yjs", "norfolk-custody-ei"))
    assert not children_visible(mo).filter(pk=jay.pk).exists()
    referral = _refer(sam, jay, mace)
    assert referral.decision == Referral.Decision.PENDING
    assert referral.referring_agency.slug == "norfolk-education"
    assert children_visible(mo).filter(pk=jay.pk).exists()
    assert ChronologyEntry.objects.filter(child=jay, kind="referral").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"concerns": "  "}, "concerns"),
        ({"consent": "refused"}, "lawful_basis"),
        ({"consent": "not_sought", "lawful_basis": ""}, "lawful_basis"),
        ({"urgency": "whenever"}, "urgency"),
    ],
)
def test_a_referral_missing_what_triage_needs_is_refused(sam, jay, mace, changes, field) -> None:
    with pytest.raises(ValidationError) as error:
        _refer(sam, jay, mace, **changes)
    assert field in error.value.message_dict
    assert not Referral.objects.exists()


def test_without_agreement_the_lawful_basis_is_kept(sam, jay, mace) -> None:
    referral = _refer(
        sam,
        jay,
        mace,
        consent="refused",
        lawful_basis="Risk of significant harm (Children Act 1989 s47).",
    )
    assert "s47" in referral.lawful_basis


def test_only_teams_that_take_referrals_can_receive_them(sam, jay) -> None:
    with pytest.raises(ValidationError) as error:
        _refer(sam, jay, Team.objects.get(slug="norfolk-police-safeguarding"))
    assert "to_team" in error.value.message_dict


def test_a_second_referral_while_one_waits_is_refused(sam, jay, mace) -> None:
    first = _refer(sam, jay, mace)
    # The same referral sent again (a double-click) is the same referral, not an error.
    assert _refer(sam, jay, mace).pk == first.pk
    with pytest.raises(ValidationError, match="already has a referral"):
        _refer(sam, jay, mace, concerns="Something new since this morning")
    assert Referral.objects.count() == 1


def test_accepting_opens_a_case_with_its_history(mo, referral) -> None:
    services.referral_triage(
        user=mo, referral=referral, decision="accepted", reason="Clear indicators"
    )
    referral.refresh_from_db()
    case = referral.case
    assert case.status == Case.Status.OPEN
    assert case.team.slug == "norfolk-mace"
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED]
    assert referral.decided_by == mo


def test_signposting_needs_the_service_and_ends_the_teams_access(mo, referral, jay) -> None:
    with pytest.raises(ValidationError) as error:
        services.referral_triage(
            user=mo, referral=referral, decision="signposted", reason="Early help fits"
        )
    assert "signposted_to" in error.value.message_dict
    services.referral_triage(
        user=mo,
        referral=referral,
        decision="signposted",
        reason="Early help fits",
        signposted_to="Norfolk early help hub",
    )
    assert not Case.objects.exists()
    assert not children_visible(mo).filter(pk=jay.pk).exists()


def test_every_decision_needs_reasons(mo, referral) -> None:
    with pytest.raises(ValidationError) as error:
        services.referral_triage(user=mo, referral=referral, decision="nfa", reason="")
    assert "reason" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.decision == Referral.Decision.PENDING


def test_another_team_cannot_triage(ade, referral) -> None:
    with pytest.raises(ValidationError, match="Only the team"):
        services.referral_triage(user=ade, referral=referral, decision="accepted", reason="x")


def test_a_referral_is_triaged_once(mo, referral) -> None:
    services.referral_triage(user=mo, referral=referral, decision="nfa", reason="Known to YJS")
    with pytest.raises(ValidationError, match="already been triaged"):
        services.referral_triage(user=mo, referral=referral, decision="accepted", reason="x")


def test_a_new_referral_after_closure_reopens_the_same_case(
    mo, grace, case, sam, jay, mace
) -> None:
    services.case_closure_request(
        user=mo, case=case, outcome=_outcome(), summary="Safe, back at school"
    )
    services.case_closure_decide(user=grace, case=case, approve=True, reason="Plan achieved")
    again = _refer(sam, jay, mace, concerns="Missing again")
    services.referral_triage(user=mo, referral=again, decision="accepted", reason="New concerns")
    again.refresh_from_db()
    assert again.case_id == case.pk
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-2:] == [CaseEvent.Kind.CLOSED, CaseEvent.Kind.REOPENED]


def _outcome():
    from reachable.casework.tests.conftest import code

    return code("closure-outcome", "safe-exit")


def test_the_referrer_follows_the_decision_but_cannot_open_the_case(sam, referral, mo) -> None:
    services.referral_triage(user=mo, referral=referral, decision="accepted", reason="Indicators")
    referral.refresh_from_db()
    client = signed_in_client(sam)
    body = page(client.get(reverse("casework:referral", args=[referral.pk])))
    assert "Accepted for casework" in body
    assert reverse("casework:case", args=[referral.case_id]) not in body
    assert client.get(reverse("casework:case", args=[referral.case_id])).status_code == 403


def test_triage_page_lists_urgent_first(mo, sam, mace) -> None:
    from reachable.testing import make_child

    shared = [share(make_child(), "norfolk-education", by=mo).child for _ in range(2)]
    routine = _refer(sam, shared[0], mace, urgency="routine")
    immediate = _refer(sam, shared[1], mace, urgency="immediate")
    from reachable.casework.selectors import referrals_to_triage

    assert list(referrals_to_triage(mo)) == [immediate, routine]


# ---------------------------------------------------------------- custody hand-over


@pytest.fixture
def priya(db):
    return person(
        "custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="priya.custody"
    )


def test_custody_hands_over_with_what_it_knows_written_in(priya, jay, mo) -> None:
    detention = make_detention(jay, custody_team_works=True)
    from reachable.children.models import Involvement

    Involvement.objects.create(
        child=jay, team=Team.objects.get(slug="norfolk-custody-ei"), started_on=timezone.localdate()
    )
    client = signed_in_client(priya)
    url = reverse("casework:handover", args=[detention.pk])
    form = client.get(url)
    body = page(form)
    assert "Detained at Wymondham" in body
    assert "Norfolk MACE team" in body  # routed by the child's home county
    response = client.post(
        url,
        {
            "to_team": Team.objects.get(slug="norfolk-mace").pk,
            "concerns": form.context["form"].initial["concerns"],
            "urgency": "urgent",
            "consent": "given",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.source == Referral.Source.CUSTODY
    assert referral.detention == detention
    # The detention page now shows the hand-over instead of the button.
    detention_page = page(client.get(reverse("custody:detention", args=[detention.pk])))
    assert "Handed over to Norfolk MACE team" in detention_page
    # A second hand-over of the same detention is refused with a message, nothing saved.
    again = client.post(
        url,
        {
            "to_team": Team.objects.get(slug="norfolk-mace").pk,
            "concerns": "x",
            "urgency": "urgent",
            "consent": "given",
        },
    )
    assert again.status_code == 400  # refused, with the message on the form
    assert Referral.objects.count() == 1


def test_handover_text_carries_visits_and_shares(priya, jay) -> None:
    from reachable.custody import services as custody

    detention = make_detention(
        jay, arrived=timezone.now() - dt.timedelta(hours=3), custody_team_works=True
    )
    from reachable.core.models import Code

    custody.engagement_record(
        user=priya,
        detention=detention,
        attempted_at=timezone.now() - dt.timedelta(hours=1),
        engaged=True,
        topics=[Code.objects.get(code_list__key="engagement-topic", code="exploitation")],
        childs_words="I owe them money",
    )
    text = services.custody_handover_text(detention)
    assert "being exploited or pressured" in text
    assert "I owe them money" in text


# ---------------------------------------------------------------- a child the referrer cannot find


def _new_child_form(mace, **changes):
    from reachable.core.models import Code

    data = {
        "given_name": "Rio",
        "family_name": "Mensah",
        "date_of_birth_0": "3",
        "date_of_birth_1": "4",
        "date_of_birth_2": str(timezone.localdate().year - 14),
        "sex": Code.objects.get(code_list__key="sex", code="M").pk,
        "to_team": mace.pk,
        "concerns": "Seen getting into cars after school; new phone.",
        "urgency": "urgent",
        "consent": "given",
    }
    data.update(changes)
    return data


def test_a_partner_refers_a_child_nobody_has_recorded(sam, mace, mo) -> None:
    from reachable.children.models import Child

    client = signed_in_client(sam)
    response = client.post(reverse("casework:referral_new_child"), _new_child_form(mace))
    assert response.status_code == 302
    rio = Child.objects.get(given_name="Rio")
    assert Referral.objects.get().child == rio
    # The receiving team holds the record; the referrer does not see it.
    assert children_visible(mo).filter(pk=rio.pk).exists()
    assert not children_visible(sam).filter(pk=rio.pk).exists()


def test_a_referral_of_a_known_child_links_the_record_without_showing_it(sam, mace, ade) -> None:
    from reachable.children.models import Child
    from reachable.testing import involve, make_child

    known = make_child(
        given_name="Rio",
        family_name="Mensah",
        date_of_birth=dt.date(timezone.localdate().year - 14, 4, 3),
    )
    involve(known, "cambs-safe")
    response = signed_in_client(sam).post(
        reverse("casework:referral_new_child"), _new_child_form(mace)
    )
    assert response.status_code == 302
    assert Child.objects.filter(given_name="Rio").count() == 1
    assert Referral.objects.get().child == known
    assert not children_visible(sam).filter(pk=known.pk).exists()


def test_a_new_child_referral_with_bad_details_saves_nothing(sam, mace) -> None:
    from reachable.children.models import Child

    response = signed_in_client(sam).post(
        reverse("casework:referral_new_child"),
        _new_child_form(
            mace, date_of_birth_2=str(timezone.localdate().year + 1), consent="refused"
        ),
    )
    assert response.status_code == 400
    body = page(response)
    assert "There is a problem" in body
    assert not Child.objects.filter(given_name="Rio").exists()
    assert not Referral.objects.exists()


def test_a_referral_made_ends_on_a_confirmation_with_its_reference_and_what_next(sam, mace) -> None:
    client = signed_in_client(sam)
    response = client.post(
        reverse("casework:referral_new_child"), _new_child_form(mace, urgency="immediate")
    )
    made = Referral.objects.get()
    assert response["Location"] == reverse("casework:referral_sent", args=[made.pk])
    confirmation = page(client.get(response["Location"]))
    assert f"RF-{made.pk:06d}" in confirmation
    assert "What happens next" in confirmation
    assert "call 999" in confirmation  # immediate risk: the referral is not the only call
