"""Typed readers for environment variables.

Every reader fails at start-up with ``ImproperlyConfigured`` naming the
variable, so a typo in a deployment never turns into a silent default.
Values are not echoed back: a malformed variable may hold a secret.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Env:
    def __init__(self, environ_: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ_ is None else environ_

    def _raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        return None if value is None or value.strip() == "" else value.strip()

    def str(self, name: str, default: str = "") -> str:
        value = self._raw(name)
        return default if value is None else value

    def required(self, name: str, why: str) -> str:
        value = self._raw(name)
        if value is None:
            raise ImproperlyConfigured(f"{name} must be set {why}.")
        return value

    def bool(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off.")

    def int(self, name: str, default: int, *, minimum: int = 0, maximum: int = 10**9) -> int:
        value = self._raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number.") from None
        if not minimum <= number <= maximum:
            raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}.")
        return number

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def networks(self, name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """Comma-separated addresses or CIDR ranges; host bits set in a range are a mistake."""
        try:
            return tuple(ipaddress.ip_network(item) for item in self.list(name))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated addresses or CIDR ranges (10.0.0.0/24)."
            ) from None

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name} must be one of: {', '.join(choices)}.")
        return value

    def database(self, name: str) -> dict | None:
        """A PostgreSQL connection from a URL, or None when the variable is unset."""
        value = self._raw(name)
        if value is None:
            return None
        if not value.startswith(("postgres://", "postgresql://")):
            raise ImproperlyConfigured(f"{name} must be a postgres:// or postgresql:// URL.")
        try:
            config = environ.Env.db_url_config(value)
        except Exception:  # any parse failure is a configuration error
            raise ImproperlyConfigured(f"{name} is not a valid database URL.") from None
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} must name a database (…/dbname).")
        return config

    def redis_url(self, name: str) -> str | None:
        value = self._raw(name)
        if value is not None and not value.startswith(("redis://", "rediss://")):
            raise ImproperlyConfigured(f"{name} must be a redis:// or rediss:// URL.")
        return value
