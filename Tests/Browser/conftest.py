"""Browser tests for Tandem's attendee site and agenda screen.

They start the real server binary (``TANDEM_BINARY``, default ``.build/debug/tandem``) on a free
port with a fresh SQLite database, and drive Debian's ``chromium`` through ``chromium-driver``.
``TANDEM_SCREENSHOTS=docs/screenshots`` additionally saves named screenshots for the README.
"""
from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "browser tests, long enough"
CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("TANDEM_CHROMEDRIVER", "/usr/bin/chromedriver")

os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager go to the internet


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_postgres_database(server: str) -> str:
    """Creates an empty database on the PostgreSQL server and returns its URL."""
    name = f"tandem_browser_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", server, "-qc", f"CREATE DATABASE {name} TEMPLATE template0"], check=True)
    parts = urllib.parse.urlsplit(server)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


class TandemServer:
    """The real binary on one port and one database; can be stopped and started again on both."""

    def __init__(self, binary: Path, workdir: Path, public: Path = REPO / "Public"):
        self.binary = binary
        self.workdir = workdir
        self.public = public  # the front end it serves (a test may serve a changed copy: a new release)
        # TANDEM_BROWSER_POSTGRES (a server URL such as TANDEM_TEST_POSTGRES): each server gets a new
        # PostgreSQL database there instead of a SQLite file, so every page is tried on both stores.
        self.database = new_postgres_database(server) if (server := os.environ.get("TANDEM_BROWSER_POSTGRES")) \
            else workdir / "tandem.sqlite"
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = workdir / "server.log"
        self.mail_folder = workdir / "mail"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "TANDEM_ADMIN_EMAIL": ADMIN_EMAIL,
            "TANDEM_ADMIN_PASSWORD": ADMIN_PASSWORD,
            # .eml files, so double opt-in tests can follow the e-mailed link.
            "TANDEM_MAIL": f"directory:{self.mail_folder}",
            "TANDEM_BCRYPT_COST": "4",
            "TANDEM_RATE_LIMITS": "0",
            "TANDEM_DATA_DIR": str(self.workdir),
        }
        if str(self.database).startswith("postgres"):
            # Required on PostgreSQL (every instance derives its links from the same secret).
            env["TANDEM_SECRET"] = "the browser tests' secret, long enough"
        log = open(self.log, "ab")
        self.process = subprocess.Popen(
            [str(self.binary), "--host", "127.0.0.1", "--port", str(self.port),
             "--database", str(self.database), "--public", str(self.public)],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"tandem exited with {self.process.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"tandem did not become healthy:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def mail_texts(self) -> list[str]:
        """The text parts of the e-mails delivered so far, decoded."""
        texts = []
        for path in sorted(self.mail_folder.glob("*.eml")) if self.mail_folder.exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            texts += [part.get_content() for part in message.walk() if part.get_content_type() == "text/plain"]
        return texts

    def restart(self) -> None:
        self.stop()
        self.start()


class Api:
    """A small JSON client for the server's HTTP API (organiser calls use the admin token)."""

    def __init__(self, server: TandemServer):
        self.server = server
        self.token: str | None = None

    def request(self, method: str, path: str, body=None, headers=None, auth=True):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.server.base}{path}", data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if auth and self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raw = response.read()
                return response.status, dict(response.headers), (json.loads(raw) if raw and "json" in (response.headers.get("Content-Type") or "") else raw)
        except urllib.error.HTTPError as error:
            raw = error.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw
            return error.code, dict(error.headers), parsed

    def ok(self, method: str, path: str, body=None, headers=None, auth=True):
        status, _, data = self.request(method, path, body, headers, auth)
        assert 200 <= status < 300, f"{method} {path} → {status}: {data}"
        return data

    def login(self) -> str:
        self.token = self.ok("POST", "/api/v1/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, auth=False)["token"]
        return self.token

    # --- fixtures built through the API -------------------------------------------------

    def create_event(self, *, starts: datetime, hours: float = 10, capacity: int | None = 50,
                     tz: str = "Europe/Berlin", title=None, slug: str | None = None, **extra) -> dict:
        slug = slug or f"bt-{uuid.uuid4().hex[:10]}"
        body = {
            "slug": slug, "kind": "workshop", "status": "published",
            "title": title or {"en": f"Browser test {slug}", "zh": f"浏览器测试 {slug}"},
            "timezone": tz, "startsAt": iso(starts), "endsAt": iso(starts + timedelta(hours=hours)),
            "venue": {"name": "Elbforum", "city": "Hamburg", "country": "DE"},
            **({"capacity": capacity} if capacity is not None else {}),
            # Tests about something else register on instant events; pass registrationMode="verified" for double opt-in.
            "registrationMode": "instant", **extra,
        }
        return self.ok("POST", "/api/v1/events", body)

    def create_room(self, slug: str, name: str, capacity: int | None = None) -> dict:
        return self.ok("POST", f"/api/v1/events/{slug}/rooms", {"name": name, **({"capacity": capacity} if capacity else {})})

    def create_session(self, slug: str, room: int, starts: datetime, minutes: int, title, kind="talk", **extra) -> dict:
        if isinstance(title, str):
            title = {"en": title}
        return self.ok("POST", f"/api/v1/events/{slug}/sessions", {
            "title": title, "kind": kind, "roomId": room, "startsAt": iso(starts),
            "endsAt": iso(starts + timedelta(minutes=minutes)), **extra})

    def update_session(self, slug: str, session_id: int, patch: dict) -> dict:
        return self.ok("PATCH", f"/api/v1/events/{slug}/sessions/{session_id}", patch)

    def register(self, slug: str, name: str, email: str, session_ids=(), **extra) -> dict:
        return self.ok("POST", f"/api/v1/events/{slug}/registrations", {
            "name": name, "email": email, "sessionIds": list(session_ids), "consent": True, **extra}, auth=False)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def now_utc() -> datetime:
    return datetime.now(timezone.utc).replace(second=0, microsecond=0)


# --- fixtures ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def server():
    binary = Path(os.environ.get("TANDEM_BINARY", REPO / ".build/debug/tandem"))
    if not binary.is_absolute():
        binary = REPO / binary
    if not binary.exists():
        pytest.exit(f"no Tandem binary at {binary}: build it (swift build) or set TANDEM_BINARY", returncode=2)
    with tempfile.TemporaryDirectory(prefix="tandem-browser-") as workdir:
        instance = TandemServer(binary, Path(workdir))
        instance.start()
        yield instance
        instance.stop()


@pytest.fixture(scope="session")
def api(server) -> Api:
    client = Api(server)
    client.login()
    return client


@pytest.fixture
def live_event(api):
    """A published event happening now (Europe/Berlin) with two rooms, a current and a next session in each."""
    start = now_utc() - timedelta(hours=2)
    event = api.create_event(starts=start, hours=12)
    slug = event["slug"]
    room_a = api.create_room(slug, "Room A")
    room_b = api.create_room(slug, "Room B")
    now = now_utc()
    sessions = {
        "a_now": api.create_session(slug, room_a["id"], now - timedelta(minutes=30), 60, {"en": "Opening plenary", "zh": "开幕全体会议"}, kind="plenary"),
        "a_next": api.create_session(slug, room_a["id"], now + timedelta(minutes=40), 50, {"en": "Fundraising for NGOs", "zh": "非政府组织筹款"}),
        "b_now": api.create_session(slug, room_b["id"], now - timedelta(minutes=20), 60, {"en": "Monitoring and evaluation", "zh": "监测与评估"}),
        "b_next": api.create_session(slug, room_b["id"], now + timedelta(minutes=50), 40, {"en": "Volunteer management", "zh": "志愿者管理"}),
    }
    return {"slug": slug, "event": event, "rooms": {"a": room_a, "b": room_b}, "sessions": sessions}


@pytest.fixture
def future_event(api):
    """A published event in a month with registration open, two rooms, a plenary and two workshops."""
    start = (now_utc() + timedelta(days=30)).replace(hour=7, minute=0)
    event = api.create_event(starts=start, hours=9, capacity=20)
    slug = event["slug"]
    hall = api.create_room(slug, "Saal 1")
    room = api.create_room(slug, "Workshop Room")
    sessions = {
        "plenary": api.create_session(slug, hall["id"], start, 60, {"en": "Welcome", "zh": "欢迎"}, kind="plenary"),
        "ws_small": api.create_session(slug, room["id"], start + timedelta(hours=2), 90, {"en": "Small workshop", "zh": "小型工作坊"}, kind="workshop", capacity=1),
        "ws_big": api.create_session(slug, hall["id"], start + timedelta(hours=5), 90, {"en": "Big workshop", "zh": "大型工作坊"}, kind="workshop", capacity=10),
    }
    return {"slug": slug, "event": event, "rooms": {"hall": hall, "room": room}, "sessions": sessions, "start": start}


def _options(width: int, height: int, extra_args=()) -> Options:
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=en-GB", "--disable-extensions",
                "--no-first-run", "--disable-background-networking", *extra_args):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber});
});
"""


# Every browser a test has open, in the order they were started: a failing test leaves a screenshot,
# the page's HTML and the console log of each in ARTIFACTS (see pytest_runtest_makereport).
_open_drivers: dict[int, webdriver.Chrome] = {}


def _make_driver(width: int, height: int, extra_args=()):
    driver = webdriver.Chrome(options=_options(width, height, extra_args), service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_PROBE})
    driver.set_script_timeout(20)
    _open_drivers[id(driver)] = driver
    quit_browser = driver.quit

    def quit_and_forget():
        _open_drivers.pop(id(driver), None)
        quit_browser()

    driver.quit = quit_and_forget
    return driver


def save_artifacts(test_name: str) -> list[Path]:
    """Saves <test>.png, <test>.html and <test>.console.json (then <test>.2.png … for a second browser)
    of every open browser into ARTIFACTS; returns the files written."""
    written = []
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in test_name).strip("-")
    for index, driver in enumerate(list(_open_drivers.values()), start=1):
        stem = ARTIFACTS / (name if index == 1 else f"{name}.{index}")
        try:  # the browser may be gone or hung: the report must still be written
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(stem.with_name(stem.name + ".png")))
            stem.with_name(stem.name + ".html").write_text(f"<!-- {driver.current_url} -->\n{driver.page_source}", encoding="utf-8")
            stem.with_name(stem.name + ".console.json").write_text(json.dumps(driver.get_log("browser"), indent=1))
            written += [stem.with_name(stem.name + suffix) for suffix in (".png", ".html", ".console.json")]
        except Exception as error:  # noqa: BLE001
            print(f"could not save the artifacts of browser {index}: {error}")
    return written


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)
    # Before the fixtures' teardown quits the browsers: a failed test (or a failed fixture setup).
    if report.failed and report.when in ("setup", "call") and _open_drivers:
        files = save_artifacts(item.name)
        if files:
            report.sections.append(("browser artifacts", "\n".join(str(f.relative_to(REPO)) for f in files)))


def chromium(request, width: int, height: int, extra_args=()):
    """Body of a browser fixture: `yield from chromium(request, w, h)` — a driver of that size
    (with more Chromium flags if given), saved to ARTIFACTS if the test fails, quit afterwards."""
    driver = _make_driver(width, height, extra_args)
    yield driver
    driver.quit()


@pytest.fixture
def browser(request):
    """Headless Chromium, 1280×900, with a CSP-violation probe on every document."""
    yield from chromium(request, 1280, 900)


@pytest.fixture
def screen_browser(request):
    """Headless Chromium at 1920×1080, like the hallway TV."""
    yield from chromium(request, 1920, 1080)


@pytest.fixture
def screenshot():
    """screenshot(driver, name): saves docs/screenshots/<name>.png when TANDEM_SCREENSHOTS is set."""
    folder = os.environ.get("TANDEM_SCREENSHOTS")

    def save(driver, name: str):
        if not folder:
            return None
        target = Path(folder)
        if not target.is_absolute():
            target = REPO / target
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{name}.png"
        driver.save_screenshot(str(path))
        return path

    return save


def wait(driver, timeout=10, poll=0.05):
    # A page that re-renders replaces the elements a condition just found: a stale
    # element means "look again", as a missing one does, never a failed test.
    return WebDriverWait(driver, timeout, poll_frequency=poll,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
