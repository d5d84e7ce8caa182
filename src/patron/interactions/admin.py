from django.contrib import admin

from patron.interactions.models import Interaction


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "kind", "party", "department", "staff", "subject"]
    list_filter = ["kind", "department", "visibility"]
    raw_id_fields = ["party", "staff"]
    show_full_result_count = False
