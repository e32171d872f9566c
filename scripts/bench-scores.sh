#!/usr/bin/env bash
# Measures `pitchkafka scores` against a Kafka Streams application that folds the same
# pitches into the same game states (bench/kstreams, issue #31), both exactly once and
# committing every 100 ms, on one Apache Kafka node (scripts/kafka.sh), A B A B, then
# checks that their games topics agree game by game and prints a markdown table.
# Run by hand (not by CI). Needs Go, Java 17+ and Maven; the first run fetches the
# Kafka jars and the Streams app's dependencies through Maven.
#   bash scripts/bench-scores.sh              # N=1000000 pitches, REPS=3 rounds
#   N=100000 REPS=1 bash scripts/bench-scores.sh   # quick
# Environment: N, REPS, KS_STORE (rocksdb, Kafka Streams' default, or memory),
# KS_JAVA_OPTS (the Streams app's JVM options; default none), SCORES_ARGS (more flags
# for scores; by default "--commit-records 100000000", so that scores commits on the
# 100 ms interval alone, as the Streams app does; SCORES_ARGS= measures scores' own
# defaults, which also commit every 1000 pitches), TIMEOUT (seconds per
# run, default 1800), PITCHKAFKA_KAFKA_JVM_OPTS (the broker's; default below).
#
# Each run starts a fresh process with a fresh group (application id) and output topic
# and is timed from its start to its exit: startup, group join, the N pitches, and a
# clean stop. scores is stopped with SIGTERM once its stats line (every 100 ms: a 1 s
# interval would add up to 1 s to its time) says `records_in` >= N, that is N pitches
# in committed transactions; the Streams app stops itself (--until N) once its group's
# committed offsets say the same. CPU is user + system seconds of the process, from
# /usr/bin/time.
set -uo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
REPS=${REPS:-3}
KS_STORE=${KS_STORE:-rocksdb}
KS_JAVA_OPTS=${KS_JAVA_OPTS:-}
SCORES_ARGS=${SCORES_ARGS---commit-records 100000000}
TIMEOUT=${TIMEOUT:-1800}
export PITCHKAFKA_KAFKA_JVM_OPTS=${PITCHKAFKA_KAFKA_JVM_OPTS:--Xms1g -Xmx2g -XX:+UseG1GC}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-scores.XXXXXX")
bin=$work/pitchkafka
jar=bench/kstreams/target/pitchkafka-kstreams.jar
kdir=$work/kafka
topic=pitches

say() { echo "bench-scores: $*" >&2; }
die() { say "$*"; exit 1; }
cleanup() {
  bash scripts/kafka.sh stop --kill --dir "$kdir" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -x /usr/bin/time ] || die "/usr/bin/time is needed for CPU seconds: apt-get install time"

say "building pitchkafka and the Kafka Streams app..."
go build -o "$bin" . || die "go build failed"
mvn -q -B -f bench/kstreams/pom.xml package >"$work/mvn.log" 2>&1 || { cat "$work/mvn.log" >&2; die "mvn package of bench/kstreams failed"; }

say "starting Apache Kafka (JVM: $PITCHKAFKA_KAFKA_JVM_OPTS)..."
brokers=$(bash scripts/kafka.sh start --dir "$kdir" --parent $$ --ttl 4h) || die "kafka.sh start failed"
say "publishing $N pitches to $topic at $brokers..."
"$bin" publish --brokers "$brokers" --topic "$topic" --rate 0 --count "$N" --seed 1 --partitions 6 \
  >/dev/null 2>"$work/publish.log" || { cat "$work/publish.log" >&2; die "publish failed"; }

# time_of FILE prints "wall cpu" from a /usr/bin/time -f '%e %U %S' file (whose first
# line says so when the command failed).
time_of() { tail -1 "$1" | awk '{printf "%s %.2f\n", $1, $2 + $3}'; }
now() { date +%s.%N; }

# run_scores R: `pitchkafka scores` in group ps-R to games-ps-R until N pitches are in
# committed transactions. Prints "wall cpu to_n transactions".
run_scores() {
  local r=$1 log=$work/scores-$r.log pidf=$work/scores-$r.pid t0 tn in
  t0=$(now)
  # sh writes its pid, then becomes scores: the pid to send SIGTERM to.
  /usr/bin/time -f '%e %U %S' -o "$work/time-ps-$r" sh -c 'echo $$ >"$0"; exec "$@"' "$pidf" \
    "$bin" --log-format json scores --brokers "$brokers" --topic "$topic" --to "games-ps-$r" --group "ps-$r" \
    --instance a --commit-interval 100ms --stats-interval 100ms $SCORES_ARGS >/dev/null 2>"$log" &
  local tpid=$! deadline=$((SECONDS + TIMEOUT))
  while :; do
    in=$(tail -n 5 "$log" | grep -o '"records_in":[0-9]*' | tail -1 | cut -d: -f2)
    [ "${in:-0}" -ge "$N" ] && break
    if ! kill -0 "$tpid" 2>/dev/null; then
      tail -n 20 "$log" >&2
      say "scores exited after ${in:-0} pitches"
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -TERM "$(cat "$pidf")" 2>/dev/null
      wait "$tpid"
      say "scores did not reach $N pitches in $TIMEOUT s (${in:-0})"
      return 1
    fi
    sleep 0.05
  done
  tn=$(now)
  kill -TERM "$(cat "$pidf")"
  wait "$tpid" || { tail -n 20 "$log" >&2; say "scores failed on SIGTERM"; return 1; }
  local txns
  txns=$(grep '"scores stopped"' "$log" | grep -o '"committed":[0-9]*' | cut -d: -f2)
  echo "$(time_of "$work/time-ps-$r") $(echo "$tn - $t0" | bc -l) ${txns:-?}"
}

# run_ks R: the Streams app, application id ks-R, to games-ks-R until N pitches are in
# committed transactions. Prints "wall cpu to_n transactions".
run_ks() {
  local r=$1 out=$work/ks-$r.out
  # shellcheck disable=SC2086 # KS_JAVA_OPTS is a list of options
  if ! /usr/bin/time -f '%e %U %S' -o "$work/time-ks-$r" timeout "$TIMEOUT" \
    java $KS_JAVA_OPTS -jar "$jar" "$brokers" "$topic" "games-ks-$r" "ks-$r" --until "$N" \
    --state-dir "$work/ks-state-$r" --store "$KS_STORE" >"$out" 2>"$work/ks-$r.log"; then
    tail -n 20 "$work/ks-$r.log" >&2
    say "the Kafka Streams app failed"
    return 1
  fi
  local to_n txns
  to_n=$(grep -o 'elapsed_s=[0-9.]*' "$out" | cut -d= -f2)
  txns=$(grep -o 'commits=[0-9]*' "$out" | cut -d= -f2)
  echo "$(time_of "$work/time-ks-$r") $to_n $txns"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
lo() { printf '%s\n' "$@" | sort -g | head -1; }
hi() { printf '%s\n' "$@" | sort -g | tail -1; }
fmt() { printf "%.${2:-0}f" "$1"; }
# cell PRECISION VALUES...: "median (min–max)"
cell() { local p=$1; shift; echo "$(fmt "$(median "$@")" "$p") ($(fmt "$(lo "$@")" "$p")–$(fmt "$(hi "$@")" "$p"))"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
ps_rate=() ps_cpu=() ks_rate=() ks_cpu=() ratio=() cpu_ratio=() rows=() agree=()
for r in $(seq 1 "$REPS"); do
  say "round $r/$REPS: pitchkafka scores..."
  read -r pw pc pn pt < <(run_scores "$r") || die "round $r: scores failed"
  [ -n "${pw:-}" ] || die "round $r: scores failed"
  say "round $r/$REPS: Kafka Streams..."
  read -r kw kc kn kt < <(run_ks "$r") || die "round $r: Kafka Streams failed"
  [ -n "${kw:-}" ] || die "round $r: Kafka Streams failed"
  prate=$(echo "$N / $pw" | bc -l) krate=$(echo "$N / $kw" | bc -l)
  ps_rate+=("$prate") ks_rate+=("$krate")
  ps_cpu+=("$(echo "$pc * 1000000 / $N" | bc -l)") ks_cpu+=("$(echo "$kc * 1000000 / $N" | bc -l)")
  ratio+=("$(echo "$prate / $krate" | bc -l)") cpu_ratio+=("$(echo "$pc / $kc" | bc -l)")
  rows+=("| $r | $(fmt "$pw" 2) | $(fmt "$pn" 2) | $(fmt "$pc" 2) | $pt | $(fmt "$kw" 2) | $(fmt "$kn" 2) | $(fmt "$kc" 2) | $kt |")
  say "round $r/$REPS: comparing games-ps-$r with games-ks-$r..."
  java -cp "$jar" pitchkafka.kstreams.CompareGames "$brokers" "games-ps-$r" "games-ks-$r" >"$work/compare-$r" 2>&1
  agree+=("$?")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "## pitchkafka scores vs Kafka Streams: $N pitches, $REPS rounds"
echo
echo "One Apache Kafka 4.4.0 node (scripts/kafka.sh, broker JVM: $PITCHKAFKA_KAFKA_JVM_OPTS), 6 partitions;"
echo "both exactly once, committing every 100 ms; scores's further flags: ${SCORES_ARGS:-none (its defaults, which also commit every 1000 pitches)};"
echo "Kafka Streams 4.4.0, exactly_once_v2, 1 stream thread, $KS_STORE store with caching and changelog;"
echo "$(nproc) cores, load average $load_before before, $load_after after."
echo
echo "| | pitches/s, median (range) | CPU s per million pitches, median (range) |"
echo "|---|---|---|"
echo "| pitchkafka scores | $(cell 0 "${ps_rate[@]}") | $(cell 2 "${ps_cpu[@]}") |"
echo "| Kafka Streams | $(cell 0 "${ks_rate[@]}") | $(cell 2 "${ks_cpu[@]}") |"
echo "| scores / Kafka Streams, median (range) of the rounds' pairs | $(cell 2 "${ratio[@]}") | $(cell 2 "${cpu_ratio[@]}") |"
echo
echo "Above 1 in the ratio's first column, scores is faster; below 1 in its second, it uses less CPU."
echo
echo "Each round (wall: process start to exit; to N: start to N pitches committed; txns: transactions):"
echo
echo "| round | scores wall s | to N | CPU s | txns | Streams wall s | to N | CPU s | txns |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
status=0
for r in $(seq 1 "$REPS"); do
  if [ "${agree[$((r - 1))]}" = 0 ]; then
    echo "round $r: $(head -1 "$work/compare-$r"); $(tail -1 "$work/compare-$r")"
  else
    status=1
    echo "round $r: games-ps-$r and games-ks-$r differ:"
    sed 's/^/    /' "$work/compare-$r"
  fi
done
exit $status
