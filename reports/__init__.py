"""The pre-visit summary (pure), its Celery task and the PDF. May import `triage`, `intake`,
`accounts` and `audit`."""
