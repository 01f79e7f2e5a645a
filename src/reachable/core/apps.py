from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reachable.core"
    label = "core"
    verbose_name = "Partnership and reference data"

    def ready(self) -> None:
        from django.urls import register_converter

        from reachable.lib.converters import RecordIdConverter

        # Registered before any URLconf is loaded: every app's patterns use <id:...> for record ids.
        register_converter(RecordIdConverter, "id")
