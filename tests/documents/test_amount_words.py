# tests/documents/test_amount_words.py — amounts in words as Indian invoices print them: lakh and crore, paise, the edges.
from __future__ import annotations

from decimal import Decimal

import pytest

from app.amount_words import number_in_words, rupees_in_words


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "Rupees Zero Only"),
    ("0.00", "Rupees Zero Only"),
    ("0.50", "Fifty Paise Only"),
    ("0.01", "One Paise Only"),
    ("10.05", "Rupees Ten and Five Paise Only"),
    ("1180.00", "Rupees One Thousand One Hundred Eighty Only"),
    ("1499.50", "Rupees One Thousand Four Hundred Ninety-Nine and Fifty Paise Only"),
    ("100000", "Rupees One Lakh Only"),
    ("118000.50", "Rupees One Lakh Eighteen Thousand and Fifty Paise Only"),
    ("1000000", "Rupees Ten Lakh Only"),
    ("10000000", "Rupees One Crore Only"),
    ("12345678.90", "Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight and Ninety "
                    "Paise Only"),
    ("999999999.99", "Rupees Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine and "
                     "Ninety-Nine Paise Only"),
    ("1000000000", "Rupees One Hundred Crore Only"),
    (Decimal("101.005"), "Rupees One Hundred One and One Paise Only"),  # half up to the paisa
])
def test_amounts_read_in_indian_numbering(amount, words):
    assert rupees_in_words(amount) == words


def test_whole_numbers_and_refusals():
    assert [number_in_words(n) for n in (7, 19, 20, 21, 100, 110, 1001, 20000, 99999)] == [
        "Seven", "Nineteen", "Twenty", "Twenty-One", "One Hundred", "One Hundred Ten", "One Thousand One",
        "Twenty Thousand", "Ninety-Nine Thousand Nine Hundred Ninety-Nine"]
    with pytest.raises(ValueError):
        rupees_in_words("twelve")
    with pytest.raises(ValueError):
        number_in_words(-1)

# Test: pytest tests/documents/test_amount_words.py
