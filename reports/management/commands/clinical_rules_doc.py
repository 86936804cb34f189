from django.core.management.base import BaseCommand

from reports.rules_doc import render_clinical_rules_markdown


class Command(BaseCommand):
    help = (
        "Print the clinical rules document, generated from the rule tables: "
        "python manage.py clinical_rules_doc > docs/clinical-rules.md"
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(render_clinical_rules_markdown(), ending="")
