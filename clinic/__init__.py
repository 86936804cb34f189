"""The clinic's desks: every page, API and use case that spans the core apps.

It has no models. It may import `reports`, `triage`, `intake`, `accounts` and `audit`;
none of them imports it.
"""
