from __future__ import annotations

from pathlib import Path

import pytest

from reachable.core.models import Agency, Area, OperatingHours, Partnership, Place, Team
from reachable.core.services import BUNDLED_PARTNERSHIP, PartnershipFileError, partnership_load

pytestmark = pytest.mark.django_db


def test_the_bundled_file_describes_the_four_seed_counties() -> None:
    counties = set(
        Area.objects.filter(kind="county", partnership__isnull=False).values_list("name", flat=True)
    )
    assert counties == {"Norfolk", "Suffolk", "Essex", "Cambridgeshire"}
    assert Area.objects.filter(slug="lambeth", parent__slug="london").exists()
    assert not Area.objects.get(slug="lambeth").in_partnership


def test_custody_suite_hours_follow_the_pilot() -> None:
    hours = OperatingHours.objects.filter(place__slug="wymondham-pic").order_by("weekday")
    weekdays = [
        (h.weekday, h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M"), h.on_call) for h in hours
    ]
    assert weekdays[:5] == [(d, "10:00", "19:00", False) for d in range(5)]
    assert weekdays[5] == (5, "09:00", "12:00", True)


def test_loading_twice_changes_nothing() -> None:
    before = (
        Area.objects.count(),
        Agency.objects.count(),
        Team.objects.count(),
        Place.objects.count(),
    )
    partnership_load(path=BUNDLED_PARTNERSHIP)
    assert (
        Area.objects.count(),
        Agency.objects.count(),
        Team.objects.count(),
        Place.objects.count(),
    ) == before


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_entry_names_itself_and_nothing_is_loaded(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[partnership]
slug = "other"
name = "Another partnership"

[[areas]]
slug = "shire"
name = "Shire"
kind = "county"
in_partnership = true

[[agencies]]
slug = "shire-police"
name = "Shire Police"
type = "police"
areas = ["nowhere"]
""",
    )
    with pytest.raises(
        PartnershipFileError, match=r"agencies #1 \(shire-police\): area 'nowhere' is not defined"
    ):
        partnership_load(path=path)
    assert not Partnership.objects.filter(slug="other").exists()
    assert not Area.objects.filter(slug="shire").exists()


def test_hours_that_close_before_they_open_are_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[partnership]
slug = "eastern"
name = "Eastern County Lines Partnership"

[[places]]
slug = "wymondham-pic"
name = "Wymondham Police Investigation Centre"
kind = "custody_suite"
area = "norfolk-cc"
hours = [{ days = ["mon"], opens = "19:00", closes = "10:00" }]
""",
    )
    with pytest.raises(PartnershipFileError, match="close at 10:00:00 before opening"):
        partnership_load(path=path)
    assert OperatingHours.objects.filter(place__slug="wymondham-pic").count() == 6


def test_malformed_toml_is_reported(tmp_path: Path) -> None:
    with pytest.raises(PartnershipFileError, match="not valid TOML"):
        partnership_load(path=_write(tmp_path, "[partnership\nslug="))
