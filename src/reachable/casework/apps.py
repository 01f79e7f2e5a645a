from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "reachable.casework"
    label = "casework"
    verbose_name = "Exploitation casework"

    def daily(self) -> str:
        """Called by `reachable governance_daily`: remind owners of their overdue actions."""
        from reachable.casework.services.reminders import overdue_actions_notify

        return f"Casework: {overdue_actions_notify()} owner(s) emailed about overdue actions."
