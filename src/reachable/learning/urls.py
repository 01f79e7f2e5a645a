from django.urls import path

from reachable.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.example_new, name="example_new"),
    path("manage/<id:pk>/", views.example_manage, name="manage_example"),
    path("manage/<id:pk>/edit/", views.example_edit, name="example_edit"),
    path("manage/<id:pk>/submit/", views.example_submit, name="example_submit"),
    path("manage/<id:pk>/review/", views.example_review, name="example_review"),
    path("manage/<id:pk>/withdraw/", views.example_withdraw, name="example_withdraw"),
    path("manage/<id:pk>/versions/<id:number>/", views.version_diff, name="version_diff"),
    path("manage/<id:pk>/attachments/new/", views.attachment_new, name="attachment_new"),
    path(
        "manage/<id:pk>/attachments/<id:number>/",
        views.attachment_managed,
        name="attachment_managed",
    ),
    path(
        "manage/<id:pk>/attachments/<id:number>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<slug:slug>/", views.example_public, name="example"),
    path("<slug:slug>/attachments/<id:number>/", views.attachment_public, name="attachment"),
    path("<slug:slug>.pdf", views.example_pdf, name="example_pdf"),
]
