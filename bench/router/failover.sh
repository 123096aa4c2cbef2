#!/usr/bin/env bash
# Failover drill through the router: a write load through the router's writer address (an application that never
# asks who the writer is), SIGKILL of the writer, then the write-unavailable window (last acknowledged write before
# the kill to the first after), the failed statements, and whether every acknowledged row survived. Each run uses
# a fresh sandbox (2 masters, 1 replica each) with the monitor and its in-process router.
#
#   bench/router/failover.sh [--runs N] [--base-port P]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
runs=3 base=27450
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --base-port) base=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--base-port P]" >&2; exit 2 ;;
  esac
done
need mariadb mariadb-client
java_home=$("$root/bin/find-jdk")
rm_cli --version >/dev/null # builds the jar when needed
jar="$root/cli/target/ringmaster.jar"

dir=
trap 'teardown "$dir"' EXIT
status=0
results=()
for ((i = 1; i <= runs; i++)); do
  dir=$(mktemp -d /tmp/ringmaster-drill-XXXXXX) && rm -rf "$dir"
  sandbox_up "$dir" "$base" 2 1 2>"$dir.log"
  monitor_up "$dir" "$base"
  if ! line=$("$java_home/bin/java" -cp "$jar" "$here/FailoverDrill.java" "$dir" $((base + 46)) 2>>"$dir.log"); then
    status=1
    cp "$dir/monitor.log" "/tmp/ringmaster-drill-run$i-monitor.log" 2>/dev/null || true
    line="$line (monitor log kept in /tmp/ringmaster-drill-run$i-monitor.log)"
  fi
  echo "run $i: $line"
  results+=("$line")
  teardown "$dir"
  rm -f "$dir.log"
done
printf '%s\n' "${results[@]}" | grep -o 'window_ms=[0-9]*' | cut -d= -f2 | sort -n >"$dir.windows" || true
printf '%s\n' "${results[@]}" | awk -v windows="$(tr '\n' ' ' <"$dir.windows")" '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } f += v["failed"]; l += v["lost"]; ok += ("window_ms" in v); delete v }
  END { n = split(windows, w, " "); printf "summary: %d run(s), %d with writes back; write-unavailable window min %s / median %s / max %s ms; %d failed statement(s) in all; %d acknowledged row(s) lost\n", NR, ok, w[1], w[int((n + 1) / 2)], w[n], f, l }'
rm -f "$dir.windows"
exit $status
