# jobs/__init__.py — the Procrastinate app (jobs/app.py) and its tasks, one module per domain (email, booking, reminders, payments, calendar, quotations, analytics, maintenance).
# Test: pytest tests/jobs/
