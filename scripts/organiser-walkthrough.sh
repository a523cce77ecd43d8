#!/usr/bin/env bash
# The organiser flow from the README, against a running Tandem:
# login → create event → room → sessions → move one with If-Match → a stale edit (412) → delay a room.
# Usage: TANDEM_URL=http://127.0.0.1:8080 TANDEM_ADMIN_EMAIL=… TANDEM_ADMIN_PASSWORD=… scripts/organiser-walkthrough.sh
set -euo pipefail
B=${TANDEM_URL:-http://127.0.0.1:8080}
SLUG=${SLUG:-walkthrough-$(date +%s)}
J='Content-Type: application/json'
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
say() { printf '\n== %s\n' "$*"; }

say "log in"
TOKEN=$(curl -sf "$B/api/v1/auth/login" -H "$J" \
  -d "{\"email\":\"$TANDEM_ADMIN_EMAIL\",\"password\":\"$TANDEM_ADMIN_PASSWORD\"}" | field '["token"]')
AUTH="Authorization: Bearer $TOKEN"

say "create a published workshop in Europe/Berlin"
curl -sf "$B/api/v1/events" -H "$AUTH" -H "$J" -d '{
  "slug":"'"$SLUG"'","kind":"workshop","status":"published",
  "title":{"en":"Capacity-Building Workshop","zh":"能力建设工作坊"},
  "timezone":"Europe/Berlin","startsAt":"2027-06-15T09:00:00+02:00","endsAt":"2027-06-16T17:00:00+02:00",
  "venue":{"name":"Elbforum","city":"Hamburg","country":"DE"},"capacity":60}'

say "add room B"
ROOM=$(curl -sf "$B/api/v1/events/$SLUG/rooms" -H "$AUTH" -H "$J" -d '{"name":"Room B","capacity":30}' | field '["id"]')
echo "room $ROOM"

say "add two sessions in room B"
SESSION=$(curl -sf "$B/api/v1/events/$SLUG/sessions" -H "$AUTH" -H "$J" -d '{
  "title":{"en":"Fundraising for NGOs","zh":"非政府组织筹款"},"kind":"workshop","roomId":'"$ROOM"',
  "startsAt":"2027-06-15T13:00:00+02:00","endsAt":"2027-06-15T14:00:00+02:00","capacity":20}' | field '["id"]')
curl -sf "$B/api/v1/events/$SLUG/sessions" -H "$AUTH" -H "$J" -d '{
  "title":{"en":"Monitoring and evaluation","zh":"监测与评估"},"kind":"workshop","roomId":'"$ROOM"',
  "startsAt":"2027-06-15T14:30:00+02:00","endsAt":"2027-06-15T15:30:00+02:00"}' >/dev/null

say "read session $SESSION with its ETag, then move it to 13:15 with If-Match"
ETAG=$(curl -sf -D - -o /dev/null "$B/api/v1/events/$SLUG/sessions/$SESSION" | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}')
curl -sf -X PATCH "$B/api/v1/events/$SLUG/sessions/$SESSION" -H "$AUTH" -H "$J" -H "If-Match: $ETAG" \
  -d '{"startsAt":"2027-06-15T13:15:00+02:00","endsAt":"2027-06-15T14:15:00+02:00"}'

say "the same ETag again is stale: 412 with the current ETag"
REPLY=$(curl -s -w '\n%{http_code}' -X PATCH "$B/api/v1/events/$SLUG/sessions/$SESSION" \
  -H "$AUTH" -H "$J" -H "If-Match: $ETAG" -d '{"title":{"en":"A stale edit"}}')
echo "${REPLY%$'\n'*}"
[ "${REPLY##*$'\n'}" = 412 ] || { echo "expected 412, got ${REPLY##*$'\n'}"; exit 1; }

say "room B runs 15 minutes late from 13:30"
curl -sf "$B/api/v1/events/$SLUG/delays" -H "$AUTH" -H "$J" -d '{"roomId":'"$ROOM"',"from":"2027-06-15T13:30:00+02:00","minutes":15}'

say "the public schedule"
curl -sf "$B/api/v1/events/$SLUG/schedule" | python3 -c '
import json,sys
s=json.load(sys.stdin)
print("scheduleVersion", s["scheduleVersion"])
for x in s["sessions"]: print(" ", x["startsAt"], "→", x["endsAt"], x["title"]["en"])'
