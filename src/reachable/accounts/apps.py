from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "reachable.accounts"
    label = "accounts"
