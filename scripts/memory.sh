#!/usr/bin/env bash
# Measures last-pitch's resident memory replaying 1 M and then 10 M pitches,
# to show that its state is one entry per pitcher, not one per record.
# Run by hand (not by CI): needs about 3 GB free and a few minutes.
#   bash scripts/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=${PORT:-19095}
bin=$(mktemp -d)/pitchkafka
go build -o "$bin" .
"$bin" broker --listen "127.0.0.1:$port" >/dev/null 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null' EXIT
sleep 1
brokers="127.0.0.1:$port"
publish() { # count seed
  "$bin" publish --brokers "$brokers" --rate 0 --count "$1" --seed "$2" -X compression.type=lz4 \
    --stats-interval 1h 2>&1 | grep '"done"' | sed 's/.*"delivered":\([0-9]*\).*"elapsed":"\([^"]*\)".*/  published \1 pitches in \2/'
}
replay() { # label
  /usr/bin/time -f "%M" -o /tmp/last-pitch-rss "$bin" last-pitch --brokers "$brokers" --from-beginning --once \
    --output json 2>/tmp/last-pitch-log >/tmp/last-pitch-out
  rss=$(cat /tmp/last-pitch-rss)
  replayed=$(grep -o '"replayed":[0-9]*' /tmp/last-pitch-log | cut -d: -f2)
  rate=$(grep -o '"records_per_s":"[0-9]*"' /tmp/last-pitch-log | cut -d'"' -f4)
  printf '| %s | %s | %d | %s |\n' "$1" "$replayed" "$((rss / 1024))" "$rate"
}
echo "last-pitch --from-beginning --once, resident memory (max RSS):"
publish 1000000 1
echo "| log | pitches replayed | max RSS (MB) | records/s |"
echo "|---|---|---|---|"
replay "1 M pitches"
publish 9000000 2
replay "10 M pitches"
