from django.urls import path

from reachable.programmes import report_views, views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="programme_new"),
    path("picture/", report_views.picture, name="picture"),
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
    path("<id:pk>/pack/", report_views.pack_preview, name="pack_preview"),
    path("<id:pk>/pack/issue/", report_views.pack_issue, name="pack_issue"),
    path("<id:pk>/stakeholders/", report_views.stakeholders, name="stakeholders"),
    path("<id:pk>/stakeholders/new/", report_views.response_new, name="response_new"),
    path("<id:pk>/policy/", report_views.policy, name="policy"),
    path("<id:pk>/policy/new/", report_views.policy_new, name="policy_new"),
    path("<id:pk>/<slug:table>.<slug:fmt>", report_views.programme_export, name="export"),
    path("deliverables/<id:pk>/", views.deliverable_detail, name="deliverable"),
    path("targets/<id:pk>/", views.target_detail, name="target"),
    path("packs/<id:pk>.<slug:fmt>", report_views.pack_download, name="pack_download"),
]
