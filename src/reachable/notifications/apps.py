from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "reachable.notifications"
    label = "notifications"
    verbose_name = "Email notifications"
