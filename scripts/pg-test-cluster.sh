#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite.
#
#   scripts/pg-test-cluster.sh start [DIR]   create and start it; prints its DATABASE_URL
#   scripts/pg-test-cluster.sh url   [DIR]   print the DATABASE_URL of a running cluster
#   scripts/pg-test-cluster.sh stop  [DIR]   stop it and delete DIR (safe to call twice)
#   scripts/pg-test-cluster.sh check         exit 0 when PostgreSQL's server binaries exist
#
# DIR is a fresh directory for the cluster (data, socket, log); without it, `start` makes
# one with mktemp and remembers it in var/pg-test-cluster.dir for `url` and `stop`.
# The server listens on 127.0.0.1 on a free port, trusts local connections and runs with
# fsync off: it holds nothing worth keeping. Its superuser role `metodset` may create the
# `test_…` databases that pytest-django makes. As root, the server runs as the `postgres`
# system user (initdb and pg_ctl refuse root); as anyone else, as that user.
# PG_BIN may name the directory of initdb/pg_ctl; otherwise the newest
# /usr/lib/postgresql/*/bin is used, then whatever is on PATH.
set -euo pipefail

ROLE=metodset
DATABASE=metodset
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE_FILE="$ROOT/var/pg-test-cluster.dir"

die() {
    echo "pg-test-cluster: $*" >&2
    exit 1
}

find_bin() {
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/initdb" ]] || return 1
        echo "$PG_BIN"
        return
    fi
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        echo "$dir"
        return
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return
    fi
    return 1
}

# Run a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 - <<'EOF'
import socket
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

cluster_dir() {
    local dir="${1:-}"
    if [[ -z "$dir" && -f "$STATE_FILE" ]]; then
        dir="$(cat "$STATE_FILE")"
    fi
    echo "$dir"
}

url_of() {
    local dir="$1"
    [[ -f "$dir/port" ]] || die "no cluster in ${dir:-<none>}"
    echo "postgres://$ROLE@127.0.0.1:$(cat "$dir/port")/$DATABASE"
}

start() {
    local bin dir="${1:-}" port attempt
    bin="$(find_bin)" || die "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH)"
    if [[ -z "$dir" ]]; then
        dir="$(mktemp -d /tmp/metodset-pg.XXXXXX)"
        mkdir -p "$(dirname "$STATE_FILE")"
        echo "$dir" >"$STATE_FILE"
    fi
    mkdir -p "$dir"
    if [[ "$(id -u)" == 0 ]]; then
        id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' system user"
        chown postgres: "$dir"
    fi
    chmod 700 "$dir"
    as_owner test -w "$dir" || die "the server's user cannot write to $dir (is a parent directory closed to it?)"
    # The server's working directory must be one its user may enter.
    cd "$dir"
    as_owner "$bin/initdb" --pgdata="$dir/data" --username="$ROLE" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # A port found free may be taken before the server binds it: try a few.
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        if as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
            --timeout=60 --silent start -o "-c listen_addresses=127.0.0.1 -p $port \
            -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=100 -c shared_buffers=128MB" >/dev/null 2>&1; then
            echo "$port" >"$dir/port"
            as_owner "$bin/createdb" --host="$dir" --port="$port" --username="$ROLE" "$DATABASE" \
                || die "createdb failed"
            url_of "$dir"
            return 0
        fi
        echo "pg-test-cluster: start on port $port failed (attempt $attempt)" >&2
    done
    tail -n 20 "$dir/server.log" >&2 || true
    die "the server did not start"
}

stop() {
    local bin dir
    dir="$(cluster_dir "${1:-}")"
    [[ -n "$dir" && -d "$dir" ]] || { rm -f "$STATE_FILE"; return 0; }
    if [[ -f "$dir/data/postmaster.pid" ]]; then
        bin="$(find_bin)" || true
        # Immediate shutdown: the data is thrown away, so there is nothing to flush.
        if [[ -z "${bin:-}" ]] || ! as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate \
            --wait --timeout=30 --silent stop >/dev/null 2>&1; then
            local pid
            pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
            if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
                kill -QUIT "$pid" 2>/dev/null || true
                sleep 1
                kill -KILL "$pid" 2>/dev/null || true
            fi
        fi
    fi
    rm -rf "$dir"
    if [[ -f "$STATE_FILE" && "$(cat "$STATE_FILE")" == "$dir" ]]; then
        rm -f "$STATE_FILE"
    fi
}

case "${1:-}" in
    start) start "${2:-}" ;;
    stop) stop "${2:-}" ;;
    url) url_of "$(cluster_dir "${2:-}")" ;;
    check) find_bin >/dev/null ;;
    *)
        echo "usage: $0 start|stop|url [DIR] | check" >&2
        exit 2
        ;;
esac
