from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "reachable.sharing"
    label = "sharing"
