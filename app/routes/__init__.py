# app/routes/__init__.py — the one route table, assembled from each domain's `routes` list.
from __future__ import annotations

from starlette.routing import BaseRoute

from app.routes import (
    admin,
    admin_analytics,
    admin_email_pages,
    admin_overview_pages,
    admin_pages,
    analytics,
    auth,
    availability,
    booking_pages,
    calendar,
    clients,
    dashboard,
    dashboard_availability,
    dashboard_clients,
    dashboard_payments,
    dashboard_quotations,
    dashboard_sessions,
    dashboard_settings,
    dev,
    docs,
    email_templates,
    email_webhooks,
    health,
    pages,
    payments,
    profile,
    public,
    quotation_pages,
    quotations,
    sessions,
)


def all_routes(*, development: bool) -> list[BaseRoute]:
    table: list[BaseRoute] = [*health.routes, *docs.routes, *auth.routes, *admin.routes, *profile.routes,
                               *availability.routes, *public.routes, *sessions.routes, *clients.routes,
                               *payments.routes, *email_templates.routes, *email_webhooks.routes,
                               *calendar.routes, *quotations.routes, *analytics.routes,
                               *admin_analytics.routes]
    table += [*pages.routes, *booking_pages.routes, *dashboard.routes, *dashboard_sessions.routes,
              *dashboard_clients.routes, *dashboard_payments.routes, *dashboard_settings.routes,
              *dashboard_availability.routes, *admin_pages.routes,
              *admin_email_pages.routes, *admin_overview_pages.routes, *dashboard_quotations.routes, *quotation_pages.routes]
    if development:
        table += dev.routes
    return table


def last_routes() -> list[BaseRoute]:
    """After everything else, files included: /<slug> takes any single top-level segment left."""
    return list(booking_pages.slug_routes)

# Test: pytest tests/http/test_openapi.py
