from django.urls import path

from reachable.sharing import views

app_name = "sharing"
urlpatterns = [
    path("sharing/agreements/", views.agreements, name="agreements"),
    path("sharing/agreements/<id:pk>/", views.agreement, name="agreement"),
    path("sharing/children/<id:pk>/share/", views.share_new, name="share_new"),
    path("sharing/children/<id:pk>/disclosures/", views.disclosures, name="disclosures"),
    path("sharing/children/<id:pk>/dispute/", views.dispute_new, name="dispute_new"),
    path("sharing/shares/<id:pk>/withdraw/", views.share_withdraw, name="share_withdraw"),
    path("sharing/break-glass/", views.break_glass, name="break_glass"),
    path("sharing/alerts/", views.alerts, name="alerts"),
    path("sharing/governance/", views.governance, name="governance"),
    path("sharing/governance/<id:pk>/", views.child_governance, name="child_governance"),
    path("sharing/governance/<id:pk>/hold/", views.hold_new, name="hold_new"),
    path("sharing/governance/<id:pk>/restrict/", views.restriction_new, name="restriction_new"),
    path("sharing/governance/<id:pk>/lift/<str:what>/", views.lift, name="lift"),
    path("sharing/governance/<id:pk>/dispute/", views.dispute_resolve, name="dispute_resolve"),
    path("sharing/governance/retention/", views.retention, name="retention"),
    path("sharing/governance/retention/<id:pk>/", views.retention_review, name="retention_review"),
    path("sharing/governance/subject-access/", views.sar_new, name="sar_new"),
    path(
        "sharing/governance/subject-access/<id:pk>/download/",
        views.sar_download,
        name="sar_download",
    ),
    path("privacy/children/", views.privacy_children, name="privacy_children"),
    path("privacy/professionals/", views.privacy_professionals, name="privacy_professionals"),
]
