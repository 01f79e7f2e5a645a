from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reachable.returns"
    verbose_name = "Recommended Minimum Dataset returns"
