from django.urls import path

from reachable.children import views

app_name = "children"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/identifiers/new/", views.identifier_add, name="identifier_add"),
    path("<int:pk>/carers/new/", views.carer_add, name="carer_add"),
    path("<int:pk>/merge/", views.merge, name="merge"),
]
