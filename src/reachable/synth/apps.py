from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "reachable.synth"
    label = "synth"
