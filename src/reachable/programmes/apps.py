from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "reachable.programmes"
    label = "programmes"
    verbose_name = "Programme board"
