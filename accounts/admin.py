"""Integration clients in the admin site: registered, given a new secret, revoked.

A secret is shown once, on the page that follows its making, and never again (it is stored
hashed). django-oauth-toolkit's own admin pages are not registered: applications are made
here only, with their service identity, and tokens are stored as checksums, so there is
nothing of theirs to show.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from oauth2_provider import models as oauth2_models

from accounts.integrations import register_client, renew_secret, revoke_client
from accounts.models import IntegrationClient
from accounts.scopes import grant_choices

for model in (
    oauth2_models.get_application_model(),
    oauth2_models.get_access_token_model(),
    oauth2_models.get_refresh_token_model(),
    oauth2_models.get_grant_model(),
    oauth2_models.get_id_token_model(),
    oauth2_models.get_device_grant_model(),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class NewClientForm(forms.Form):
    name = forms.CharField(max_length=255, help_text="The system it is, as the audit shows it.")
    scopes = forms.MultipleChoiceField(
        choices=grant_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what the integration needs.",
    )


@admin.register(IntegrationClient)
class IntegrationClientAdmin(admin.ModelAdmin):
    list_display = ("__str__", "client_id", "scopes", "secret_expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = (
        "__str__",
        "client_id",
        "scopes",
        "secret_expires_at",
        "created_by",
        "created_at",
        "revoked_at",
    )
    fields = readonly_fields
    actions = ("renew_secrets", "revoke")

    @admin.display(description="client id")
    def client_id(self, client: IntegrationClient) -> str:
        return client.application.client_id

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("application", "created_by")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # revoked instead: the audit trail names it

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NewClientForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            client, secret = register_client(
                form.cleaned_data["name"],
                form.cleaned_data["scopes"],
                created_by=request.user,
                request=request,
            )
            return self._secrets_page(request, [(client, secret)])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Register an integration client",
            "form": form,
            "secret_days": settings.INTEGRATION_SECRET_DAYS,
        }
        return TemplateResponse(request, "admin/accounts/integrationclient/add.html", context)

    @admin.action(description="Give the selected clients a new secret", permissions=["change"])
    def renew_secrets(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        usable = [client for client in queryset if client.usable]
        if not usable:
            self.message_user(request, "A revoked client gets no new secret.", messages.ERROR)
            return None
        shown = [
            (client, renew_secret(client, by=request.user, request=request)) for client in usable
        ]
        return self._secrets_page(request, shown)

    @admin.action(
        description="Revoke the selected clients and their tokens", permissions=["change"]
    )
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        revoked = [client for client in queryset if client.usable]
        for client in revoked:
            revoke_client(client, by=request.user, request=request)
        self.message_user(request, f"Revoked {len(revoked)} client(s); their tokens are refused.")

    def _secrets_page(self, request: HttpRequest, shown: list) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Client secrets: shown once",
            "shown": shown,
        }
        return TemplateResponse(request, "admin/accounts/integrationclient/secrets.html", context)
