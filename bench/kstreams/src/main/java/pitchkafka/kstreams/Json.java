package pitchkafka.kstreams;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The JSON serdes: pitch events in, game states in the store and out. */
final class Json {
    private Json() {}

    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Game states, read and written as the games topic holds them. */
    static Serde<GameState> gameSerde() {
        ObjectWriter writer = MAPPER.writerFor(GameState.class);
        ObjectReader reader = MAPPER.readerFor(GameState.class);
        Serializer<GameState> ser = (topic, state) -> {
            if (state == null) {
                return null;
            }
            try {
                return writer.writeValueAsBytes(state);
            } catch (IOException e) {
                throw new SerializationException("game state " + state.gamePk, e);
            }
        };
        Deserializer<GameState> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return reader.readValue(bytes);
            } catch (IOException e) {
                throw new SerializationException("not a game state", e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }

    /**
     * Pitch events. A value that is not one throws, and the application's
     * deserialization handler logs and skips it, as pitchkafka skips (and warns of) a
     * record that is not a pitch event. This checks only what the fold relies on;
     * pitchkafka's decoder checks every field against the JSON Schema.
     */
    static Deserializer<Pitch> pitchDeserializer() {
        ObjectReader reader = MAPPER.readerFor(Pitch.class);
        return (topic, bytes) -> {
            if (bytes == null) {
                throw new SerializationException("null value: not a pitch event");
            }
            Pitch p;
            try {
                p = reader.readValue(bytes);
            } catch (IOException e) {
                throw new SerializationException("not a pitch event", e);
            }
            if (!"pitchkafka.pitch/v1".equals(p.schema) || p.gamePk <= 0 || p.gameSeq < 1 || p.inning < 1
                    || p.ts == null) {
                throw new SerializationException("not a pitchkafka.pitch/v1 event: game_pk " + p.gamePk
                        + ", game_seq " + p.gameSeq + ", inning " + p.inning);
            }
            return p;
        };
    }
}
