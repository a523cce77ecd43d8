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

tmp=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export TANDEM_ADMIN_EMAIL=exports-check@example.org
export TANDEM_ADMIN_PASSWORD="exports check password $RANDOM$RANDOM"
TANDEM_BCRYPT_COST=4 TANDEM_RATE_LIMITS=0 TANDEM_MAIL=log \
  "$binary" --host 127.0.0.1 --port "$port" --database "$tmp/tandem.sqlite" --public "$repo/Public" >"$tmp/server.log" 2>&1 &
server=$!

url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -sf "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/server.log" >&2; echo "FAIL: the server exited" >&2; exit 1; }
  sleep 0.2
done
curl -sf "$url/healthz" >/dev/null || { cat "$tmp/server.log" >&2; echo "FAIL: no /healthz on $url" >&2; exit 1; }

status=0
TANDEM_URL=$url TANDEM_FORMATS=$formats python3 scripts/validate-exports.py || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (tail)" >&2
  tail -n 40 "$tmp/server.log" >&2
  echo "FAIL: the exports check failed (above)" >&2
fi
exit "$status"
