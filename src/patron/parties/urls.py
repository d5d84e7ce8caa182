from django.urls import path

from patron.parties import views

app_name = "parties"

urlpatterns = [
    path("", views.party_list_view, name="list"),
    path("new/", views.party_create_view, name="create"),
    path("<int:party_id>/edit/", views.party_edit_view, name="edit"),
    path("<int:party_id>/contact-points/", views.contact_point_add_view, name="contact_point_add"),
    path(
        "<int:party_id>/contact-points/<int:point_id>/primary/",
        views.contact_point_primary_view,
        name="contact_point_primary",
    ),
    path(
        "<int:party_id>/contact-points/<int:point_id>/remove/",
        views.contact_point_remove_view,
        name="contact_point_remove",
    ),
    path("<int:party_id>/preferences/", views.preference_record_view, name="preference_record"),
    path("<int:party_id>/relationships/", views.relationship_add_view, name="relationship_add"),
]
