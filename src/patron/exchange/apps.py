from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "patron.exchange"
    label = "exchange"
    verbose_name = "Import and export"
