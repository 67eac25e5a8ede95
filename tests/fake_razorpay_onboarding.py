# tests/fake_razorpay_onboarding.py — the onboarding corrections of the fake Razorpay Route: business categories, one linked account per email, updating a linked account and its stakeholder.
"""Mixed into tests/fake_razorpay_route.py's RouteFake. From Razorpay's docs (docs/payments.md, "Onboarding as built"):
- PATCH /v2/accounts/:id takes any field but `business_type` and `email`
  (https://razorpay.com/docs/api/payments/route/update-linked-accounts/); PATCH
  /v2/accounts/:id/stakeholders/:sid (https://razorpay.com/docs/api/payments/route/update-stakeholder/);
- the category and subcategory are from Razorpay's list (https://razorpay.com/docs/api/partners/accounts/business-categories.md):
  only a few of them here — the ones Nakksha sends and a couple more; anything else is refused;
- one linked account per email: a second create names the first ("Merchant email already exists for account -
  acc_…", the words the brief and Razorpay's support threads give; not on a docs page).
Not from the docs (the fake's own choices): the refusal words for a bad category or an immutable field; a field
sent clears the requirements naming it (field_reference equal to it or under it) and a product needing
clarification with none left moves to `route_review` (under_review, or activated) when its settlements are set."""
from __future__ import annotations

import re

# category -> subcategories: a small part of Razorpay's list.
CATEGORIES = {
    "services": {"consulting", "legal", "professional_services"},
    "it_and_software": {"consulting_and_outsourcing", "saas"},
    "healthcare": {"clinic", "doctors"},
    "education": {"coaching"},
}
IMMUTABLE = ("business_type", "email")


def _bad(description: str, field: str | None = None) -> tuple[int, dict]:
    from tests.fake_razorpay_route import bad

    return bad(description, field=field)


class OnboardingFake:
    accounts: dict[str, dict]
    stakeholders: dict[str, dict]
    products: dict[str, dict]
    route_review: str

    def check_profile(self, profile: dict | None) -> tuple[int, dict] | None:
        """Razorpay's list of categories and their subcategories (a small part of it here)."""
        if not profile or ("category" not in profile and "subcategory" not in profile):
            return None
        category, sub = profile.get("category"), profile.get("subcategory")
        if category not in CATEGORIES:
            return _bad(f"Invalid business category: {category}", field="profile.category")
        if sub not in CATEGORIES[category]:
            return _bad(f"Invalid business subcategory {sub} for category {category}", field="profile.subcategory")
        return None

    def existing_email(self, email: str) -> tuple[int, dict] | None:
        for account in self.accounts.values():
            if account["email"].lower() == str(email).lower():
                return _bad(f"Merchant email already exists for account - {account['id']}", field="email")
        return None

    def clear_requirements(self, account_id: str, fields: list[str]) -> None:
        """The fields just sent answer the requirements naming them; with none left, the review goes on."""
        for product in (p for p in self.products.values() if p["account_id"] == account_id):
            product["requirements"] = [r for r in product["requirements"]
                                       if not any(r["field_reference"] == f or r["field_reference"].startswith(f + ".")
                                                  for f in fields)]
            settled = all(product["active_configuration"]["settlements"].values())
            if product["activation_status"] == "needs_clarification" and not product["requirements"] and settled:
                product["activation_status"] = self.route_review

    def update_account(self, account_id: str, body: dict) -> tuple[int, dict]:
        account = self.accounts.get(account_id)
        if account is None:
            return _bad("Linked account does not exist")
        for field in IMMUTABLE:
            if field in body:
                return _bad(f"The {field.replace('_', ' ')} of a linked account cannot be updated.", field=field)
        if "legal_business_name" in body and not 4 <= len(str(body["legal_business_name"] or "")) <= 200:
            return _bad("The legal business name must be between 4 and 200 characters.", field="legal_business_name")
        if (refused := self.check_profile({**{k: account.get("profile", {}).get(k) for k in ("category", "subcategory")},
                                           **(body.get("profile") or {})})):
            return refused
        for key, value in body.items():
            if key in ("id", "type", "status", "reference_id"):
                continue
            account[key] = {**account[key], **value} if isinstance(value, dict) and isinstance(account.get(key), dict) \
                else value
        self.clear_requirements(account_id, list(body))
        return 200, account

    def update_stakeholder(self, account_id: str, stakeholder_id: str, body: dict) -> tuple[int, dict]:
        stakeholder = self.stakeholders.get(stakeholder_id)
        if account_id not in self.accounts or stakeholder is None or stakeholder.get("account_id") != account_id:
            return _bad("The id provided does not exist", field="id")
        if "name" in body and not str(body["name"] or "").strip():
            return _bad("The name field is required.", field="name")
        stakeholder.update({k: v for k, v in body.items() if k not in ("id", "entity", "account_id")})
        self.clear_requirements(account_id, list(body))
        return 200, stakeholder

    def onboarding_api(self, method: str, path: str, body: dict) -> tuple[int, dict] | None:
        if method != "PATCH":
            return None
        if m := re.fullmatch(r"/v2/accounts/(acc_\w+)", path):
            return self.update_account(m[1], body)
        if m := re.fullmatch(r"/v2/accounts/(acc_\w+)/stakeholders/(sth_\w+)", path):
            return self.update_stakeholder(m[1], m[2], body)
        return None

# Test: pytest tests/jobs/test_route_corrections.py tests/http/test_route_adapter.py
