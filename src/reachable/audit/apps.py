from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "reachable.audit"
    label = "audit"
