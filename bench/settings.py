"""Settings for the gunicorn under test: the app's own, plus two benchmark-only routes.

    DJANGO_SETTINGS_MODULE=bench.settings gunicorn config.wsgi ...

Same middleware, sessions and database as production settings, so the bare view and the
signed-in empty page are baselines for the real pages served by the same processes.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
