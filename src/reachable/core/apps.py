from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reachable.core"
    label = "core"
    verbose_name = "Partnership and reference data"
