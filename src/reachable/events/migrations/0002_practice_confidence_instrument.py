"""The free instrument the project ships, written for it (no licensed wording): practitioners'
confidence to act on exploitation, and their Child First understanding, on a five-point scale.
Items 3 and 6 are reverse-keyed: agreeing with them is the less confident, less child-first
answer."""

from django.db import migrations

ITEMS = [
    (1, "I know what to do when I am worried that a child is being exploited.", "Confidence to act", False),
    (2, "I know who to share a concern with, and how quickly.", "Confidence to act", False),
    (3, "I would hold back from sharing a concern in case I am wrong.", "Confidence to act", True),
    (4, "I could explain the National Referral Mechanism to a colleague.", "Confidence to act", False),
    (5, "A child found carrying drugs for others may be a victim of exploitation.", "Child First understanding", False),
    (6, "A child who goes missing again and again is making a choice they are responsible for.", "Child First understanding", True),
    (7, "The words I use about a child in records affect how others respond to them.", "Child First understanding", False),
    (8, "A trusting relationship with one adult can be the way in to support.", "Child First understanding", False),
]


def install(apps, schema_editor):
    Instrument = apps.get_model("events", "Instrument")
    Item = apps.get_model("events", "Item")
    instrument, _ = Instrument.objects.get_or_create(
        key="practice-confidence",
        defaults={
            "name": "Practice confidence and Child First understanding",
            "scale_min": 1,
            "scale_max": 5,
            "min_label": "Strongly disagree",
            "max_label": "Strongly agree",
            "min_answered": "0.50",
            "licence": "Written for Reachable; free to use and change (MIT, as the project).",
        },
    )
    for number, text, subscale, reverse in ITEMS:
        Item.objects.get_or_create(
            instrument=instrument,
            number=number,
            defaults={"text": text, "subscale": subscale, "reverse_keyed": reverse},
        )


def remove(apps, schema_editor):
    apps.get_model("events", "Instrument").objects.filter(key="practice-confidence").delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
