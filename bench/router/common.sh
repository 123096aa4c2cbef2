# Shared by bench/router/*.sh: installs what is missing, brings up a sandbox with the router in the monitor.
# Everything listens on 127.0.0.1 only; every wait is bounded.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rm_cli() { "$root/ringmaster" "$@"; }

need() { # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  [ -x "/usr/sbin/$1" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing $2" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -q --no-install-recommends "$2" || { apt-get update -q && apt-get install -y -q --no-install-recommends "$2"; }; } >/dev/null
  fi
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || { echo "bench: $1 is needed (Debian package $2)" >&2; exit 1; }
}

wait_port() { # wait_port PORT SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench: nothing listens on 127.0.0.1:$1 after $2 s" >&2
  return 1
}

# sandbox_up DIR BASE MASTERS REPLICAS: servers on BASE+1.., router writer BASE+46, reader BASE+47, monitor BASE+88
sandbox_up() {
  local dir=$1 base=$2
  rm_cli sandbox up --dir "$dir" --base-port "$base" --masters "$3" --replicas-per-master "$4" >/dev/null
  sed -i '/^router:/,$d' "$dir/ringmaster.yml" # replaced by the bench's own router section
  cat >>"$dir/ringmaster.yml" <<YAML
router:
  hold_timeout: 30s
$(printf '%s\n' "${ROUTER_KEYS:-}" | sed '/^$/d; s/^/  /')
  listeners:
    - {role: writer, listen: 127.0.0.1:$((base + 46))}
    - {role: reader, listen: 127.0.0.1:$((base + 47))}
YAML
}

# monitor_up DIR BASE: the monitor with its in-process router, in the background; MONITOR_PID is set
monitor_up() {
  local dir=$1 base=$2
  # the launcher execs java, so $! is the JVM itself
  RINGMASTER_JAVA_OPTS="${RINGMASTER_JAVA_OPTS:-} -Xms256m -Xmx512m" \
    "$root/ringmaster" monitor --config "$dir/ringmaster.yml" >"$dir/monitor.log" 2>&1 &
  MONITOR_PID=$!
  sleep 0.5
  kill -0 "$MONITOR_PID" 2>/dev/null || { cat "$dir/monitor.log" >&2; return 1; }
  wait_port $((base + 88)) 60 && wait_port $((base + 46)) 30 || { tail -20 "$dir/monitor.log" >&2; return 1; }
  local i
  for ((i = 0; i < 300; i++)); do # until the router reaches the writer (bounded: 30 s)
    mariadb -h127.0.0.1 -P$((base + 46)) -uroot --connect-timeout=2 -N -e 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: the router's writer address does not answer" >&2
  return 1
}

stop_pid() { # stop_pid PID: SIGTERM, then SIGKILL after 15 s
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

teardown() { # teardown DIR
  local dir=$1
  stop_pid "${MONITOR_PID:-}"
  MONITOR_PID=
  if [ -n "$dir" ] && [ -d "$dir" ]; then rm_cli sandbox down --dir "$dir" >/dev/null 2>&1 || true; fi
  [ -n "$dir" ] && rm -rf "$dir"; return 0
}
