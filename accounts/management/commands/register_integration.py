"""Register an integration client from the command line (as the admin's page does): prints
its client id and secret, once."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.integrations import NotGrantable, register_client
from accounts.scopes import GRANTABLE_SCOPES


class Command(BaseCommand):
    help = "Register an integration client; its secret is printed once and stored hashed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="The system it is, as the audit trail names it.")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            help=f"A scope to grant; repeat for more. Grantable: {', '.join(GRANTABLE_SCOPES)}",
        )

    def handle(self, *args, name: str, scope: list[str], **options) -> None:
        try:
            client, secret = register_client(name, scope)
        except NotGrantable as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"client_id={client.application.client_id}")
        self.stdout.write(f"client_secret={secret}")
        self.stdout.write(
            f"scopes={client.scopes} secret_expires_at={client.secret_expires_at:%Y-%m-%d}"
        )
