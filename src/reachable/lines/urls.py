from django.urls import path

from reachable.lines import views

app_name = "lines"
urlpatterns = [
    path("", views.line_list, name="list"),
    path("new/", views.line_new, name="line_new"),
    path("<id:pk>/", views.line_detail, name="line"),
    path("<id:pk>/status/", views.status_new, name="status_new"),
    path("<id:pk>/numbers/new/", views.number_new, name="number_new"),
    path("<id:pk>/sightings/new/", views.sighting_new, name="sighting_new"),
    path("<id:pk>/children/new/", views.child_link_new, name="child_link_new"),
    path("places/", views.location_list, name="locations"),
    path("places/new/", views.location_new, name="location_new"),
    path("places/<id:pk>/", views.location_detail, name="location"),
    path("disruption/", views.disruption_list, name="disruptions"),
    path("disruption/new/", views.disruption_new, name="disruption_new"),
    path("import/", views.import_file, name="import"),
    path("import/<slug:kind>.csv", views.import_template, name="import_template"),
    path("picture/", views.picture, name="picture"),
    path("picture/<slug:table>.<slug:fmt>", views.picture_export, name="picture_export"),
]
