from django.urls import path

from reachable.accounts import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("people/", views.people, name="people"),
    path("people/<id:pk>/", views.person_roles, name="person"),
    path("roles/<id:pk>/end/", views.membership_end, name="membership_end"),
]
