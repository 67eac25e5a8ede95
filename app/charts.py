# app/charts.py — the dashboard's and the admin overview's charts as plain SVG geometry (axes, bars, a line, a split bar), drawn by templates/_chart.html without scripts.
"""Server-side and script-free: the page's CSP allows no inline script or style, and SVG presentation attributes
(x, y, width, points) are neither. A chart is an outer SVG whose text is in CSS pixels (so labels stay readable
from a phone to a wide screen) around a stretched plot (`viewBox 0 0 1000 1000`, `preserveAspectRatio="none"`):
x positions are percentages of the width, y positions pixels of a fixed height. Every column carries a <title>
(its date and numbers on hover), every chart has a legend and its numbers in a table, and a period with nothing
in it says what will appear instead of drawing an empty box."""
from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal

from app.emails import inr

HEIGHT, TOP, BOTTOM = 240, 14, 30  # the SVG's height in px; the plot's margins above it and below it (date labels)
PLOT = HEIGHT - TOP - BOTTOM
UNITS = 1000  # the plot's viewBox side
INTERVALS = 4  # gridlines above zero, shared by the left (bars) and right (line) scales
# The px a line of years under the date labels adds to a chart's height: a 12 px label's box is 14 px in DejaVu
# Sans but 16.3 px in Noto Sans (the page's font where installed), so 17 keeps the two lines apart in either.
YEAR_LINE = 17
WIDE_PX, NARROW_PX = 550, 250  # the narrowest a full-width chart is with every label shown (past 640 px), and on a phone
HALF_PX = 200  # the narrowest a chart sharing a row is (three columns of at least 260 px, less the card's padding)
GAP_PX = 10  # the least room between two date labels
MAX_DOTS = 16  # the most points a line marks with dots
CHAR_PX = 7  # about the widest a 12 px label's character is: sizes the box behind a scale label and spaces dates
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


def long_date(day: date, unit: str, until: date | None = None) -> str:
    """A bucket's full name for tables and tooltips: Tue 1 Dec 2026, Week of 30 Nov 2026, December 2026.

    A week or month the period cuts (its first bucket starts on the period's first day, not on the Monday or
    the 1st before it; its last ends on the period's last day) names the days it holds: 1–4 Jan 2026 (part
    week). `until` is the bucket's last day in the period."""
    if unit in ("week", "month"):
        natural_end = (day + timedelta(days=6 - day.weekday()) if unit == "week" else
                       date(day.year + day.month // 12, day.month % 12 + 1, 1) - timedelta(days=1))
        end = min(natural_end, until) if until else natural_end
        whole = day.weekday() == 0 if unit == "week" else day.day == 1
        if not whole or end < natural_end:
            first = f"{day.day}" if (day.month, day.year) == (end.month, end.year) else (
                f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if day.year != end.year else ""))
            return f"{first}–{end.day} {MONTHS[end.month - 1]} {end.year} (part {unit})"
    if unit == "month":
        return day.strftime("%B %Y")
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"Week of {text}" if unit == "week" else f"{day.strftime('%a')} {text}"


def _extent(x: float, width: float, anchor: str) -> tuple[float, float]:
    """A label's left and right edges in px, its anchor at x px."""
    return {"start": (x, x + width), "end": (x - width, x)}.get(anchor, (x - width / 2, x + width / 2))


def date_labels(days: list[date], unit: str, wide_px: int = WIDE_PX, narrow_px: int = NARROW_PX) -> list[dict]:
    """The buckets labelled under the axis, thinned by their estimated widths so that none overlap.

    Each label is {"i": bucket index, "text", "year" (a second line, or ""), "year_narrow" (the year shows
    only where the minor labels are hidden), "minor" (hidden on a phone), "anchor"}. Every k-th bucket is
    labelled, k the least that keeps labels `GAP_PX` apart on a plot `wide_px` wide (the narrowest it is while
    minor labels show); the major ones (every m-th, m a multiple of k) keep apart at `narrow_px` (the
    narrowest phone). Days and weeks read "30 Nov" (the month on every label, so a month's edge is never
    ambiguous); months read "Dec". The year is a line of its own under the first label and under the first
    label of each new year: always for months, for days and weeks when the period crosses a year."""
    if not days:
        return []
    n = len(days)
    crosses_year = days[0].year != days[-1].year
    texts = [MONTHS[d.month - 1] if unit == "month" else f"{d.day} {MONTHS[d.month - 1]}" for d in days]
    years = unit == "month" or crosses_year
    widths = [CHAR_PX * max(len(t), 4 if years else 0) for t in texts]

    least = min(wide_px, narrow_px)

    def anchor(i: int) -> str:  # chosen at the narrowest width, so a label near an edge stays inside the chart
        x = least * (i + 0.5) / n
        return "start" if x < widths[i] / 2 else "end" if x + widths[i] / 2 > least else "middle"

    def fits(step: int, px: int) -> bool:
        picked = range(0, n, step)
        edges = [_extent(px * (i + 0.5) / n, widths[i], anchor(i)) for i in picked]
        return all(a[1] + GAP_PX <= b[0] for a, b in zip(edges, edges[1:], strict=False))

    wide = next((k for k in range(1, n + 1) if fits(k, wide_px)), n)
    narrow = next((k for k in range(wide, n + 1, wide) if fits(k, narrow_px)), n)
    out: list[dict] = []
    seen_wide: set[int] = set()
    seen_narrow: set[int] = set()
    for i in range(0, n, wide):
        d, minor = days[i], i % narrow != 0
        first_wide = years and d.year not in seen_wide
        first_narrow = years and not minor and d.year not in seen_narrow
        seen_wide.add(d.year)
        if not minor:
            seen_narrow.add(d.year)
        out.append({"i": i, "text": texts[i], "year": str(d.year) if first_wide or first_narrow else "",
                    "year_narrow": first_narrow and not first_wide, "minor": minor, "anchor": anchor(i)})
    return out


def _y(value: float, top: int) -> float:
    """A value's height in the plot's units (0 at the top, UNITS at the baseline)."""
    return round(UNITS - UNITS * max(value, 0) / top, 1)


def series(points: list[dict], *, x: str, unit: str, bars: tuple[str, str, str],
           line: tuple[str, str, str] | None = None, empty: str, until: date | str | None = None,
           wide_px: int = WIDE_PX, narrow_px: int = NARROW_PX) -> dict:
    """A bar series with an optional line over the same buckets, each with its own scale.

    `bars` and `line` are (key, legend label, kind) with kind "inr" or "count"; the bars' scale labels the left
    of the gridlines, the line's the right. `empty` is what the chart says in place of itself when every value
    is zero (or there are no buckets): what will appear there, and when. `until` is the period's last day (it
    names a last part week or month); `wide_px` and `narrow_px` the narrowest the plot is with and without
    the minor date labels (see date_labels)."""
    days = [_day(p[x]) for p in points]
    last = _day(until) if until else None
    ends = [b - timedelta(days=1) for b in days[1:]] + [last]  # each bucket's last day in the period
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
        name = long_date(d, unit, ends[i])
        chart["rows"].append([name, *cells])
        chart["hits"].append({"x": round(i * slot, 1), "width": round(slot, 1), "title": name + ": "
                              + ", ".join(f"{label} {cell}" for (_, _, label, _), cell in zip(layers, cells, strict=True))})
    # A phone shows only the major labels (CSS hides the minor ones); years sit on a line of their own.
    chart["labels"] = [{**lb, "x": round(100 * (lb["i"] + 0.5) / n, 2)}
                       for lb in date_labels(days, unit, wide_px, narrow_px)]
    if any(lb["year"] for lb in chart["labels"]):
        chart["height"] = HEIGHT + YEAR_LINE
    chart["date_y"] = HEIGHT - 10
    chart["year_y"] = chart["date_y"] + YEAR_LINE
    chart["summary"] = _summary(points, days, unit, layers, tops, ends)
    return chart


def _summary(points: list[dict], days: list[date], unit: str, layers: list, tops: dict, ends: list) -> str:
    """The chart in one sentence for screen readers: what is drawn, its span and its highest bucket."""
    if not points:
        return "No periods to show."
    kind_of = {"inr": inr, "count": count}
    _, key, label, kind = layers[0]
    best = max(range(len(points)), key=lambda i: float(points[i][key]))
    span = f"{long_date(days[0], unit, ends[0])} to {long_date(days[-1], unit, ends[-1])}"
    parts = [f"{label} per {unit} as bars"] + [f"{lb} as a line" for k, _, lb, _ in layers[1:]]
    return (f"{' and '.join(parts)}, {span}. Highest {label.lower()}: {kind_of[kind](points[best][key])} "
            f"({long_date(days[best], unit, ends[best])}). The exact figures are in the table.")


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
            chart_data["sessionsTrend"], x="period", unit=unit, until=chart_data["to"],
            bars=("revenue", "Revenue received", "inr"), line=("sessions", "Sessions", "count"),
            empty=f"No revenue or sessions from {span}. When clients book and pay, the revenue received each "
                  f"{unit} shows here as bars and the number of sessions as a line."),
        "clients_chart": series(
            chart_data["clientsGrowth"], x="month", unit="month", until=chart_data["to"], wide_px=HALF_PX,
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
            a["trend"], x="period", unit=unit, until=a["to"], bars=("revenue", "Revenue received", "inr"),
            line=("sessions", "Sessions", "count"),
            empty=f"No revenue or sessions on the platform from {span}. Revenue received each {unit} will show "
                  "here as bars, with the number of sessions as a line."),
        "signups_chart": series(
            a["trend"], x="period", unit=unit, until=a["to"], wide_px=HALF_PX, bars=("signups", "Sign-ups", "count"),
            empty=f"No one signed up from {span}. New consultant accounts each {unit} will show here as bars."),
        "status_empty": f"No sessions from {span}. Once sessions are booked, this bar shows how many are "
                        "completed, coming up, cancelled, missed or abandoned.",
        "status_is_empty": is_empty(by_status),
    }

# Test: pytest tests/http/test_charts.py tests/e2e/test_charts.py tests/http/test_dashboard_metrics.py tests/http/test_admin_overview_pages.py
