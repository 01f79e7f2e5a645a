from django.apps import AppConfig


class LinesConfig(AppConfig):
    name = "reachable.lines"
    label = "lines"
    verbose_name = "County lines network"
