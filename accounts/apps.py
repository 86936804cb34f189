from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs) -> None:
    from accounts.roles import sync_role_groups

    sync_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        # Permissions of apps migrated later only exist after their migrate;
        # re-syncing then keeps the groups equal to ROLE_PERMISSIONS.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
