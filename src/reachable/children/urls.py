from django.urls import path

from reachable.children import views

app_name = "children"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.profile, name="profile"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/identifiers/new/", views.identifier_add, name="identifier_add"),
    path("<id:pk>/carers/new/", views.carer_add, name="carer_add"),
    path("<id:pk>/merge/", views.merge, name="merge"),
]
