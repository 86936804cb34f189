from django.core.management.base import BaseCommand, CommandError

from audit.chain import check_and_record


class Command(BaseCommand):
    help = (
        "Walk the audit trail's hash chain and report the first broken link; store the check "
        "and the chain's head (as the daily job does). Exits 1 when the chain is broken."
    )

    def handle(self, *args, **options) -> None:
        result, check = check_and_record()
        if not result.intact:
            raise CommandError(f"audit chain broken at event {result.broken_at}: {result.problem}")
        self.stdout.write(
            f"audit chain intact: {result.checked} events up to event {result.verified_to}; "
            f"head event {check.head_id} sha256 {check.head_hash or '-'}"
        )
