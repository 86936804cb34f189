"""The record of who did what, append-only. Imports none of the other apps: it knows users
only through AUTH_USER_MODEL."""
