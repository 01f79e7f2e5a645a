from django.contrib import admin
from django.urls import include, path

from reachable.lib.admin import admin_site_allows, admin_site_login

# The admin uses Reachable's own sign-in (with lockout and two-factor) and its own rule for entry.
admin.site.has_permission = admin_site_allows  # type: ignore[method-assign]
admin.site.login = admin_site_login  # type: ignore[method-assign]
admin.site.site_header = "Reachable: reference data and users"

urlpatterns = [
    path("", include("reachable.work.urls")),
    path("accounts/", include("reachable.accounts.urls")),
    path("children/", include("reachable.children.urls")),
    path("audit/", include("reachable.audit.urls")),
    path("custody/", include("reachable.custody.urls")),
    path("casework/", include("reachable.casework.urls")),
    path("", include("reachable.sharing.urls")),
    path("returns/", include("reachable.returns.urls")),
    path("lines/", include("reachable.lines.urls")),
    path("programmes/", include("reachable.programmes.urls")),
    path("learning/", include("reachable.learning.urls")),
    path("events/", include("reachable.events.urls")),
    path("notifications/", include("reachable.notifications.urls")),
    path("api/", include("reachable.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "reachable.api.errors.not_found"
handler500 = "reachable.api.errors.server_error"
