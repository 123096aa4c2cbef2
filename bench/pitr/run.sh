#!/usr/bin/env bash
# Benchmark: point-in-time recovery that replays N transactions (default 100,000) from the binlog archive, with
# `ringmaster binlog replay --until-gtid G`, against `mariadb-binlog --start-position=P0 --stop-position=G FILES |
# mariadb` run by hand on the same archived files, onto two servers prepared identically at P0, in the same run.
# Prints both times, transactions per second and the ratio ringmaster / by hand; checks both targets end equal to
# the writer (CHECKSUM TABLE) and at G. A benchmark, not a test: never run it while an IT runs.
#
#   bench/pitr/run.sh [--transactions N] [--threads T] [--base-port P] [--keep]
#
# Everything on 127.0.0.1: the sandbox's servers on P+1, P+2, its monitor API on P+88, the targets on P+11, P+12.
set -euo pipefail
{
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tx=100000 threads=4 base=21500 keep=0
usage() { echo "usage: $0 [--transactions N] [--threads T] [--base-port P] [--keep]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --transactions) tx=${2:-}; shift 2 || usage ;;
    --threads) threads=${2:-}; shift 2 || usage ;;
    --base-port) base=${2:-}; shift 2 || usage ;;
    --keep) keep=1; shift ;;
    *) usage ;;
  esac
done
for n in "$tx" "$threads" "$base"; do [[ $n =~ ^[0-9]+$ ]] || usage; done
for c in sysbench mariadb mariadb-binlog mariadb-install-db mariadbd; do
  command -v "$c" >/dev/null || { echo "bench: $c is needed" >&2; exit 1; }
done
rm_=("$root/ringmaster")
work=$(mktemp -d /tmp/ringmaster-bench-pitr.XXXXXX)
monitor_pid=
cleanup() {
  [ -n "$monitor_pid" ] && kill "$monitor_pid" 2>/dev/null && wait "$monitor_pid" 2>/dev/null || true
  for t in t1 t2; do [ -f "$work/$t/pid" ] && kill -9 "$(cat "$work/$t/pid")" 2>/dev/null || true; done
  "${rm_[@]}" sandbox down --dir "$work/sb" >/dev/null 2>&1 || true
  if [ "$keep" = 0 ]; then rm -rf "$work"; else echo "bench: kept $work" >&2; fi
}
trap cleanup EXIT
ms() { date +%s%3N; }
sql() { local port=$1; shift; mariadb -h127.0.0.1 -P"$port" -uroot -N -B -e "$*"; }

echo "bench: sandbox on $base (2 masters)" >&2
"${rm_[@]}" sandbox up --dir "$work/sb" --base-port "$base" --no-agents --replicas-per-master 0 >/dev/null
printf 'backup:\n  repository: %s\n' "$work/repo" >>"$work/sb/ringmaster.yml"
(cd "$work/sb" && exec "$root/ringmaster" monitor -c ringmaster.yml >"$work/monitor.log" 2>&1) &
monitor_pid=$!
w=$((base + 1))
for i in $(seq 1 60); do
  grep -q "archiving db1's binary logs" "$work/monitor.log" 2>/dev/null && break
  sleep 1
done
grep -q "archiving db1's binary logs" "$work/monitor.log" || { echo "bench: the archive did not start" >&2; exit 3; }
sql $w "CREATE DATABASE IF NOT EXISTS sbtest"
sysbench oltp_insert --mysql-host=127.0.0.1 --mysql-port=$w --mysql-user=root --tables=1 --table-size=0 prepare \
  >/dev/null
p0=$(sql $w "SELECT @@gtid_binlog_pos")

for t in t1 t2; do
  port=$((base + 10 + ${t#t}))
  mariadb-install-db --no-defaults --datadir="$work/$t/data" --auth-root-authentication-method=normal >/dev/null 2>&1
  (mariadbd --no-defaults --datadir="$work/$t/data" --port=$port --bind-address=127.0.0.1 --socket="$work/$t/sock" \
    --pid-file="$work/$t/pid" --server-id=$((90 + ${t#t})) --gtid-domain-id=$((90 + ${t#t})) --log-bin=tgt-bin \
    --log-slave-updates --gtid-strict-mode=ON --skip-name-resolve --innodb-buffer-pool-size=128M \
    --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 \
    --user="$(id -un)" >"$work/$t.err" 2>&1 &)
  for i in $(seq 1 30); do sql $port "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
  sql $port "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$w, MASTER_USER='root', MASTER_PASSWORD='',
    MASTER_USE_GTID=slave_pos; START SLAVE UNTIL master_gtid_pos='$p0'"
  for i in $(seq 1 60); do
    [ "$(sql $port "SELECT @@gtid_slave_pos")" = "$p0" ] && break; sleep 1
  done
  sleep 1
  sql $port "STOP SLAVE; RESET SLAVE ALL"
done

echo "bench: $tx transactions on db1 (sysbench oltp_insert, $threads threads)" >&2
t0=$(ms)
sysbench oltp_insert --mysql-host=127.0.0.1 --mysql-port=$w --mysql-user=root --tables=1 --threads="$threads" \
  --events="$tx" --time=0 run >/dev/null
load_ms=$(( $(ms) - t0 ))
echo "bench: load took $load_ms ms" >&2
g=$(sql $w "SELECT @@gtid_binlog_pos" | tr ',' '\n' | grep '^1-')
want=$(sql $w "CHECKSUM TABLE sbtest.sbtest1" | cut -f2)
gseq=${g##*-}
for i in $(seq 1 120); do # the archive's end in domain 1 (heartbeats move it past G)
  end=$("${rm_[@]}" archive status --json -c "$work/sb/ringmaster.yml" 2>/dev/null \
    | sed -n 's/.*"end" : "\(.*\)".*/\1/p' | tr ',' '\n' | sed -n 's/^1-[0-9]*-//p')
  [ -n "$end" ] && [ "$end" -ge "$gseq" ] && break
  sleep 1
done
kill "$monitor_pid"; wait "$monitor_pid" 2>/dev/null || true; monitor_pid=
files=$(ls "$work/repo/binlog"/S*.binlog)
bytes=$(cat $files | wc -c)

echo "bench: by hand: mariadb-binlog | mariadb onto t2" >&2
t0=$(ms)
# shellcheck disable=SC2086
mariadb-binlog --start-position="$p0" --stop-position="$g" $files | mariadb -h127.0.0.1 -P$((base + 12)) -uroot --binary-mode
hand_ms=$(( $(ms) - t0 ))
echo "bench: by hand took $hand_ms ms" >&2

echo "bench: ringmaster binlog replay --until-gtid $g onto t1" >&2
t0=$(ms)
"${rm_[@]}" binlog replay -c "$work/sb/ringmaster.yml" --to 127.0.0.1:$((base + 11)) --until-gtid "$g" >&2
rm_ms=$(( $(ms) - t0 ))

for t in 1 2; do
  got=$(sql $((base + 10 + t)) "CHECKSUM TABLE sbtest.sbtest1" | cut -f2)
  pos=$(sql $((base + 10 + t)) "SELECT @@gtid_binlog_pos")
  [ "$got" = "$want" ] || { echo "bench: t$t's checksum $got differs from the writer's $want" >&2; exit 1; }
  case ",$pos," in *",$g,"*) ;; *) echo "bench: t$t is at $pos, not at $g" >&2; exit 1 ;; esac
done
n=$(( ${g##*-} - $(echo "$p0" | tr ',' '\n' | grep '^1-' | sed 's/.*-//') ))
printf 'PITR of %d transactions (%d file(s), %d MB of binlog; load took %d ms)\n' "$n" $(echo $files | wc -w) \
  $((bytes / 1048576)) "$load_ms"
printf '  ringmaster binlog replay:        %6d ms  %7d tx/s (includes the CLI start and the stop-point scan)\n' \
  "$rm_ms" $((n * 1000 / rm_ms))
printf '  mariadb-binlog | mariadb by hand: %6d ms  %7d tx/s\n' "$hand_ms" $((n * 1000 / hand_ms))
awk -v a="$rm_ms" -v b="$hand_ms" 'BEGIN { printf "  ratio ringmaster / by hand: %.2f\n", a / b }'
exit 0
}
