"""The back office for staff, departments, API tokens and the audit log: administrators only.

Every change goes through ``accounts.services`` and is audited. The audit log is registered
here rather than in ``core`` because who may read it is decided by ``accounts.permissions``,
which ``core`` may not import.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from patron.accounts import services
from patron.accounts.admin_base import PatronModelAdmin, mark_formsets_unsaved
from patron.accounts.models import ApiToken, Department, Membership, User
from patron.accounts.permissions import can_manage_staff, can_read_audit_log
from patron.core.models import AuditEntry


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    """A user's departments and roles, saved through ``membership_set``/``membership_remove``."""

    model = Membership
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_staff(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_staff(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_staff(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_staff(request.user)


@admin.register(User)
class UserAdmin(PatronModelAdmin, BaseUserAdmin):  # type: ignore[misc]
    view_rule = staticmethod(can_manage_staff)
    add_rule = staticmethod(can_manage_staff)
    change_rule = staticmethod(can_manage_staff)
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["username", "last_login", "date_joined"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if obj is not None else []

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> User:
        usable = data.get("usable_password", True) not in (False, "false")
        return services.user_create(
            username=data["username"],
            password=data.get("password1") if usable else None,
            actor=request.user,
        )

    def service_update(self, request: HttpRequest, obj: User, changes: dict[str, Any]) -> User:
        changes.pop("password", None)
        return services.user_update(user=obj, actor=request.user, **changes)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's password page, with the new password set through ``user_set_password``."""
        actor = request.user

        class ServicePasswordForm(AdminPasswordChangeForm):
            def save(self, commit: bool = True) -> Any:
                usable = self.cleaned_data.get("set_usable_password", True)
                password = self.cleaned_data.get("password1") if usable else None
                return services.user_set_password(user=self.user, actor=actor, password=password)

        # A copy per request: the admin instance is shared between threads.
        view = copy.copy(self)
        view.change_password_form = ServicePasswordForm
        return BaseUserAdmin.user_change_password(view, request, id, form_url)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        mark_formsets_unsaved(formsets)
        user = form.instance
        for formset in formsets:
            for inline_form in formset.forms:
                if not inline_form.has_changed() and not formset._should_delete_form(inline_form):
                    continue
                membership = inline_form.instance
                if formset._should_delete_form(inline_form):
                    if membership.pk:
                        services.membership_remove(membership=membership, actor=request.user)
                    continue
                services.membership_set(
                    user=user,
                    department=inline_form.cleaned_data["department"],
                    role=inline_form.cleaned_data["role"],
                    actor=request.user,
                )


@admin.register(Department)
class DepartmentAdmin(PatronModelAdmin):
    view_rule = staticmethod(can_manage_staff)
    add_rule = staticmethod(can_manage_staff)
    change_rule = staticmethod(can_manage_staff)
    list_display = ["name", "code", "is_active"]
    prepopulated_fields = {"code": ["name"]}
    fields = ["name", "code", "is_active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["code"] if obj is not None else []

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return {} if obj is not None else self.prepopulated_fields

    def service_create(self, request: HttpRequest, data: dict[str, Any]) -> Department:
        department = services.department_ensure(
            code=data["code"], name=data["name"], actor=request.user
        )
        if data.get("is_active") is False:
            department = services.department_update(
                department=department, actor=request.user, is_active=False
            )
        return department

    def service_update(
        self, request: HttpRequest, obj: Department, changes: dict[str, Any]
    ) -> Department:
        return services.department_update(department=obj, actor=request.user, **changes)


@admin.register(ApiToken)
class ApiTokenAdmin(PatronModelAdmin):
    """Tokens are made with ``patron token create`` (the secret is shown once); here they
    are listed and revoked."""

    view_rule = staticmethod(can_manage_staff)
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at"]
    exclude = ["digest"]
    actions = ["revoke"]

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        if not can_manage_staff(request.user):
            actions.pop("revoke", None)
        return actions

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = [t for t in queryset if t.revoked_at is None]
        for token in tokens:
            services.api_token_revoke(token=token, actor=request.user)
        self.message_user(request, f"{len(tokens)} token(s) revoked.", messages.SUCCESS)


@admin.register(AuditEntry)
class AuditEntryAdmin(PatronModelAdmin):
    """Read-only for administrators: the log is append-only."""

    view_rule = staticmethod(can_read_audit_log)
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    date_hierarchy = None
