from django.urls import path

from reachable.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="programme_new"),
    path("picture/", views.picture, name="picture"),
    path("<id:pk>/", views.programme_detail, name="programme"),
    path("<id:pk>/objectives/new/", views.objective_new, name="objective_new"),
    path("<id:pk>/projects/new/", views.project_new, name="project_new"),
    path("<id:pk>/deliverables/new/", views.deliverable_new, name="deliverable_new"),
    path("<id:pk>/targets/new/", views.target_new, name="target_new"),
    path("<id:pk>/budget/new/", views.budget_new, name="budget_new"),
    path("<id:pk>/spend/new/", views.spend_new, name="spend_new"),
    path("<id:pk>/spend/import/", views.spend_import, name="spend_import"),
    path("<id:pk>/spend/template.csv", views.spend_template, name="spend_template"),
    path("<id:pk>/risks/new/", views.risk_new, name="risk_new"),
    path("<id:pk>/governance/new/", views.body_new, name="body_new"),
    path("<id:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<id:pk>/pack/", views.pack_preview, name="pack_preview"),
    path("<id:pk>/pack/issue/", views.pack_issue, name="pack_issue"),
    path("<id:pk>/<slug:table>.<slug:fmt>", views.programme_export, name="export"),
    path("deliverables/<id:pk>/", views.deliverable_detail, name="deliverable"),
    path("targets/<id:pk>/", views.target_detail, name="target"),
    path("packs/<id:pk>.<slug:fmt>", views.pack_download, name="pack_download"),
]
