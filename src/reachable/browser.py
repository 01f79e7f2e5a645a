"""Browser-test helpers: Debian's Chromium through Playwright, and axe-core on every page.

Only the tests import this. Needs /usr/bin/chromium (installed by `make test`) and
node_modules/axe-core (installed by npm).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import Page, sync_playwright

from reachable.audit import guard

CHROMIUM = "/usr/bin/chromium"
AXE = settings.PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server) -> Iterator[Page]:
    try:
        assert Path(CHROMIUM).exists(), (
            "Install Debian's chromium (make test does: apt-get install chromium)"
        )
        assert AXE.exists(), "Run npm install: axe-core comes from node_modules"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            # axe-core is injected by the test; the site's own CSP would rightly refuse it.
            context = browser.new_context(bypass_csp=True, base_url=live_server.url)
            yield context.new_page()
            browser.close()
    finally:
        # The test database is emptied after this test; the audit triggers would refuse that.
        guard.drop(connection)


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now (id, impact, first nodes)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_22_AA,
    )
    assert result["passes"], f"{page.url}: axe-core ran no rules: is the page empty?"
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=1)}"


def sign_in_as(page: Page, client: Any, base_url: str) -> None:
    """Carry a signed-in test client's session into the browser: quicker than the sign-in form,
    and it includes the admin's second factor."""
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in afresh as this person (any earlier session is dropped)."""
    page.context.clear_cookies()
    page.goto("/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_selector("h1:has-text('Hello')")


def fill_date(page: Page, field: str, day: dt.date) -> None:
    """The GOV.UK date input: day, month and year boxes."""
    page.fill(f"#id_{field}_0", str(day.day))
    page.fill(f"#id_{field}_1", str(day.month))
    page.fill(f"#id_{field}_2", str(day.year))


def fill_date_time(page: Page, field: str, when: dt.datetime) -> None:
    fill_date(page, field, when.date())
    page.fill(f"#id_{field}_3", when.strftime("%H:%M"))


# What the focused element shows, against how it looks unfocused. GOV.UK radios and checkboxes
# hide the input and draw its focus on the label's ::before; everything else changes its outline,
# box shadow, background, border or colour (links and buttons turn yellow). A style the element
# has whether focused or not (a button's shadow) is no indicator, nor is a transparent outline.
_FOCUS_PROBE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const boxed = el.matches('.govuk-radios__input, .govuk-checkboxes__input');
  const shown = boxed ? el.labels[0] : el;
  const look = () => {
    const s = getComputedStyle(shown, boxed ? '::before' : null);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
      && s.outlineColor !== 'rgba(0, 0, 0, 0)' ? s.outlineStyle + s.outlineWidth + s.outlineColor
      : 'none';
    return [outline, s.boxShadow, s.backgroundColor, s.borderColor, s.borderWidth, s.color].join('|');
  };
  const focused = look();
  el.blur();
  const unfocused = look();
  el.focus({preventScroll: true});
  const box = shown.getBoundingClientRect();
  const name = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
  return {
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + name.slice(0, 40),
    visible: focused !== unfocused && document.activeElement === el,
    in_view: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
    order: Array.prototype.indexOf.call(document.getElementsByTagName('*'), el),
    in_main: Boolean(el.closest('#main-content')),
    top: box.top + scrollY,
  };
}"""


class KeyboardWalk:
    """A journey done with the keyboard alone: Tab from the top of each page to each field in
    turn, typing into it, and Enter or Space to act. Every stop on the way must show a visible
    focus indicator, be on screen, and come after the one before in the page's reading order (no
    positive tabindex, nothing focusable hidden)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.stops: list[str] = []
        self._last_order = -1
        self._after_skip = False
        self._last_top: float | None = None

    def arrive(self, path: str | None = None) -> None:
        """At the top of a new page (opened here, or reached by the last key): the first Tab
        must reach the skip link, and Enter on it must move focus to the main content."""
        if path is not None:
            self.page.goto(path)
        self.page.wait_for_load_state()
        self._last_order = -1
        self._last_top = None
        stop = self._tab()
        assert stop["what"].startswith("a Skip to main content"), (
            f"first Tab reached {stop['what']}"
        )
        self.page.keyboard.press("Enter")
        self._after_skip = True

    def follow(self, key: str = "Enter") -> None:
        """Press the key on the focused link or button and arrive at the page it opens."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.arrive()

    def to(self, selector: str, *, most: int = 80) -> None:
        """Tab forward until the element matching the selector has focus."""
        assert self.page.locator(selector).count(), f"no {selector} on {self.page.url}"
        target = self.page.locator(selector).first
        for _ in range(most):
            self._tab()
            if target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"{most} presses of Tab did not reach {selector}: {self.stops[-5:]}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def _tab(self) -> dict:
        self.page.keyboard.press("Tab")
        stop = self.page.evaluate(_FOCUS_PROBE)
        assert stop is not None, f"Tab left the page after {self.stops[-3:]}"
        self.stops.append(stop["what"])
        assert stop["visible"], f"no visible focus on {stop['what']} ({self.page.url})"
        assert stop["in_view"], f"focus on {stop['what']} is off screen ({self.page.url})"
        if self._after_skip:
            assert stop["in_main"], f"after the skip link, Tab reached {stop['what']}"
            self._after_skip = False
        else:
            assert stop["order"] > self._last_order, f"focus went back to {stop['what']}"
            # Within the content, reading order is also top to bottom on screen (fields side by
            # side, as in a date, share a line).
            if stop["in_main"] and self._last_top is not None:
                assert stop["top"] >= self._last_top - 2, f"focus went up to {stop['what']}"
        self._last_order = stop["order"]
        self._last_top = stop["top"] if stop["in_main"] else None
        return stop

    def choose(self, name: str, label: str) -> None:
        """In a radio group (reached with Tab), move with the arrow keys to the option labelled
        so: arrows move focus and check, as a keyboard user would."""
        checked = self.page.locator(f"input[name={name}]:checked")
        if not checked.count():
            self.page.keyboard.press("Space")  # Tab focuses the first option without choosing it
        for _ in range(self.page.locator(f"input[name={name}]").count()):
            chosen = checked.evaluate("el => el.labels[0].innerText")
            if label.lower() in chosen.lower():
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"no option labelled {label!r} in {name}")

    def pick(self, selector: str, label: str) -> None:
        """In a select (reached with Tab), type the option's first letters, as a keyboard user
        does, and check the option chosen is the one meant."""
        self.page.keyboard.type(label)
        chosen = self.page.locator(f"{selector} option:checked").inner_text()
        assert chosen == label, f"typing {label!r} in {selector} chose {chosen!r}"
