from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reachable.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from reachable.accounts.lockout import record_failed_sign_in

        user_login_failed.connect(record_failed_sign_in, dispatch_uid="reachable-signin-failed")
