from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import Role, sync_role_groups

# Demo logins, printed by `make run`. Never created in production.
DEMO_USERS = (
    ("frontdesk", "frontdesk-demo-2026", Role.FRONT_DESK, "Fran", "Desk"),
    ("clinician", "clinician-demo-2026", Role.CLINICIAN, "Casey", "Clinic"),
    ("admin", "admin-demo-2026", Role.ADMIN, "Ada", "Admin"),
)


class Command(BaseCommand):
    help = "Create the demo front-desk, clinician and admin accounts (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run when DJANGO_ENV=production.")
        sync_role_groups()
        user_model = get_user_model()
        for username, password, role, first_name, last_name in DEMO_USERS:
            user, _ = user_model.objects.get_or_create(username=username)
            user.first_name, user.last_name = first_name, last_name
            user.is_active = True
            user.is_staff = role == Role.ADMIN  # the admin site is for administrators only
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=role)])
        self.stdout.write("Demo accounts (local use only):")
        for username, password, role, _, _ in DEMO_USERS:
            self.stdout.write(f"  {Role(role).label:<14} {username:<10} / {password}")
        self.stdout.write(
            "The admin sets up two-step sign-in (an authenticator app) at the first sign-in."
        )
