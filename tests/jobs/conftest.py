# tests/jobs/conftest.py — the money jobs' tests drive bookings through the app on the fake Razorpay: its fixtures, shared.
from tests.http.conftest import client  # noqa: F401
from tests.http.test_payments import app, razorpay_env, rzp  # noqa: F401

# Test: pytest tests/jobs/
