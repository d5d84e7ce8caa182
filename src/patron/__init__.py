"""Patron: an open-source CRM for relationship marketing."""

__version__ = "0.1.0"
