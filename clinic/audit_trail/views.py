"""`/audit/export.csv`: the audit trail for the administrator, filtered by query parameters."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

from accounts.roles import Role, role_required
from audit.export import ExportFilters, export_response
from audit.models import AuditEvent


@role_required(Role.ADMIN)
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    try:
        filters = ExportFilters.from_query(request.GET)
    except ValueError:
        return HttpResponseBadRequest(
            "from and to are dates (YYYY-MM-DD); action is an action code."
        )
    return export_response(
        request, filters.apply(AuditEvent.objects.all()), {"via": "export", **filters.as_detail()}
    )
