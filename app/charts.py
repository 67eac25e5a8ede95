# app/charts.py — the dashboard's and the admin overview's charts as plain SVG geometry (axes, bars, a line, a split bar), drawn by templates/_chart.html without scripts.
"""Server-side and script-free: the page's CSP allows no inline script or style, and SVG presentation attributes
(x, y, width, points) are neither. A chart is an outer SVG whose text is in CSS pixels (so labels stay readable
from a phone to a wide screen) around a stretched plot (`viewBox 0 0 1000 1000`, `preserveAspectRatio="none"`):
x positions are percentages of the width, y positions pixels of a fixed height. Every column carries a <title>
(its date and numbers on hover), every chart has a legend and its numbers in a table, and a period with nothing
in it says what will appear instead of drawing an empty box."""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from app.emails import inr

HEIGHT, TOP, BOTTOM = 240, 14, 30  # the SVG's height in px; the plot's margins above it and below it (date labels)
PLOT = HEIGHT - TOP - BOTTOM
UNITS = 1000  # the plot's viewBox side
INTERVALS = 4  # gridlines above zero, shared by the left (bars) and right (line) scales
MAX_LABELS = {"day": 8, "week": 8, "month": 6}  # date labels under the axis (a phone shows every other one)
MAX_DOTS = 16  # the most points a line marks with dots
CHAR_PX = 7  # about the width of a 12 px label's character: sizes the white box behind a scale label
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# The parts a split bar may show, in the words the pages use (a part of another type shows its key, capitalised).
PART_LABELS = {"personal": "One-to-one", "webinar": "Webinars", "quotation": "Quotations", "quotations": "Quotations"}


def rupees(value: float | Decimal) -> str:
    """A whole-rupee tick label with Indian grouping: 150000 -> ₹1,50,000 (paise only where a tick has them)."""
    text = inr(Decimal(str(value)))
    return text[:-3] if text.endswith(".00") else text


def count(value: float | Decimal) -> str:
    """A count as a tick or table label, Indian grouping: 120000 -> 1,20,000."""
    return rupees(value).replace("₹", "")


def nice_step(top: float, intervals: int = INTERVALS) -> int:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ step (at least 1: money ticks are whole rupees, counts whole) such that
    `intervals` steps reach `top`."""
    if top <= 0:
        return 1
    raw = top / intervals
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * power
        if step >= raw and step == int(step):
            return max(int(step), 1)
    return max(int(10 * power), 1)


def scale(values: list[float]) -> int:
    """The top of a scale: `INTERVALS` nice steps at or above the largest value (zero and below count as zero)."""
    return nice_step(max([v for v in values if v > 0], default=0)) * INTERVALS


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def long_date(day: date, unit: str) -> str:
    """A bucket's full name for tables and tooltips: Tue 1 Dec 2026, Week of 30 Nov 2026, December 2026."""
    if unit == "month":
        return day.strftime("%B %Y")
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"Week of {text}" if unit == "week" else f"{day.strftime('%a')} {text}"


def date_labels(days: list[date], unit: str) -> list[tuple[int, str]]:
    """(index, label) for the buckets labelled under the axis: every k-th, k chosen so at most MAX_LABELS show.

    Days and weeks read "30 Nov", "1 Dec" (the month on every label, so a month's edge is never ambiguous);
    months read "Dec", with the year on the first label and on the first label of each new year. Days and
    weeks crossing a year show the year on their first label and on the first label of the new year."""
    if not days:
        return []
    step = max(1, math.ceil(len(days) / MAX_LABELS.get(unit, 6)))
    crosses_year = days[0].year != days[-1].year
    out, last_year = [], None
    for i in range(0, len(days), step):
        d = days[i]
        if unit == "month":
            text = MONTHS[d.month - 1] + (f" {d.year}" if last_year is None or d.year != last_year else "")
        else:
            text = f"{d.day} {MONTHS[d.month - 1]}"
            if crosses_year and (last_year is None or d.year != last_year):
                text += f" {d.year}"
        out.append((i, text))
        last_year = d.year
    return out


def _y(value: float, top: int) -> float:
    """A value's height in the plot's units (0 at the top, UNITS at the baseline)."""
    return round(UNITS - UNITS * max(value, 0) / top, 1)


def series(points: list[dict], *, x: str, unit: str, bars: tuple[str, str, str],
           line: tuple[str, str, str] | None = None, empty: str) -> dict:
    """A bar series with an optional line over the same buckets, each with its own scale.

    `bars` and `line` are (key, legend label, kind) with kind "inr" or "count"; the bars' scale labels the left
    of the gridlines, the line's the right. `empty` is what the chart says in place of itself when every value
    is zero (or there are no buckets): what will appear there, and when."""
    days = [_day(p[x]) for p in points]
    kinds = {"inr": rupees, "count": count}
    exact = {"inr": inr, "count": count}
    layers = [("bar", *bars)] + ([("line", *line)] if line else [])
    values = {key: [float(p[key]) for p in points] for _, key, _, _ in layers}
    tops = {key: scale(vs) for key, vs in values.items()}
    n = max(len(points), 1)
    slot = UNITS / n
    chart: dict = {
        "height": HEIGHT, "top": TOP, "plot": PLOT, "baseline": TOP + PLOT, "units": UNITS, "empty": empty,
        "is_empty": not any(v > 0 for vs in values.values() for v in vs),
        "legend": [{"kind": kind, "label": label + (" (left scale)" if kind == "bar" and line else
                                                    " (right scale)" if kind == "line" else "")}
                   for kind, _, label, _ in layers],
        "columns": ["Period" if unit != "month" else "Month"]
                   + [label + (" (₹)" if kind == "inr" else "") for _, _, label, kind in layers],
    }
    # Gridlines: one per step, labelled with the bars' scale on the left and the line's on the right.
    bar_key, bar_kind = bars[0], bars[2]
    chart["grid"] = [{"y": _y(tops[bar_key] * i / INTERVALS, tops[bar_key]),
                      "px": round(TOP + PLOT * (1 - i / INTERVALS), 1),
                      "left": kinds[bar_kind](tops[bar_key] * i // INTERVALS),
                      "right": kinds[line[2]](tops[line[0]] * i // INTERVALS) if line else None}
                     for i in range(INTERVALS + 1)]
    for g in chart["grid"]:  # the boxes that keep a scale label legible over a bar
        g["left_w"] = CHAR_PX * len(g["left"]) + 6
        g["right_w"] = CHAR_PX * len(g["right"]) + 6 if g["right"] is not None else 0
    bar_width = slot * (0.7 if n > 1 else 0.4)
    chart["bars"] = [{"x": round(i * slot + (slot - bar_width) / 2, 1), "width": round(bar_width, 1),
                      "y": _y(v, tops[bar_key]), "height": round(UNITS - _y(v, tops[bar_key]), 1)}
                     for i, v in enumerate(values[bar_key])]
    if line:
        key = line[0]
        chart["line"] = " ".join(f"{(i + 0.5) * slot:.1f},{_y(v, tops[key]):.1f}"
                                 for i, v in enumerate(values[key]))
        # A dot per point while they stay apart (a month of days); past that the line alone reads better.
        chart["dots"] = [{"cx": round(100 * (i + 0.5) / n, 2),
                          "cy": round(TOP + PLOT * _y(v, tops[key]) / UNITS, 1)} for i, v in enumerate(values[key])
                         ] if n <= MAX_DOTS else []
    # Hover columns and table rows: the bucket's full date and every layer's exact value.
    chart["rows"], chart["hits"] = [], []
    for i, (p, d) in enumerate(zip(points, days, strict=True)):
        cells = [exact[kind](p[key]) for _, key, _, kind in layers]
        chart["rows"].append([long_date(d, unit), *cells])
        chart["hits"].append({"x": round(i * slot, 1), "width": round(slot, 1), "title": long_date(d, unit) + ": "
                              + ", ".join(f"{label} {cell}" for (_, _, label, _), cell in zip(layers, cells, strict=True))})
    # A phone shows every other label (CSS hides the minor ones) when more than four would crowd it.
    labelled = date_labels(days, unit)
    chart["labels"] = [{"x": round(100 * (i + 0.5) / n, 2), "text": text, "minor": k % 2 == 1 and len(labelled) > 4}
                       for k, (i, text) in enumerate(labelled)]
    chart["summary"] = _summary(points, days, unit, layers, tops)
    return chart


def _summary(points: list[dict], days: list[date], unit: str, layers: list, tops: dict) -> str:
    """The chart in one sentence for screen readers: what is drawn, its span and its highest bucket."""
    if not points:
        return "No periods to show."
    kind_of = {"inr": inr, "count": count}
    _, key, label, kind = layers[0]
    best = max(range(len(points)), key=lambda i: float(points[i][key]))
    span = f"{long_date(days[0], unit)} to {long_date(days[-1], unit)}"
    parts = [f"{label} per {unit} as bars"] + [f"{lb} as a line" for k, _, lb, _ in layers[1:]]
    return (f"{' and '.join(parts)}, {span}. Highest {label.lower()}: {kind_of[kind](points[best][key])} "
            f"({long_date(days[best], unit)}). The exact figures are in the table.")


def split(parts: list[dict]) -> list[dict]:
    """A 100% bar: each part's x and width in percent of the whole, and its label."""
    x, out = 0.0, []
    for p in parts:
        w = float(p["percentage"] or 0)  # NULL (nothing received): an empty bar
        label = p.get("label") or PART_LABELS.get(p["type"], str(p["type"]).replace("_", " ").capitalize())
        out.append({**p, "label": label, "x": round(x, 1), "w": round(w, 1)})
        x += w
    return out


def shares(parts: list[tuple[str, str, float]]) -> list[dict]:
    """(key, label, amount) parts as a 100% bar: each with its percentage (one decimal), x and width."""
    whole = sum(max(float(a), 0) for _, _, a in parts)
    return split([{"type": key, "label": label, "amount": amount,
                   "percentage": round(100 * max(float(amount), 0) / whole, 1) if whole else 0}
                  for key, label, amount in parts])


def is_empty(parts: list[dict]) -> bool:
    """A split bar with nothing to split."""
    return not any(float(p["amount"]) > 0 for p in parts)


def _span(answer: dict) -> tuple[str, str]:
    """A period's words for an empty state: ("1 Dec 2026 to 31 Dec 2026", "31 Dec 2026")."""
    first, last = (f"{d.day} {MONTHS[d.month - 1]} {d.year}" for d in (_day(answer["from"]), _day(answer["to"])))
    return f"{first} to {last}", last


def dashboard(chart_data: dict) -> dict:
    """The geometry of a consultant's three charts (templates/_analytics.html) from api.dashboard_charts."""
    unit, span, end = chart_data.get("unit", "day"), *_span(chart_data)
    return {
        "revenue_chart": series(
            chart_data["sessionsTrend"], x="period", unit=unit,
            bars=("revenue", "Revenue received", "inr"), line=("sessions", "Sessions", "count"),
            empty=f"No revenue or sessions from {span}. When clients book and pay, the revenue received each "
                  f"{unit} shows here as bars and the number of sessions as a line."),
        "clients_chart": series(
            chart_data["clientsGrowth"], x="month", unit="month",
            bars=("new", "New clients", "count"), line=("total", "All clients", "count"),
            empty=f"No clients yet by {end}. Each month's new clients will show here as bars, and your running "
                  "total of clients as a line."),
        "split": split(chart_data["revenueBreakdown"]), "split_is_empty": is_empty(chart_data["revenueBreakdown"]),
        "split_empty": f"No revenue from {span}. Once clients pay, this bar shows how the revenue received "
                       "divides between one-to-one sessions, webinars and quotations, less refunds.",
    }


def overview(a: dict, by_status: list[dict]) -> dict:
    """The geometry of the admin overview's charts (admin/overview.html) from api.admin_analytics."""
    unit, span, _ = a.get("unit", "day"), *_span(a)
    return {
        "revenue_chart": series(
            a["trend"], x="period", unit=unit, bars=("revenue", "Revenue received", "inr"),
            line=("sessions", "Sessions", "count"),
            empty=f"No revenue or sessions on the platform from {span}. Revenue received each {unit} will show "
                  "here as bars, with the number of sessions as a line."),
        "signups_chart": series(
            a["trend"], x="period", unit=unit, bars=("signups", "Sign-ups", "count"),
            empty=f"No one signed up from {span}. New consultant accounts each {unit} will show here as bars."),
        "status_empty": f"No sessions from {span}. Once sessions are booked, this bar shows how many are "
                        "completed, coming up, cancelled, missed or abandoned.",
        "status_is_empty": is_empty(by_status),
    }

# Test: pytest tests/unit/test_charts.py tests/http/test_dashboard_metrics.py tests/http/test_admin_overview_pages.py
