# app/charts.py — the dashboard's charts as plain SVG geometry (bars, a line, a split bar), drawn by templates without scripts.
"""Server-side and script-free: the page's CSP allows no inline script or style, and SVG presentation
attributes (x, y, width, height, points) are neither. Every bar carries a <title> (the number on hover or
focus) and every chart has its numbers in a table beside it."""
from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 640, 200, 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


def bars(points: list[dict], key: str, label_key: str) -> dict:
    """Vertical bars for points[key], scaled to the largest; a line's points for the same series."""
    values = [float(p[key]) for p in points]
    top = max([v for v in values if v > 0], default=1.0)
    slot = (WIDTH - 2 * PAD) / max(len(points), 1)
    width = max(slot * 0.7, 1.0)
    out = []
    for i, (p, v) in enumerate(zip(points, values, strict=True)):
        h = (HEIGHT - 2 * PAD) * max(v, 0) / top
        out.append(Bar(x=round(PAD + i * slot + (slot - width) / 2, 1), y=round(HEIGHT - PAD - h, 1),
                       width=round(width, 1), height=round(h, 1), label=str(p[label_key]), value=v))
    return {"bars": out, "max": top, "width": WIDTH, "height": HEIGHT, "baseline": HEIGHT - PAD}


def line(points: list[dict], key: str) -> str:
    """An SVG polyline's points for points[key], scaled to its own largest value."""
    values = [float(p[key]) for p in points]
    top = max([v for v in values if v > 0], default=1.0)
    slot = (WIDTH - 2 * PAD) / max(len(points), 1)
    return " ".join(f"{PAD + i * slot + slot / 2:.1f},{HEIGHT - PAD - (HEIGHT - 2 * PAD) * max(v, 0) / top:.1f}"
                    for i, v in enumerate(values))


def split(parts: list[dict]) -> list[dict]:
    """A 100% bar: each part's x and width in percent of the whole."""
    x, out = 0.0, []
    for p in parts:
        w = float(p["percentage"] or 0)  # NULL (nothing received): an empty bar
        out.append({**p, "x": round(x, 1), "w": round(w, 1)})
        x += w
    return out

def shares(parts: list[tuple[str, str, float]]) -> list[dict]:
    """(key, label, amount) parts as a 100% bar: each with its percentage (one decimal), x and width."""
    whole = sum(max(float(a), 0) for _, _, a in parts)
    return split([{"type": key, "label": label, "amount": amount,
                   "percentage": round(100 * max(float(amount), 0) / whole, 1) if whole else 0}
                  for key, label, amount in parts])


def dashboard(chart_data: dict) -> dict:
    """The geometry of a consultant's three charts (templates/_analytics.html) from api.dashboard_charts."""
    trend, growth = chart_data["sessionsTrend"], chart_data["clientsGrowth"]
    return {"revenue_chart": bars(trend, "revenue", "period"), "sessions_line": line(trend, "sessions"),
            "clients_chart": bars(growth, "new", "month"), "clients_line": line(growth, "total"),
            "split": split(chart_data["revenueBreakdown"])}

# Test: pytest tests/http/test_dashboard_metrics.py tests/http/test_admin_overview_pages.py
