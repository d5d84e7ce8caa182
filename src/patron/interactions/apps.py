from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "patron.interactions"
    label = "interactions"
    verbose_name = "Interactions"

    def ready(self) -> None:
        from patron.core import timeline
        from patron.interactions.timeline import InteractionSource

        timeline.register(InteractionSource())
