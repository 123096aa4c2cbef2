#!/usr/bin/env bash
# Benchmark: `ringmaster checksum` against pt-table-checksum on the same sandbox, the same data and the same
# injected divergences, one after the other in one run. Prints both wall times, their ratio and which divergence
# each tool found. A benchmark, not a test: it needs root (apt-get) the first time, and only local servers.
#
#   bench/checksum/run.sh [--rows N] [--tables N] [--repeat N] [--base-port P] [--dir DIR] [--keep]
#
# --rows    rows per sysbench table (default 1000000; e.g. --rows 100000 for a quick run)
# --tables  sysbench tables (default 4)
# --repeat  run both tools N times, alternating; times are the medians (default 1)
# --base-port  the sandbox's servers listen on P+1..P+4 (default 24500)
# --dir     sandbox folder (default: a new temporary folder)
# --keep    leave the sandbox running at the end (default: removed)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=1000000 TABLES=4 BASE=24500 DIR="" KEEP=0 REPEAT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --tables) TABLES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --base-port) BASE=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "run.sh: unknown argument '$1' (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ "$ROWS" =~ ^[0-9]+$ && "$ROWS" -ge 1000 ]] || { echo "run.sh: --rows must be a number >= 1000" >&2; exit 2; }
[[ "$TABLES" =~ ^[0-9]+$ && "$TABLES" -ge 4 ]] || { echo "run.sh: --tables must be a number >= 4" >&2; exit 2; }
[[ "$REPEAT" =~ ^[0-9]+$ && "$REPEAT" -ge 1 ]] || { echo "run.sh: --repeat must be a number >= 1" >&2; exit 2; }
[ -n "$DIR" ] || DIR=$(mktemp -d /tmp/rm-bench.XXXXXX)
OUT=$(mktemp -d /tmp/rm-bench-out.XXXXXX)  # tool outputs, kept after the sandbox is removed

need() { command -v "$1" >/dev/null 2>&1; }
if ! need sysbench || ! need pt-table-checksum || ! need mariadb || ! need bc; then
  echo "== installing sysbench, percona-toolkit and the mariadb client (Debian packages)"
  [ "$(id -u)" = 0 ] || { echo "run.sh: need root to apt-get install sysbench percona-toolkit" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends sysbench percona-toolkit mariadb-client bc >/dev/null
fi

RM="$here/ringmaster"
P1=$((BASE + 1)) P2=$((BASE + 2)) P3=$((BASE + 3)) P4=$((BASE + 4))
q() { local port=$1; shift; mariadb -h 127.0.0.1 -P "$port" -u root -N -B "$@"; }
cleanup() {
  if [ "$KEEP" = 1 ]; then
    echo "== sandbox kept in $DIR (remove: $RM sandbox down --dir $DIR)"
  else
    "$RM" sandbox down --dir "$DIR" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

echo "== sandbox: 2 masters (db1 writer, db2 passive), a replica under each, binlog_format=MIXED, in $DIR"
"$RM" sandbox up --dir "$DIR" --base-port "$BASE" --mycnf innodb_buffer_pool_size=1G \
  --mycnf innodb_log_file_size=256M --mycnf sync_binlog=0 --mycnf innodb_flush_log_at_trx_commit=2 \
  > "$OUT/sandbox.log" 2>&1 || { cat "$OUT/sandbox.log" >&2; exit 1; }
CONFIG="$DIR/ringmaster.yml"

echo "== sysbench prepare: $TABLES tables x $ROWS rows on db1"
t0=$(date +%s)
q "$P1" -e "CREATE DATABASE sbtest; CREATE DATABASE bench"
sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$P1" --mysql-user=root \
  --mysql-password= --mysql-db=sbtest --tables="$TABLES" --table-size="$ROWS" --threads="$TABLES" prepare >/dev/null
# a nullable column for the NULL-versus-empty-string divergence (sysbench's columns are NOT NULL)
q "$P1" bench -e "CREATE TABLE nulls (id INT PRIMARY KEY, v VARCHAR(20) NULL);
  INSERT INTO nulls SELECT seq, IF(seq % 2 = 0, '', CONCAT('v', seq)) FROM seq_1_to_1000"
pos=$(q "$P1" -e "SELECT @@global.gtid_binlog_pos")
for p in "$P2" "$P3" "$P4"; do
  [ "$(q "$p" -e "SELECT MASTER_GTID_WAIT('$pos', 1200)")" = 0 ] || { echo "run.sh: port $p did not catch up" >&2; exit 1; }
done
echo "   prepared and replicated in $(( $(date +%s) - t0 )) s"

echo "== injecting divergences (sql_log_bin=0, so they stay where they are made)"
# the masters use auto_increment_increment=2: sysbench's ids on db1 are odd, 1 .. 2*ROWS-1
odd() { echo $(( $1 | 1 )); }
EXTRA=$((2 * ROWS + 100))
# host table key kind: one divergence per host and table, so a differing (host, table) pair names it
EXPECTED=(
  "db3 sbtest.sbtest1 changed" "db3 sbtest.sbtest2 missing" "db3 sbtest.sbtest3 extra" "db3 bench.nulls null-vs-empty"
  "db2 sbtest.sbtest2 changed" "db2 sbtest.sbtest3 missing" "db2 sbtest.sbtest4 extra" "db2 bench.nulls null-vs-empty"
  "db4 sbtest.sbtest1 changed"
)
q "$P3" -e "SET sql_log_bin=0;
  UPDATE sbtest.sbtest1 SET c = 'changed' WHERE id = $(odd $((ROWS / 2)));
  DELETE FROM sbtest.sbtest2 WHERE id = $(odd $((ROWS / 3)));
  INSERT INTO sbtest.sbtest3 (id, k, c, pad) VALUES ($EXTRA, 1, 'extra', 'extra');
  UPDATE bench.nulls SET v = NULL WHERE id = 10"
q "$P2" -e "SET sql_log_bin=0;
  UPDATE sbtest.sbtest2 SET c = 'changed' WHERE id = $(odd $((ROWS / 4)));
  DELETE FROM sbtest.sbtest3 WHERE id = $(odd $((ROWS / 5)));
  INSERT INTO sbtest.sbtest4 (id, k, c, pad) VALUES ($((EXTRA + 2)), 1, 'extra', 'extra');
  UPDATE bench.nulls SET v = NULL WHERE id = 20"
q "$P4" -e "SET sql_log_bin=0; UPDATE sbtest.sbtest1 SET c = 'changed' WHERE id = $(odd $((ROWS / 6)))"
for e in "${EXPECTED[@]}"; do echo "   $e"; done

# pt-table-checksum finds the other hosts through a DSN table (the sandbox is on one address, several ports)
q "$P1" -e "CREATE DATABASE IF NOT EXISTS percona; CREATE TABLE percona.dsns (id INT PRIMARY KEY, parent_id INT,
  dsn VARCHAR(255) NOT NULL); INSERT INTO percona.dsns VALUES (1, NULL, 'h=127.0.0.1,P=$P2,u=root'),
  (2, NULL, 'h=127.0.0.1,P=$P3,u=root'), (3, NULL, 'h=127.0.0.1,P=$P4,u=root')"
pos=$(q "$P1" -e "SELECT @@global.gtid_binlog_pos")
for p in "$P2" "$P3" "$P4"; do q "$p" -e "SELECT MASTER_GTID_WAIT('$pos', 60)" >/dev/null; done
sync; sleep 2

"$RM" --help >/dev/null   # builds the jar now, not inside the timing
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
pt_times="" rm_times=""
for i in $(seq 1 "$REPEAT"); do
  echo "== run $i of $REPEAT: pt-table-checksum $(pt-table-checksum --version | awk '{print $2}')"
  t0=$(date +%s.%N)
  set +e
  pt-table-checksum --no-version-check --no-check-binlog-format --databases sbtest,bench \
    --recursion-method "dsn=h=127.0.0.1,P=$P1,u=root,D=percona,t=dsns" "h=127.0.0.1,P=$P1,u=root" \
    > "$OUT/pt.out" 2> "$OUT/pt.err"
  pt_exit=$?
  set -e
  t=$(echo "$(date +%s.%N) - $t0" | bc)
  pt_times+="$t"$'\n'
  echo "   exit $pt_exit in ${t} s"
  echo "== run $i of $REPEAT: ringmaster checksum"
  t0=$(date +%s.%N)
  set +e
  "$RM" checksum --config "$CONFIG" --databases sbtest,bench --json > "$OUT/rm.json" 2> "$OUT/rm.err"
  rm_exit=$?
  set -e
  t=$(echo "$(date +%s.%N) - $t0" | bc)
  rm_times+="$t"$'\n'
  echo "   exit $rm_exit in ${t} s"
done
pt_time=$(printf '%s' "$pt_times" | median)
rm_time=$(printf '%s' "$rm_times" | median)
sleep 2  # pt waits for replicas itself; give the last checksum rows a moment to reach db4 through db2
pt_found=""
for h in db2:$P2 db3:$P3 db4:$P4; do
  name=${h%%:*} port=${h##*:}
  while read -r tbl; do [ -n "$tbl" ] && pt_found+="$name $tbl"$'\n'; done < <(q "$port" -e "SELECT DISTINCT
    CONCAT(db, '.', tbl) FROM percona.checksums WHERE master_cnt <> this_cnt OR master_crc <> this_crc
    OR ISNULL(master_crc) <> ISNULL(this_crc)")
done
rm_found=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
for d in sorted({(d["host"], d["table"]) for d in r["differences"]}):
    print(d[0], d[1])' "$OUT/rm.json")

echo
echo "== results: $TABLES tables x $ROWS rows + bench.nulls, 4 servers on $(nproc) cores"
printf "%-22s %10s   %s\n" "tool" "time (s)" "(median of $REPEAT; each run: s)"
printf "%-22s %10.2f   %s\n" "pt-table-checksum" "$pt_time" "$(echo $pt_times)" \
  "ringmaster checksum" "$rm_time" "$(echo $rm_times)"
printf "ratio pt-table-checksum / ringmaster: %.2fx\n" "$(echo "$pt_time / $rm_time" | bc -l)"
echo
printf "%-40s %-20s %-20s\n" "divergence (host table kind)" "pt-table-checksum" "ringmaster"
pt_n=0 rm_n=0
for e in "${EXPECTED[@]}"; do
  key="${e% *}"
  a=no b=no
  grep -qx "$key" <<< "$pt_found" && { a=found; pt_n=$((pt_n + 1)); }
  grep -qx "$key" <<< "$rm_found" && { b=found; rm_n=$((rm_n + 1)); }
  printf "%-40s %-20s %-20s\n" "$e" "$a" "$b"
done
echo "found: pt-table-checksum $pt_n/${#EXPECTED[@]}, ringmaster $rm_n/${#EXPECTED[@]}"
false_pos() { while read -r l; do [ -z "$l" ] && continue
  printf '%s\n' "${EXPECTED[@]}" | sed 's/ [^ ]*$//' | grep -qx "$l" || echo "   $l"; done <<< "$1"; }
echo "reported where nothing was injected:"
echo " pt-table-checksum:"; false_pos "$pt_found"
echo " ringmaster:"; false_pos "$rm_found"
echo "(outputs in $OUT: pt.out pt.err rm.json rm.err)"
