from django.contrib import admin
from django.urls import include, path

from patron.api.root import api

admin.site.site_header = "Patron back office"
admin.site.site_title = "Patron"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("customers/", include("patron.parties.urls")),
    path("interactions/", include("patron.interactions.urls")),
    path("", include("patron.web.urls")),
]
