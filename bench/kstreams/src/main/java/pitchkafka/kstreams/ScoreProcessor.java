package pitchkafka.kstreams;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds each pitch into its game's state, kept in a key-value store by game_pk, and
 * forwards every change: one games record per pitch folded in, as `pitchkafka scores`
 * writes. A pitch already folded in (game_seq at or before the state's through_seq)
 * changes nothing and forwards nothing.
 */
final class ScoreProcessor implements Processor<String, Pitch, String, GameState> {
    private final String storeName;
    private ProcessorContext<String, GameState> context;
    private KeyValueStore<String, GameState> games;

    ScoreProcessor(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, GameState> context) {
        this.context = context;
        this.games = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, Pitch> record) {
        Pitch pitch = record.value();
        // The key is the decimal game_pk, taken from the event as pitchkafka takes it.
        String key = Long.toString(pitch.gamePk);
        GameState state = games.get(key);
        if (state == null) {
            state = new GameState();
        }
        if (!state.apply(pitch)) {
            return;
        }
        games.put(key, state);
        // The record goes to the pitch's partition number (SamePartition), with the
        // last pitch's ts as its timestamp, as pitchkafka writes it.
        state.sourcePartition = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("a pitch without its partition"))
                .partition();
        context.forward(new Record<>(key, state, state.tsMillis));
    }
}
