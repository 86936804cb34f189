"""E-mail the clinicians about emergency alerts nobody acknowledged: for cron, where no
Celery beat runs (beat runs the same sweep every 30 s)."""

from django.core.management.base import BaseCommand

from clinic import escalation


class Command(BaseCommand):
    help = "Send the escalation e-mails that are due, and retry those that failed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="say nothing when nothing was due")

    def handle(self, *args, quiet: bool = False, **options) -> None:
        result = escalation.sweep()
        if quiet and not (result.queued or result.sent or result.failed or result.cancelled):
            return
        self.stdout.write(
            f"{result.queued} due, {result.sent} sent, {result.failed} failed "
            f"(retried later), {result.cancelled} no longer needed"
        )
        if result.failed:
            raise SystemExit(1)  # cron mails the owner of a failing job
