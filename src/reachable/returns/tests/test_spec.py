"""The dataset specification: loaded from its Table Schema files, versioned with renames and
retirements, shown as pages and downloadable templates; bad files are named precisely."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from reachable.returns.models import Domain, SpecVersion
from reachable.returns.spec import BUNDLED_SPECS, SpecError, header_names, spec_load, specs_load_all
from reachable.testing import page, person, signed_in_client

pytestmark = pytest.mark.django_db

DOMAINS = {
    "youth-justice",
    "police",
    "education",
    "community-safety",
    "housing",
    "childrens-services",
    "health",
}


def test_every_version_has_the_seven_domains_and_person_level_ones_carry_identifiers() -> None:
    assert set(SpecVersion.objects.values_list("version", flat=True)) >= {"2026.1", "2027.1"}
    for version in SpecVersion.objects.all():
        assert set(version.domains.values_list("key", flat=True)) == DOMAINS
    for domain in Domain.objects.filter(level="person"):
        roles = {m.name: m.role for m in domain.measures.all()}
        assert {roles[n] for n in ("local_id", "given_name", "family_name", "date_of_birth")} == {
            "identifier"
        }


def test_a_rename_keeps_old_returns_readable_and_a_retired_measure_is_gone() -> None:
    yj = Domain.objects.get(version__version="2027.1", key="youth-justice")
    names = header_names(yj)
    assert names["cce_concern"] == "exploitation_concern"
    assert names["exploitation_concern"] == "exploitation_concern"
    education = Domain.objects.get(version__version="2027.1", key="education")
    assert "attendance_pct" not in header_names(education)
    assert (
        Domain.objects.get(version__version="2026.1", key="education")
        .measures.filter(name="attendance_pct")
        .exists()
    ), "the earlier version is unchanged"


def test_loading_twice_changes_nothing() -> None:
    before = list(Domain.objects.values_list("pk", "key").order_by("pk"))
    counts = {d.pk: d.measures.count() for d in Domain.objects.all()}
    specs_load_all()
    assert list(Domain.objects.values_list("pk", "key").order_by("pk")) == before
    assert {d.pk: d.measures.count() for d in Domain.objects.all()} == counts


def _copy(tmp_path: Path, version: str = "2026.1") -> Path:
    target = tmp_path / version
    shutil.copytree(BUNDLED_SPECS / version, target)
    return target


def _edit(folder: Path, domain: str, change: Any) -> None:
    path = folder / f"{domain}.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["fields"][4].update(type="colour"), "police.json field #5 (sex): type"),
        (lambda d: d["fields"][0].update(name="Local ID"), "names are lower case"),
        (lambda d: d["fields"].append(dict(d["fields"][0])), "field names repeated: local_id"),
        (lambda d: d.update(level="row"), "police.json: level must be one of"),
        (lambda d: d["fields"][4]["constraints"].update(enum=[1, 2]), "enum must be a list"),
        (lambda d: d["fields"][8]["constraints"].update(pattern="(["), "not a valid pattern"),
        (lambda d: d["fields"][7].update(renamed_from="arrest"), "renamed_from 'arrest'"),
        (lambda d: d.update(retired=["nothing"]), "retired 'nothing'"),
        (lambda d: d.pop("title"), "police.json: 'title' is missing"),
    ],
)
def test_a_bad_specification_file_is_named_and_nothing_is_loaded(tmp_path, change, message) -> None:
    folder = _copy(tmp_path)
    (folder / "version.json").write_text(
        json.dumps({"version": "9.9", "published_on": "2030-01-01"})
    )
    _edit(folder, "police", change)
    with pytest.raises(SpecError, match=re.escape(message)):
        spec_load(folder, previous={"police": {"local_id"}})
    assert not SpecVersion.objects.filter(version="9.9").exists()


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_in_a_domain_file_is_refused_clearly(tmp_path_factory, text):
    folder = _copy(tmp_path_factory.mktemp("spec"))
    (folder / "version.json").write_text(
        json.dumps({"version": "9.8", "published_on": "2030-01-01"})
    )
    (folder / "police.json").write_text(text)
    with pytest.raises(SpecError):
        spec_load(folder)


def test_pages_and_templates_for_any_signed_in_member() -> None:
    client = signed_in_client(person("data_submitter", "suffolk-yjs"))
    assert "Version 2027.1" in page(client.get("/returns/spec/"))
    text = page(client.get("/returns/spec/2027.1/youth-justice/"))
    assert "was renamed" in text
    assert "exploitation_concern" in text
    csv_header = client.get("/returns/spec/2026.1/police/template.csv").content.decode()
    assert csv_header.strip().split(",")[:3] == ["local_id", "given_name", "family_name"]
    book = load_workbook(
        io.BytesIO(client.get("/returns/spec/2026.1/health/template.xlsx").content)
    )
    assert [c.value for c in book["Return"][1]] == ["age_band", "sex", "injury", "attendances"]
    guidance = [row for row in book["Guidance"].iter_rows(values_only=True)]
    assert guidance[1][:3] == ("age_band", "Age band", "yes")
    assert client.get("/returns/spec/2026.1/nowhere/").status_code == 404
