from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "patron.web"
    label = "web"
    verbose_name = "Staff web app"

    def ready(self) -> None:
        from patron.web import panels
        from patron.web.customer_panels import register_builtin_panels

        register_builtin_panels()
        panels.autodiscover()
