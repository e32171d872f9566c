#!/usr/bin/env bash
# Runs the consumer-group and chaos tests N times in a row (default 10),
# without -race, stopping at the first failure, and prints each round's time.
#
#   scripts/repeat-group-tests.sh [N]
#   nohup scripts/repeat-group-tests.sh 10 > /tmp/repeat.log 2>&1 &
#
# The binary the process tests run and the test binaries are built once.
# A failed round's output is kept in $WORK/round-N-PKG.log (printed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-10}

# The tests, listed by name so that none is left out by a pattern.
kafkaio_tests=(
  TestAMemberKilledWhileJoiningNeverStallsTheGroup        # a joiner killed mid-join (kfake patch)
  TestAGroupMemberRidesOutBrokerKills                     # the broker SIGKILLed under a member
  TestARetriedBatchIsNotWrittenTwiceAfterABrokerCrash     # the producer across a broker crash
  TestAStuckHandler                                       # a stuck handler holds up no rebalance
  TestLeadersMovingUnderAStreamOnThreeNodes               # three nodes, in the test process
  TestLeadersMovingUnderProcessesOnAThreeNodeBroker       # three nodes, broker --nodes 3 as a process
  TestPoisonRecordsGoToTheDeadLetterTopicAndNeverBlockTheGroup
  TestADeadLetterCopyThatCannotBeWrittenNeverStopsTheGroup
  TestGroupCommitsOnlyWhatItsHandlerFlushed
  TestAnUnansweredCommitDoesNotHoldUpShutdown
  TestNothingLostOrDuplicatedUnderBrokerErrors            # injected broker errors under a member
)
commands_tests=(
  TestGroupMembersJoinAndLeaveWithoutLosingOrRepeating    # classic and consumer protocols
  TestAMemberKilledMidStreamLosesNothing                  # classic and consumer protocols
  TestTwoAnnouncersInOneGroupPrintEveryOffset
  TestAnnounceOnceStopsAtTheEndOfTheLog
  TestAMemberStuckWritingBlocksNeitherTheGroupNorCtrlC    # stdout blocked, a newcomer joins
  TestCtrlCEndsAMemberWhoseStdoutIsBlocked
  TestCtrlCEndsAStuckMemberWhileItsBrokerIsFrozen
  TestPublishRidesOutABrokerRestart
)

pattern() { local IFS='|'; echo "^($*)\$"; }

WORK=$(mktemp -d /tmp/repeat-group-tests.XXXXXX)
echo "building into $WORK"
go build -o "$WORK/pitchkafka" .
go test -c -o "$WORK/kafkaio.test" ./kafkaio
go test -c -o "$WORK/commands.test" ./commands
export PITCHKAFKA_TEST_BINARY="$WORK/pitchkafka"

# run PKG ROUND TESTS...: runs one package's tests from its directory.
run() {
  local pkg=$1 round=$2
  shift 2
  local log="$WORK/round-$round-$pkg.log"
  if (cd "$pkg" && "$WORK/$pkg.test" -test.run "$(pattern "$@")" -test.count=1 -test.timeout=20m -test.v) > "$log" 2>&1; then
    return 0
  fi
  echo "round $round: $pkg FAILED; the failing tests:"
  grep -E -- '^(--- FAIL|FAIL|panic:)' "$log" || true
  echo "--- last 60 lines of $log:"
  tail -n 60 "$log"
  return 1
}

total_start=$(date +%s)
for round in $(seq 1 "$rounds"); do
  start=$(date +%s)
  run kafkaio "$round" "${kafkaio_tests[@]}" || exit 1
  run commands "$round" "${commands_tests[@]}" || exit 1
  passed=$(cat "$WORK/round-$round-kafkaio.log" "$WORK/round-$round-commands.log" | grep -c -- '^--- PASS' || true)
  echo "round $round of $rounds passed ($passed tests, $(( $(date +%s) - start )) s) at $(date -u +%H:%M:%S) UTC"
done
echo "all $rounds rounds passed in $(( $(date +%s) - total_start )) s"
rm -rf "$WORK"
