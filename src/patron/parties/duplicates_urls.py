"""Pages for reviewing and merging duplicate customers, mounted at /duplicates/."""

from django.urls import path

from patron.parties import duplicates_views as views

app_name = "duplicates"

urlpatterns = [
    path("", views.review, name="review"),
    path("scan/", views.scan, name="scan"),
    path("<int:survivor_id>/<int:merged_id>/", views.compare, name="compare"),
    path("<int:first_id>/<int:second_id>/dismiss/", views.dismiss, name="dismiss"),
]
