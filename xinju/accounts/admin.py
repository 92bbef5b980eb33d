from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from xinju.core.exceptions import DomainError

from . import permissions, services
from .models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "scope_kind", "scope_id", "scope_label"]
    readonly_fields = fields  # assignments are given on their own page, through the service
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("display_name",)}))
    list_display = ["username", "display_name", "is_staff", "is_active"]
    inlines = [RoleAssignmentInline]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        services.save_user(actor=request.user, user=obj, changed=list(form.changed_data))

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # The admin's password form saves the user itself and only logs the change: the
        # trail needs it too. Other changes are recorded by save_model.
        if "password" in str(message) and isinstance(obj, User):
            services.record_password_change(actor=request.user, user=obj)
        return super().log_change(request, obj, message)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the trail points at them


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "scope_kind", "scope_id"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                permissions.check_assignment(
                    role=data["role"], scope_kind=data["scope_kind"], scope_id=data["scope_id"]
                )
            except DomainError as exc:
                raise forms.ValidationError({exc.field or "scope_id": exc.message}) from exc
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Giving and taking roles goes through the service: checked against the role's scope
    kinds, and audited."""

    form = RoleAssignmentForm
    list_display = ["user", "role", "scope_kind", "scope_id", "scope_label"]
    list_filter = ["role", "scope_kind"]
    search_fields = ["user__username", "scope_label"]
    fields = ["user", "role", "scope_kind", "scope_id"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        saved = services.assign_role(
            actor=request.user,
            user=obj.user,
            role=obj.role,
            scope_kind=obj.scope_kind,
            scope_id=obj.scope_id,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        services.revoke_role(actor=request.user, assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for assignment in queryset:
            services.revoke_role(actor=request.user, assignment=assignment)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
