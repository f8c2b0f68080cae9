"""Bandit finds nothing of medium or high severity in app/."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bandit_finds_no_medium_or_high_issue_in_the_app():
    scan = subprocess.run([sys.executable, "-m", "bandit", "-r", "app", "-ll", "-q", "-f", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert scan.stdout, f"bandit did not run: {scan.stderr[-2000:]}"
    report = json.loads(scan.stdout)
    assert report["errors"] == [], report["errors"]
    assert report["metrics"]["_totals"]["loc"] > 1000, "bandit scanned too little of app/"
    findings = [f"{issue['filename']}:{issue['line_number']} {issue['test_id']} "
                f"{issue['issue_severity']}: {issue['issue_text']}\n{issue['code']}"
                for issue in report["results"]
                if issue["issue_severity"] in ("MEDIUM", "HIGH")]
    assert not findings, "\n".join(findings)
    assert scan.returncode == 0, scan.stderr[-2000:]
