from typing import Any

from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "reachable.casework"
    label = "casework"
    verbose_name = "Exploitation casework"

    def daily(self) -> str:
        """Called by `reachable governance_daily`: remind owners of their overdue actions."""
        from reachable.casework.services.reminders import overdue_actions_notify

        return f"Casework: {overdue_actions_notify()} owner(s) emailed about overdue actions."

    def record_alerts(self, user: Any, child: Any) -> list[Any]:
        """For the child header: only from cases this reader's teams hold (a partner reading a
        shared record sees none of them, the risk judgement included)."""
        import datetime as dt

        from django.utils import timezone

        from reachable.casework.access import cases_readable
        from reachable.casework.models import Case, MissingEpisode, NrmReferral
        from reachable.children.header import Alert

        alerts = []
        today = timezone.localdate()
        cases = (
            cases_readable(user)
            .filter(child=child)
            .exclude(status=Case.Status.CLOSED)
            .select_related("risk_level")
        )
        for case in cases:
            if case.risk_level:
                alerts.append(Alert(f"Risk judged {case.risk_level.label.lower()}", "purple"))
            if case.review_due_on and case.review_due_on < today:
                alerts.append(Alert(f"Review overdue since {case.review_due_on:%-d %b}", "red"))
            elif case.review_due_on and case.review_due_on <= today + dt.timedelta(days=7):
                alerts.append(Alert(f"Review due {case.review_due_on:%-d %b}"))
        if MissingEpisode.objects.filter(case__in=cases, returned_at__isnull=True).exists():
            alerts.insert(0, Alert("Missing now", "red"))
        pending = NrmReferral.Decision.PENDING
        if NrmReferral.objects.filter(case__in=cases, reasonable_grounds=pending).exists():
            alerts.append(Alert("NRM decision pending"))
        return alerts
