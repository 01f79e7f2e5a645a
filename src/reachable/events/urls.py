from django.urls import path

from reachable.events import manage_views, views

app_name = "events"
urlpatterns = [
    path("", views.home, name="home"),
    path("manage/", manage_views.manage, name="manage"),
    path("manage/sessions/new/", manage_views.session_new, name="session_new"),
    path("manage/sessions/<id:pk>/", manage_views.session_manage, name="session_manage"),
    path("manage/sessions/<id:pk>/attendance/", manage_views.attendance_page, name="attendance"),
    path("manage/registrations/<id:pk>/move/", manage_views.waiting_move, name="waiting_move"),
    path(
        "manage/series/<id:pk>/evaluation/",
        manage_views.evaluation_report,
        name="evaluation_report",
    ),
    path("sessions/<id:pk>/", views.session_page, name="session"),
    path("sessions/<id:pk>/calendar.ics", views.session_calendar, name="session_calendar"),
    path("place/<str:token>/", views.place, name="place"),
    path("place/<str:token>/cancel/", views.place_cancel, name="place_cancel"),
    path("place/<str:token>/accept/", views.place_accept, name="place_accept"),
    path("place/<str:token>/calendar.ics", views.place_calendar, name="place_calendar"),
    path("place/<str:token>/feedback/", views.place_feedback, name="place_feedback"),
    path(
        "place/<str:token>/evaluation/<slug:phase>/",
        views.place_evaluation,
        name="place_evaluation",
    ),
    path("place/<str:token>/certificate.pdf", views.place_certificate, name="place_certificate"),
    path("<slug:slug>/", views.series_page, name="series"),
    path("<slug:slug>/calendar.ics", views.series_calendar, name="series_calendar"),
]
