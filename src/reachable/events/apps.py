from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "reachable.events"
    label = "events"
    verbose_name = "Events: workshops and webinars"
