"""The base of every Patron ModelAdmin: the back office obeys the same rules as the API.

Django's admin normally decides access from its own model permissions and writes rows
directly. Patron's admin does neither:

* who may see, add, change or delete is asked of ``accounts.permissions`` (the one place
  for those rules), through the ``*_rule`` hooks;
* the rows listed come from the app's selector (``scoped_queryset``), so a private note of
  another department is as invisible here as in the API;
* every add, change and delete calls the app's service (``service_create``,
  ``service_update``, ``service_delete``), so the admin validates and audits like
  everything else. The form is first checked by running the service inside a savepoint
  that is rolled back, so a service's error becomes a form error and nothing is written.

A model without a service for some write simply leaves that rule unset: the admin then
shows it read-only for that operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from patron.accounts.permissions import PermissionDenied, can_view_customers

Rule = Callable[[Any], bool]
ObjectRule = Callable[[Any, Any], bool]


class _DryRun(Exception):
    """Raised to roll back the savepoint of a service run that only validates."""


def _as_form_error(exc: ValidationError, form: forms.BaseForm) -> ValidationError:
    """A service's field errors, keyed to the form's fields where it has them."""
    if not hasattr(exc, "error_dict"):
        return ValidationError(exc.messages)
    errors: dict[str, list[str]] = {}
    for name, messages in exc.message_dict.items():
        key = name if name in form.fields else NON_FIELD_ERRORS
        prefix = "" if key == name or name == NON_FIELD_ERRORS else f"{name}: "
        errors.setdefault(key, []).extend(prefix + m for m in messages)
    return ValidationError(errors)


def mark_formsets_unsaved(formsets: Any) -> None:
    """Tell the admin's change message that the inline formsets wrote nothing themselves."""
    for formset in formsets:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class PatronModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose permissions, rows and writes come from Patron's own layers."""

    #: may the user see these rows at all (and the app in the admin index)
    view_rule: Rule = staticmethod(can_view_customers)
    #: may the user add / change / delete; ``None`` means the admin does not offer it
    add_rule: Rule | None = None
    change_rule: Rule | None = None
    delete_rule: Rule | None = None
    #: a finer per-row check, e.g. "a manager of this interaction's department"
    change_object_rule: ObjectRule | None = None
    delete_object_rule: ObjectRule | None = None

    show_full_result_count = False

    # --- hooks a subclass fills in ---------------------------------------------------

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        """The rows this user may see; override to use the app's selector."""
        return self.model._default_manager.all()

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> models.Model:
        raise NotImplementedError(f"{type(self).__name__} offers add without a service")

    def service_update(
        self, request: HttpRequest, obj: Any, changes: dict[str, Any]
    ) -> models.Model:
        raise NotImplementedError(f"{type(self).__name__} offers change without a service")

    def service_delete(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} offers delete without a service")

    # --- permissions -----------------------------------------------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and self.view_rule(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and self.view_rule(request.user))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.add_rule is not None and self.add_rule(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.change_rule is None or not self.change_rule(request.user):
            return False
        if obj is not None and self.change_object_rule is not None:
            return self.change_object_rule(request.user, obj)
        return True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.delete_rule is None or not self.delete_rule(request.user):
            return False
        if obj is not None and self.delete_object_rule is not None:
            return self.delete_object_rule(request.user, obj)
        return True

    # --- reads -----------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = self.scoped_queryset(request)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    # --- writes ----------------------------------------------------------------------

    def _write(self, request: HttpRequest, form: forms.ModelForm[Any], change: bool) -> Any:
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if change:
            fresh = self.model._default_manager.get(pk=form.instance.pk)
            changes = {name: data[name] for name in form.changed_data if name in data}
            if not changes:
                return fresh
            return self.service_update(request, fresh, changes)
        return self.service_create(request, data)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceCheckedForm(base):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                if self.errors:
                    return cleaned
                try:
                    with transaction.atomic():
                        model_admin._write(request, self, change=obj is not None)
                        raise _DryRun
                except _DryRun:
                    pass
                except ValidationError as exc:
                    raise _as_form_error(exc, self) from exc
                except PermissionDenied as exc:
                    raise ValidationError(str(exc)) from exc
                return cleaned

        return ServiceCheckedForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = self._write(request, form, change)
        for field in obj._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Related rows are written by the services, never by the admin's own formsets."""
        mark_formsets_unsaved(formsets)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.service_delete(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            if not self.has_delete_permission(request, obj):
                raise PermissionDenied(f"You may not delete {obj}.")
            self.service_delete(request, obj)


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Related rows shown on the parent's page; they change through their own services."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Shown on an existing parent only: a new one has no related rows yet."""
        return obj is not None and bool(can_view_customers(request.user))
