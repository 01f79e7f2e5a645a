from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "reachable.learning"
    label = "learning"
    verbose_name = "Learning hub"
