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
    path("completeness/", views.completeness, name="completeness"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/new/", views.submission_new, name="submission_new"),
    path("submissions/<int:pk>/", views.submission, name="submission"),
    path(
        "submissions/<int:pk>/problems.<str:fmt>", views.submission_report, name="submission_report"
    ),
]
