# app/schema_money.py — money and percentages: request fields read exactly by their decimal spelling, and amounts in answers.
from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

# 0–99,999,999.99. Read exactly: a string by its digits, a number by its shortest spelling (0.57, never
# 0.56999…), so what a client typed is what is charged. The document states both forms (docs/api.md, Money).
MONEY_PATTERN = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"
MAX_MONEY = Decimal("99999999.99")


def decimal_field(pattern: str, largest: Decimal, what: str, example: str, *, smallest_paid: Decimal | None = None,
                  positive: bool = False) -> object:
    """A decimal with at most two places, 0 to `largest`: a string matching `pattern` or a JSON number. With
    `smallest_paid`: 0 or at least that (Razorpay's smallest order); with `positive`: more than 0."""
    def read(value: object) -> object:
        if isinstance(value, bool):
            raise PydanticCustomError("decimal_type", "Give {what}: a number or a string like \"{example}\".",
                                      {"what": what, "example": example})
        if isinstance(value, str):
            if not re.fullmatch(pattern, value):
                if re.fullmatch(MONEY_PATTERN, value):
                    bounded(Decimal(value))  # "0.50" for a price: say why, not just "write it differently"
                raise PydanticCustomError("decimal_parsing", "Write {what} with at most two decimals, like "
                                                             "\"{example}\".", {"what": what, "example": example})
            return bounded(Decimal(value))
        if isinstance(value, int):
            return bounded(Decimal(value))
        if isinstance(value, float):
            if not math.isfinite(value):  # 1e999 reads as infinity
                raise PydanticCustomError("finite_number", "Give a finite number.")
            exact = Decimal(repr(value))
            if exact.as_tuple().exponent < -2:  # type: ignore[operator]
                raise PydanticCustomError("decimal_max_places", "Use at most two decimals.")
            return bounded(exact)
        return value

    def bounded(value: Decimal) -> Decimal:
        if smallest_paid is not None and 0 < value < smallest_paid:
            raise PydanticCustomError("amount_below_minimum", "Use 0 for free, or at least {least}: the smallest "
                                      "amount Razorpay takes.", {"least": f"{smallest_paid:.2f}"})
        if positive and value == 0:
            raise PydanticCustomError("greater_than", "Give more than zero.")
        return value

    number: dict = {"type": "number", "minimum": 0, "maximum": float(largest), "multipleOf": 0.01}
    words = f"0–{largest:,}"
    if smallest_paid is not None:
        number["anyOf"] = [{"const": 0}, {"minimum": float(smallest_paid)}]
        words = f"0 (free) or {smallest_paid:.2f}–{largest:,}"
    if positive:
        number = {**{k: v for k, v in number.items() if k != "minimum"}, "exclusiveMinimum": 0}
        words = f"more than 0, at most {largest:,}"
    return Annotated[Decimal, BeforeValidator(read), Field(ge=0, le=largest, decimal_places=2),
                     WithJsonSchema({
                         "anyOf": [{"type": "string", "pattern": pattern}, number],
                         "description": f"{what[0].upper()}{what[1:]}: a decimal string (\"{example}\") or a JSON "
                                        f"number, at most two decimals, {words}.", "examples": [example]})]


Money = decimal_field(MONEY_PATTERN, MAX_MONEY, "an amount in rupees (INR)", "1499.50")
# A price clients pay through Razorpay: free, or at least ₹1.00 (Razorpay's smallest order). The string form
# says the same: "0", "0.0", "0.00", or 1 and up with no leading zero.
Price = decimal_field(r"^(0(\.0{1,2})?|[1-9][0-9]{0,7}(\.[0-9]{1,2})?)$", MAX_MONEY, "a price in rupees (INR)",
                      "1499.50", smallest_paid=Decimal(1))
# An amount that must be more than nothing (a refund).
PositiveMoney = decimal_field(r"^([1-9][0-9]{0,7}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$", MAX_MONEY,
                              "an amount in rupees (INR)", "500.00", positive=True)
# A quotation line's quantity: more than 0, at most 99,999.99, two decimals (hours, sessions, pages…).
Quantity = decimal_field(r"^([1-9][0-9]{0,4}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$", Decimal("99999.99"),
                         "a quantity", "2", positive=True)
# A percentage in a request (a quotation's discount): 0–100, at most two decimals, as a string or a number.
Percent = decimal_field(r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$", Decimal(100), "a percentage", "12.5")


# --- in answers ------------------------------------------------------------------------------------------------
# An amount of money in an answer: rupees as a decimal string with exactly two places ("1499.50"), never a
# float a client could round (docs/api.md, Money). SignedAmount: a figure that may fall below zero (net
# revenue after refunds).
Amount = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$", examples=["1499.50"],
                              description="Rupees (INR): a decimal string with two places.")]
SignedAmount = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["1499.50", "-250.00"],
                                    description="Rupees (INR): a decimal string with two places; may be negative.")]

# Test: pytest tests/http/test_schema_rules.py tests/http/test_money.py
