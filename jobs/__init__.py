# jobs/__init__.py — Procrastinate jobs (emails, and later reminders, refunds, meeting links, view refreshes).
# Test: pytest tests/jobs/
