from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "patron.sales"
    label = "sales"
    verbose_name = "Sales and billing"

    def ready(self) -> None:
        from patron.core import timeline
        from patron.sales.timeline import sales_sources

        for source in sales_sources():
            timeline.register(source)
