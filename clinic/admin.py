"""The audit trail in the admin site: to read, filter and export, never to change."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.roles import Role, has_role
from audit.chain import check_overdue, latest_check
from audit.export import export_response
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_id", "client_address")
    list_filter = ("action", "object_type")
    date_hierarchy = "at"
    # Exact ids (indexed); names of people who acted, in part.
    search_fields = ("=object_id", "actor_label")
    show_full_result_count = False  # counting a long trail on every page is slow
    actions = ("export_csv",)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        # Above the list (templates/admin/audit/auditevent/): the daily check of the chain.
        check = latest_check()
        shown = {"chain_check": check, "chain_check_overdue": check_overdue(check, timezone.now())}
        return super().changelist_view(request, {**(extra_context or {}), **shown})

    @admin.action(description="Export the selected events as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        # "Select all" selects every event the filters and search left: they are honoured.
        return export_response(request, queryset, {"via": "admin"})

    # The trail is the admin role's to read (as /audit/export.csv is), whatever model
    # permissions a user holds; nobody may add, change or delete an event here.
    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return has_role(request.user, (Role.ADMIN,))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
