from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "patron.parties"
    label = "parties"
    verbose_name = "Customers"
