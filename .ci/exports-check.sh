#!/usr/bin/env bash
# Issue 7: the schedule exports, checked by independent parsers against a live server.
#   - schedule.ics parses with Python's icalendar; VTIMEZONE/TZID; times round-trip in
#     Europe/Berlin (across the autumn DST change) and Asia/Shanghai; UID, SEQUENCE, LAST-MODIFIED,
#     STATUS:CANCELLED; text with , ; \ " newlines and Chinese round-trips; the attendee calendar;
#   - schedule.json validates against the c3voc JSON schema, schedule.xml against the c3voc XSD.
# The schemas are read from $TANDEM_FORMATS (default: ../shared/formats next to the repository),
# never copied into the repository (EUPL-1.2).
# Run from anywhere; the binary is $TANDEM_BINARY (default .build/debug/tandem, built by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

binary=${TANDEM_BINARY:-.build/debug/tandem}
formats=${TANDEM_FORMATS:-$repo/../shared/formats}
[ -x "$binary" ] || { echo "FAIL: no server binary at $binary (set TANDEM_BINARY)" >&2; exit 1; }
[ -f "$formats/c3voc-schedule/json/schema.json" ] || { echo "FAIL: no c3voc schemas under $formats (set TANDEM_FORMATS)" >&2; exit 1; }

packages=(icalendar xmlschema jsonschema rfc3339-validator rfc3986-validator)
if ! python3 -c 'import icalendar, xmlschema, jsonschema, rfc3339_validator, rfc3986_validator' 2>/dev/null; then
  python3 -m pip install --quiet --break-system-packages "${packages[@]}" \
    || python3 -m pip install --quiet "${packages[@]}"
fi

# shellcheck source=.ci/tandem-server.sh
source .ci/tandem-server.sh
export TANDEM_ADMIN_EMAIL=exports-check@example.org
export TANDEM_ADMIN_PASSWORD="exports check password $RANDOM$RANDOM"
start_tandem "$TANDEM_ADMIN_EMAIL" "$TANDEM_ADMIN_PASSWORD"

status=0
TANDEM_URL=$url TANDEM_FORMATS=$formats python3 scripts/validate-exports.py || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (tail)" >&2
  tail -n 40 "$tmp/server.log" >&2
  echo "FAIL: the exports check failed (above)" >&2
fi
exit "$status"
