from django.urls import path

from reachable.accounts import client_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("people/", views.people, name="people"),
    path("people/<id:pk>/", views.person_roles, name="person"),
    path("roles/<id:pk>/end/", views.membership_end, name="membership_end"),
    path("api-clients/", client_views.clients, name="api_clients"),
    path("api-clients/new/", client_views.client_new, name="api_client_new"),
    path("api-clients/<id:pk>/", client_views.client, name="api_client"),
    path("api-clients/<id:pk>/webhooks/new/", client_views.webhook_new, name="webhook_new"),
    path("api-clients/tokens/<id:pk>/revoke/", client_views.token_revoke, name="api_token_revoke"),
]
