"""E-mail the clinicians about emergency alerts nobody acknowledged: for cron, where no
Celery beat runs (beat runs the same sweep every 30 s)."""

from django.core.management.base import BaseCommand

from clinic import escalation


class Command(BaseCommand):
    help = "Send the escalation e-mails that are due, and retry those that failed."

    def handle(self, *args, **options) -> None:
        result = escalation.sweep()
        self.stdout.write(
            f"{result.queued} due, {result.sent} sent, {result.failed} failed "
            f"(retried later), {result.cancelled} no longer needed"
        )
        if result.failed:
            raise SystemExit(1)  # cron mails the owner of a failing job
