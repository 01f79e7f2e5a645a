from django.urls import path

from reachable.returns import views

app_name = "returns"
urlpatterns = [
    path("spec/", views.spec, name="spec"),
    path("spec/<str:version>/<slug:key>/", views.domain, name="domain"),
    path(
        "spec/<str:version>/<slug:key>/template.<str:fmt>",
        views.template,
        name="template",
    ),
]
