from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "reachable.custody"
    label = "custody"
    verbose_name = "Custody early intervention"

    def daily(self) -> str:
        """This app's part of `reachable governance_daily` (see that command)."""
        from reachable.custody.tasks import import_reports_expire

        return f"Custody imports: {import_reports_expire()} problem report(s) cleared of values."
