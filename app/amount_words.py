# app/amount_words.py — an amount in words as Indian invoices print it: Indian numbering (thousand, lakh, crore) and paise.
"""`rupees_in_words("118000.50")` -> "Rupees One Lakh Eighteen Thousand and Fifty Paise Only". Amounts arrive as text
(the API's money strings) or Decimal, never floats; past 99 crore the crores count on in the same words ("One Hundred
Crore")."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ONES = ("Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen Sixteen "
        "Seventeen Eighteen Nineteen").split()
TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()


def _below_hundred(n: int) -> str:
    if n < 20:
        return ONES[n]
    tens, ones = divmod(n, 10)
    return TENS[tens] + (f"-{ONES[ones]}" if ones else "")


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{ONES[hundreds]} Hundred"] if hundreds else []
    if rest:
        words.append(_below_hundred(rest))
    return " ".join(words)


def number_in_words(n: int) -> str:
    """A whole number in Indian numbering: 12345678 -> "One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred
    Seventy-Eight"."""
    if n < 0:
        raise ValueError("a negative amount has no words here")
    if n == 0:
        return "Zero"
    crore, n = divmod(n, 10_000_000)
    lakh, n = divmod(n, 100_000)
    thousand, n = divmod(n, 1000)
    words = []
    if crore:
        words.append(f"{number_in_words(crore)} Crore")
    if lakh:
        words.append(f"{_below_hundred(lakh)} Lakh")
    if thousand:
        words.append(f"{_below_hundred(thousand)} Thousand")
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)


def rupees_in_words(amount: object) -> str:
    """An amount of rupees, half up to the paisa: "Rupees Zero Only", "Rupees One Lakh Only", "Rupees Ten and Five
    Paise Only", "Fifty Paise Only"."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    rupees, paise = divmod(int(value * 100), 100)
    if paise and not rupees:
        return f"{number_in_words(paise)} Paise Only"
    words = f"Rupees {number_in_words(rupees)}"
    if paise:
        words += f" and {number_in_words(paise)} Paise"
    return words + " Only"

# Test: pytest tests/documents/test_amount_words.py
