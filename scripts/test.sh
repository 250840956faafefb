#!/usr/bin/env bash
# The tests in one command: install what they need where it is missing, then run pytest.
#
#   scripts/test.sh                          everything (what CI runs)
#   scripts/test.sh tests/test_tmx.py -x     arguments go to pytest
#   scripts/test.sh --install-only           install, run no test
#
# It installs (each only when missing, so a second call goes straight to pytest):
#   - CPU torch for Stanza, by itself first: the stanza extra alone would pull a CUDA torch;
#   - this checkout's extras stanza and test (setup.cfg; the test extra brings Ray, Playwright ...);
#   - Debian packages: Chromium (report.html is tested headless), OmegaT (imports our TMX),
#     LibreOffice Writer (writes and reads DOCX/ODT/PDF), DejaVu fonts (Arabic and Persian glyphs
#     for LibreOffice's PDFs and Chromium's screenshots). apt-get update runs once, if at all.
set -euo pipefail
cd "$(dirname "$0")/.."

TORCH_VERSION=2.13.0
EXTRAS=stanza,test
DEBIAN_PACKAGES=(chromium chromium-driver omegat libreoffice-writer-nogui fonts-dejavu-core)

install_only=false
if [[ "${1:-}" == "--install-only" ]]; then
    install_only=true
    shift
fi

# Whether the installed distributions satisfy this checkout's requirements and extras (setup.cfg
# is read here, so a requirement someone just added is seen before the package is reinstalled).
requirements_met() {
    python - "$EXTRAS" <<'EOF'
import configparser
import sys
from importlib import metadata

from packaging.requirements import Requirement

config = configparser.ConfigParser()
config.read("setup.cfg", encoding="utf-8")
lines = config["options"]["install_requires"].splitlines()
for extra in sys.argv[1].split(","):
    lines += config["options.extras_require"][extra].splitlines()
try:
    metadata.version("aligner")
    for line in filter(None, (line.strip() for line in lines)):
        requirement = Requirement(line)
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        if not requirement.specifier.contains(metadata.version(requirement.name), prereleases=True):
            sys.exit(1)
except metadata.PackageNotFoundError:
    sys.exit(1)
EOF
}

if ! python -c "import sys, torch; sys.exit(torch.__version__.split('+')[0] != '$TORCH_VERSION')" 2>/dev/null; then
    pip install "torch==$TORCH_VERSION"
fi
if ! requirements_met; then
    pip install -e ".[$EXTRAS]"
fi

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    as_root=()
    if [[ $(id -u) != 0 ]]; then
        as_root=(sudo)
    fi
    "${as_root[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y "${missing[@]}"
fi

if [[ $install_only == true ]]; then
    exit 0
fi
exec python -m pytest -q "$@"
