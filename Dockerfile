# The production image: gunicorn for web, the same image for Celery workers and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings

# WeasyPrint's system libraries and fonts; gettext for compiled translations.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY config ./config
COPY audit ./audit
COPY accounts ./accounts
COPY intake ./intake
COPY triage ./triage
COPY reports ./reports
COPY clinic ./clinic
COPY locale ./locale
COPY manage.py ./
RUN pip install -c constraints.txt . \
 && useradd --system --uid 1000 --home /app clinic \
 && mkdir -p /app/var /data/private && chown -R clinic /app/var /data/private

# collectstatic needs settings but no real secrets or services.
RUN DJANGO_ENV=development python manage.py collectstatic --noinput

USER clinic
ENV PRIVATE_FILES_ROOT=/data/private
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
