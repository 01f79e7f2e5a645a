from django.urls import path

from reachable.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.preferences, name="preferences"),
    path("outbox/", views.outbox, name="outbox"),
]
