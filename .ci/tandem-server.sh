# Sourced by the CI scripts that need a running server (exports-check.sh, schemathesis.sh).
# `start_tandem EMAIL PASSWORD` starts "$binary" on a free port with a temporary database (demo
# data, that admin, rate limits off, e-mail to the log), waits for /healthz and stops it on exit.
# It sets: tmp (a temporary folder, removed on exit), server (the pid), port, url.
tmp=$(mktemp -d)
server=""

stop_tandem() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap stop_tandem EXIT

start_tandem() {
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  TANDEM_ADMIN_EMAIL=$1 TANDEM_ADMIN_PASSWORD=$2 TANDEM_BCRYPT_COST=4 TANDEM_RATE_LIMITS=0 TANDEM_MAIL=log \
    "$binary" --host 127.0.0.1 --port "$port" --database "$tmp/tandem.sqlite" --public "$repo/Public" >"$tmp/server.log" 2>&1 &
  server=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -sf "$url/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$tmp/server.log" >&2; echo "FAIL: the server exited" >&2; exit 1; }
    sleep 0.2
  done
  curl -sf "$url/healthz" >/dev/null || { cat "$tmp/server.log" >&2; echo "FAIL: no /healthz on $url" >&2; exit 1; }
}
