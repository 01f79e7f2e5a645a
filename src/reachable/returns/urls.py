from django.urls import path

from reachable.returns import baseline_views, linkage_views, views

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
    path("submissions/<id:pk>/", views.submission, name="submission"),
    path(
        "submissions/<id:pk>/run-again/",
        views.submission_run_again,
        name="submission_run_again",
    ),
    path(
        "submissions/<id:pk>/problems.<str:fmt>", views.submission_report, name="submission_report"
    ),
    path("baseline/", baseline_views.baseline, name="baseline"),
    path("baseline.<str:fmt>", baseline_views.baseline_export, name="baseline_export"),
    path("linkage/", linkage_views.runs, name="linkage"),
    path("linkage/apply-decisions/", linkage_views.apply_decisions, name="linkage_apply"),
    path("linkage/<id:pk>/", linkage_views.run, name="linkage_run"),
    path("linkage/<id:pk>/run-again/", linkage_views.run_again, name="linkage_run_again"),
    path("linkage/review/", linkage_views.reviews, name="linkage_reviews"),
    path("linkage/review/<id:pk>/", linkage_views.review, name="linkage_review"),
]
