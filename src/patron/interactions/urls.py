from django.urls import path

from patron.interactions import views

app_name = "interactions"

urlpatterns = [
    path("log/<int:party_id>/", views.interaction_log_view, name="log"),
]
