#!/usr/bin/env bash
# Router benchmark: sysbench oltp_read_only and oltp_read_write at 1, 8 and 32 threads against the writer
# directly, through Ringmaster's router (in the monitor's process) and through HAProxy as an equivalent TCP proxy,
# in one run on one sandbox. Prints QPS and p95 latency for each, with router/direct and router/HAProxy ratios.
#
#   bench/router/run.sh [--time SECONDS] [--threads "1 8 32"] [--base-port P] [--tables N] [--table-size N]
#
# "cpu us" is the proxy process's own CPU time per query (user + system, from /proc), a figure that the noise of
# a shared 2-core machine disturbs less than QPS. Everything runs on 127.0.0.1 (ports P+1.., router P+46, HAProxy P+49, monitor P+88). About 8 minutes with the
# defaults on 2 cores. Installs sysbench and haproxy with apt-get when missing (as root). Extra router: keys (for
# example "io_threads: 1") can be given one per line in ROUTER_KEYS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

secs=12 threads="1 8 32" base=27400 tables=4 size=20000
while [ $# -gt 0 ]; do
  case $1 in
    --time) secs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --base-port) base=$2; shift 2 ;;
    --tables) tables=$2; shift 2 ;;
    --table-size) size=$2; shift 2 ;;
    *) echo "usage: $0 [--time S] [--threads LIST] [--base-port P] [--tables N] [--table-size N]" >&2; exit 2 ;;
  esac
done
need sysbench sysbench
need haproxy haproxy
need mariadb mariadb-client

dir=$(mktemp -d /tmp/ringmaster-bench-XXXXXX)
haproxy_pid=
cleanup() {
  stop_pid "$haproxy_pid"
  teardown "$dir"
}
trap cleanup EXIT
rm -rf "$dir"
echo "bench: sandbox of 2 masters on 127.0.0.1:$((base + 1))+, monitor with the router in process" >&2
sandbox_up "$dir" "$base" 2 0 2>"$dir.log" || { cat "$dir.log" >&2; exit 1; }
rm -f "$dir.log"
monitor_up "$dir" "$base"
direct=$((base + 1)) router=$((base + 46)) haproxy_port=$((base + 49))

cat >"$dir/haproxy.cfg" <<CFG
global
    maxconn 2000
defaults
    mode tcp
    timeout connect 2s
    timeout client 1h
    timeout server 1h
listen writer
    bind 127.0.0.1:$haproxy_port
    option tcp-check
    server db1 127.0.0.1:$direct check inter 1s
CFG
haproxy -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 &
haproxy_pid=$!
wait_port "$haproxy_port" 10

sb() { # sb WORKLOAD PORT THREADS SECONDS [extra...]
  local w=$1 port=$2 t=$3 s=$4; shift 4
  sysbench "$w" --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root \
    --mysql-db=sbtest --tables="$tables" --table-size="$size" --threads="$t" --time="$s" --report-interval=0 \
    --percentile=95 --rand-type=uniform "$@"
}

mariadb -h127.0.0.1 -P$direct -uroot -e 'CREATE DATABASE IF NOT EXISTS sbtest'
echo "bench: preparing $tables tables of $size rows" >&2
sb oltp_read_write "$direct" 2 0 prepare >/dev/null
echo "bench: warming up (buffer pool, router JIT, HAProxy)" >&2
for port in $direct $router $haproxy_port; do sb oltp_read_only "$port" 8 4 run >/dev/null; done

cpu_ticks() { # cpu_ticks PID -> user + system clock ticks of the process so far
  awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
hz=$(getconf CLK_TCK)

parse() { # parse FILE -> "QPS P95"
  awk '/queries:/ { gsub(/[(]/, "", $3); q = $3 } /95th percentile:/ { p = $3 } END { printf "%s %s\n", q, p }' "$1"
}

printf '\n%-16s %7s | %10s %8s | %10s %8s %7s | %10s %8s %7s | %8s %8s\n' workload threads "direct qps" \
  "p95 ms" "router qps" "p95 ms" "cpu us" "haproxy" "p95 ms" "cpu us" "r/direct" "r/haprx"
printf '%s\n' "$(printf -- '-%.0s' {1..134})"
n=0
for w in oltp_read_only oltp_read_write; do
  for t in $threads; do
    declare -A qps=() p95=() cpu=()
    # rotate the order so that no target always runs first or last
    order=(direct router haproxy)
    order=("${order[@]:$((n % 3))}" "${order[@]:0:$((n % 3))}")
    n=$((n + 1))
    for target in "${order[@]}"; do
      pid=
      case $target in direct) port=$direct ;; router) port=$router pid=$MONITOR_PID ;; haproxy) port=$haproxy_port pid=$haproxy_pid ;; esac
      c0=$( [ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
      sb "$w" "$port" "$t" "$secs" run >"$dir/$w-$t-$target.txt" 2>&1 || { cat "$dir/$w-$t-$target.txt" >&2; exit 1; }
      c1=$( [ -n "$pid" ] && cpu_ticks "$pid" || echo 0)
      read -r q p < <(parse "$dir/$w-$t-$target.txt")
      qps[$target]=$q p95[$target]=$p
      # the proxy's own CPU per query, in microseconds (the router's includes the monitor it runs in)
      cpu[$target]=$(awk "BEGIN { print 1e6 * ($c1 - $c0) / $hz / ($q * $secs) }")
    done
    printf '%-16s %7s | %10.0f %8.2f | %10.0f %8.2f %7.1f | %10.0f %8.2f %7.1f | %7.1f%% %7.1f%%\n' "$w" "$t" \
      "${qps[direct]}" "${p95[direct]}" "${qps[router]}" "${p95[router]}" "${cpu[router]}" \
      "${qps[haproxy]}" "${p95[haproxy]}" "${cpu[haproxy]}" \
      "$(awk "BEGIN { print 100 * ${qps[router]} / ${qps[direct]} }")" \
      "$(awk "BEGIN { print 100 * ${qps[router]} / ${qps[haproxy]} }")"
  done
done
echo
echo "router counters (show --json):"
rm_cli show --json --config "$dir/ringmaster.yml" | python3 -c 'import json,sys; [print("  %s %s backends=%s held=%s refused=%s" % (r["role"], r["listen"], [(b["name"], b["open"], b["total"]) for b in r["backends"]], r["held"], r["refused"])) for r in json.load(sys.stdin).get("routes", [])]' || true
echo "cores: $(nproc); sysbench $(sysbench --version | awk '{print $2}'); $(haproxy -v | head -1 | awk '{print "HAProxy", $3}'); $secs s per run"
