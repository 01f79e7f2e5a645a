"""A NUL character or half a surrogate pair, in a query string, a form or a JSON body, is a 400
naming the field, never a database error (PostgreSQL refuses NUL in text; SQLite took it)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reachable.lib.text_guard import unwritable
from reachable.testing import person_once, signed_in_client, system_client

pytestmark = pytest.mark.django_db


@given(st.text(max_size=20))
def test_only_nul_and_lone_surrogates_are_unwritable(text: str) -> None:
    writable = True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        writable = False
    assert unwritable(text) == (not writable or "\x00" in text)


def test_a_nul_in_a_search_box_a_form_or_a_json_code_is_a_400() -> None:
    worker = person_once(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="nul"
    )
    page = signed_in_client(worker)
    assert page.get("/children/", {"q": "Ka\x00i"}).status_code == 400
    assert page.post("/children/new/", {"given_name": "A\x00"}).status_code == 400
    system = system_client("custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", name="Nul")
    refused = system.post(
        "/api/detentions/", json.dumps({"sex": "M\x00"}), content_type="application/json"
    )
    assert refused.status_code == 400
    assert "NUL" in refused.json()["detail"]
    half_a_pair = system.post(
        "/api/detentions/", '{"given_name": "\\udb94"}', content_type="application/json"
    )
    assert half_a_pair.status_code == 400


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab\x00\udb94é"), min_size=1, max_size=6))
def test_any_text_as_a_code_in_the_api_is_answered_without_a_server_error(code: str) -> None:
    system = system_client(
        "custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", name=f"Hyp {code!a}"
    )
    answer = system.post(
        "/api/detentions/",
        json.dumps({"sex": code, "suite": code}),
        content_type="application/json",
    )
    assert answer.status_code == 400
