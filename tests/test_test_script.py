"""scripts/test.sh, the README's one command for the tests: a second call installs nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test.sh"


def test_the_test_script_installs_nothing_when_everything_is_there():
    # The suite runs after the script installed everything, so here nothing is missing.
    traced = subprocess.run(["bash", "-x", str(SCRIPT), "--install-only"], capture_output=True, text=True,
                            timeout=300, stdin=subprocess.DEVNULL)
    assert traced.returncode == 0, traced.stderr
    commands = [line for line in traced.stderr.splitlines() if line.startswith("+")]
    assert not [line for line in commands if "pip install" in line or "apt-get" in line], commands
    assert any("dpkg-query" in line and "libreoffice-writer-nogui" in line for line in commands)
