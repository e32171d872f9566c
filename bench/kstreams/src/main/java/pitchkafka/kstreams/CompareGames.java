package pitchkafka.kstreams;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Checks that two games topics agree game by game: for every game, the latest state
 * (by offset, committed records only) in one equals the latest in the other, compared
 * as parsed JSON, field by field, and sits in the same partition.
 *
 * <pre>
 * java -cp pitchkafka-kstreams.jar pitchkafka.kstreams.CompareGames BOOTSTRAP TOPIC_A TOPIC_B
 * </pre>
 *
 * Prints "outputs agree: yes (G games; B of them byte for byte)" and exits 0, or the first differences and
 * exits 1. A second line counts each topic's records.
 */
public final class CompareGames {
    /** How many differing games, and fields of each, to print. */
    private static final int SHOW_GAMES = 10;
    private static final int SHOW_FIELDS = 8;

    private CompareGames() {}

    /** A game's latest state in one topic. */
    record Latest(int partition, long offset, byte[] raw, JsonNode value) {}

    /** One topic read to its end: each game's latest state, and the records read. */
    record Topic(String name, Map<String, Latest> games, long records) {}

    public static void main(String[] argv) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        if (argv.length != 3) {
            System.err.println("usage: BOOTSTRAP TOPIC_A TOPIC_B");
            System.exit(2);
        }
        Topic a = read(argv[0], argv[1]);
        Topic b = read(argv[0], argv[2]);
        List<String> diffs = compare(a, b);
        if (diffs.isEmpty()) {
            System.out.println("outputs agree: yes (" + a.games().size() + " games; " + identical(a, b)
                    + " of them byte for byte)");
        } else {
            System.out.println("outputs agree: NO");
            diffs.forEach(System.out::println);
        }
        System.out.println("records: " + a.records() + " in " + a.name() + ", " + b.records() + " in " + b.name());
        System.exit(diffs.isEmpty() ? 0 : 1);
    }

    /** Reads a topic from the beginning to its last stable offset, committed records only. */
    static Topic read(String bootstrap, String topic) throws IOException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        Map<String, Latest> games = new HashMap<>();
        long records = 0;
        try (KafkaConsumer<String, byte[]> c =
                     new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                tps.add(new TopicPartition(topic, pi.partition()));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            // Under read_committed, the end offsets are the last stable offsets.
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            while (!atEnd(c, end)) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    records++;
                    JsonNode v = r.value() == null ? null : Json.MAPPER.readTree(r.value());
                    games.put(r.key(), new Latest(r.partition(), r.offset(), r.value(), v));
                }
            }
        }
        return new Topic(topic, games, records);
    }

    private static boolean atEnd(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The differences, one line each; empty if the topics agree. */
    static List<String> compare(Topic a, Topic b) {
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(a.games().keySet());
        keys.addAll(b.games().keySet());
        int differing = 0;
        for (String key : keys) {
            Latest la = a.games().get(key), lb = b.games().get(key);
            List<String> fields = new ArrayList<>();
            if (la == null || lb == null) {
                fields.add("only in " + (la == null ? b.name() : a.name()));
            } else {
                if (la.partition() != lb.partition()) {
                    fields.add("partition: " + la.partition() + " vs " + lb.partition());
                }
                diff("", la.value(), lb.value(), fields);
            }
            if (fields.isEmpty()) {
                continue;
            }
            if (++differing <= SHOW_GAMES) {
                out.add("game " + key + " (" + a.name() + " vs " + b.name() + "):");
                fields.stream().limit(SHOW_FIELDS).forEach(f -> out.add("  " + f));
                if (fields.size() > SHOW_FIELDS) {
                    out.add("  ... and " + (fields.size() - SHOW_FIELDS) + " more fields");
                }
            }
        }
        if (differing > 0) {
            out.add(0, differing + " of " + keys.size() + " games differ; the first:");
        }
        return out;
    }

    /** How many games' latest values are the same bytes in both topics. */
    static long identical(Topic a, Topic b) {
        return a.games().entrySet().stream()
                .filter(e -> b.games().containsKey(e.getKey())
                        && Arrays.equals(e.getValue().raw(), b.games().get(e.getKey()).raw()))
                .count();
    }

    /** Adds a line for each field where a and b differ, descending into objects. */
    private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                diff(path.isEmpty() ? n : path + "." + n, a.get(n), b.get(n), out);
            }
            return;
        }
        if (a == null || b == null || !a.equals(b)) {
            out.add((path.isEmpty() ? "value" : path) + ": " + show(a) + " vs " + show(b));
        }
    }

    private static String show(JsonNode n) {
        return n == null ? "(missing)" : n.toString();
    }
}
