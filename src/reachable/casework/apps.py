from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "reachable.casework"
    label = "casework"
    verbose_name = "Exploitation casework"
