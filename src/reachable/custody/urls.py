from django.urls import path

from reachable.custody import views

app_name = "custody"
urlpatterns = [
    path("", views.board, name="board"),
    path("detentions/new/", views.detention_new, name="detention_new"),
    path("detentions/<id:pk>/", views.detention, name="detention"),
    path("detentions/<id:pk>/engagement/", views.engagement_new, name="engagement_new"),
    path("detentions/<id:pk>/share/", views.share_new, name="share_new"),
    path("detentions/<id:pk>/release/", views.release, name="release"),
    path("detentions/<id:pk>/offer/", views.offer_new, name="offer_new"),
    path("offers/<id:pk>/", views.offer_update, name="offer_update"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<id:pk>/", views.concern, name="concern"),
    path("feedback/new/", views.feedback_new, name="feedback_new"),
    path("import/", views.import_detentions, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<id:pk>/", views.import_status, name="import_status"),
    path("import/<id:pk>/problems.csv", views.import_report, name="import_report"),
    path("import/<id:pk>/run-again/", views.import_run_again, name="import_run_again"),
    path("dashboard/", views.pilot_dashboard, name="dashboard"),
    path("dashboard/<str:figure>.<str:fmt>", views.pilot_export, name="dashboard_export"),
]
