"""The network picture in a real browser with every request off this server refused: the map and
the graph draw from packaged files alone, under the site's own content security policy, and the
page passes axe-core."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import ConsoleMessage, Page

from reachable.browser import assert_accessible, sign_in
from reachable.core.services import partnership_load
from reachable.lines.tests.helpers import a_line
from reachable.testing import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _block_the_internet(page: Page, home: str, tried: list[str]) -> None:
    def route(route_) -> None:
        if urlparse(route_.request.url).netloc == home:
            route_.continue_()
        else:
            tried.append(route_.request.url)
            route_.abort()

    page.route("**/*", route)


def _draws(page: Page) -> None:
    page.goto("/lines/picture/")
    # Leaflet draws the UK outline and one curve per flow as SVG paths; Cytoscape a canvas.
    page.wait_for_function(
        "document.querySelectorAll('#lines-map .leaflet-overlay-pane path').length >= 5"
    )
    paths = page.locator("#lines-map .leaflet-overlay-pane path").count()
    flows = page.locator("table:has(caption:has-text('Flows between towns')) tbody tr").count()
    assert flows == 4
    assert paths >= flows + 1  # the outline, then the flows (and the towns' circles)
    assert page.locator("#lines-graph canvas").count() >= 1


def test_the_map_and_graph_draw_offline_under_the_sites_policy_and_pass_axe(
    browser_page: Page, live_server
) -> None:
    partnership_load()
    a_line("A", "Lambeth", ("Ipswich",), first_seen=50)
    a_line("B", "Liverpool", ("Norwich", "Ipswich"), first_seen=50)
    a_line("C", "Ipswich", ("Cambridge",), first_seen=40, model="local")
    analyst = person("analyst", "partnership-team", username="picture.analyst")
    home = urlparse(live_server.url).netloc

    # First with the site's content security policy in force (no inline script, no other origin).
    browser = browser_page.context.browser
    assert browser is not None
    strict = browser.new_context(base_url=live_server.url)
    page = strict.new_page()
    tried: list[str] = []
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    _block_the_internet(page, home, tried)
    sign_in(page, analyst.username, PASSWORD)
    _draws(page)
    assert tried == [], f"the page tried to load from elsewhere: {tried}"
    assert problems == [], problems
    strict.close()

    # Then axe-core (which the policy would rightly refuse to let a test inject).
    _block_the_internet(browser_page, home, tried)
    sign_in(browser_page, analyst.username, PASSWORD)
    _draws(browser_page)
    assert_accessible(browser_page)
    assert tried == []
