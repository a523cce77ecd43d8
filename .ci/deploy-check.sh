#!/usr/bin/env bash
# Checks the deployment files in Deploy/ without Docker and without building Tandem:
#   - the nginx sites pass `nginx -t` (host site and compose variant, each for one instance and for
#     several, self-signed certificates); the several-instance sites differ from the one-instance
#     sites only in the upstream; a real nginx on the host site proxies to a stub server as Tandem
#     needs (redirect, HSTS, X-Forwarded-*, WebSocket upgrade, unbuffered SSE, gzip but strong
#     session ETags, body limit), and a real nginx on the instances site in front of two stubs
#     spreads requests, survives a stopped instance, and never sends a POST twice;
#   - the systemd units pass `systemd-analyze verify` (skipped when systemd-analyze is missing), and
#     the template tandem@.service has tandem.service's sandbox;
#   - compose.yaml and compose.postgres.yaml parse and are consistent (files, health checks,
#     trusted proxy address, the database URL and secret, the proxy's upstream);
#   - the Dockerfile builds the product CI builds, with CI's Swift version, from files in the context;
#   - flags, subcommands and TANDEM_* variables used in Deploy/ exist in Sources/;
#   - the backup and health-check scripts behave (with stubs).
# Run from anywhere as root (it installs nginx with apt when missing). Takes about 20 seconds,
# most of them waiting for nginx to try a failed stub again.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }
warnings=()
warn() { printf 'WARN: %s\n' "$*" >&2; warnings+=("$*"); }

# Features of the server that Deploy/ already uses and that are being implemented (issue 7). Until
# they exist in Sources/, their absence is a warning, not a failure.
pending_variables=(
  TANDEM_TRUSTED_PROXIES
)
pending_subcommands=(backup)

tmp=$(mktemp -d)
nginx_pid_file="$tmp/run/nginx.pid"
stub=""
cleanup() {
  if [ -f "$nginx_pid_file" ]; then kill "$(cat "$nginx_pid_file")" 2>/dev/null || true; fi
  if [ -n "$stub" ]; then kill "$stub" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
# Waits until nginx has exited: its master removes the pid file on the way out, which must not be
# the next nginx's.
stop_nginx() {
  local pid
  pid=$(cat "$nginx_pid_file")
  kill "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$nginx_pid_file"
}

section "tools"
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  # Never start the services being installed (nginx would take port 80).
  policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy=created
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  for package in "${missing[@]}"; do
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$package" >/dev/null \
      || { [ "$package" = systemd ] && echo "could not install systemd; its checks are skipped"; } \
      || fail "could not install $package"
  done
  if [ "$policy" = created ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
python3 -c 'import yaml' 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages pyyaml 2>/dev/null \
  || python3 -m pip install --quiet pyyaml
nginx -v 2>&1
command -v systemd-analyze >/dev/null 2>&1 && systemd-analyze --version | head -1

section "shell scripts"
bash -n Deploy/bin/tandem-healthcheck
sh -n Deploy/bin/tandem-backup
for script in Deploy/bin/tandem-healthcheck Deploy/bin/tandem-backup .ci/deploy-check.sh; do
  [ -x "$script" ] || fail "$script is not executable"
done
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck Deploy/bin/tandem-healthcheck Deploy/bin/tandem-backup .ci/deploy-check.sh
else
  echo "shellcheck not installed; syntax checked with bash -n / sh -n"
fi
echo "ok"

section "nginx -t: host site (Deploy/nginx/tandem.conf + tandem-proxy.conf), self-signed certificate"
openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 2 \
  -subj /CN=tandem.example.org -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" 2>/dev/null
mkdir -p "$tmp/host" "$tmp/compose/conf.d" "$tmp/run" "$tmp/logs"
# Only the temporary copies get the test paths; Deploy/ keeps the production paths.
rewrite_common() {
  sed -e "s|/etc/letsencrypt/live/tandem/|$tmp/|g" \
      -e "s|/etc/nginx/snippets/tandem-proxy.conf|$tmp/tandem-proxy.conf|g" \
      -e "s|/var/log/nginx/|$tmp/logs/|g" "$@"
}
cp Deploy/nginx/tandem-proxy.conf "$tmp/tandem-proxy.conf"
rewrite_common Deploy/nginx/tandem.conf > "$tmp/host/tandem.conf"
grep -q "$tmp/fullchain.pem" "$tmp/host/tandem.conf" || fail "tandem.conf does not use /etc/letsencrypt/live/tandem/fullchain.pem"
grep -q "include $tmp/tandem-proxy.conf" "$tmp/host/tandem.conf" || fail "tandem.conf does not include /etc/nginx/snippets/tandem-proxy.conf"
main_conf() { # $1: site file; $2: extra http-level lines
  cat <<EOF
user root;
worker_processes 1;
pid $nginx_pid_file;
error_log $tmp/logs/error.log;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    access_log $tmp/logs/access.log;
    client_body_temp_path $tmp/run/body;
    proxy_temp_path $tmp/run/proxy;
    fastcgi_temp_path $tmp/run/fastcgi;
    uwsgi_temp_path $tmp/run/uwsgi;
    scgi_temp_path $tmp/run/scgi;
    ${2:-}
    include $1;
}
EOF
}
main_conf "$tmp/host/tandem.conf" > "$tmp/host/main.conf"
nginx -t -q -p "$tmp/run/" -c "$tmp/host/main.conf" || fail "nginx -t failed for Deploy/nginx/tandem.conf"
echo "ok"

section "nginx -t: compose proxy (Deploy/nginx/nginx.conf + tandem-compose.conf)"
rewrite_common -e "s|server tandem:8080;|server 127.0.0.1:8080;|" Deploy/nginx/tandem-compose.conf > "$tmp/compose/conf.d/default.conf"
grep -q "server 127.0.0.1:8080;" "$tmp/compose/conf.d/default.conf" || fail "tandem-compose.conf: upstream is not tandem:8080"
rewrite_common -e "s|^user .*;|user root;|" -e "s|^pid .*;|pid $tmp/run/compose.pid;|" \
  -e "s|include /etc/nginx/conf.d/\*.conf;|include $tmp/compose/conf.d/*.conf;|" \
  Deploy/nginx/nginx.conf > "$tmp/compose/nginx.conf"
grep -q "include $tmp/compose/conf.d/" "$tmp/compose/nginx.conf" || fail "Deploy/nginx/nginx.conf does not include /etc/nginx/conf.d/*.conf"
nginx -t -q -p "$tmp/run/" -c "$tmp/compose/nginx.conf" || fail "nginx -t failed for the compose proxy configuration"
echo "ok"

section "nginx -t: several instances (Deploy/nginx/tandem-instances.conf, tandem-compose-instances.conf)"
mkdir -p "$tmp/instances" "$tmp/compose-instances/conf.d"
rewrite_common Deploy/nginx/tandem-instances.conf > "$tmp/instances/tandem.conf"
grep -q "$tmp/fullchain.pem" "$tmp/instances/tandem.conf" || fail "tandem-instances.conf does not use /etc/letsencrypt/live/tandem/fullchain.pem"
grep -q "include $tmp/tandem-proxy.conf" "$tmp/instances/tandem.conf" || fail "tandem-instances.conf does not include /etc/nginx/snippets/tandem-proxy.conf"
main_conf "$tmp/instances/tandem.conf" > "$tmp/instances/main.conf"
nginx -t -q -p "$tmp/run/" -c "$tmp/instances/main.conf" || fail "nginx -t failed for Deploy/nginx/tandem-instances.conf"
# The upstream names addresses, not container names, so nginx -t needs no Docker DNS here.
rewrite_common Deploy/nginx/tandem-compose-instances.conf > "$tmp/compose-instances/conf.d/default.conf"
sed -e "s|$tmp/compose/conf.d/|$tmp/compose-instances/conf.d/|" "$tmp/compose/nginx.conf" > "$tmp/compose-instances/nginx.conf"
nginx -t -q -p "$tmp/run/" -c "$tmp/compose-instances/nginx.conf" || fail "nginx -t failed for Deploy/nginx/tandem-compose-instances.conf"
python3 - <<'PY'
"""The several-instance sites are the one-instance sites with another upstream: nothing else may drift."""
import re, sys
def parts(path):
    text = open(path).read()
    match = re.search(r"(?ms)^upstream tandem_backend \{\n(.*?)^\}\n", text)
    if not match: sys.exit(f"FAIL: {path} has no upstream tandem_backend block")
    def directives(block):
        return [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    return directives(match.group(1)), directives(text.replace(match.group(0), ""))
errors = []
for single, several, address in [("tandem.conf", "tandem-instances.conf", r"127\.0\.0\.1:\d+"),
                                 ("tandem-compose.conf", "tandem-compose-instances.conf", r"172\.30\.81\.\d+:8080")]:
    _, single_rest = parts(f"Deploy/nginx/{single}")
    upstream, rest = parts(f"Deploy/nginx/{several}")
    retries = [line for line in rest if line.startswith("proxy_next_upstream")]
    if [line for line in rest if line not in retries] != single_rest:
        errors.append(f"{several} differs from {single} outside the upstream block and proxy_next_upstream")
    if "proxy_next_upstream error timeout;" not in retries or any("non_idempotent" in line for line in rest):
        errors.append(f"{several}: proxy_next_upstream must be 'error timeout' (a POST is never sent twice)")
    # Resuming works on any instance: no stickiness.
    sticky = [line for line in upstream if line.split()[0] in ("ip_hash;", "ip_hash", "hash", "sticky")]
    if sticky: errors.append(f"{several}: no sticky balancing, found {sticky}")
    servers = [line for line in upstream if line.startswith("server ")]
    if len(servers) < 2: errors.append(f"{several}: the upstream lists {len(servers)} instance(s), expected several")
    for line in servers:
        if not re.fullmatch(rf"server {address}( max_fails=\d+| fail_timeout=\d+s)*;", line):
            errors.append(f"{several}: unexpected upstream line '{line}'")
    for needed in ("least_conn;", "keepalive 32;"):
        if needed not in upstream: errors.append(f"{several}: the upstream lacks '{needed}'")
    if not any(line.startswith("zone ") for line in upstream): errors.append(f"{several}: the upstream has no zone (shared by workers)")
if errors:
    print("\n".join("FAIL: " + e for e in errors)); sys.exit(1)
print("ok: the same sites as for one instance, upstream over several instances, no ip_hash, POST not retried")
PY

section "nginx in action: host site in front of a stub server"
ports=$(python3 -c '
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
read -r http_port https_port stub_port <<< "$ports"
sed -e "s|listen 80;|listen 127.0.0.1:$http_port;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
    -e '/listen \[::\]/d' -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$stub_port;|" \
    "$tmp/host/tandem.conf" > "$tmp/host/run.conf"
main_conf "$tmp/host/run.conf" > "$tmp/host/run-main.conf"
nginx -p "$tmp/run/" -c "$tmp/host/run-main.conf"
cat > "$tmp/tandem_stub.py" <<'PY'
"""A stub of Tandem's HTTP surface, and helpers for checking what arrives through nginx."""
import json, socket, ssl, threading, time, urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG_JSON = json.dumps({"sessions": [{"id": i, "title": {"en": "Fundraising for NGOs"}} for i in range(120)]}).encode()

class Stub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass

    def setup(self):
        super().setup()
        with self.server.lock: self.server.connections.add(self.connection)

    def finish(self):
        with self.server.lock: self.server.connections.discard(self.connection)
        super().finish()

    def record(self):
        with self.server.lock: self.server.received.append((self.command, self.path.split("?")[0]))

    def drop(self):
        """Like an instance killed while it handles the request: the connection ends, no answer."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def reply(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers: self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        self.record()
        if path == "/healthz":
            return self.reply(200, b'{"status":"ok"}')
        if path == "/whoami":
            return self.reply(200, self.server.name.encode(), "text/plain")
        if path.endswith("/flaky"):
            return self.drop() if self.server.drops_flaky else self.reply(200, self.server.name.encode(), "text/plain")
        if path == "/echo":
            return self.reply(200, json.dumps({k.lower(): v for k, v in self.headers.items()}).encode())
        if path.endswith("/live/stream"):
            # Like Tandem, minus X-Accel-Buffering: the nginx configuration alone must not buffer.
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"id: 1\ndata: {\"seq\":1}\n\n"); self.wfile.flush()
            time.sleep(1.5)
            self.wfile.write(b"id: 2\ndata: {\"seq\":2}\n\n"); self.wfile.flush()
            self.close_connection = True
            return
        if path.endswith("/live"):
            upgrade = self.headers.get("Upgrade", "").lower()
            connection = self.headers.get("Connection", "").lower()
            if upgrade != "websocket" or "upgrade" not in connection:
                return self.reply(400, json.dumps({"upgrade": upgrade, "connection": connection}).encode())
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.end_headers(); self.wfile.flush()
            line = self.rfile.readline()            # after the upgrade: an echo of raw bytes
            self.wfile.write(b"echo " + line.rstrip(b"\n") + b" from " + self.server.name.encode() + b"\n"); self.wfile.flush()
            self.close_connection = True
            return
        if "/sessions/" in path:
            return self.reply(200, BIG_JSON, headers=[("ETag", '"3"')])
        if path.endswith("/schedule"):
            return self.reply(200, BIG_JSON, headers=[("ETag", '"42"')])
        self.reply(404, b'{"code":"not-found"}', "application/problem+json")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        self.record()
        if self.path.split("?")[0].endswith("/registrations"):
            return self.drop()                      # accepted the registration, then died
        self.reply(200, json.dumps({"received": length, "by": self.server.name}).encode())

class StubServer(ThreadingHTTPServer):
    """One stub instance on 127.0.0.1:port, serving from a thread; /whoami answers its name."""
    daemon_threads = True
    def __init__(self, port, name="stub", drops_flaky=False):
        self.name, self.drops_flaky = name, drops_flaky
        self.lock, self.connections, self.received = threading.Lock(), set(), []
        super().__init__(("127.0.0.1", port), Stub)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def handle_error(self, request, client_address): pass   # dropped connections are on purpose

    def count(self, method, suffix):
        with self.lock: return sum(1 for m, p in self.received if m == method and p.endswith(suffix))

    def stop(self):
        """Like a stopped instance: the port refuses, and the open connections are cut."""
        self.shutdown(); self.server_close()
        with self.lock: connections = list(self.connections)
        for connection in connections:
            try: connection.shutdown(socket.SHUT_RDWR)
            except OSError: pass

failures = []
def check(name, condition, detail=""):
    print(("ok    " if condition else "FAIL  ") + name + ("" if condition else f"  ({detail})"))
    if not condition: failures.append(name)

tls = ssl.create_default_context(); tls.check_hostname = False; tls.verify_mode = ssl.CERT_NONE
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args): return None
opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=tls))

def request(url, headers=None, data=None, method=None):
    req = urllib.request.Request(url, headers={"Host": "tandem.example.org", **(headers or {})}, data=data, method=method)
    try:
        with opener.open(req, timeout=10) as r: return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()

def read_until(sock, marker, seconds=None):
    """Reads until `marker` has arrived, the peer closes, or `seconds` have passed."""
    received = b""
    deadline = None if seconds is None else time.monotonic() + seconds
    while marker not in received and (deadline is None or time.monotonic() < deadline):
        chunk = sock.recv(4096)
        if not chunk: break
        received += chunk
    return received

def check_sse(https_port):
    """The first event of an SSE stream arrives while the server is still writing, uncompressed."""
    sock = tls.wrap_socket(socket.create_connection(("127.0.0.1", https_port), timeout=10))
    started = time.monotonic()
    sock.sendall(b"GET /api/v1/events/cbw-hamburg-2017/live/stream HTTP/1.1\r\nHost: tandem.example.org\r\n"
                 b"Accept: text/event-stream\r\nAccept-Encoding: gzip\r\n\r\n")
    received = read_until(sock, b"data: {\"seq\":1}")
    first = time.monotonic() - started
    check("SSE: the first event arrives at once (unbuffered)", b"data: {\"seq\":1}" in received and first < 1.0, f"{first:.2f} s")
    check("SSE: not compressed", b"content-encoding" not in received.lower(), received[:300])
    sock.close()

def wait_for_port(port):
    for _ in range(50):   # nginx is starting
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close(); return
        except OSError: time.sleep(0.1)
PY
cat > "$tmp/nginx_behaviour.py" <<'PY'
"""Checks of what arrives through nginx (host site) at a stub of Tandem."""
import gzip, json, socket, sys, time
from tandem_stub import BIG_JSON, StubServer, check, check_sse, failures, read_until, request, tls, wait_for_port

http_port, https_port, stub_port = map(int, sys.argv[1:4])
server = StubServer(stub_port)
base = f"https://127.0.0.1:{https_port}"
wait_for_port(https_port)

status, headers, _ = request(f"http://127.0.0.1:{http_port}/events/cbw-hamburg-2017?x=1")
check("HTTP redirects to HTTPS", status == 301 and headers.get("Location") == "https://tandem.example.org/events/cbw-hamburg-2017?x=1",
      f"{status} {headers.get('Location')}")
status, _, _ = request(f"http://127.0.0.1:{http_port}/.well-known/acme-challenge/token")
check("ACME challenges are served over HTTP, not redirected", status == 404, status)

status, headers, body = request(f"{base}/echo", {"X-Forwarded-For": "203.0.113.66", "X-Forwarded-Proto": "http"})
seen = json.loads(body) if status == 200 else {}
check("HTTPS proxies to the server", status == 200, status)
check("HSTS header", "max-age=" in (headers.get("Strict-Transport-Security") or ""), headers.get("Strict-Transport-Security"))
check("Host is passed", seen.get("host") == "tandem.example.org", seen.get("host"))
check("X-Forwarded-For is the client's address (a forged one is dropped)", seen.get("x-forwarded-for") == "127.0.0.1", seen.get("x-forwarded-for"))
check("X-Forwarded-Proto is https", seen.get("x-forwarded-proto") == "https", seen.get("x-forwarded-proto"))
check("plain requests do not ask for an upgrade", "upgrade" not in seen.get("connection", "").lower(), seen.get("connection"))

status, headers, body = request(f"{base}/api/v1/events/cbw-hamburg-2017/schedule", {"Accept-Encoding": "gzip"})
check("JSON is gzipped", status == 200 and headers.get("Content-Encoding") == "gzip" and gzip.decompress(body) == BIG_JSON,
      f"{status} {headers.get('Content-Encoding')}")
status, headers, body = request(f"{base}/api/v1/events/cbw-hamburg-2017/sessions/7", {"Accept-Encoding": "gzip"})
check("sessions are not gzipped and keep their strong ETag", status == 200 and headers.get("Content-Encoding") is None
      and headers.get("ETag") == '"3"' and body == BIG_JSON, f"{headers.get('Content-Encoding')} {headers.get('ETag')}")

status, _, body = request(f"{base}/echo", {"Content-Type": "application/json"}, b"x" * 70_000, "POST")
check("a 70 KB body reaches the server (which answers 413 itself above 64 KiB)", status == 200, status)
status, _, _ = request(f"{base}/echo", {"Content-Type": "application/json"}, b"x" * 200_000, "POST")
check("a 200 KB body is refused by nginx", status == 413, status)
status, _, _ = request(f"{base}/api/v1/import/schedule", {"Content-Type": "application/json"}, b"x" * 3_000_000, "POST")
check("a 3 MB schedule.json reaches the server's import route", status == 200, status)
status, _, _ = request(f"{base}/api/v1/import/schedule", {"Content-Type": "application/json"}, b"x" * 6_000_000, "POST")
check("a 6 MB schedule.json is refused by nginx", status == 413, status)
status, _, _ = request(f"{base}/api/v1/speakers/import", {"Content-Type": "text/csv"}, b"x" * 900_000, "POST")
check("a 900 KB CSV reaches the server's speaker import", status == 200, status)

# Server-Sent Events: the first event must arrive while the server is still writing.
check_sse(https_port)

# WebSocket: the upgrade reaches the server, and bytes flow both ways afterwards.
sock = tls.wrap_socket(socket.create_connection(("127.0.0.1", https_port), timeout=10))
sock.sendall(b"GET /api/v1/events/cbw-hamburg-2017/live?since=3 HTTP/1.1\r\nHost: tandem.example.org\r\n"
             b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
             b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
received = read_until(sock, b"\r\n\r\n")
check("WebSocket: 101 Switching Protocols through nginx", received.startswith(b"HTTP/1.1 101"), received[:200])
sock.sendall(b"hello\n")
received = read_until(sock, b"echo hello", seconds=5)
check("WebSocket: bytes flow after the upgrade", b"echo hello" in received, received)
sock.close()

server.shutdown()
sys.exit(1 if failures else 0)
PY
python3 "$tmp/nginx_behaviour.py" "$http_port" "$https_port" "$stub_port" || { cat "$tmp/logs/error.log" >&2; fail "nginx does not proxy as Tandem needs"; }
stop_nginx

section "nginx in action: instances site in front of two stub instances"
ports=$(python3 -c '
import socket
socks = [socket.socket() for _ in range(4)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
read -r http_port https_port stub_a_port stub_b_port <<< "$ports"
# The two instances become the two stubs. fail_timeout is shortened to 1 s, so that waiting for
# nginx to try a failed instance again takes a second here.
sed -e "s|listen 80;|listen 127.0.0.1:$http_port;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
    -e '/listen \[::\]/d' -e "s|server 127.0.0.1:8081 |server 127.0.0.1:$stub_a_port |" \
    -e "s|server 127.0.0.1:8082 |server 127.0.0.1:$stub_b_port |" -e "s|fail_timeout=5s|fail_timeout=1s|g" \
    -e "s|$tmp/logs/tandem\.|$tmp/logs/instances.|g" \
    "$tmp/instances/tandem.conf" > "$tmp/instances/run.conf"
[ "$(grep -cE "server 127\.0\.0\.1:($stub_a_port|$stub_b_port) .*fail_timeout=1s;" "$tmp/instances/run.conf")" = 2 ] \
  || fail "tandem-instances.conf: expected the upstream lines 'server 127.0.0.1:8081 … fail_timeout=5s;' and the same for 8082"
main_conf "$tmp/instances/run.conf" > "$tmp/instances/run-main.conf"
nginx -p "$tmp/run/" -c "$tmp/instances/run-main.conf"
cat > "$tmp/nginx_instances.py" <<'PY'
"""Checks of nginx on the instances site in front of two stub instances, a and b."""
import json, socket, ssl, sys, time
from tandem_stub import StubServer, check, check_sse, failures, read_until, request, tls, wait_for_port

https_port, port_a, port_b = map(int, sys.argv[1:4])
error_log, fail_timeout = sys.argv[4], float(sys.argv[5])
a, b = StubServer(port_a, "a", drops_flaky=True), StubServer(port_b, "b")
base = f"https://127.0.0.1:{https_port}"
event = f"{base}/api/v1/events/cbw-hamburg-2017"
wait_for_port(https_port)

def whoami(times):
    answers = []
    for _ in range(times):
        status, _, body = request(f"{base}/whoami")
        answers.append(body.decode() if status == 200 else str(status))
    return answers

def back_in_rotation():
    """Waits until nginx tries an instance again that it has marked failed (nginx counts whole seconds)."""
    time.sleep(fail_timeout + 1.2)

def open_websocket():
    sock = tls.wrap_socket(socket.create_connection(("127.0.0.1", https_port), timeout=10))
    sock.sendall(b"GET /api/v1/events/cbw-hamburg-2017/live?since=3 HTTP/1.1\r\nHost: tandem.example.org\r\n"
                 b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                 b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
    return sock, read_until(sock, b"\r\n\r\n")

def echo_from(sock):
    """Sends a line over an open WebSocket; the stub's answer names the instance that holds it."""
    sock.sendall(b"hello\n")
    received = read_until(sock, b"\n", seconds=5)
    return received.strip().rsplit(b" ", 1)[-1].decode() if received.startswith(b"echo hello from ") else repr(received)

def closed(sock):
    sock.settimeout(2)
    try: return sock.recv(1) == b""
    except (socket.timeout, TimeoutError): return False
    except (ssl.SSLError, ConnectionError): return True

answers = whoami(8)
check("requests are spread over both instances", answers.count("a") >= 3 and answers.count("b") >= 3, answers)

# Server-Sent Events: unbuffered through the upstream of several instances, as for one.
check_sse(https_port)

# WebSocket; while it is open on one instance, least_conn sends new requests to the other.
ws, received = open_websocket()
check("WebSocket: 101 Switching Protocols through the instances site", received.startswith(b"HTTP/1.1 101"), received[:200])
answers = whoami(4)
holder = echo_from(ws)
ws.close()
check("WebSocket: bytes flow after the upgrade", holder in ("a", "b"), holder)
check("while one instance holds a live connection, new requests go to the other (least_conn)",
      holder in ("a", "b") and answers == [{"a": "b", "b": "a"}[holder]] * 4, f"live on {holder}, requests to {answers}")

# Idempotent requests are passed on: instance a cuts every /flaky GET, b answers it.
back_in_rotation()
answers = [request(f"{event}/flaky") for _ in range(2)]
check("a GET whose instance dies before answering is answered by the other instance",
      [(status, body) for status, _, body in answers] == [(200, b"b")] * 2 and a.count("GET", "/flaky") >= 1,
      f"{[(status, body) for status, _, body in answers]}, a saw {a.count('GET', '/flaky')}")

# A registration is never sent twice: both instances read the POST, then die without answering.
back_in_rotation()
status, _, _ = request(f"{event}/registrations", {"Content-Type": "application/json"}, b'{"sessionId":7}', "POST")
posts = a.count("POST", "/registrations") + b.count("POST", "/registrations")
check("a POST whose instance dies is not sent to the other instance: the client gets 502",
      status == 502 and posts == 1, f"status {status}, the instances received it {posts} time(s)")

# An instance stops: its live clients are cut and reconnect to the other; requests keep working.
back_in_rotation()
live = [open_websocket() for _ in range(2)]
check("two live connections: one on each instance", all(r.startswith(b"HTTP/1.1 101") for _, r in live), [r[:40] for _, r in live])
a.stop()
cut = [closed(sock) for sock, _ in live]
check("stopping an instance ends its live connection, and only that one", sorted(cut) == [False, True], cut)
sock, received = open_websocket()
check("the cut client reconnects through nginx to the other instance", received.startswith(b"HTTP/1.1 101") and echo_from(sock) == "b", received[:200])
sock.close()
for sock, _ in live: sock.close()
answers = whoami(6)
check("with one instance stopped, every request is answered by the other", answers == ["b"] * 6, answers)
back_in_rotation()
answers = [request(f"{event}/announcements", {"Content-Type": "application/json"}, b'{"text":"x"}', "POST") for _ in range(3)]
answers = [(status, json.loads(body).get("by") if status == 200 else None) for status, _, body in answers]
refused = [line for line in open(error_log) if "Connection refused" in line and f":{port_a}/" in line
           and "POST /api/v1/events/cbw-hamburg-2017/announcements" in line]
check("a POST refused by the stopped instance goes to the other (the stopped one never saw it)",
      answers == [(200, "b")] * 3 and len(refused) >= 1, f"{answers}, {len(refused)} refused by a")

b.shutdown()
sys.exit(1 if failures else 0)
PY
python3 "$tmp/nginx_instances.py" "$https_port" "$stub_a_port" "$stub_b_port" "$tmp/logs/instances.error.log" 1 \
  || { cat "$tmp/logs/error.log" "$tmp/logs/instances.error.log" >&2; fail "nginx does not spread requests over the instances as Tandem needs"; }
stop_nginx

section "systemd units (Deploy/systemd)"
for unit in tandem.service tandem@.service tandem-backup.service tandem-backup.timer tandem.env.example; do
  [ -f "Deploy/systemd/$unit" ] || fail "Deploy/systemd/$unit is missing"
done
for unit in tandem.service tandem@.service; do
  for directive in 'User=tandem' 'StateDirectory=tandem' 'ProtectSystem=strict' 'ProtectHome=yes' 'PrivateTmp=yes' \
                   'NoNewPrivileges=yes' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' 'SystemCallFilter=@system-service' \
                   'CapabilityBoundingSet=' 'MemoryDenyWriteExecute=yes' 'LimitNOFILE=20000' 'Restart=on-failure' \
                   'KillSignal=SIGTERM' 'EnvironmentFile=/etc/tandem/tandem.env'; do
    grep -qxF "$directive" "Deploy/systemd/$unit" || fail "$unit lacks $directive"
  done
done
# The template (one instance per port, on PostgreSQL) is tandem.service plus what several instances
# need: its sandbox is the same, line for line, and it leaves out only the single instance's port,
# its SQLite path and its command.
template=Deploy/systemd/tandem@.service
for directive in 'Environment=TANDEM_PORT=%i' 'EnvironmentFile=-/etc/tandem/tandem-%i.env' \
                 'Environment=TANDEM_DATA_DIR=/var/lib/tandem' 'ExecStart=/usr/local/bin/tandem serve --port %i' \
                 'Conflicts=tandem.service'; do
  grep -qxF "$directive" "$template" || fail "tandem@.service lacks $directive"
done
sandbox() { sed -n '/^# --- Sandbox ---$/,/^\[Install\]$/p' "$1"; }
[ -n "$(sandbox Deploy/systemd/tandem.service)" ] || fail "tandem.service has no '# --- Sandbox ---' section"
diff <(sandbox Deploy/systemd/tandem.service) <(sandbox "$template") >&2 \
  || fail "tandem@.service must have tandem.service's sandbox, line for line (diff above)"
left_out=$(comm -23 <(grep -vE '^(#|$)' Deploy/systemd/tandem.service | sort -u) <(grep -vE '^(#|$)' "$template" | sort -u) \
  | grep -vE '^(Description=|Environment=TANDEM_PORT=8080$|Environment=TANDEM_DATABASE=/|ExecStart=/usr/local/bin/tandem serve$)' || true)
[ -z "$left_out" ] || fail "tandem@.service leaves out these lines of tandem.service: $left_out"
# ExecStartPre refuses a SQLite database: run it as systemd would ($$ is $, %i the instance).
guard=$(sed -n 's/^ExecStartPre=//p' "$template" | sed -e 's/\$\$/$/g' -e 's/%i/8081/g')
[ -n "$guard" ] || fail "tandem@.service has no ExecStartPre that refuses SQLite"
for database in 'postgres://tandem:pw@db.example.org/tandem?sslmode=require' 'postgresql:///tandem?host=/run/postgresql'; do
  TANDEM_DATABASE=$database eval "$guard" || fail "tandem@.service refuses TANDEM_DATABASE=$database"
done
for database in /var/lib/tandem/tandem.sqlite ''; do
  if TANDEM_DATABASE=$database eval "$guard" 2>/dev/null; then fail "tandem@.service starts with TANDEM_DATABASE='$database'"; fi
done
echo "tandem@.service: tandem.service's sandbox, one port per instance, SQLite refused"
if command -v systemd-analyze >/dev/null 2>&1; then
  # The units name /usr/local/bin/tandem and /usr/local/bin/tandem-backup, which do not exist
  # here; the copies point at stubs so that verify can check that ExecStart is executable.
  mkdir -p "$tmp/units" "$tmp/bin"
  printf '#!/bin/sh\nexit 0\n' > "$tmp/bin/tandem"; cp "$tmp/bin/tandem" "$tmp/bin/tandem-backup"; chmod +x "$tmp/bin/"*
  for unit in tandem.service tandem@.service tandem-backup.service tandem-backup.timer; do
    sed "s|/usr/local/bin/|$tmp/bin/|g" "Deploy/systemd/$unit" > "$tmp/units/$unit"
  done
  # tandem@8081.service: the template, instantiated as the README does.
  (cd "$tmp/units" && systemd-analyze verify --man=no tandem.service tandem@8081.service tandem-backup.service tandem-backup.timer) > "$tmp/verify.log" 2>&1 \
    || { cat "$tmp/verify.log"; fail "systemd-analyze verify failed"; }
  # verify reports some problems without failing: show everything it said about our units.
  if grep -E "tandem" "$tmp/verify.log"; then fail "systemd-analyze verify complained (above)"; fi
  echo "systemd-analyze verify: ok"
  if systemd-analyze security --help 2>/dev/null | grep -q -- '--offline'; then
    for unit in tandem.service tandem@8081.service tandem-backup.service; do
      score=$(cd "$tmp/units" && systemd-analyze security --offline=yes --no-pager "$unit" 2>/dev/null | tail -1) || true
      echo "$unit: ${score:-no score}"
    done
  fi
else
  echo "SKIP: systemd-analyze is not available here (containers often lack systemd)"
fi

section "compose.yaml"
python3 - <<'PY'
import ipaddress, os, re, sys, yaml
os.chdir("Deploy")
doc = yaml.safe_load(open("compose.yaml"))
errors = []
def need(condition, message):
    if not condition: errors.append(message)
services = doc.get("services", {})
need({"tandem", "proxy"} <= set(services), f"services must include tandem and proxy, found {sorted(services)}")
tandem, proxy = services.get("tandem", {}), services.get("proxy", {})
build = tandem.get("build", {})
need(os.path.isfile(os.path.join(build.get("context", "."), build.get("dockerfile", "Dockerfile"))), "tandem.build does not name Deploy/Dockerfile")
for env_file in tandem.get("env_file", []):
    path = env_file if isinstance(env_file, str) else env_file["path"]
    need(os.path.isfile(path + ".example"), f"{path}.example is missing")
environment = tandem.get("environment", {})
if isinstance(environment, list): environment = dict(item.split("=", 1) for item in environment)
need(any(str(v).split(":")[0] == "tandem-data" and str(v).endswith(":/data") for v in tandem.get("volumes", [])), "tandem must mount the named volume tandem-data at /data")
need("tandem-data" in (doc.get("volumes") or {}), "the named volume tandem-data is not declared")
need("tandem-healthcheck" in " ".join(tandem.get("healthcheck", {}).get("test", [])), "tandem has no health check")
need(proxy.get("depends_on", {}).get("tandem", {}).get("condition") == "service_healthy", "proxy must wait for a healthy tandem")
for volume in proxy.get("volumes", []):
    source = volume.split(":")[0]
    if source.startswith("./"): need(os.path.isfile(source), f"proxy mounts {source}, which does not exist")
nofile = tandem.get("ulimits", {}).get("nofile", {})
need(min(nofile.get("soft", 0), nofile.get("hard", 0)) >= 20000, "tandem needs nofile >= 20000")
grace = str(tandem.get("stop_grace_period", "10s"))
need(re.fullmatch(r"\d+s", grace) and int(grace[:-1]) >= 20, f"stop_grace_period {grace}: allow at least 20s")
# The trusted proxies must be exactly the proxy container, inside the compose network.
subnet = ipaddress.ip_network(doc["networks"]["tandem"]["ipam"]["config"][0]["subnet"])
proxy_address = ipaddress.ip_address(proxy["networks"]["tandem"]["ipv4_address"])
tandem_address = ipaddress.ip_address(tandem["networks"]["tandem"]["ipv4_address"])
trusted = [ipaddress.ip_network(c.strip()) for c in str(environment.get("TANDEM_TRUSTED_PROXIES", "")).split(",") if c.strip()]
need(proxy_address in subnet and tandem_address in subnet, "container addresses lie outside the network's subnet")
need(any(proxy_address in net for net in trusted), f"TANDEM_TRUSTED_PROXIES {trusted} does not contain the proxy {proxy_address}")
need(not any(tandem_address in net for net in trusted), "TANDEM_TRUSTED_PROXIES must not trust the tandem container itself")
upstream = open("nginx/tandem-compose.conf").read()
need("server tandem:8080;" in upstream, "tandem-compose.conf must proxy to tandem:8080")
if errors:
    print("\n".join("FAIL: compose.yaml: " + e for e in errors)); sys.exit(1)
print(f"ok: services {sorted(services)}, proxy {proxy_address} trusted, network {subnet}")
PY
if docker compose version >/dev/null 2>&1; then
  cp Deploy/compose.env.example "$tmp/compose.env"
  (cd Deploy && docker compose --env-file /dev/null -f compose.yaml config -q) && echo "docker compose config: ok"
else
  echo "SKIP: docker compose is not installed here; compose.yaml was checked with PyYAML"
fi

section "compose.postgres.yaml (PostgreSQL and several instances)"
python3 - <<'PY'
import ipaddress, os, re, sys, yaml
from urllib.parse import urlsplit
os.chdir("Deploy")
text = open("compose.postgres.yaml").read()
# What compose does with ${VAR:?message} and ${VAR}, with stand-in values from the env file.
values = {"POSTGRES_PASSWORD": "pw0123", "TANDEM_SECRET": "secret"}
def strings(node):
    if isinstance(node, dict): return [s for k, v in node.items() for s in strings(k) + strings(v)]
    if isinstance(node, list): return [s for item in node for s in strings(item)]
    return [node] if isinstance(node, str) else []
raw = "\n".join(strings(yaml.safe_load(text)))   # the values as written, without comments
unknown = set(re.findall(r"\$\{(\w+)", raw)) - set(values)
doc = yaml.safe_load(re.sub(r"\$\{(\w+)(?::?[?-][^}]*)?\}", lambda m: values.get(m.group(1), ""), text))
single = yaml.safe_load(open("compose.yaml"))
errors = []
def need(condition, message):
    if not condition: errors.append(message)
def environment_of(service):
    environment = service.get("environment", {})
    return dict(item.split("=", 1) for item in environment) if isinstance(environment, list) else environment
def address(service):
    return ipaddress.ip_address(service["networks"]["tandem"]["ipv4_address"])
need(not unknown, f"interpolates {sorted(unknown)}, which compose.postgres.env.example does not explain")
# Required, never defaulted: compose stops and names the variable when the env file is missing.
need(re.search(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", raw), "POSTGRES_PASSWORD must be interpolated as ${POSTGRES_PASSWORD:?message}")
need(not re.search(r"\$\{POSTGRES_PASSWORD(?!:\?)", raw), "every ${POSTGRES_PASSWORD…} must be required (:?)")

services = doc.get("services", {})
instances = {name: s for name, s in services.items() if (s.get("build") or {}).get("dockerfile") == "Deploy/Dockerfile"}
postgres, proxy = services.get("postgres", {}), services.get("proxy", {})
need(set(services) == {"postgres", "proxy"} | set(instances), f"services must be postgres, proxy and the Tandem instances, found {sorted(services)}")
need(len(instances) >= 2, f"expected at least two Tandem instances, found {sorted(instances)}")
need(doc.get("name") not in (None, single.get("name")), "needs a project name other than compose.yaml's (volumes and networks must not mix)")
declared = doc.get("volumes") or {}

# The network: fixed addresses inside a subnet that does not overlap compose.yaml's.
subnet = ipaddress.ip_network(doc["networks"]["tandem"]["ipam"]["config"][0]["subnet"])
single_subnet = ipaddress.ip_network(single["networks"]["tandem"]["ipam"]["config"][0]["subnet"])
need(not subnet.overlaps(single_subnet), f"subnet {subnet} overlaps compose.yaml's {single_subnet}")
addresses = {name: address(service) for name, service in services.items()}
need(all(a in subnet for a in addresses.values()), f"addresses outside {subnet}: {addresses}")
need(len(set(addresses.values())) == len(addresses), f"two services share an address: {addresses}")

# PostgreSQL.
match = re.fullmatch(r"postgres:(\d+)[-.\w]*", postgres.get("image", ""))
need(match and int(match.group(1)) >= 14, f"postgres image {postgres.get('image')}: PostgreSQL 14 or newer, major version fixed")
postgres_env = environment_of(postgres)
user = postgres_env.get("POSTGRES_USER", "postgres")
database = postgres_env.get("POSTGRES_DB", user)
need(postgres_env.get("POSTGRES_PASSWORD") == values["POSTGRES_PASSWORD"], "postgres: POSTGRES_PASSWORD must come from the env file")
health = " ".join(postgres.get("healthcheck", {}).get("test", []))
need("pg_isready" in health and "127.0.0.1" in health, "postgres: the health check must be pg_isready over TCP (127.0.0.1)")
need(any(str(v).split(":")[0] in declared and str(v).split(":")[1] == "/var/lib/postgresql/data" for v in postgres.get("volumes", [])),
     "postgres: a named volume at /var/lib/postgresql/data")
need("ports" not in postgres, "postgres must not be published on the host")

# The Tandem instances.
proxy_address = addresses.get("proxy")
example = open("compose.postgres.env.example").read()
for variable in ("POSTGRES_PASSWORD", "TANDEM_SECRET"):
    # Placeholders only: an example value would be a password or secret known to everybody.
    need(re.search(rf"^{variable}=$", example, re.M), f"compose.postgres.env.example must have an empty {variable}= line to fill in")
single_tandem = single["services"]["tandem"]
without_network = lambda service: {k: v for k, v in service.items() if k != "networks"}
for name, service in instances.items():
    environment = environment_of(service)
    url = urlsplit(environment.get("TANDEM_DATABASE", ""))
    need(url.scheme in ("postgres", "postgresql") and url.hostname == "postgres" and url.username == user
         and url.password == values["POSTGRES_PASSWORD"] and url.path == "/" + database,
         f"{name}: TANDEM_DATABASE must be postgres://{user}:${{POSTGRES_PASSWORD}}@postgres…/{database}, is {environment.get('TANDEM_DATABASE')}")
    env_files = [e if isinstance(e, str) else e["path"] for e in service.get("env_file", [])]
    need("compose.postgres.env" in env_files, f"{name}: env_file must include compose.postgres.env")
    for path in env_files: need(os.path.isfile(path + ".example"), f"{path}.example is missing")
    need("TANDEM_SECRET" not in environment, f"{name}: TANDEM_SECRET comes from compose.postgres.env only (the same on every instance)")
    need(service.get("depends_on", {}).get("postgres", {}).get("condition") == "service_healthy", f"{name} must wait for a healthy postgres")
    command = service.get("command", [])
    need(isinstance(command, list) and command[:1] == ["serve"] and "--database" not in command,
         f"{name}: command must be 'serve' without --database (the image's default names a SQLite file)")
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in service.get("volumes", [])}
    need(environment.get("TANDEM_DATA_DIR") in mounts, f"{name}: TANDEM_DATA_DIR must be a mounted volume (the root filesystem is read-only)")
    need(all(source in declared for source in mounts.values() if not source.startswith(("./", "/"))), f"{name}: undeclared named volume")
    trusted = [ipaddress.ip_network(c.strip()) for c in str(environment.get("TANDEM_TRUSTED_PROXIES", "")).split(",") if c.strip()]
    need(trusted == [ipaddress.ip_network(f"{proxy_address}/32")], f"{name}: TANDEM_TRUSTED_PROXIES must be exactly the proxy {proxy_address}/32, is {trusted}")
    test = " ".join(service.get("healthcheck", {}).get("test", []))
    need("tandem-healthcheck" in test and "/readyz" in test, f"{name}: health check must be tandem-healthcheck /readyz")
    for key in ("read_only", "tmpfs", "cap_drop", "security_opt", "ulimits", "stop_signal", "stop_grace_period", "expose"):
        need(service.get(key) == single_tandem.get(key), f"{name}: {key} differs from compose.yaml's tandem")
    need(without_network(service) == without_network(next(iter(instances.values()))), f"{name} differs from the other instances in more than its address")

# The proxy: waits for every instance, and its upstream lists exactly the instances.
need(all(proxy.get("depends_on", {}).get(name, {}).get("condition") == "service_healthy" for name in instances),
     "proxy must wait for every healthy instance")
site = None
for volume in proxy.get("volumes", []):
    source, target = str(volume).split(":")[:2]
    if source.startswith("./"): need(os.path.isfile(source), f"proxy mounts {source}, which does not exist")
    if target == "/etc/nginx/conf.d/default.conf": site = source
need(site, "proxy must mount a site as /etc/nginx/conf.d/default.conf")
if site and os.path.isfile(site):
    upstream = re.search(r"(?ms)^upstream tandem_backend \{\n(.*?)^\}", open(site).read())
    servers = set(re.findall(r"(?m)^\s*server (\S+?)[ ;]", upstream.group(1))) if upstream else set()
    wanted = {f"{addresses[name]}:8080" for name in instances}
    need(servers == wanted, f"{site}: the upstream lists {sorted(servers)}, the instances are {sorted(wanted)}")
for volume in single["services"]["proxy"]["volumes"]:
    if "/conf.d/" not in volume: need(volume in proxy.get("volumes", []), f"proxy lacks compose.yaml's mount {volume}")

if errors:
    print("\n".join("FAIL: compose.postgres.yaml: " + e for e in errors)); sys.exit(1)
print(f"ok: postgres {postgres['image']}, instances {sorted(instances)} at {sorted(str(addresses[n]) for n in instances)}, "
      f"proxy {proxy_address} trusted and upstream of all, network {subnet}")
PY
if docker compose version >/dev/null 2>&1; then
  # A copy of Deploy/ with a filled-in env file: compose needs the env_file to exist.
  cp -r Deploy "$tmp/deploy"
  printf 'POSTGRES_PASSWORD=check0123\nTANDEM_SECRET=check\n' > "$tmp/deploy/compose.postgres.env"
  (cd "$tmp/deploy" && docker compose --env-file compose.postgres.env -f compose.postgres.yaml config -q) && echo "docker compose config: ok"
else
  echo "SKIP: docker compose is not installed here; compose.postgres.yaml was checked with PyYAML"
fi

section "Dockerfile builds what CI builds"
dockerfile=Deploy/Dockerfile
build_command='swift build -c release --product tandem --static-swift-stdlib'
grep -qF "RUN $build_command" "$dockerfile" || fail "$dockerfile does not run '$build_command'"
grep -qE '\.executable\(name: "tandem"' Package.swift || fail "Package.swift has no executable product 'tandem'"
grep -qF 'swift build -c release --product tandem' README.md || fail "README.md no longer documents the release build the image uses"
grep -qF "$build_command" Deploy/README.md || fail "Deploy/README.md does not show the image's build command"
image_swift=$(sed -nE 's/^FROM swift:([0-9]+\.[0-9]+)[-a-z0-9.]* AS build$/\1/p' "$dockerfile")
[ -n "$image_swift" ] || fail "$dockerfile: the build stage must be FROM swift:X.Y-… AS build"
tools=$(sed -nE 's|^// swift-tools-version: *([0-9]+\.[0-9]+).*|\1|p' Package.swift)
python3 -c "import sys; a, b = ('$image_swift', '$tools'); sys.exit(0 if tuple(map(int, a.split('.'))) >= tuple(map(int, b.split('.'))) else 1)" \
  || fail "swift:$image_swift is older than swift-tools-version $tools"
if command -v swift >/dev/null 2>&1; then
  ci_swift=$(swift --version 2>/dev/null | sed -nE 's/.*Swift version ([0-9]+\.[0-9]+).*/\1/p' | head -1)
  [ "$ci_swift" = "$image_swift" ] || fail "the image builds with Swift $image_swift, CI with Swift $ci_swift"
  echo "Swift $image_swift in the image and in CI; swift-tools-version $tools"
else
  warn "swift is not installed here: cannot compare the image's Swift $image_swift with CI's"
fi
grep -qE '^FROM debian:bookworm-slim' "$dockerfile" || fail "$dockerfile: the runtime stage must be debian:bookworm-slim"
for package in libsqlite3-0 ca-certificates tzdata; do
  grep -qE "apt-get install .*\b$package\b" "$dockerfile" || fail "$dockerfile: the runtime does not install $package"
done
for line in '^USER tandem$' '^VOLUME \["/data"\]$' '^EXPOSE 8080$' '^HEALTHCHECK .*tandem-healthcheck' '^ENTRYPOINT \["/app/tandem"\]$'; do
  grep -qE "$line" "$dockerfile" || fail "$dockerfile lacks a line matching $line"
done
# Everything COPY takes from the context exists and is not excluded by .dockerignore.
[ -f .dockerignore ] || fail ".dockerignore is missing"
while read -r source; do
  case $source in --from=*) continue ;; esac
  compgen -G "$source" >/dev/null || [ "$source" = "Package.resolve[d]" ] || fail "$dockerfile copies $source, which does not exist"
  top=${source%%/*}
  if grep -qxE "/?($top|$source)/?" .dockerignore; then fail ".dockerignore excludes $source, which $dockerfile copies"; fi
done < <(grep -E '^COPY ' "$dockerfile" | sed -E 's/^COPY +//' | awk '{ if ($1 ~ /^--from=/) print $1; else for (i = 1; i < NF; i++) print $i }')
for excluded in .build .git data Tests/Browser/artifacts; do
  grep -qxF "$excluded" .dockerignore || fail ".dockerignore does not exclude $excluded"
done
if command -v hadolint >/dev/null 2>&1; then hadolint "$dockerfile"; fi
echo "ok"

section "flags, subcommands and variables used in Deploy/ exist in the server"
commands=$(cat Sources/tandem/*.swift)
# Flags of `tandem serve` in the image's command, the units' ExecStart and compose's command.
flag_uses=$( { grep -E '^CMD ' "$dockerfile"; grep -hE '^ExecStart=/usr/local/bin/tandem ' Deploy/systemd/*.service
               grep -E '^ *command: \["serve"' Deploy/compose*.yaml; } | grep -oE -- '--[a-z][a-z-]*' | sort -u)
for flag in $flag_uses; do
  name=${flag#--}
  camel=$(python3 -c "import sys; p = sys.argv[1].split('-'); print(p[0] + ''.join(w.title() for w in p[1:]))" "$name")
  grep -qE "customLong\(\"$name\"\)|var $camel\b" <<< "$commands" || fail "tandem has no flag $flag (used in Deploy/)"
done
# Subcommands run by Deploy/ files.
for subcommand in serve create-admin backup; do
  case $subcommand in create-admin) type=CreateAdmin ;; *) type=$(python3 -c "print('$subcommand'.title())") ;; esac
  if ! grep -qE "\b$type\.self" <<< "$commands"; then
    if printf '%s\n' "${pending_subcommands[@]}" | grep -qx "$subcommand"; then
      warn "tandem $subcommand does not exist yet (being implemented); Deploy/bin/tandem-backup needs it"
    else
      fail "tandem has no subcommand $subcommand"
    fi
  fi
done
# TANDEM_* variables: read by the server, or by the scripts in Deploy/bin.
# (Build arguments of the Dockerfile count as defined.)
script_variables=$( { grep -ohE '\bTANDEM_[A-Z_]+' Deploy/bin/*; sed -nE 's/^ARG (TANDEM_[A-Z_]+).*/\1/p' "$dockerfile"; } | sort -u)
while read -r variable; do
  grep -rqF "\"$variable\"" Sources/ && continue
  grep -qx "$variable" <<< "$script_variables" && continue
  if printf '%s\n' "${pending_variables[@]}" | grep -qx "$variable"; then
    warn "$variable is not read by the server yet (being implemented)"
  else
    fail "$variable is used in Deploy/ but read neither by the server nor by Deploy/bin"
  fi
done < <(grep -rohE '\bTANDEM_[A-Z_]+' Deploy/ .dockerignore | sort -u)
echo "ok"

section "Deploy/bin/tandem-backup (with a stub tandem)"
mkdir -p "$tmp/backup/state" "$tmp/backup/stub"
cat > "$tmp/backup/stub/tandem" <<'EOF'
#!/bin/sh
# stub: tandem backup PATH --database DB
[ "$1" = backup ] && [ "$3" = --database ] || { echo "unexpected: $*" >&2; exit 64; }
[ -n "${STUB_FAIL:-}" ] && { : > "$2"; exit 1; }
cp "$4" "$2"
EOF
chmod +x "$tmp/backup/stub/tandem"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE t(x)"); c.commit()' "$tmp/backup/state/tandem.sqlite"
head -c 32 /dev/urandom > "$tmp/backup/state/secret.key"
backup_env=(TANDEM_BIN="$tmp/backup/stub/tandem" TANDEM_DATABASE="$tmp/backup/state/tandem.sqlite" TANDEM_BACKUP_DIR="$tmp/backup/out")
mkdir -p "$tmp/backup/out"
touch -d '20 days ago' "$tmp/backup/out/tandem-20000101-0000.sqlite"
touch -d '2 days ago' "$tmp/backup/out/tandem-20000102-0000.sqlite"
env "${backup_env[@]}" Deploy/bin/tandem-backup > "$tmp/backup/log"
made=$(find "$tmp/backup/out" -name 'tandem-2*.sqlite' -newer "$tmp/backup/state/tandem.sqlite" | head -1)
if [ -z "$made" ] || ! [[ $(basename "$made") =~ ^tandem-[0-9]{8}-[0-9]{6}\.sqlite$ ]]; then
  fail "tandem-backup made no tandem-YYYYmmdd-HHMMSS.sqlite"
fi
cmp -s "$made" "$tmp/backup/state/tandem.sqlite" || fail "tandem-backup: the backup is not the database"
cmp -s "$tmp/backup/out/secret.key" "$tmp/backup/state/secret.key" || fail "tandem-backup did not copy secret.key"
[ "$(stat -c %a "$tmp/backup/out/secret.key")" = 600 ] || fail "tandem-backup: secret.key copy is not mode 600"
[ ! -e "$tmp/backup/out/tandem-20000101-0000.sqlite" ] || fail "tandem-backup kept a backup older than 14 days"
[ -e "$tmp/backup/out/tandem-20000102-0000.sqlite" ] || fail "tandem-backup deleted a recent backup"
if env "${backup_env[@]}" STUB_FAIL=1 Deploy/bin/tandem-backup 2>/dev/null; then fail "tandem-backup succeeded although tandem backup failed"; fi
if compgen -G "$tmp/backup/out/.partial*" >/dev/null; then fail "tandem-backup left a partial file behind"; fi
if env "${backup_env[@]}" TANDEM_BACKUP_KEEP_DAYS=soon Deploy/bin/tandem-backup 2>/dev/null; then fail "tandem-backup accepted TANDEM_BACKUP_KEEP_DAYS=soon"; fi
if env "${backup_env[@]}" TANDEM_DATABASE="$tmp/none.sqlite" Deploy/bin/tandem-backup 2>/dev/null; then fail "tandem-backup succeeded without a database"; fi
cat "$tmp/backup/log"

section "Deploy/bin/tandem-healthcheck (against a stub server)"
hc_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 - "$hc_port" <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200 if self.path == "/healthz" else 503); self.send_header("Content-Length", "0"); self.end_headers()
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
stub=$!
for _ in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$hc_port") 2>/dev/null && break; sleep 0.1; done
TANDEM_PORT=$hc_port Deploy/bin/tandem-healthcheck || fail "tandem-healthcheck: a 200 on /healthz is not healthy"
if TANDEM_PORT=$hc_port Deploy/bin/tandem-healthcheck /readyz 2>/dev/null; then fail "tandem-healthcheck: a 503 is healthy"; fi
kill "$stub"; wait "$stub" 2>/dev/null || true
if TANDEM_PORT=$hc_port Deploy/bin/tandem-healthcheck 2>/dev/null; then fail "tandem-healthcheck: a closed port is healthy"; fi
echo "ok"

section "result"
if [ ${#warnings[@]} -gt 0 ]; then
  printf 'passed with %d warning(s):\n' "${#warnings[@]}"
  printf '  - %s\n' "${warnings[@]}"
else
  echo "passed"
fi
echo "deploy check passed"
