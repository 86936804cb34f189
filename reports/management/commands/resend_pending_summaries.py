from datetime import timedelta

from django.core.management.base import BaseCommand

from reports.scheduling import STALE_AFTER, resend_stale_summaries


class Command(BaseCommand):
    help = "Re-send pre-visit summaries left pending (e.g. Redis was down at submit time)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(STALE_AFTER.total_seconds()),
            help="seconds a summary may stay pending before it is re-sent",
        )

    def handle(self, *args, older_than: int, **options) -> None:
        count = resend_stale_summaries(older_than=timedelta(seconds=older_than))
        self.stdout.write(f"{count} pending summaries re-sent")
