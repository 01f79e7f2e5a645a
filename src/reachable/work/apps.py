from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "reachable.work"
    label = "work"
    verbose_name = "Work queues: each person's home page"
