# One image for web, worker and scheduler.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 TAKEDOWN_ENV=production \
    TAKEDOWN_VAR_DIR=/var/lib/takedown
WORKDIR /app
RUN useradd --system --home /app takedown && mkdir -p /var/lib/takedown/media && chown -R takedown /var/lib/takedown

COPY . .
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir -e . \
 && SECRET_KEY=build AUDIT_SIGNING_KEY=build WEBHOOK_SECRET=build FINGERPRINT_KEY=build \
    FIELD_ENCRYPTION_KEYS=build ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py compiletranslations \
 && SECRET_KEY=build AUDIT_SIGNING_KEY=build WEBHOOK_SECRET=build FINGERPRINT_KEY=build \
    FIELD_ENCRYPTION_KEYS=build ALLOWED_HOSTS=build DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput

USER takedown
EXPOSE 8000
CMD ["gunicorn", "takedown.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--worker-class", "gthread", "--threads", "4"]
