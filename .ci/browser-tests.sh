#!/usr/bin/env bash
# Browser tests for the attendee site and the agenda screen (Tests/Browser): Python + pytest +
# Selenium driving Debian's chromium through chromium-driver, against the real server binary.
# Run from the repository root after a build; TANDEM_BINARY overrides .build/debug/tandem.
# TANDEM_SCREENSHOTS=docs/screenshots also saves the README's screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
export SE_OFFLINE=true

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

section "system packages (chromium, chromium-driver, CJK fonts, zbarimg)"
missing=()
for package in chromium chromium-driver python3 python3-pip fonts-noto-cjk zbar-tools; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}"
fi

section "python tools (selenium, pytest, axe-core)"
# selenium-axe-python ships axe-core 4.9 for test_accessibility.py (axe-selenium-python's last
# release for Python 3.11 ships axe-core 3.1.1, which flags valid markup).
python3 -c 'import selenium, pytest, selenium_axe_python' 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages selenium pytest selenium-axe-python==2.2.0 \
  || python3 -m pip install --quiet selenium pytest selenium-axe-python==2.2.0

binary=${TANDEM_BINARY:-.build/debug/tandem}
[ -x "$binary" ] || { echo "no server binary at $binary: run swift build first, or set TANDEM_BINARY"; exit 1; }

# A failing test leaves a screenshot, the page's HTML and the console log of each of its browsers here.
artifacts=Tests/Browser/artifacts
rm -rf "$artifacts"
show_artifacts() {
  if compgen -G "$artifacts/*" >/dev/null; then
    echo "Screenshots (.png), page HTML (.html) and console logs (.console.json) of the failed tests' browsers: $PWD/$artifacts/"
    ls -1 "$artifacts"
  fi
}
trap show_artifacts EXIT

section "browser tests against $binary (SQLite)"
python3 -m pytest Tests/Browser -q

# The same pages on PostgreSQL: each test server gets a new database on the test cluster.
if [ -n "${TANDEM_TEST_POSTGRES:-}" ]; then
  section "browser tests against $binary (PostgreSQL)"
  TANDEM_BROWSER_POSTGRES="$TANDEM_TEST_POSTGRES" TANDEM_SCREENSHOTS= python3 -m pytest Tests/Browser -q
fi
