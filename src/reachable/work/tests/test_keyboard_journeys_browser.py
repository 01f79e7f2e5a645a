"""The main journeys done with the keyboard alone, in Debian's Chromium.

Each page is entered from the top: the first Tab must reach the skip link, and every stop after it
must show a visible focus indicator, be on screen, and follow the page's reading order (see
``KeyboardWalk``). Fields are filled by typing, radios chosen with the arrow keys, selects by
typing the option's first letters, and forms sent with Enter. Where the journey needs a file, the
file input is reached and activated by keyboard; the file itself is handed over as the operating
system's file dialog would, which is not part of the page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from reachable.browser import KeyboardWalk, sign_in_as
from reachable.casework.models import Referral
from reachable.core.models import Area
from reachable.core.services import partnership_load
from reachable.custody.models import Detention
from reachable.testing import make_child, person, share, signed_in_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date(walk: KeyboardWalk, field: str, day: dt.date) -> None:
    for part, value in enumerate((day.day, day.month, day.year)):
        walk.to(f"#id_{field}_{part}")
        walk.type(str(value))


def _date_time(walk: KeyboardWalk, field: str, when: dt.datetime) -> None:
    _date(walk, field, when.date())
    walk.to(f"#id_{field}_3")
    walk.type(when.strftime("%H:%M"))


def test_record_a_detention_by_keyboard(browser_page: Page, live_server) -> None:
    partnership_load()
    custody = person("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei")
    sign_in_as(browser_page, signed_in_client(custody), live_server.url)
    walk = KeyboardWalk(browser_page)

    walk.arrive("/custody/")
    walk.to("a:has-text('Record a detention')")
    walk.follow()
    walk.to("#id_given_name")
    walk.type("Kai")
    walk.to("#id_family_name")
    walk.type("Adeyemi")
    _date(walk, "date_of_birth", timezone.localdate() - dt.timedelta(days=16 * 365 + 40))
    walk.to("input[name=sex]")
    walk.choose("sex", "Male")
    walk.to("#id_home_la")
    walk.pick("#id_home_la", "Lambeth")
    arrested = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    _date_time(walk, "arrested_at", arrested)
    _date_time(walk, "arrived_at", arrested + dt.timedelta(minutes=35))
    walk.to("#id_offence")
    walk.pick("#id_offence", "Possession with intent to supply a Class A drug")
    walk.to("#id_comfort_box")
    walk.press("Space")
    walk.to("button:has-text('Save detention')")
    walk.press("Enter")
    browser_page.wait_for_selector("h1:has-text('Kai Adeyemi')")

    detention = Detention.objects.get()
    assert detention.comfort_box
    assert detention.child.home_la.name == "Lambeth"  # type: ignore[union-attr]


def test_make_a_referral_by_keyboard(browser_page: Page, live_server) -> None:
    partnership_load()
    school = person("partner_user", "norfolk-education", "northgate-safeguarding")
    worker = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace")
    jay = make_child(
        given_name="Jay",
        family_name="Okafor",
        date_of_birth=timezone.localdate() - dt.timedelta(days=15 * 365),
        home_la=Area.objects.get(slug="norfolk-cc"),
    )
    share(jay, "norfolk-education", by=worker, categories=("identity", "casework", "education"))
    sign_in_as(browser_page, signed_in_client(school), live_server.url)
    walk = KeyboardWalk(browser_page)

    walk.arrive(f"/children/{jay.pk}/")
    walk.to("a:has-text('Refer to an exploitation team')")
    walk.follow()
    walk.to("#id_concerns")
    walk.type("Missing twice this week; new phone; older boys at the gate.")
    walk.to("input[name=urgency]")
    walk.choose("urgency", "Urgent")
    walk.to("input[name=consent]")
    walk.choose("consent", "agreed to the referral")
    walk.to("button:has-text('Save')")
    walk.press("Enter")
    browser_page.wait_for_selector("h1:has-text('Referral sent')")

    referral = Referral.objects.get()
    assert (referral.child_id, referral.urgency, referral.consent) == (jay.pk, "urgent", "given")


def test_submit_a_return_by_keyboard(browser_page: Page, live_server, tmp_path) -> None:
    from reachable.returns.models import Submission
    from reachable.returns.spec import specs_load_all

    partnership_load()
    specs_load_all()
    submitter = person("data_submitter", "suffolk-yjs")
    upload = tmp_path / "yj.csv"
    upload.write_text(
        "local_id,given_name,family_name,date_of_birth,sex,cce_concern\n"
        "YJ-1,Jay,Okafor,2010-03-27,M,Y\n",
        encoding="utf-8",
    )
    sign_in_as(browser_page, signed_in_client(submitter), live_server.url)
    walk = KeyboardWalk(browser_page)

    walk.arrive("/returns/submissions/new/")
    walk.to("#id_period")
    walk.pick("#id_period", "April to September 2026")
    walk.to("#id_domain")
    walk.pick("#id_domain", "Youth Justice (dataset 2026.1)")
    walk.to("#id_county")
    walk.pick("#id_county", "Suffolk")
    walk.to("#id_file")
    with browser_page.expect_file_chooser() as chooser:
        walk.press("Space")
    chooser.value.set_files(str(upload))
    walk.to("button:has-text('Upload and check')")
    walk.press("Enter")
    browser_page.wait_for_selector("text=1 row accepted")
    assert Submission.objects.get().status == "accepted"


def test_register_for_an_event_by_keyboard(browser_page: Page, live_server) -> None:
    from reachable.events.models import Registration
    from reachable.events.tests.helpers import a_session

    partnership_load()
    session = a_session(capacity=5)
    walk = KeyboardWalk(browser_page)

    walk.arrive("/events/")
    walk.to(f"a:has-text('{session.title}')")
    walk.follow()
    walk.to("#id_name")
    walk.type("Person Ann")
    walk.to("#id_email")
    walk.type("ann@example.org")
    walk.to("#id_organisation")
    walk.type("Northgate Youth Justice")
    walk.to("#id_role")
    walk.type("Case worker")
    walk.to("input[name=audience]")
    walk.choose("audience", "practitioner")
    walk.to("button:has-text('Register')")
    walk.press("Enter")
    browser_page.wait_for_selector("h1:has-text('Your place is confirmed')")
    assert Registration.objects.get().email == "ann@example.org"


@pytest.mark.parametrize(
    ("field", "complaint"),
    [
        ('<input id="f" style="outline: none; box-shadow: none">', "no visible focus"),
        # A shadow it has focused or not (as a GOV.UK button has) is not a focus indicator.
        (
            '<button id="f" style="outline: none; box-shadow: 0 2px 0 #000">Go</button>',
            "no visible focus",
        ),
        ('<input id="f" tabindex="1">', "first Tab reached input#f"),
        (
            '<div style="display: flex; flex-direction: column">'
            '<input id="g" style="order: 2"><input id="f" style="order: 1"></div>',
            "focus went up to input#f",
        ),
        ('<input id="f" style="position: absolute; top: -500px">', "off screen"),
    ],
)
def test_the_walk_fails_on_focus_hidden_out_of_order_or_off_screen(
    browser_page: Page, field: str, complaint: str
) -> None:
    """The checks above can fail: a page that hides its focus, jumps ahead with a positive
    tabindex, moves focus up the screen against the reading order, or focuses something off
    screen is refused."""
    browser_page.set_content(
        "<style>:focus { outline: 3px solid #fd0; }</style>"
        '<a href="#main-content">Skip to main content</a>'
        f'<main id="main-content" tabindex="-1"><input id="first">{field}</main>'
    )
    walk = KeyboardWalk(browser_page)

    def walk_to_the_field() -> None:
        walk.arrive()
        walk.to("#f")

    with pytest.raises(AssertionError, match=complaint):
        walk_to_the_field()
