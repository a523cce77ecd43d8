#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks, on a unix socket and a loopback port.
#   scripts/postgres-test-cluster.sh start [DIR] [PORT]   prints the TANDEM_TEST_POSTGRES URL
#   scripts/postgres-test-cluster.sh stop  [DIR]          stops it (by its postmaster.pid) and removes DIR
#   scripts/postgres-test-cluster.sh crash [DIR] [PORT]   stops it with -m immediate (like a power cut) and starts it again
# Needs Debian's `postgresql` package. As root, the cluster runs as the `postgres` user.
set -euo pipefail
action=${1:?usage: postgres-test-cluster.sh start|stop [DIR] [PORT]}
dir=${2:-/tmp/tandem-pg}
port=${3:-25432}  # below the kernel's ephemeral ports (32768–60999): no client socket can hold it across a restart
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: apt-get install postgresql" >&2; exit 1; }
# The server outlives this script: it must not inherit a caller's descriptors beyond 0–2 (a test
# runner waits on one of them to learn that this script has ended).
for fd in $(ls /proc/$$/fd 2>/dev/null); do
  if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null || true; fi
done
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$action" in
  start)
    if [ -f "$dir/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"; exit 0
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
      || { cat "$dir.initdb.log" >&2; exit 1; }
    # synchronous_commit stays on (the default): an acknowledged write is on disk.
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=on -c synchronous_commit=on" -w start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
  stop)
    if [ -f "$dir/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null || true; fi
    rm -rf "$dir" "$dir.initdb.log"
    ;;
  crash)
    # Stops the server the hard way (no checkpoint, as on power loss) and starts it again: it
    # recovers from its write-ahead log. For the durability tests.
    as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=on -c synchronous_commit=on" -w start >/dev/null
    ;;
  *) echo "usage: postgres-test-cluster.sh start|stop|crash [DIR] [PORT]" >&2; exit 2 ;;
esac
