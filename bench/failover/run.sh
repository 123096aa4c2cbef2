#!/usr/bin/env bash
# Failover drills side by side, each on a fresh sandbox (2 masters, 1 replica each) with the monitor and its
# in-process router: SIGKILL of the writer without load (kill) and under a write load through the router
# (kill-load), SIGSTOP of the writer then SIGCONT (freeze), and a switchover under load (switchover). One line per
# drill, then a summary per kind (median, p90, max of every duration, mean per-step breakdown of the monitor's
# recovery record, lost rows, double-writable samples) and the targets. See bench/failover/README.md.
#
#   bench/failover/run.sh [--runs N] [--base-port P] [--only kill,kill-load,freeze,switchover] [--threads N]
#                         [--timeout S] [--keep-logs] [--jar FILE]
#
# --jar FILE benchmarks that build of ringmaster.jar instead of building the work tree's.
#
# Exit 0 when every drill passed; 1 when a drill lost an acknowledged row or saw two writable masters; 3 when a
# drill failed otherwise (no write within --timeout, old writer not fenced after a thaw, set-up failed, ...).
# Everything runs on 127.0.0.1, ports P+1..P+4 (servers), P+46/P+47 (router), P+88 (monitor API).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../router/common.sh"

runs=20 base=27700 only=kill,kill-load,freeze,switchover threads=4 drill_timeout=60 keep_logs=0 from_jar=
usage() {
  echo "usage: $0 [--runs N] [--base-port P] [--only kill,kill-load,freeze,switchover] [--threads N] [--timeout S] [--keep-logs] [--jar FILE]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:-}; shift 2 || usage ;;
    --base-port) base=${2:-}; shift 2 || usage ;;
    --only) only=${2:-}; shift 2 || usage ;;
    --threads) threads=${2:-}; shift 2 || usage ;;
    --timeout) drill_timeout=${2:-}; shift 2 || usage ;;
    --keep-logs) keep_logs=1; shift ;;
    --jar) from_jar=${2:-}; shift 2 || usage; [ -f "$from_jar" ] || { echo "bench: no file $from_jar" >&2; exit 2; } ;;
    *) usage ;;
  esac
done
for n in "$runs" "$base" "$threads" "$drill_timeout"; do [[ $n =~ ^[0-9]+$ ]] || usage; done
[ "$runs" -ge 1 ] && [ "$base" -ge 1024 ] && [ "$base" -le 65400 ] && [ "$threads" -ge 1 ] || usage
kinds=()
IFS=, read -r -a wanted <<<"$only"
for k in "${wanted[@]}"; do
  case $k in
    kill | kill-load | freeze | switchover) kinds+=("$k") ;;
    *) echo "bench: unknown drill '$k' (kill, kill-load, freeze, switchover)" >&2; exit 2 ;;
  esac
done
[ ${#kinds[@]} -gt 0 ] || usage

java_home=$("$root/bin/find-jdk")
if [ -z "$from_jar" ]; then
  "$root/ringmaster" --version >/dev/null # builds the jar when a source changed, once, before any drill
  from_jar="$root/cli/target/ringmaster.jar"
fi
work=$(mktemp -d /tmp/rm-failover-XXXXXX)
# Every drill runs on a copy of the jar: sources edited during the run (and the launcher's rebuild) change nothing.
jar="$work/ringmaster.jar"
cp "$from_jar" "$jar"
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null || true)
jvm_flags=()
if [ -n "$major" ] && [ "$major" -ge 22 ]; then jvm_flags+=(--enable-native-access=ALL-UNNAMED); fi
if [ -n "$major" ] && [ "$major" -ge 24 ]; then jvm_flags+=(--sun-misc-unsafe-memory-access=allow); fi
java_cmd=("$java_home/bin/java" "${jvm_flags[@]}" -Dringmaster.home="$root"
  -Dmaven.repo.local="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}")
# common.sh's sandbox_up and teardown call rm_cli: on the jar copy, and a failure is remembered in cli_failed
# (sandbox_up does not pass the status of `sandbox up` on)
cli_failed=0
rm_cli() { "${java_cmd[@]}" ${RINGMASTER_JAVA_OPTS:-} -jar "$jar" "$@" || { cli_failed=1; return 1; }; }
{
  echo '#!/bin/sh'
  printf 'exec'; printf ' %q' "${java_cmd[@]}" -jar "$jar"; echo ' "$@"'
} >"$work/ringmaster"
chmod +x "$work/ringmaster"

# monitor_start DIR: like common.sh's monitor_up, on the jar copy; MONITOR_PID is the JVM. The drill itself waits
# (bounded) until the monitor is ready and every host ONLINE.
monitor_start() {
  local dir=$1
  "${java_cmd[@]}" ${RINGMASTER_JAVA_OPTS:-} -Xms256m -Xmx512m -jar "$jar" monitor --config "$dir/ringmaster.yml" \
    >"$dir/monitor.log" 2>&1 &
  MONITOR_PID=$!
  sleep 0.5
  kill -0 "$MONITOR_PID" 2>/dev/null || return 1
  wait_port $((base + 88)) 60 && wait_port $((base + 46)) 30
}

sb="$work/sb" # the sandbox of the drill that runs now
drill_pid= frozen=0
cleanup() {
  if [ -n "$drill_pid" ]; then kill "$drill_pid" 2>/dev/null || true; wait "$drill_pid" 2>/dev/null || true; fi
  drill_pid=
  if [ "$frozen" = 1 ] && [ -f "$sb/sandbox.json" ]; then rm_cli sandbox thaw db1 --dir "$sb" >/dev/null 2>&1 || true; fi
  frozen=0
  teardown "$sb"
}
trap 'cleanup; rm -f "$jar" "$work/ringmaster"' EXIT
trap 'exit 130' INT TERM HUP

results="$work/results.txt"
: >"$results"
mkdir -p "$work/logs"
failed=0 total=$((runs * ${#kinds[@]})) n=0
echo "bench: $runs run(s) of ${kinds[*]}; ports 127.0.0.1:$((base + 1))+; work folder $work" >&2
for ((r = 1; r <= runs; r++)); do
  for kind in "${kinds[@]}"; do
    n=$((n + 1))
    log="$work/logs/$kind-$r"
    echo "bench: [$n/$total] $kind run $r" >&2
    before=$(wc -l <"$results")
    ok=1
    cli_failed=0
    if ! sandbox_up "$sb" "$base" 2 1 >"$log.sandbox.log" 2>&1 || [ "$cli_failed" = 1 ] \
      || ! grep -q '^router:' "$sb/ringmaster.yml" 2>/dev/null; then
      echo "kind=$kind run=$r ok=0 setup=failed # FAILED: sandbox up failed, see $log.sandbox.log" >>"$results"
      ok=0
    elif ! monitor_start "$sb" 2>>"$log.sandbox.log"; then
      echo "kind=$kind run=$r ok=0 setup=failed # FAILED: the monitor did not start, see $log.monitor.log" >>"$results"
      ok=0
    else
      [ "$kind" = freeze ] && frozen=1
      timeout -k 10 $((drill_timeout * 2 + 120)) "$java_home/bin/java" "${jvm_flags[@]}" -cp "$jar" \
        "$here/Drill.java" drill --kind "$kind" --run "$r" --dir "$sb" --base-port "$base" --cli "$work/ringmaster" \
        --out "$results" --threads "$threads" --timeout-s "$drill_timeout" >"$log.drill.log" 2>&1 &
      drill_pid=$!
      if wait "$drill_pid"; then rc=0; else rc=$?; fi
      drill_pid=
      [ "$rc" = 0 ] || ok=0
      if [ "$(wc -l <"$results")" = "$before" ]; then
        echo "kind=$kind run=$r ok=0 # FAILED: the drill exited $rc without a result, see $log.drill.log" >>"$results"
      fi
      if ! kill -0 "$MONITOR_PID" 2>/dev/null; then # e.g. killed by someone else's pkill: the figures mean nothing
        last=$(tail -n 1 "$results")
        sed -i '$d' "$results"
        case $last in *" # "*) last="$last; " ;; *) last="$last # " ;; esac
        echo "${last/ ok=1 / ok=0 }FAILED: the monitor process was gone at the end of the drill, see $log.monitor.log" >>"$results"
        ok=0
      fi
    fi
    [ -f "$sb/monitor.log" ] && cp "$sb/monitor.log" "$log.monitor.log"
    cleanup
    if [ "$ok" = 0 ]; then failed=$((failed + 1)); elif [ "$keep_logs" = 0 ]; then rm -f "$log".*.log; fi
    tail -n 1 "$results"
  done
done
status=0
"$java_home/bin/java" -cp "$jar" "$here/Drill.java" summary "$results" || status=$?
echo "bench: results in $results$([ "$failed" -gt 0 ] && echo "; logs of the $failed failed run(s) in $work/logs")" >&2
exit $status
