from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "reachable.children"
    label = "children"
