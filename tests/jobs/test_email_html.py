# tests/jobs/test_email_html.py — every email's HTML passes the Nu HTML Checker (vnu.jar), in one JVM run over all of them.
"""Each built-in email type is rendered on its sample data (app/email_samples.py), and a super admin's override in the
shared layout; all files go to one `java -jar vnu.jar` run (the JVM's start dominates: about 5 s of CPU, 10–25 s on
this shared 2-core machine). Any message (error, warning or info warning such as an obsolete attribute) fails the
test. A canary file with a known error goes through the same run, so a checker that silently checks nothing fails too.

vnu.jar is the npm package `vnu-jar` pinned in tests/contract/package.json (installed by the same `npm ci` as the
generated-clients check); it needs Java 11+ (`make test` installs Debian's default-jre-headless when missing)."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.email_samples import sample
from app.emails import email_types, in_layout, render
from tests.meta.test_generated_clients import NODE_MODULES, npm_ci

VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CANARY = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>canary</title></head>'
          '<body><font>obsolete</font></body></html>')


def nu_check(files: list[Path]) -> dict[str, list[dict]]:
    """The checker's messages for each file, from one JVM run."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not on PATH: the Nu HTML Checker needs Java 11+ (make test installs default-jre-headless)")
    npm_ci()
    done = subprocess.run([java, "-jar", str(VNU), "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    report = json.loads(done.stderr or done.stdout)  # vnu writes its report to stderr
    found: dict[str, list[dict]] = {f.name: [] for f in files}
    for message in report["messages"]:
        found[Path(message.get("url", "file:unknown").removeprefix("file:")).name].append(message)
    return found


def test_every_email_passes_the_nu_html_checker(tmp_path):
    files = []
    for email_type in email_types():
        path = tmp_path / f"{email_type}.html"
        path.write_text(render(email_type, sample(email_type)).html, encoding="utf-8")
        files.append(path)
    override = tmp_path / "override_in_layout.html"
    override.write_text(in_layout("<p>Hello Asha,</p><p>An <strong>override</strong> body.</p>", "Welcome"),
                        encoding="utf-8")
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    found = nu_check([*files, override, canary])
    assert any(m["type"] == "error" for m in found.pop("canary.html")), "the checker reported nothing on a bad file"
    problems = {name: [f"{m['type']}: {m['message']} ({m.get('extract', '')!r})" for m in messages]
                for name, messages in found.items() if messages}
    assert problems == {}
    assert len(found) == len(email_types()) + 1

# Test: pytest tests/jobs/test_email_html.py
