package pitchkafka.kstreams;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends each game state to the partition number of the pitch it was folded from, as
 * pitchkafka does. Without it the producer would hash the key with murmur2, while the
 * pitches were spread by librdkafka's partitioner (CRC32), and a game's states would
 * land in another partition than its pitches. Both topics have as many partitions.
 */
final class SamePartition implements StreamPartitioner<String, GameState> {
    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, GameState state, int numPartitions) {
        if (state.sourcePartition < 0 || state.sourcePartition >= numPartitions) {
            throw new IllegalStateException("game " + key + ": pitch partition " + state.sourcePartition
                    + " is not one of the " + numPartitions + " of " + topic);
        }
        return Optional.of(Set.of(state.sourcePartition));
    }
}
