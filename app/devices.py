# app/devices.py — a browser's User-Agent as a person reads it ("iPhone · Safari"), for a quotation's view history.
"""Parsing is ua-parser's (the Python port of uap-core, whose rules are updated monthly and ship as the
ua-parser-builtins wheel): hand-kept patterns go stale with every new phone and browser, and misread the many
agents that name several engines ("… Chrome/124 Safari/537.36 Edg/124"). This module only turns its answer into
words: the device (iPhone, iPad, Mac, Android phone by its model, Windows PC…) and the browser's plain name."""
from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

# uap-core's names for mobile builds and webviews, as people call the browser.
BROWSERS = {"Mobile Safari": "Safari", "Mobile Safari UI/WKWebView": "In-app browser", "Chrome Mobile": "Chrome",
            "Chrome Mobile iOS": "Chrome", "Chrome Mobile WebView": "In-app browser", "Firefox Mobile": "Firefox",
            "Firefox iOS": "Firefox", "Edge Mobile": "Edge", "Samsung Internet": "Samsung Internet",
            "HeadlessChrome": "Headless Chrome", "Opera Mobile": "Opera"}
DESKTOPS = {"Windows": "Windows PC", "Mac OS X": "Mac", "Linux": "Linux PC", "Ubuntu": "Linux PC",
            "Chrome OS": "Chromebook", "Fedora": "Linux PC"}
APPLE = {"iPhone", "iPad", "iPod", "Mac"}
VAGUE = {None, "Other", "Generic Smartphone", "Generic Feature Phone", "Generic Tablet", "K"}


@lru_cache(maxsize=512)
def describe(user_agent: str | None) -> str:
    """'iPhone · Safari', 'Samsung SM-S918B · Chrome', 'Windows PC · Edge', 'Bot or link preview (WhatsApp)',
    'Unknown browser' — never the raw string."""
    if not user_agent or not user_agent.strip():
        return "Unknown browser"
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else None
    os_family = result.os.family if result.os else None
    device = result.device.family if result.device else None
    if device == "Spider":
        return f"Bot or link preview ({browser})" if browser and browser != "Other" else "Bot or link preview"
    if device in APPLE:
        what = "iPhone" if device == "iPod" else device
    elif os_family == "Android":
        what = "Android phone" if device in VAGUE else device
    elif os_family == "iOS":
        what = "iPhone"
    else:
        what = DESKTOPS.get(os_family or "", "Unknown device")
    name = BROWSERS.get(browser or "", browser) if browser and browser != "Other" else None
    return f"{what} · {name}" if name else what

# Test: pytest tests/http/test_quotation_items.py tests/e2e/test_quotation_items.py
