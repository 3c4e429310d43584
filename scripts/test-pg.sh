#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests.
#
#   scripts/test-pg.sh start [--durable] [DIR]
#                                    create and start a cluster in DIR (default: a new
#                                    mktemp dir under /tmp); prints its libpq DSN on stdout
#   scripts/test-pg.sh stop DIR      stop it, wait for the postmaster to be gone, remove DIR
#
# Speed over durability (fsync off, initdb --no-sync): never point this at real data.
# --durable (scripts/bench) keeps production durability instead: fsync, synchronous_commit
# and full_page_writes on, with the memory and WAL settings docs/operations.md recommends
# (shared_buffers from YH_PG_SHARED_BUFFERS, default 1GB).
# Unix socket only, so clusters never clash on a TCP port. As root the server runs
# as the system account "yinhui" (PostgreSQL refuses to run as root).
set -euo pipefail

PG_ACCOUNT=yinhui
MARKER=.yinhui-test-pg   # stop removes only directories that start created
SOCK_NAME_LEN=14         # strlen("/.s.PGSQL.5432")
SOCK_MAX=100             # sun_path is 108 bytes; stay well inside it

die() { printf 'test-pg: %s\n' "$*" >&2; exit 1; }
usage() { printf 'usage: %s start [--durable] [DIR] | stop DIR\n' "$0" >&2; exit 2; }

find_bindir() {
  local d
  if [[ -n "${YINHUI_PG_BINDIR:-}" ]]; then
    [[ -x "$YINHUI_PG_BINDIR/initdb" ]] || die "YINHUI_PG_BINDIR=$YINHUI_PG_BINDIR has no initdb"
    printf '%s\n' "$YINHUI_PG_BINDIR"; return
  fi
  # libpq-dev's pg_config may name /usr/bin, which has no initdb on Debian: prefer the server's dir.
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    printf '%s\n' /usr/lib/postgresql/15/bin; return
  fi
  d=$(for b in /usr/lib/postgresql/*/bin; do [[ -x "$b/initdb" ]] && printf '%s\n' "$b"; done |
    sort -V | tail -n 1)
  if [[ -n "$d" ]]; then
    printf '%s\n' "$d"; return
  fi
  die "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb); run scripts/install-deps"
}

# Runs a server-side binary: directly for an ordinary user, as $PG_ACCOUNT for root.
as_server() {
  if ((EUID == 0)); then
    (cd / && runuser -u "$PG_ACCOUNT" -- "$@")
  else
    "$@"
  fi
}

ensure_account() {
  ((EUID == 0)) || return 0
  getent passwd "$PG_ACCOUNT" >/dev/null && return 0
  useradd --system --home-dir /var/lib/yinhui --no-create-home \
    --shell /usr/sbin/nologin "$PG_ACCOUNT" 2>/dev/null ||
    getent passwd "$PG_ACCOUNT" >/dev/null ||  # a concurrent run may have created it
    die "could not create system account $PG_ACCOUNT"
}

# The pid in postmaster.pid, or nothing.
postmaster_pid() {
  local f="$1/postmaster.pid" pid=""
  if [[ -r "$f" ]]; then
    read -r pid <"$f" || true
  fi
  if [[ "$pid" =~ ^[0-9]+$ ]]; then
    printf '%s\n' "$pid"
  fi
}

# Waits until pid is gone. A zombie counts as gone: it no longer touches files, and
# in a container nobody may reap it for a while.
wait_gone() {
  local pid="$1" i state
  for ((i = 0; i < 3000; i++)); do
    [[ -e /proc/$pid ]] || return 0
    state=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$pid/stat" 2>/dev/null || true)
    [[ "$state" == Z || -z "$state" ]] && return 0
    sleep 0.01
  done
  return 1
}

# State of a start in progress, for the EXIT trap that undoes a failed one.
START_DIR=""
START_BINDIR=""
START_CREATED=0
START_OK=0

undo_failed_start() {
  local sock=""
  ((START_OK == 0)) && [[ -n "$START_DIR" ]] || return 0
  if [[ -n "$(postmaster_pid "$START_DIR/data")" ]]; then
    as_server "$START_BINDIR/pg_ctl" -D "$START_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [[ -f "$START_DIR/$MARKER" ]] && sock=$(cat "$START_DIR/$MARKER")
  [[ -n "$sock" ]] && rm -rf "$sock"
  if ((START_CREATED)); then
    rm -rf "$START_DIR"
  else
    rm -rf "${START_DIR:?}/data" "${START_DIR:?}/log" "${START_DIR:?}/initdb.log" "${START_DIR:?}/$MARKER"
  fi
}

cmd_start() {
  local durable=0 dir bindir sock super nosync=--no-sync
  if [[ "${1:-}" == --durable ]]; then
    durable=1
    nosync=
    shift
  fi
  dir="${1:-}"
  trap undo_failed_start EXIT
  if [[ -z "$dir" ]]; then
    dir=$(mktemp -d /tmp/yhpg.XXXXXX)
    START_CREATED=1
  elif [[ ! -e "$dir" ]]; then
    mkdir -p "$dir"
    START_CREATED=1
  elif [[ -d "$dir" && -z "$(ls -A "$dir")" ]]; then
    # an empty dir (the caller's mktemp -d) is ours to remove if the start fails
    START_CREATED=1
  fi
  dir=$(cd "$dir" && pwd -P)
  [[ -e "$dir/data" || -e "$dir/$MARKER" ]] && die "$dir already holds a test cluster; stop it first"
  START_DIR=$dir
  bindir=$(find_bindir)
  START_BINDIR=$bindir
  ensure_account

  # The socket lives in DIR when its path fits in sun_path, else in a short dir of its own.
  if ((${#dir} + SOCK_NAME_LEN <= SOCK_MAX)); then
    sock=$dir
    : >"$dir/$MARKER"
  else
    sock=$(mktemp -d /tmp/yhs.XXXXXX)
    printf '%s\n' "$sock" >"$dir/$MARKER"
  fi
  chmod 0700 "$dir" "$sock"
  if ((EUID == 0)); then
    chown "$PG_ACCOUNT:" "$dir" "$sock"
    as_server test -w "$dir" -a -x "$dir" ||
      die "$dir is not reachable by account $PG_ACCOUNT (a parent directory is closed to it); use a directory under /tmp"
  fi

  super=$(id -un)
  # initdb names the superuser after the caller, so libpq needs only host and port.
  if ! as_server "$bindir/initdb" $nosync -A trust -U "$super" -E UTF8 --locale=C.UTF-8 \
    -D "$dir/data" >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed"
  fi
  # Appending keeps ownership (the server account owns the file when we run as root).
  cat >>"$dir/data/postgresql.conf" <<CONF

# --- scripts/test-pg.sh: throwaway test cluster ---
listen_addresses = ''
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
port = 5432
max_connections = 200
CONF
  if ((durable)); then
    cat >>"$dir/data/postgresql.conf" <<CONF
# --- durable: production settings (docs/operations.md, "PostgreSQL for production") ---
fsync = on
synchronous_commit = on
full_page_writes = on
shared_buffers = ${YH_PG_SHARED_BUFFERS:-1GB}
effective_cache_size = 4GB
work_mem = 16MB
maintenance_work_mem = 256MB
wal_compression = on
max_wal_size = 4GB
checkpoint_timeout = 15min
random_page_cost = 1.1
effective_io_concurrency = 200
CONF
  else
    cat >>"$dir/data/postgresql.conf" <<CONF
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  # -l: the postmaster must not inherit our stdout, or a caller's $(...) would never end.
  # The server account creates the log itself (a file we made as root would not be writable).
  if ! as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 start >/dev/null 2>&1; then
    tail -n 20 "$dir/log" >&2 || true
    die "pg_ctl start failed"
  fi
  START_OK=1
  printf 'host=%s port=5432 dbname=postgres user=%s\n' "$sock" "$super"
}

cmd_stop() {
  local dir="${1:-}" bindir pid sock=""
  [[ -n "$dir" ]] || usage
  [[ -d "$dir" ]] || die "$dir: no such directory"
  [[ -f "$dir/$MARKER" ]] || die "$dir was not made by $0 start; refusing to remove it"
  sock=$(cat "$dir/$MARKER")
  bindir=$(find_bindir)
  pid=$(postmaster_pid "$dir/data")
  if [[ -n "$pid" ]]; then
    # pg_ctl also fails when the server already died (crash, OOM): the process decides.
    as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    wait_gone "$pid" || die "postmaster $pid still running after stop; $dir left in place"
  fi
  rm -rf "$dir"
  [[ -n "$sock" ]] && rm -rf "$sock"
  return 0
}

case "${1:-}" in
  start)
    shift
    (($# <= 2)) || usage
    if (($# == 2)) && [[ "$1" != --durable ]]; then usage; fi
    cmd_start "$@"
    ;;
  stop) (($# == 2)) || usage; cmd_stop "$2" ;;
  *) usage ;;
esac
