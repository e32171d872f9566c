#!/usr/bin/env bash
# announce against kcat -G on Apache Kafka (one node, started by
# scripts/kafka.sh from its cached jars; run `bash scripts/kafka.sh fetch`
# once), as bench.sh measures them on the embedded broker: N records
# published once, then announce and kcat -G, each a new group read to the
# end, A B A B for REPS rounds; prints each round's rates, the median ratio
# with its range, and the CPU seconds per million records. Run by hand.
#   bash scripts/bench-announce-kafka.sh             # N=1000000
#   N=200000 BIN=/tmp/old/pitchkafka bash scripts/bench-announce-kafka.sh
set -uo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
REPS=${REPS:-3}
work=$(mktemp -d)
bin=${BIN:-$work/pitchkafka}
[ -n "${BIN:-}" ] || go build -o "$bin" . || exit 1
command -v kcat >/dev/null || { echo "kcat not found: apt-get install kcat" >&2; exit 1; }
dir="$work/kafka"
brokers=$(bash scripts/kafka.sh start --dir "$dir" --parent $$) || exit 1
trap 'bash scripts/kafka.sh stop --dir "$dir" --kill >/dev/null 2>&1; rm -rf "$work"' EXIT

"$bin" publish --brokers "$brokers" --topic pitches --rate 0 --count "$N" --seed 1 >/dev/null 2>&1 || exit 1

# run prints a command's wall and CPU seconds (user + system).
run() { local t; t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 ); set -- $t; echo "$1 $(echo "$2 + $3" | bc -l)"; }
ratios=() ann_cpu=() kcat_cpu=()
for rep in $(seq 1 "$REPS"); do
  read -r a ac < <(run "$bin" announce --brokers "$brokers" --topic pitches --group "bench-$rep" --from-beginning --once)
  read -r k kc < <(run kcat -b "$brokers" -G "kcat-bench-$rep" -o beginning -e -q pitches)
  printf 'round %d: announce %.0f records/s, kcat -G %.0f records/s\n' "$rep" "$(echo "$N / $a" | bc -l)" "$(echo "$N / $k" | bc -l)"
  ratios+=("$(echo "$k / $a" | bc -l)") ann_cpu+=("$(echo "$ac * 1000000 / $N" | bc -l)") kcat_cpu+=("$(echo "$kc * 1000000 / $N" | bc -l)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'announce = %.2f× kcat -G (%.2f–%.2f); CPU seconds per million records: announce %.2f, kcat -G %.2f\n' \
  "$(median "${ratios[@]}")" "$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)" "$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)" \
  "$(median "${ann_cpu[@]}")" "$(median "${kcat_cpu[@]}")"
