from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from accounts.roles import sync_role_groups

    sync_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from oauth2_provider.signals import app_authorized

        from accounts import integrations, signals

        # Permissions of apps migrated later only exist after their migrate;
        # re-syncing then keeps the groups equal to ROLE_PERMISSIONS.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
        # Every sign-in, failure, sign-out and lockout goes to the audit trail.
        user_logged_in.connect(signals.signed_in, dispatch_uid="accounts.audit_sign_in")
        user_login_failed.connect(signals.sign_in_failed, dispatch_uid="accounts.audit_failure")
        user_logged_out.connect(signals.signed_out, dispatch_uid="accounts.audit_sign_out")
        user_locked_out.connect(signals.locked_out, dispatch_uid="accounts.audit_lockout")
        app_authorized.connect(integrations.token_issued, dispatch_uid="accounts.audit_token")


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """Django's admin, its default site swapped for the one that demands the second factor."""

    default = False  # not a candidate for the "accounts" app itself
    default_site = "accounts.two_factor.TwoFactorAdminSite"
