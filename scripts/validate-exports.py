#!/usr/bin/env python3
"""Checks Tandem's schedule exports against independent parsers and the published schemas (issue 7).

Against a running server (demo data loaded), as the admin:
  - creates a Europe/Berlin event whose sessions straddle the autumn DST change (one across the
    change itself), with bilingual titles full of iCalendar specials (, ; \\ " and a newline) and a
    long Chinese title (line folding), and an Asia/Shanghai event; both published, with rooms,
    speakers, a workshop with its own capacity and one cancelled session;
  - for every demo event and both new events:
      schedule.json  validates against c3voc-schedule/json/schema.json (formats checked),
      schedule.xml   validates against c3voc-schedule/xsd/schedule.xml.xsd,
      both carry every scheduled session at the right instant, none of the cancelled ones;
      schedule.ics (and ?room=ID) parses with the `icalendar` package; VTIMEZONE with the event's
      TZID; every VEVENT's DTSTART/DTEND equals the session's startsAt/endsAt (aware datetimes,
      so DST round-trips); stable UIDs; STATUS:CANCELLED; SUMMARY/DESCRIPTION text exact;
  - retimes a session: its SEQUENCE grows, LAST-MODIFIED is present and not earlier;
  - registers attendees and checks /registrations/{token}/schedule.ics.

Usage: scripts/validate-exports.py --url http://127.0.0.1:8080
Environment: TANDEM_URL, TANDEM_ADMIN_EMAIL, TANDEM_ADMIN_PASSWORD, TANDEM_FORMATS (the directory
holding c3voc-schedule/; default: ../shared/formats next to the repository). Exit status 1 on any
failure. Needs: icalendar xmlschema jsonschema rfc3339-validator rfc3986-validator.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from zoneinfo import ZoneInfo

try:
    import icalendar
    import jsonschema
    import xmlschema
except ImportError as error:  # pragma: no cover
    sys.exit(f"missing Python package ({error}); pip install icalendar xmlschema jsonschema rfc3339-validator rfc3986-validator")

REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# Reporting


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.passed = 0

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failures.append(f"{name}: {detail}" if detail else name)
            print(f"  FAIL {name}" + (f"\n       {detail}" if detail else ""), flush=True)
        return ok

    def section(self, title: str) -> None:
        print(f"\n== {title}", flush=True)

    def ok(self, text: str) -> None:
        print(f"  ok   {text}", flush=True)


R = Report()


class Fatal(Exception):
    """A failure after which the remaining checks of a section make no sense."""


# ---------------------------------------------------------------------------------------------
# HTTP


class HTTPResult:
    def __init__(self, status: int, headers, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Client:
    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.token: str | None = None

    def request(self, method: str, path: str, body=None, headers: dict | None = None, auth: bool = True) -> HTTPResult:
        data = None
        hdrs = {"Accept": "*/*"}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if auth and self.token:
            hdrs["Authorization"] = f"Bearer {self.token}"
        hdrs.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                return HTTPResult(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return HTTPResult(error.code, error.headers, error.read())

    def expect(self, method: str, path: str, body=None, status=(200, 201), **kw) -> HTTPResult:
        result = self.request(method, path, body, **kw)
        statuses = status if isinstance(status, tuple) else (status,)
        if result.status not in statuses:
            raise Fatal(f"{method} {path} answered {result.status}, expected {statuses}: {result.body[:600]!r}")
        return result


# ---------------------------------------------------------------------------------------------
# Helpers


def parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"time without offset: {value}")
    return parsed


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_formats(formats: Path):
    base = formats / "c3voc-schedule"
    json_schema_path = base / "json" / "schema.json"
    xsd_path = base / "xsd" / "schedule.xml.xsd"
    for path in (json_schema_path, xsd_path):
        if not path.is_file():
            sys.exit(f"schema file missing: {path} (set TANDEM_FORMATS to the directory holding c3voc-schedule/)")
    schema = json.loads(json_schema_path.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # All formats jsonschema knows (the draft-06 checker alone would skip `date` and `uuid`, which
    # later drafts define and the schema uses). A checker silently skips formats whose optional
    # dependency is missing; insist on the ones the schema uses.
    checker = jsonschema.FormatChecker()
    missing = [f for f in ("date", "date-time", "uri", "uuid") if f not in checker.checkers]
    if missing:
        sys.exit(f"jsonschema cannot check format(s) {missing}: pip install rfc3339-validator rfc3986-validator")
    json_validator = validator_class(schema, format_checker=checker)
    xsd = xmlschema.XMLSchema(str(xsd_path))
    return json_validator, xsd


def ical_text(component, name: str) -> str | None:
    value = component.get(name)
    return None if value is None else str(value)


def ical_time(component, name: str):
    prop = component.get(name)
    if prop is None:
        return None, None
    return prop.dt, prop.params.get("TZID")


def session_anchor(url: str | None) -> int | None:
    if url and "#session-" in url:
        try:
            return int(url.rsplit("#session-", 1)[1])
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------------------------
# Fixtures: the two new events


def create_fixtures(client: Client, stamp: str) -> dict:
    """Creates the Berlin (DST) and Shanghai events; returns what the checks need to know."""
    R.section("create fixtures through the API")
    fixtures: dict = {"expect": {}, "cancelled": set(), "workshops": {}}

    def speaker(name, name_zh=None, organisation=None, country=None):
        body = {"name": name, "organisation": organisation, "country": country}
        if name_zh:
            body["nameZh"] = name_zh
        return client.expect("POST", "/api/v1/speakers", {k: v for k, v in body.items() if v is not None}).json()["id"]

    sp1 = speaker("Anna Schmidt", organisation="Stiftung Zivilgesellschaft, Hamburg", country="DE")
    sp2 = speaker("Li Wei", name_zh="李伟", organisation="北京社会组织发展中心", country="CN")

    def event(slug, title, tz, starts, ends, venue):
        client.expect("POST", "/api/v1/events", {
            "slug": slug, "kind": "workshop", "status": "published", "title": title, "timezone": tz,
            "startsAt": starts, "endsAt": ends, "venue": venue, "capacity": 80,
            # The attendee calendar needs the token at once: no e-mail round trip in this check.
            "registrationMode": "instant",
        })

    def room(slug, name, capacity=None):
        body = {"name": name}
        if capacity is not None:
            body["capacity"] = capacity
        return client.expect("POST", f"/api/v1/events/{slug}/rooms", body).json()["id"]

    def session(slug, body, expect_text=True):
        created = client.expect("POST", f"/api/v1/events/{slug}/sessions", body).json()
        if expect_text:
            fixtures["expect"][created["guid"]] = {"title": body["title"], "abstract": body.get("abstract")}
        return created

    # (a) Europe/Berlin, across the end of summer time (2040-10-28 03:00 CEST -> 02:00 CET).
    berlin = f"qa-dst-berlin-{stamp}"
    event(berlin, {"en": "DST round-trip workshop, Berlin", "zh": "夏令时往返测试工作坊（柏林）"}, "Europe/Berlin",
          "2040-10-27T09:00:00+02:00", "2040-10-29T18:00:00+01:00",
          {"name": "Haus der Demokratie", "address": "Greifswalder Str. 4", "city": "Berlin", "country": "DE"})
    saal = room(berlin, "Saal 1, \"Mitte\"; Erdgeschoss", 120)
    room_b = room(berlin, "Room B", 30)
    specials = session(berlin, {
        "title": {"en": 'Trust, safety; back\\slash "quoted"', "zh": '信任、安全；反斜杠\\ "引号"，逗号, 分号;'},
        "abstract": {"en": 'First line, with; specials \\ "quotes"\nSecond line: 第二行，中文。',
                     "zh": "第一行：逗号,分号;反斜杠\\引号\"\n第二行"},
        "kind": "talk", "roomId": saal, "startsAt": "2040-10-27T10:00:00+02:00", "endsAt": "2040-10-27T11:00:00+02:00",
        "speakerIds": [sp1, sp2], "language": "en"})
    night = session(berlin, {
        "title": {"en": "Night session across the clock change", "zh": "跨越时钟调整的夜间会议"},
        "kind": "other", "roomId": room_b, "startsAt": "2040-10-28T01:30:00+02:00", "endsAt": "2040-10-28T02:30:00+01:00"})
    long_zh = "中欧民间社会组织结对交流项目：关于气候变化、性别平等与社区发展的经验分享和未来合作方向的圆桌讨论会"
    after = session(berlin, {
        "title": {"en": "Roundtable 圆桌讨论: " + long_zh, "zh": long_zh},
        "abstract": {"en": "After the clock change: 10:00 CET.", "zh": "时钟调整之后：欧洲中部时间10:00。"},
        "kind": "panel", "roomId": saal, "startsAt": "2040-10-29T10:00:00+01:00", "endsAt": "2040-10-29T11:30:00+01:00",
        "speakerIds": [sp2], "language": "zh"})
    workshop = session(berlin, {
        "title": {"en": "Fundraising workshop", "zh": "筹款工作坊"}, "kind": "workshop", "roomId": room_b,
        "startsAt": "2040-10-27T14:00:00+02:00", "endsAt": "2040-10-27T15:30:00+02:00", "capacity": 12, "speakerIds": [sp1]})
    doomed = session(berlin, {
        "title": {"en": "Cancelled talk", "zh": "已取消的报告"}, "kind": "talk", "roomId": saal,
        "startsAt": "2040-10-29T14:00:00+01:00", "endsAt": "2040-10-29T15:00:00+01:00"})
    cancelled = client.expect("DELETE", f"/api/v1/events/{berlin}/sessions/{doomed['id']}").json()
    R.check("DELETE session cancels it (status cancelled)", cancelled.get("status") == "cancelled", f"got {cancelled.get('status')!r}")
    fixtures["cancelled"].add(doomed["guid"])
    fixtures["workshops"][berlin] = workshop["id"]
    fixtures["berlin"] = {"slug": berlin, "room": room_b, "retime": after["id"], "specials": specials["guid"],
                          "long": after["guid"], "night": night["guid"]}
    R.ok(f"{berlin}: rooms {saal}, {room_b}; sessions {specials['id']}, {night['id']}, {after['id']}, "
         f"{workshop['id']} (workshop), {doomed['id']} (cancelled)")

    # (b) Asia/Shanghai (no DST, +08:00).
    shanghai = f"qa-shanghai-{stamp}"
    event(shanghai, {"en": "Twinning exchange, Shanghai", "zh": "结对交流会（上海）"}, "Asia/Shanghai",
          "2040-03-10T09:00:00+08:00", "2040-03-11T17:00:00+08:00",
          {"name": "上海国际会议中心", "city": "Shanghai", "country": "CN"})
    hall = room(shanghai, "主会场 Main hall", 200)
    side = room(shanghai, "Room 2", 20)
    session(shanghai, {
        "title": {"en": "Opening; welcome, \"Grüße\"", "zh": "开幕式：欢迎致辞"},
        "abstract": {"en": "Welcome.\nHousekeeping, rooms; wifi.", "zh": "欢迎。\n会务安排；无线网络。"},
        "kind": "plenary", "roomId": hall, "startsAt": "2040-03-10T09:00:00+08:00", "endsAt": "2040-03-10T09:45:00+08:00",
        "speakerIds": [sp2]})
    session(shanghai, {  # English only: no subtitle, abstract or language to map
        "title": {"en": "Tea break"}, "kind": "break", "roomId": hall,
        "startsAt": "2040-03-10T10:00:00+08:00", "endsAt": "2040-03-10T10:20:00+08:00"})
    sh_workshop = session(shanghai, {
        "title": {"en": "Project management workshop", "zh": "项目管理工作坊"}, "kind": "workshop", "roomId": side,
        "startsAt": "2040-03-10T23:30:00+08:00", "endsAt": "2040-03-11T00:30:00+08:00", "capacity": 8})
    sh_doomed = session(shanghai, {
        "title": {"en": "Excursion (cancelled)", "zh": "参观（已取消）"}, "kind": "other", "roomId": hall,
        "startsAt": "2040-03-11T14:00:00+08:00", "endsAt": "2040-03-11T16:00:00+08:00"})
    cancelled = client.expect("PATCH", f"/api/v1/events/{shanghai}/sessions/{sh_doomed['id']}", {"status": "cancelled"}).json()
    R.check("PATCH status=cancelled cancels a session", cancelled.get("status") == "cancelled", f"got {cancelled.get('status')!r}")
    fixtures["cancelled"].add(sh_doomed["guid"])
    fixtures["workshops"][shanghai] = sh_workshop["id"]
    fixtures["shanghai"] = {"slug": shanghai}
    R.ok(f"{shanghai}: rooms {hall}, {side}; workshop {sh_workshop['id']} (23:30 → 00:30, crosses midnight), "
         f"session {sh_doomed['id']} cancelled")
    return fixtures


# ---------------------------------------------------------------------------------------------
# Checks


def check_frab_json(client: Client, slug: str, event: dict, validator) -> None:
    result = client.request("GET", f"/api/v1/events/{slug}/schedule.json")
    if not R.check(f"{slug} schedule.json: 200", result.status == 200, f"status {result.status}: {result.body[:300]!r}"):
        return
    try:
        document = result.json()
    except ValueError as error:
        R.check(f"{slug} schedule.json: parses as JSON", False, str(error))
        return
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    R.check(f"{slug} schedule.json: valid against c3voc json/schema.json", not errors,
            "; ".join(f"at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:8])
            + (f" (+{len(errors) - 8} more)" if len(errors) > 8 else ""))
    talks = []
    for day in document.get("schedule", {}).get("conference", {}).get("days", []):
        for room_talks in day.get("rooms", {}).values():
            talks.extend(dict(t, day=day.get("date")) for t in room_talks)
    compare_frab_talks(f"{slug} schedule.json", event, [
        {"guid": t.get("guid"), "date": t.get("date"), "start": t.get("start"), "duration": t.get("duration"),
         "room": t.get("room"), "title": t.get("title"), "day": t.get("day")} for t in talks])
    if not errors:
        R.ok(f"{slug} schedule.json valid, {len(talks)} talks")


def check_frab_xml(client: Client, slug: str, event: dict, xsd) -> None:
    result = client.request("GET", f"/api/v1/events/{slug}/schedule.xml")
    if not R.check(f"{slug} schedule.xml: 200", result.status == 200, f"status {result.status}: {result.body[:300]!r}"):
        return
    errors = []
    try:
        errors = list(xsd.iter_errors(result.body.decode("utf-8")))
    except Exception as error:  # malformed XML
        R.check(f"{slug} schedule.xml: well-formed", False, repr(error))
        return
    R.check(f"{slug} schedule.xml: valid against c3voc xsd/schedule.xml.xsd", not errors,
            "; ".join(f"{e.path}: {e.reason}" for e in errors[:8]) + (f" (+{len(errors) - 8} more)" if len(errors) > 8 else ""))
    import xml.etree.ElementTree as ET
    root = ET.fromstring(result.body)
    talks = []
    for day in root.iter("day"):
        for element in day.iter("event"):
            talks.append({"guid": element.get("guid"), "date": element.findtext("date"), "start": element.findtext("start"),
                          "duration": element.findtext("duration"), "room": element.findtext("room"),
                          "title": element.findtext("title"), "day": day.get("date")})
    compare_frab_talks(f"{slug} schedule.xml", event, talks)
    if not errors:
        R.ok(f"{slug} schedule.xml valid, {len(talks)} events")


def compare_frab_talks(label: str, event: dict, talks: list[dict]) -> None:
    """Every scheduled session appears once at its instant (date), local start and duration; cancelled ones do not."""
    zone = ZoneInfo(event["timezone"])
    rooms = {r["id"]: r["name"] for r in event.get("rooms", [])}
    sessions = {s["guid"]: s for s in event["sessions"]}
    scheduled = {g for g, s in sessions.items() if s["status"] != "cancelled"}
    seen = [t["guid"] for t in talks]
    R.check(f"{label}: every scheduled session exactly once, no cancelled one",
            sorted(seen) == sorted(scheduled),
            f"missing {sorted(scheduled - set(seen))}, unexpected {sorted(set(seen) - scheduled)}, "
            f"duplicates {sorted({g for g in seen if seen.count(g) > 1})}")
    for talk in talks:
        session = sessions.get(talk["guid"])
        if session is None:
            continue
        start, end = parse_time(session["startsAt"]), parse_time(session["endsAt"])
        where = f"{label}: session {session['id']} ({session['title']['en'][:40]!r})"
        try:
            date = parse_time(talk["date"] or "")
        except ValueError:
            R.check(f"{where} date", False, f"date {talk['date']!r} is not RFC 3339 with offset")
            continue
        R.check(f"{where} date = startsAt", date == start, f"date {talk['date']} ({utc(date)}) != startsAt {session['startsAt']} ({utc(start)})")
        local = start.astimezone(zone)
        R.check(f"{where} start = local HH:MM", talk["start"] == local.strftime("%H:%M"),
                f"start {talk['start']!r}, expected {local.strftime('%H:%M')!r} ({event['timezone']})")
        minutes = int((end - start).total_seconds() // 60)
        R.check(f"{where} duration", talk["duration"] == f"{minutes // 60:02d}:{minutes % 60:02d}",
                f"duration {talk['duration']!r}, expected {minutes // 60:02d}:{minutes % 60:02d} (real elapsed time)")
        R.check(f"{where} in the day of its local start date", talk["day"] == local.date().isoformat(),
                f"listed under day {talk['day']!r}, starts on {local.date().isoformat()} ({event['timezone']})")
        R.check(f"{where} room", talk["room"] == rooms.get(session["roomId"]), f"room {talk['room']!r}, expected {rooms.get(session['roomId'])!r}")
        R.check(f"{where} title", talk["title"] == session["title"]["en"], f"title {talk['title']!r}, expected {session['title']['en']!r}")


def fetch_calendar(client: Client, path: str, label: str):
    result = client.request("GET", path)
    if not R.check(f"{label}: 200", result.status == 200, f"status {result.status}: {result.body[:300]!r}"):
        return None, result
    R.check(f"{label}: Content-Type text/calendar", (result.headers.get("Content-Type") or "").startswith("text/calendar"),
            f"Content-Type {result.headers.get('Content-Type')!r}")
    raw = result.body
    lines = raw.split(b"\r\n")
    R.check(f"{label}: CRLF line endings, no bare LF", b"\n" not in raw.replace(b"\r\n", b""), "bare LF found")
    long_lines = [i + 1 for i, line in enumerate(lines) if len(line) > 75]
    R.check(f"{label}: content lines folded at 75 octets", not long_lines, f"lines {long_lines[:10]} are longer than 75 octets")
    broken = []
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            broken.append(i + 1)
    R.check(f"{label}: folding never splits a UTF-8 character", not broken, f"lines {broken[:10]} are not valid UTF-8 on their own")
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except Exception as error:
        R.check(f"{label}: parses with icalendar", False, repr(error))
        return None, result
    R.check(f"{label}: parses with icalendar", True)
    R.check(f"{label}: VERSION 2.0 and PRODID", ical_text(calendar, "VERSION") == "2.0" and calendar.get("PRODID") is not None,
            f"VERSION {ical_text(calendar, 'VERSION')!r}, PRODID {ical_text(calendar, 'PRODID')!r}")
    return calendar, result


def check_calendar(label: str, calendar, event: dict, sessions: list[dict], fixtures: dict, language: str = "en") -> dict:
    """Checks a parsed calendar against the sessions it should carry; returns {guid: VEVENT}."""
    tz = event["timezone"]
    timezones = [c for c in calendar.walk("VTIMEZONE")]
    tzids = [str(c.get("TZID")) for c in timezones]
    R.check(f"{label}: VTIMEZONE with TZID {tz}", tz in tzids, f"VTIMEZONE TZIDs {tzids}")
    by_guid = {s["guid"]: s for s in sessions}
    vevents = calendar.walk("VEVENT")
    found: dict = {}
    for vevent in vevents:
        uid = ical_text(vevent, "UID") or ""
        guid = uid.split("@", 1)[0]
        if guid in found:
            R.check(f"{label}: UID unique", False, f"UID {uid} twice")
        found[guid] = vevent
    R.check(f"{label}: one VEVENT per session", set(found) == set(by_guid),
            f"missing {sorted(set(by_guid) - set(found))}, unexpected {sorted(set(found) - set(by_guid))}")
    for guid, session in by_guid.items():
        vevent = found.get(guid)
        if vevent is None:
            continue
        where = f"{label}: session {session['id']} ({session['title']['en'][:40]!r})"
        for prop, wire in (("DTSTART", session["startsAt"]), ("DTEND", session["endsAt"])):
            value, tzid = ical_time(vevent, prop)
            expected = parse_time(wire)
            if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
                R.check(f"{where} {prop} aware", False, f"{prop} is {value!r} (floating or all-day)")
                continue
            R.check(f"{where} {prop} TZID", tzid in (None, tz) and (tzid is not None or value.utcoffset() == dt.timedelta(0)),
                    f"TZID {tzid!r}, expected {tz!r} (or a UTC value)")
            R.check(f"{where} {prop} = {wire}", value == expected,
                    f"{prop} parses as {value.isoformat()} ({utc(value)}), the session says {wire} ({utc(expected)}); "
                    f"raw: {vevent.get(prop).to_ical().decode()!r} params {dict(vevent.get(prop).params)}")
        cancelled = session["status"] == "cancelled"
        status = ical_text(vevent, "STATUS")
        R.check(f"{where} STATUS", (status == "CANCELLED") if cancelled else (status in (None, "CONFIRMED")),
                f"STATUS {status!r}, session status {session['status']!r}")
        seq = vevent.get("SEQUENCE")
        R.check(f"{where} SEQUENCE integer", seq is not None and int(seq) >= 0, f"SEQUENCE {seq!r}")
        R.check(f"{where} DTSTAMP", vevent.get("DTSTAMP") is not None, "no DTSTAMP (required by RFC 5545)")
        title = session["title"].get(language) or session["title"]["en"]
        R.check(f"{where} SUMMARY text", ical_text(vevent, "SUMMARY") == title,
                f"SUMMARY {ical_text(vevent, 'SUMMARY')!r}, expected {title!r}")
        abstract = session.get("abstract") and (session["abstract"].get(language) or session["abstract"]["en"])
        description = ical_text(vevent, "DESCRIPTION")
        if abstract:
            R.check(f"{where} DESCRIPTION starts with the abstract", description is not None and description.startswith(abstract),
                    f"DESCRIPTION {description!r}, expected it to start with {abstract!r}")
        for speaker in session.get("speakers", []):
            R.check(f"{where} DESCRIPTION names speaker {speaker['name']}", description is not None and speaker["name"] in description,
                    f"DESCRIPTION {description!r}")
        sent = fixtures["expect"].get(guid)
        if sent:  # our own fixtures: the text we sent comes back byte for byte
            R.check(f"{where} SUMMARY = text sent", ical_text(vevent, "SUMMARY") == (sent["title"].get(language) or sent["title"]["en"]),
                    f"SUMMARY {ical_text(vevent, 'SUMMARY')!r}, sent {sent['title']!r}")
            if sent.get("abstract"):
                text = sent["abstract"].get(language) or sent["abstract"]["en"]
                R.check(f"{where} DESCRIPTION carries the abstract sent", description is not None and description.startswith(text),
                        f"DESCRIPTION {description!r}, sent {text!r}")
    return found


def check_event_calendars(client: Client, slug: str, event: dict, fixtures: dict) -> None:
    path = f"/api/v1/events/{slug}/schedule.ics"
    calendar, result = fetch_calendar(client, path, f"{slug} schedule.ics")
    if calendar is None:
        return
    found = check_calendar(f"{slug} schedule.ics", calendar, event, event["sessions"], fixtures)
    again, _ = fetch_calendar(client, path, f"{slug} schedule.ics (again)")
    if again is not None:
        uids = {ical_text(v, "URL") or ical_text(v, "SUMMARY"): ical_text(v, "UID") for v in calendar.walk("VEVENT")}
        uids2 = {ical_text(v, "URL") or ical_text(v, "SUMMARY"): ical_text(v, "UID") for v in again.walk("VEVENT")}
        R.check(f"{slug} schedule.ics: UIDs stable across fetches", uids == uids2, f"first {uids}, second {uids2}")
    etag = result.headers.get("ETag")
    if etag:
        cached = client.request("GET", path, headers={"If-None-Match": etag})
        R.check(f"{slug} schedule.ics: If-None-Match → 304", cached.status == 304, f"status {cached.status}")
    # One room.
    rooms = event.get("rooms", [])
    room = next((r for r in rooms if any(s["roomId"] == r["id"] for s in event["sessions"])), None)
    if room is not None:
        label = f"{slug} schedule.ics?room={room['id']}"
        calendar_room, _ = fetch_calendar(client, f"{path}?room={room['id']}", label)
        if calendar_room is not None:
            check_calendar(label, calendar_room, event, [s for s in event["sessions"] if s["roomId"] == room["id"]], fixtures)
        bad = client.request("GET", f"{path}?room=999999999")
        R.check(f"{slug} schedule.ics?room=<unknown>: 4xx problem", 400 <= bad.status < 500, f"status {bad.status}")
    R.ok(f"{slug} schedule.ics: {len(found)} VEVENTs checked (+ room {room['id'] if room else '-'})")


def check_retime(client: Client, fixtures: dict) -> None:
    berlin = fixtures["berlin"]
    slug, session_id = berlin["slug"], berlin["retime"]
    R.section(f"retime session {session_id} of {slug}: SEQUENCE and LAST-MODIFIED")
    path = f"/api/v1/events/{slug}/schedule.ics"
    before_result = client.expect("GET", path, status=200)
    before = icalendar.Calendar.from_ical(before_result.body)
    session = client.expect("GET", f"/api/v1/events/{slug}/sessions/{session_id}", status=200)
    guid = session.json()["guid"]
    vbefore = next((v for v in before.walk("VEVENT") if ical_text(v, "UID").startswith(guid)), None)
    if vbefore is None:
        R.check("retime: session in the calendar before", False, f"no VEVENT with UID {guid}@…")
        return
    seq_before = int(vbefore.get("SEQUENCE", 0))
    lm_before = vbefore.get("LAST-MODIFIED")
    R.check("retime: LAST-MODIFIED present before", lm_before is not None, "no LAST-MODIFIED")
    time.sleep(1.1)  # LAST-MODIFIED has one-second resolution
    etag = session.headers.get("ETag")
    patched = client.request("PATCH", f"/api/v1/events/{slug}/sessions/{session_id}",
                             {"startsAt": "2040-10-29T10:30:00+01:00", "endsAt": "2040-10-29T12:00:00+01:00"},
                             headers={"If-Match": etag} if etag else None)
    if not R.check("retime: PATCH with If-Match → 200", patched.status == 200, f"status {patched.status}: {patched.body[:300]!r}"):
        return
    after_result = client.expect("GET", path, status=200)
    R.check("retime: calendar ETag changed", after_result.headers.get("ETag") != before_result.headers.get("ETag"),
            f"ETag {after_result.headers.get('ETag')!r} both times")
    if before_result.headers.get("ETag"):
        stale = client.request("GET", path, headers={"If-None-Match": before_result.headers["ETag"]})
        R.check("retime: old ETag no longer answers 304", stale.status == 200, f"status {stale.status}")
    after = icalendar.Calendar.from_ical(after_result.body)
    vafter = next((v for v in after.walk("VEVENT") if ical_text(v, "UID").startswith(guid)), None)
    if vafter is None:
        R.check("retime: same UID after the change", False, f"no VEVENT with UID {guid}@…")
        return
    R.check("retime: same UID", ical_text(vafter, "UID") == ical_text(vbefore, "UID"), f"{ical_text(vbefore, 'UID')} → {ical_text(vafter, 'UID')}")
    seq_after = int(vafter.get("SEQUENCE", 0))
    R.check("retime: SEQUENCE increased", seq_after > seq_before, f"SEQUENCE {seq_before} → {seq_after}")
    lm_after = vafter.get("LAST-MODIFIED")
    if R.check("retime: LAST-MODIFIED present after", lm_after is not None, "no LAST-MODIFIED"):
        if lm_before is not None:
            R.check("retime: LAST-MODIFIED not earlier", lm_after.dt >= lm_before.dt, f"{lm_before.dt} → {lm_after.dt}")
        R.check("retime: LAST-MODIFIED in UTC", lm_after.dt.utcoffset() == dt.timedelta(0), f"{lm_after.to_ical()!r}")
    start = vafter.get("DTSTART").dt
    R.check("retime: DTSTART moved to 10:30 CET", start == parse_time("2040-10-29T10:30:00+01:00"), f"DTSTART {start}")
    R.ok(f"SEQUENCE {seq_before} → {seq_after}, LAST-MODIFIED {lm_before.dt if lm_before else None} → {lm_after.dt if lm_after else None}")


def check_personal(client: Client, slug: str, workshop_id: int, fixtures: dict, language: str) -> None:
    R.section(f"attendee calendar for {slug} (language {language})")
    registered = client.request("POST", f"/api/v1/events/{slug}/registrations", {
        "name": "Zhang San 张三", "email": f"qa-{slug}-{language}@example.org", "organisation": "QA; \"Test\", Inc.",
        "country": "CN", "language": language, "sessionIds": [workshop_id], "consent": True}, auth=False)
    if not R.check(f"{slug}: registration → 201", registered.status == 201, f"status {registered.status}: {registered.body[:300]!r}"):
        return
    body = registered.json()
    R.check(f"{slug}: registration confirmed", body.get("status") == "confirmed", f"{body}")
    token = body["token"]
    own = client.expect("GET", f"/api/v1/registrations/{token}", status=200, auth=False).json()
    event = client.expect("GET", f"/api/v1/events/{slug}", status=200, auth=False).json()
    label = f"{slug} /registrations/…/schedule.ics"
    calendar, result = fetch_calendar(client, f"/api/v1/registrations/{token}/schedule.ics", label)
    if calendar is None:
        return
    R.check(f"{label}: Cache-Control no-store", "no-store" in (result.headers.get("Cache-Control") or ""),
            f"Cache-Control {result.headers.get('Cache-Control')!r}")
    workshop = next(s for s in event["sessions"] if s["id"] == workshop_id)
    uids = [ical_text(v, "UID") or "" for v in calendar.walk("VEVENT")]
    R.check(f"{label}: contains the workshop", any(u.startswith(workshop["guid"]) for u in uids), f"UIDs {uids}")
    expected = [s for s in event["sessions"] if s.get("capacity") is None or s["id"] == workshop_id]
    check_calendar(label, calendar, event, expected, fixtures, language=language)
    R.ok(f"{label}: {len(uids)} VEVENTs, workshop included (registration {own.get('status')})")


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("TANDEM_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--email", default=os.environ.get("TANDEM_ADMIN_EMAIL", "admin@example.org"))
    parser.add_argument("--password", default=os.environ.get("TANDEM_ADMIN_PASSWORD", "admin password 1234"))
    parser.add_argument("--formats", default=os.environ.get("TANDEM_FORMATS", str(REPO.parent / "shared" / "formats")))
    args = parser.parse_args()

    json_validator, xsd = load_formats(Path(args.formats))
    client = Client(args.url)
    try:
        R.section("log in")
        client.token = client.expect("POST", "/api/v1/auth/login", {"email": args.email, "password": args.password}, status=200).json()["token"]
        R.ok("bearer token")
        fixtures = create_fixtures(client, time.strftime("%Y%m%d%H%M%S") + f"-{os.getpid()}")
    except Fatal as error:
        R.check("set-up", False, str(error))
        return finish()

    slugs = [e["slug"] for e in client.expect("GET", "/api/v1/events", status=200, auth=False).json()["items"]]
    for slug in (fixtures["berlin"]["slug"], fixtures["shanghai"]["slug"]):
        R.check(f"{slug} is listed as published", slug in slugs, f"events {slugs}")
    slugs = list(dict.fromkeys(slugs + [fixtures["berlin"]["slug"], fixtures["shanghai"]["slug"]]))
    for slug in slugs:
        R.section(f"event {slug}")
        try:
            event = client.expect("GET", f"/api/v1/events/{slug}", status=200, auth=False).json()
            anonymous = Client(args.url)  # exports are public
            check_frab_json(anonymous, slug, event, json_validator)
            check_frab_xml(anonymous, slug, event, xsd)
            check_event_calendars(anonymous, slug, event, fixtures)
        except Fatal as error:
            R.check(f"{slug}", False, str(error))
        except Exception:
            R.check(f"{slug}: checker crashed", False, traceback.format_exc())

    for step in (lambda: check_retime(client, fixtures),
                 lambda: check_personal(client, fixtures["berlin"]["slug"], fixtures["workshops"][fixtures["berlin"]["slug"]], fixtures, "en"),
                 lambda: check_personal(client, fixtures["shanghai"]["slug"], fixtures["workshops"][fixtures["shanghai"]["slug"]], fixtures, "zh")):
        try:
            step()
        except Fatal as error:
            R.check("step", False, str(error))
        except Exception:
            R.check("checker crashed", False, traceback.format_exc())
    return finish()


def finish() -> int:
    print(f"\n{R.passed} checks passed, {len(R.failures)} failed", flush=True)
    if R.failures:
        print("\nFAILURES:", flush=True)
        for failure in R.failures:
            print(f"  - {failure}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
