from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "reachable.custody"
    label = "custody"
    verbose_name = "Custody early intervention"
