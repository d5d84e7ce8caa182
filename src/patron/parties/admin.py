from django.contrib import admin

from patron.parties.models import ContactPoint, Party, PartyRelationship, Preference, Tag


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["display_name", "kind", "email", "phone", "city", "acquisition_channel"]
    list_filter = ["kind", "acquisition_channel", "country"]
    search_fields = ["search_name", "email", "external_id"]
    show_full_result_count = False
    raw_id_fields = ["owner", "merged_into"]
    readonly_fields = ["display_name", "sort_name", "search_name", "email", "phone"]
    inlines = [ContactPointInline]


admin.site.register(Tag)
admin.site.register(PartyRelationship, raw_id_fields=["person", "organisation"])
admin.site.register(Preference, raw_id_fields=["party"])
