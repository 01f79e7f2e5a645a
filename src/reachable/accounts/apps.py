from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reachable.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from reachable.accounts.lockout import record_failed_sign_in

        user_login_failed.connect(record_failed_sign_in, dispatch_uid="reachable-signin-failed")

    def daily(self) -> str:
        """This app's part of `reachable governance_daily`: answers kept for API retries hold
        what the caller sent, so they go once no retry would still come."""
        from reachable.accounts.idempotency import idempotency_tidy

        return f"API: {idempotency_tidy()} answer(s) kept for retries deleted."
