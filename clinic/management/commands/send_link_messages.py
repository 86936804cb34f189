"""Send the patients' link messages that are due (reminders, retries): for cron, where no
Celery beat runs (beat runs the same sweep every minute)."""

from django.core.management.base import BaseCommand

from clinic import link_messages


class Command(BaseCommand):
    help = "Send the link e-mails and text messages that are due, reminders and retries included."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet", action="store_true", help="say nothing when nothing was due")

    def handle(self, *args, quiet: bool = False, **options) -> None:
        result = link_messages.sweep()
        if quiet and result == link_messages.Sent(0, 0, 0, 0, 0):
            return
        self.stdout.write(
            f"{result.queued} reminders due, {result.sent} sent, {result.not_delivered} refused, "
            f"{result.failed} failed (retried later), {result.cancelled} no longer needed"
        )
