"""pip-audit over the pinned constraints: fail on any known vulnerability.

A package the vulnerability service cannot answer for is listed, not hidden: where
the service is unreachable (as in the offline workplace this was built in) the run
says so plainly instead of passing as "no findings".
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REVIEWED = ROOT / ".ci" / "reviewed-vulnerabilities.txt"  # ids accepted after review, one a line


def main() -> int:
    reviewed = {
        line.split("#")[0].strip()
        for line in REVIEWED.read_text().splitlines()
        if line.split("#")[0].strip()
    }
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip_audit",
                "-r",
                str(ROOT / "constraints.txt"),
                "--no-deps",
                "--disable-pip",
                "--progress-spinner",
                "off",
                "-f",
                "json",
                "-o",
                report.name,
            ],
            check=False,
            capture_output=True,
        )
        dependencies = json.loads(Path(report.name).read_text() or '{"dependencies": []}')
    dependencies = dependencies["dependencies"]
    findings = [
        f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in {', '.join(vuln['fix_versions'])})"
        for dep in dependencies
        for vuln in dep.get("vulns", [])
        if vuln["id"] not in reviewed
    ]
    skipped = [dep["name"] for dep in dependencies if dep.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    print(f"pip-audit: {audited} of {len(dependencies)} pinned packages audited.")
    if skipped:
        print(f"pip-audit: NOT audited (the vulnerability service did not answer): {len(skipped)}")
    for finding in findings:
        print(f"pip-audit: UNREVIEWED {finding}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
