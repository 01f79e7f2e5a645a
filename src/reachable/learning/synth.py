"""A dozen synthetic practice examples for the demo, written for this project from the seeds'
workstreams, so the hub's search has something real to find. No real person is named."""

from __future__ import annotations

import datetime as dt
import functools

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from reachable.accounts.models import User
from reachable.core.models import Area, Code
from reachable.learning.attachments import file_check
from reachable.learning.models import (
    SECTION_FIELDS,
    Attachment,
    ExampleVersion,
    PracticeExample,
    State,
)
from reachable.learning.search import vector_update
from reachable.learning.services import attachment_text_refresh

# (title, workstream, county, theme, audience, evidence, tags, summary, purpose, implementation,
#  evaluation)
ITEMS = [
    (
        "Meeting every detained child in custody",
        "Custody early intervention",
        "norfolk",
        "practice",
        "practitioner",
        "2",
        "custody, reachable moment, early intervention",
        "A youth practitioner based in the busiest custody suite meets every child aged 10 to 17 "
        "who is detained, at the reachable moment, and shares concerns with the right team the "
        "same day.",
        "Children arrested in connection with county lines were leaving custody with no one "
        "having asked why they were there. The pilot set out to offer every child a conversation "
        "and a route to support.",
        "Two practitioners were recruited, working hours matched to when most children arrive, "
        "and a data-sharing agreement signed with the police, youth justice and children's "
        "services before the first shift.",
        "Engagement rates, time from arrest to first intervention and repeat detentions were "
        "compared with the year before the pilot.",
    ),
    (
        "Comfort boxes in custody suites",
        "Custody early intervention",
        "suffolk",
        "practice",
        "operational",
        "not-rated",
        "custody, trauma informed, comfort box",
        "A box of books, puzzles, a blanket and sensory items offered to every child in a cell, "
        "so the hours in custody are less frightening.",
        "Custody staff said children were often distressed and unable to talk; a calmer child "
        "can take part in the interview and in a conversation about support.",
        "Custody officers chose the contents with the youth justice service; boxes are cleaned "
        "and restocked after each use and their use is recorded on the detention.",
        "Officers recorded whether a box was offered and used; children were asked about it at "
        "follow-up.",
    ),
    (
        "SAFE: a trauma-informed trusted relationship",
        "SAFE trusted-relationship workers",
        "cambridgeshire",
        "specialist-teams",
        "practitioner",
        "2+",
        "trusted relationship, trauma informed, SAFE",
        "Workers stay with a child through the exploitation response, seeing them where they "
        "feel safe and keeping the same worker when the child moves between services.",
        "Children told the partnership they were passed between too many professionals to trust "
        "any of them.",
        "Workers hold small caseloads, meet children out of school hours, and attend every "
        "exploitation panel about the children they work with.",
        "Children's own ratings of the relationship were collected at three and six months.",
    ),
    (
        "SOS+ sessions in schools",
        "Prevention in schools",
        "norfolk",
        "community",
        "operational",
        "2",
        "schools, prevention, parents, teachers",
        "Preventative sessions for pupils, awareness sessions for teachers and sessions for "
        "parents, delivered by people with lived experience, with one-to-one support for pupils "
        "at higher risk.",
        "Schools asked for help recognising grooming into county lines early and knowing whom to "
        "tell.",
        "Sessions are booked through the schools' safeguarding leads; each session ends with how "
        "to make a referral.",
        "Attendance by audience and pupils' answers before and after each session.",
    ),
    (
        "Mentoring young people away from exploitation",
        "Pathways Out mentoring",
        "norfolk",
        "community",
        "practitioner",
        "not-rated",
        "mentoring, education, employment",
        "One-to-one mentoring for young people identified as vulnerable to criminal "
        "exploitation, building confidence and offering educational and work experience.",
        "To give young people a credible alternative path and an adult on their side.",
        "Mentors are matched within two weeks of referral and meet the young person weekly for "
        "six months.",
        "Goals set and met, school attendance, and the young person's own view of their future.",
    ),
    (
        "A multi-agency child exploitation (MACE) panel",
        "MACE team",
        "essex",
        "multi-agency",
        "strategic",
        "not-rated",
        "MACE, panel, multi-agency, information sharing",
        "A fortnightly panel where police, children's services, health, education and the youth "
        "justice service share what they know about a child at risk of exploitation and agree "
        "actions with owners.",
        "Information about the same child sat with different agencies, none with the whole "
        "picture.",
        "Terms of reference, an information-sharing agreement and a standard agenda were agreed "
        "by the safeguarding partnership before the first panel.",
        "Actions completed on time and time from referral to first panel discussion.",
    ),
    (
        "A recommended minimum dataset for county lines",
        "Minimum dataset",
        None,
        "governance",
        "strategic",
        "not-rated",
        "data, minimum dataset, baseline",
        "Seven kinds of agency return the same small set of measures every six months, so the "
        "partnership has a baseline of how many children are at risk and where.",
        "Each county counted differently; no one could say whether things were getting better.",
        "Measures were agreed with each agency's data lead; returns are checked automatically "
        "and pseudonymised before linking.",
        "Completeness of returns by agency and period.",
    ),
    (
        "Detached youth work at rail stations",
        "Detached youth work",
        "essex",
        "community",
        "practitioner",
        "not-rated",
        "transport, rail, detached youth work",
        "Youth workers spend time at stations on known line routes, getting to know young people "
        "who are not known to services.",
        "Children travelling on lines were out of reach of school- or office-based services.",
        "Shifts are planned with the transport police around the times children travel; workers "
        "share what they learn through the exploitation panel.",
        "Young people engaged and referrals made.",
    ),
    (
        "Family support alongside the MACE team",
        "Family support practitioners",
        "norfolk",
        "practice",
        "families",
        "not-rated",
        "families, whole family, parents",
        "Practitioners who know about criminal exploitation work with the whole family, so "
        "parents and carers feel supported in keeping their child safe.",
        "Parents told us they felt blamed and alone.",
        "A family practitioner joins the case when the panel agrees, and stays until the family "
        "says they are ready.",
        "Families' own ratings and whether children stayed at home.",
    ),
    (
        "Using the National Referral Mechanism for children",
        "NRM practice guidance",
        "suffolk",
        "enforcement",
        "practitioner",
        "not-rated",
        "NRM, modern slavery, first responder",
        "Practitioner guidance on when and how to make a National Referral Mechanism referral "
        "for a child, and what the decisions mean for them.",
        "Referrals were made late or not at all, and children were treated as offenders rather "
        "than as exploited.",
        "Each first responder agency named a lead; the guidance is used in every new worker's "
        "induction.",
        "Referrals made, and the share with a positive reasonable-grounds decision.",
    ),
    (
        "Mapping where lines run from and to",
        "Impact and mapping",
        None,
        "enforcement",
        "strategic",
        "not-rated",
        "mapping, intelligence, lines",
        "An aggregate picture of where lines run from and to, and which towns act as hubs, for "
        "planning services and disruption together.",
        "Agencies planned separately and did not see the same picture.",
        "Intelligence is recorded once, graded, and shown to the partnership in aggregate only.",
        "Whether partners used the picture in planning, asked at the governance board.",
    ),
    (
        "Workshops for custody practitioners",
        "Workforce development",
        "cambridgeshire",
        "workforce",
        "operational",
        "not-rated",
        "workshops, training, custody",
        "A series of online workshops for custody and youth justice staff on the reachable "
        "moment, trauma-informed practice and sharing concerns.",
        "Staff across four counties needed the same grounding, without travelling.",
        "Eight workshops, each booked separately, each recorded for those who could not attend.",
        "Attitudes before and after on a validated scale, and attendance by role.",
    ),
]


# A one-page handout attached to the first example: its words are found by search only through
# the PDF's text ("icebreaker" appears nowhere else in the demo).
HANDOUT = (
    "First conversation in custody: a prompt sheet",
    "<h1>First conversation in custody</h1><p>A prompt sheet for the practitioner. Start with an "
    "icebreaker about something the child chooses. Explain who you are and that you are not the "
    "police. Ask what would help today, and who the child trusts.</p>",
)
VIDEO = ("Recorded workshop: the reachable moment", "https://video.example.org/reachable-moment")


@functools.cache
def handout_pdf() -> bytes:
    """Made once per process (the authorization tests build the demo examples many times)."""
    from weasyprint import HTML

    return bytes(HTML(string=HANDOUT[1]).write_pdf())


def _attachments(example: PracticeExample, author: User) -> None:
    checked = file_check("first-conversation.pdf", handout_pdf())
    Attachment.objects.create(
        example=example,
        number=1,
        title=HANDOUT[0],
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        content=checked.content,
        text=checked.text,
        added_by=author,
    )
    Attachment.objects.create(
        example=example, number=2, title=VIDEO[0], link=VIDEO[1], added_by=author
    )
    attachment_text_refresh(example)


@transaction.atomic
def synth_learning(*, user_id: int) -> int:
    """Publish the demo's practice examples (once); returns how many were made."""
    if PracticeExample.objects.exists():
        return 0
    author = User.objects.get(pk=user_id)
    reviewer = User.objects.filter(username="programme.lead").first()
    themes = {c.code: c for c in Code.objects.filter(code_list__key="thematic-area")}
    evidence = {c.code: c for c in Code.objects.filter(code_list__key="evidence-strength")}
    counties = {a.slug: a for a in Area.objects.filter(kind=Area.Kind.COUNTY)}
    today = timezone.localdate()
    for number, item in enumerate(ITEMS):
        title, stream, county, theme, audience, level, tags, summary, purpose, how, evaluated = item
        example = PracticeExample.objects.create(
            title=title,
            slug=slugify(title)[:80],
            author=author,
            county=counties.get(county or ""),
            workstream=stream,
            theme=themes[theme],
            audience=audience,
            tags=tags,
            evidence=evidence[level],
            review_by=today + dt.timedelta(days=180 + 30 * number)
            if number != 4
            else today - dt.timedelta(days=10),  # one is overdue: shown as "may be out of date"
            summary=summary,
            purpose=purpose,
            implementation=how,
            evaluation=evaluated,
            state=State.PUBLISHED,
            reviewer=reviewer,
            child_first_checked=True,
            published_at=timezone.now(),
        )
        ExampleVersion.objects.create(
            example=example,
            number=1,
            title=title,
            sections={name: getattr(example, name) for name in SECTION_FIELDS},
            by=author,
        )
        if number == 0:
            _attachments(example, author)  # which keeps the search vector too
        else:
            vector_update(example.pk)
    return len(ITEMS)
