# The production image: gunicorn for web, the same image for Celery workers and beat.
# Two stages: the first builds the project's wheel from the files it copies; the second
# installs that wheel, so the image runs the installed package and no source tree. CI
# replays both without an engine (tests/integration/test_production_wheel.py), and
# tests/config/test_image.py fails when an app or its files are left out (0010).
FROM python:3.11-slim-bookworm AS wheel

WORKDIR /src
COPY pyproject.toml README.md ./
COPY config ./config
COPY audit ./audit
COPY accounts ./accounts
COPY intake ./intake
COPY triage ./triage
COPY reports ./reports
COPY clinic ./clinic
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    STATIC_ROOT=/app/static PRIVATE_FILES_ROOT=/data/private

# WeasyPrint's system libraries and fonts; curl for the compose health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY constraints.txt /tmp/constraints.txt
COPY --from=wheel /wheels /tmp/wheels
RUN pip install -c /tmp/constraints.txt /tmp/wheels/*.whl \
 && rm -rf /tmp/wheels /tmp/constraints.txt \
 && useradd --system --uid 1000 --home /app clinic \
 && mkdir -p /data/private && chown clinic /data/private

# Production settings, so the names are hashed and the manifest written. The values are
# placeholders for this one command, which connects to nothing; the deployment sets its own.
RUN DJANGO_ENV=production DEBUG=false \
    SECRET_KEY=collectstatic-placeholder-never-used-to-sign-anything-0123456789 \
    ALLOWED_HOSTS=build.invalid DATABASE_URL=postgres://build@build.invalid:5432/build \
    CLINIC_NAME=build.invalid CLINIC_PHONE=build.invalid PUBLIC_BASE_URL=https://build.invalid EMAIL_HOST=build.invalid \
    django-admin collectstatic --noinput

USER clinic
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
