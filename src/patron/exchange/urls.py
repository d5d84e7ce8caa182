"""Import and export pages, mounted at /import/."""

from django.urls import path

from patron.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<str:token>/map/", views.map_columns, name="map"),
    path("<str:token>/preview/", views.preview, name="preview"),
    path("<str:token>/run/", views.run, name="run"),
    path("export/<str:kind>/", views.export, name="export"),
]
