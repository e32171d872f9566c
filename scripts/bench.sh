#!/usr/bin/env bash
# Measures pitchkafka against the Kafka client's raw limit and against kcat,
# all on one broker, A B A B, and prints the medians and ratios. Run by hand
# (not by CI); installs nothing.
#   bash scripts/bench.sh                # N=1000000 records, on `pitchkafka broker` (kfake)
#   N=200000 bash scripts/bench.sh       # quicker
#   BROKER=kafka bash scripts/bench.sh   # on Apache Kafka 4, one node, from scripts/kafka.sh
set -uo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
REPS=${REPS:-3}
BROKER=${BROKER:-kfake}
port=${PORT:-19097}
brokers="127.0.0.1:$port"
registry="http://127.0.0.1:$((port + 100))"
work=$(mktemp -d)
bin="$work/pitchkafka"
go build -o "$bin" . || exit 1
go test -c -o "$work/kafkaio.test" ./kafkaio || exit 1
broker=
trap 'kill $broker 2>/dev/null; rm -rf "$work"' EXIT
case $BROKER in
kfake)
  broker_name="pitchkafka broker (kfake), a fresh one for each producer run"
  # The embedded broker keeps every record in memory, and its garbage
  # collector slows down as it fills; a fresh broker for each phase keeps
  # the measures from depending on what ran before.
  restart_broker() {
    [ -n "$broker" ] && kill "$broker" 2>/dev/null && wait "$broker" 2>/dev/null
    "$bin" broker --listen "$brokers" --schema-registry "${registry#http://}" >/dev/null 2>&1 &
    broker=$!
    sleep 1
  }
  ;;
kafka)
  # Apache Kafka keeps records on disk: one broker for the whole run, each
  # measure on topics of its own. It has no Schema Registry: the embedded
  # one serves the Avro rows (its broker, on the next port, stays idle).
  brokers=$(bash scripts/kafka.sh start --dir "$work/kafka" --parent $$ --ttl 6h) || exit 1
  broker_name="Apache Kafka $(sed -n 's/^KAFKA_VERSION=//p' scripts/kafka.sh), one node (scripts/kafka.sh)"
  "$bin" broker --listen "127.0.0.1:$((port + 1))" --schema-registry "${registry#http://}" >/dev/null 2>&1 &
  broker=$!
  trap 'kill $broker 2>/dev/null; bash scripts/kafka.sh stop --dir "$work/kafka" >/dev/null 2>&1; rm -rf "$work"' EXIT
  restart_broker() { :; }
  ;;
*)
  echo "BROKER=$BROKER: use kfake or kafka" >&2
  exit 2
  ;;
esac

have_kcat=true
if ! command -v kcat >/dev/null; then
  echo "kcat not found: apt-get install kcat (its rows are left out)" >&2
  have_kcat=false
fi

# seconds runs a command and prints its wall time in seconds; the CPU
# seconds it used (user and system) are left in $work/cpu.last.
seconds() {
  local t
  t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1 || echo "failed: $*" >>"$work/failures"; } 2>&1 )
  set -- $t
  echo "$2 + $3" | bc -l > "$work/cpu.last"
  echo "$1"
}
cpu() { cat "$work/cpu.last"; } # the CPU seconds of the last command seconds ran
rate() { echo "$N / $1" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
bench_rate() { # benchmark name, topic, benchtime -> records/s
  PITCHKAFKA_BENCH_BROKERS=$brokers PITCHKAFKA_BENCH_TOPIC=$2 "$work/kafkaio.test" -test.run XXX -test.bench "$1" \
    -test.benchtime "$3" 2>/dev/null | grep -o '[0-9.]* records/s' | head -1 | cut -d' ' -f1
}

# create makes an empty topic of 6 partitions, as publish does.
create() { "$bin" publish --brokers "$brokers" --topic "$1" --rate 0 --count 1 --seed 9 >/dev/null 2>&1; }

echo "encoding $N pitches for kcat..." >&2
"$bin" publish --dry-run --rate 0 --count "$N" --seed 1 > "$work/pitches.jsonl" 2>/dev/null
# kcat -K reads "key<TAB>value": the same records publish sends, keyed by game_pk.
# (Anchored at the fields before game_pk: a leading .* took sed a minute.)
sed -E 's/^(\{"schema":"[^"]*","ts":"[^"]*","game_pk":([0-9]+),.*)$/\2\t\1/' "$work/pitches.jsonl" > "$work/keyed.tsv"

declare -a pub puba raw kcatp lp lpa kcatc rawc ann narr st kcatg cpu_pub cpu_kcatp cpu_lp cpu_kcatc cpu_ann cpu_kcatg
for rep in $(seq 1 "$REPS"); do
  echo "round $rep: producers..." >&2
  restart_broker
  pub+=("$(rate "$(seconds "$bin" publish --brokers "$brokers" --topic "pub-$rep" --rate 0 --count "$N" --seed 1)")")
  cpu_pub+=("$(cpu)")
  restart_broker
  puba+=("$(rate "$(seconds "$bin" publish --brokers "$brokers" --topic "avro-$rep" --rate 0 --count "$N" --seed 1 \
    --format avro --schema-registry "$registry")")")
  restart_broker
  raw+=("$(bench_rate 'RawProduce/headers=false' "raw-$rep" "${N}x")")
  if $have_kcat; then
    restart_broker
    create "kcat-$rep" # the embedded broker creates no topic on its own
    kcatp+=("$(rate "$(seconds kcat -P -b "$brokers" -t "kcat-$rep" -K '\t' -X acks=all -X enable.idempotence=true \
      -X linger.ms=5 -X queue.buffering.max.messages=50000 -X queue.buffering.max.kbytes=4096 -l "$work/keyed.tsv")")")
    cpu_kcatp+=("$(cpu)")
  fi
done
restart_broker
echo "publishing $N pitches to read back..." >&2
"$bin" publish --brokers "$brokers" --topic pub-1 --rate 0 --count "$N" --seed 1 >/dev/null 2>&1
"$bin" publish --brokers "$brokers" --topic avro-1 --rate 0 --count "$N" --seed 1 --format avro --schema-registry "$registry" >/dev/null 2>&1
for rep in $(seq 1 "$REPS"); do
  echo "round $rep: consumers..." >&2
  lp+=("$(rate "$(seconds "$bin" last-pitch --brokers "$brokers" --topic pub-1 --from-beginning --once --output json)")")
  cpu_lp+=("$(cpu)")
  lpa+=("$(rate "$(seconds "$bin" last-pitch --brokers "$brokers" --topic avro-1 --from-beginning --once --output json \
    --schema-registry "$registry")")")
  if $have_kcat; then
    kcatc+=("$(rate "$(seconds kcat -C -b "$brokers" -t pub-1 -o beginning -e -q)")")
    cpu_kcatc+=("$(cpu)")
  fi
  st+=("$(rate "$(seconds "$bin" stats --brokers "$brokers" --topic pub-1 --from-beginning --once)")")
  rawc+=("$(bench_rate 'RawConsume' pub-1 1x)")
  ann+=("$(rate "$(seconds "$bin" announce --brokers "$brokers" --topic pub-1 --group "bench-$rep" --from-beginning --once)")")
  cpu_ann+=("$(cpu)")
  narr+=("$(bench_rate 'BatchReadAndNarrate' pub-1 1x)") # announce's ceiling on the batch path
  if $have_kcat; then # a consumer group too, joined, read to the end, left
    kcatg+=("$(rate "$(seconds kcat -b "$brokers" -G "kcat-bench-$rep" -o beginning -e -q pub-1)")")
    cpu_kcatg+=("$(cpu)")
  fi
done

echo "latency: 20 s at 1,000 pitches/s, twice..." >&2
restart_broker
latency() { # topic, extra publish flags...
  local topic=$1; shift
  create "$topic"
  "$bin" --log-format json announce --brokers "$brokers" --topic "$topic" --group "lat-$topic" --stats-interval 8s \
    >/dev/null 2>"$work/$topic.log" &
  local ann=$!
  sleep 4
  "$bin" publish --brokers "$brokers" --topic "$topic" --rate 1000 --duration 20s --seed 3 "$@" >/dev/null 2>&1
  sleep 1
  kill -INT $ann; wait $ann 2>/dev/null
  grep '"lag and latency"' "$work/$topic.log" | grep -v '"announced":0' | tail -1 |
    sed 's/.*"latency_p50":"\([^"]*\)","latency_p99":"\([^"]*\)","latency_max":"\([^"]*\)".*/p50 \1, p99 \2, max \3/'
}
lat0=$(latency lat-linger0 -X linger.ms=0)
latd=$(latency lat-default)

lowest() { printf '%s\n' "$@" | sort -g | head -1; }
highest() { printf '%s\n' "$@" | sort -g | tail -1; }
# span prints the median of rates and, in brackets, their range.
span() { printf '%.0f (%.0f–%.0f)' "$(median "$@")" "$(lowest "$@")" "$(highest "$@")"; }
# paired prints the median and range of the ratios of two arrays' rates,
# round by round: the two sides of a ratio ran a minute apart at most, so
# the machine's drift between rounds cancels out.
paired() {
  local -n num=$1 den=$2
  local r=() i
  for i in "${!num[@]}"; do r+=("$(echo "${num[$i]} / ${den[$i]}" | bc -l)"); done
  printf '%.2f× (%.2f–%.2f)' "$(median "${r[@]}")" "$(lowest "${r[@]}")" "$(highest "${r[@]}")"
}
printf '\n%s records of about %s bytes, %s rounds A B A B; rates are medians (range), ratios the median (range) of\n' "$N" \
  "$(head -c 100000 "$work/pitches.jsonl" | awk '{s+=length($0)} END {printf "%d", s/NR}')" "$REPS"
printf 'each round'"'"'s pair; broker: %s; machine: %s cores, %s\n\n' "$broker_name" "$(nproc)" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '| measure | records/s | ratio |\n|---|---|---|\n'
printf '| publish --rate 0 | %s | |\n' "$(span "${pub[@]}")"
printf '| publish --rate 0 --format avro (Schema Registry) | %s | = %s publish |\n' "$(span "${puba[@]}")" "$(paired puba pub)"
printf '| raw confluent-kafka-go produce loop (pre-encoded) | %s | publish = %s |\n' "$(span "${raw[@]}")" "$(paired pub raw)"
$have_kcat && printf '| kcat -P -K of the same keyed JSON lines | %s | publish = %s |\n' "$(span "${kcatp[@]}")" "$(paired pub kcatp)"
printf '| last-pitch --from-beginning --once | %s | |\n' "$(span "${lp[@]}")"
printf '| last-pitch of the same pitches in Avro | %s | = %s last-pitch |\n' "$(span "${lpa[@]}")" "$(paired lpa lp)"
$have_kcat && printf '| kcat -C -e to /dev/null | %s | last-pitch = %s |\n' "$(span "${kcatc[@]}")" "$(paired lp kcatc)"
$have_kcat && printf '| stats --from-beginning --once | %s | stats = %s kcat -C |\n' "$(span "${st[@]}")" "$(paired st kcatc)"
printf '| raw confluent-kafka-go Poll loop | %s | last-pitch = %s |\n' "$(span "${rawc[@]}")" "$(paired lp rawc)"
printf '| announce --from-beginning --once > /dev/null | %s | = %s last-pitch |\n' "$(span "${ann[@]}")" "$(paired ann lp)"
$have_kcat && printf '| kcat -G (a group member) -e to /dev/null | %s | announce = %s |\n' "$(span "${kcatg[@]}")" "$(paired ann kcatg)"
$have_kcat && printf '| batch-path read + narration, no group (announce'"'"'s ceiling) | %s | = %s kcat -G |\n' "$(span "${narr[@]}")" "$(paired narr kcatg)"
# per_million prints the median CPU seconds per million records.
per_million() { local x=() v; for v in "$@"; do x+=("$(echo "$v * 1000000 / $N" | bc -l)"); done; printf '%.2f' "$(median "${x[@]}")"; }
printf '\nCPU seconds (user + system) per million records, medians; the broker'"'"'s own are not counted:\n'
printf -- '- publish %s' "$(per_million "${cpu_pub[@]}")"
$have_kcat && printf ', kcat -P %s' "$(per_million "${cpu_kcatp[@]}")"
printf '\n- last-pitch %s' "$(per_million "${cpu_lp[@]}")"
$have_kcat && printf ', kcat -C %s' "$(per_million "${cpu_kcatc[@]}")"
printf '\n- announce %s' "$(per_million "${cpu_ann[@]}")"
$have_kcat && printf ', kcat -G %s' "$(per_million "${cpu_kcatg[@]}")"
printf '\n'
[ -s "$work/failures" ] && { echo "some runs failed:" >&2; cat "$work/failures" >&2; }
printf '\nend-to-end publish → announce at 1,000 pitches/s:\n'
printf -- '- -X linger.ms=0: %s\n- default settings (linger.ms=5): %s\n' "$lat0" "$latd"
