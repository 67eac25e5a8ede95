# app/routes/__init__.py — the one route table: each domain module's tables, under the mount they are written for.
"""A domain module exports up to four tables, by where its paths start:

* `api_routes` under `/api/v1` (the JSON API),
* `dashboard_routes` under `/dashboard` (the consultant's pages),
* `admin_routes` under `/admin` (the admins' pages),
* `site_routes` from the root (public pages, sign-in, health, and the two mounts' own roots, which a
  Starlette `Mount` cannot serve without a redirect).

So a prefix is written once, here, and a module's table reads as the paths it owns.
"""
from __future__ import annotations

from types import ModuleType

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope

from app.routes import (
    admin,
    admin_analytics,
    admin_email_pages,
    admin_overview_pages,
    admin_pages,
    admin_payouts,
    admin_subscriptions,
    analytics,
    assets,
    auth,
    availability,
    booking_pages,
    calendar,
    clients,
    dashboard,
    dashboard_availability,
    dashboard_clients,
    dashboard_payments,
    dashboard_payouts,
    dashboard_publish,
    dashboard_quotations,
    dashboard_sessions,
    dashboard_settings,
    dev,
    docs,
    documents,
    email_templates,
    email_webhooks,
    health,
    pages,
    payments,
    payout_account,
    payouts,
    plans,
    profile,
    public,
    publishing,
    quotation_pages,
    quotations,
    quotations_public,
    reminders,
    sessions,
    tax,
)
from app.routing import IndexedRouter
from app.web import ADMIN, API, DASHBOARD

DOMAINS: tuple[ModuleType, ...] = (
    health, docs, assets, auth, pages, admin, admin_pages, admin_analytics, admin_overview_pages, admin_payouts,
    admin_subscriptions, email_templates, admin_email_pages, profile, publishing, availability, dashboard_availability, public, booking_pages, sessions,
    dashboard_sessions, clients, dashboard_clients, payments, payouts, payout_account, dashboard_payments, dashboard_payouts,
    documents, email_webhooks, calendar,
    quotations, quotations_public, dashboard_quotations, quotation_pages, analytics, dashboard, dashboard_publish, dashboard_settings,
    tax, plans, reminders,
)

class Section(Mount):
    """A mount that leaves its own root with a slash ('/dashboard/') unmatched, so the top router's
    trailing-slash redirect sends it to the site table's '/dashboard' as it did before the mounts. Its table is
    an IndexedRouter (app/routing.py): a request tries only the routes its first segment can match."""

    def __init__(self, path: str, routes: list[BaseRoute]):
        super().__init__(path, app=IndexedRouter(routes=routes))

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")[len(scope.get("root_path", "")):]
        if scope["type"] == "http" and path == self.path + "/":
            return Match.NONE, {}
        return super().matches(scope)


def table(kind: str, modules: tuple[ModuleType, ...] = DOMAINS) -> list[BaseRoute]:
    return [route for module in modules for route in getattr(module, kind, ())]


def all_routes(*, development: bool) -> list[BaseRoute]:
    modules = (*DOMAINS, dev) if development else DOMAINS
    return [*table("site_routes", modules),
            Section(API, routes=table("api_routes", modules)),
            Section(DASHBOARD, routes=table("dashboard_routes", modules)),
            Section(ADMIN, routes=table("admin_routes", modules))]


def last_routes() -> list[BaseRoute]:
    """After everything else, files included: /<slug> takes any single top-level segment left."""
    return list(booking_pages.slug_routes)

# Test: pytest tests/http/test_openapi.py tests/http/test_guards.py
