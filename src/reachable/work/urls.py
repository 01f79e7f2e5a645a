from django.urls import path

from reachable.work import views

app_name = "work"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
