from django.contrib.auth import views as auth_views
from django.urls import include, path

from patron.web import audit_views, views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/<int:party_id>/", views.customer, name="customer"),
    path("customers/<int:party_id>/timeline/", views.customer_timeline, name="customer_timeline"),
    path("duplicates/", include("patron.parties.duplicates_urls")),
    path("audit/", audit_views.audit_log, name="audit"),
    path("import/", include("patron.exchange.urls")),
]
