package pitchkafka.kstreams;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * A Kafka Streams peer of `pitchkafka scores` (issue #31): it folds the pitch topic
 * into one state per game, in a changelog-backed key-value store, and writes every
 * change to a games topic, exactly once ({@code exactly_once_v2}), committing every
 * 100 ms as scores does.
 *
 * <pre>
 * java -jar pitchkafka-kstreams.jar BOOTSTRAP PITCHES GAMES APP_ID
 *     [--until N] [--state-dir DIR] [--store rocksdb|memory]
 * </pre>
 *
 * GAMES is created compacted with as many partitions as PITCHES if it is missing.
 * With --until N it stops once N pitches have been processed in committed
 * transactions (its group's committed offsets say so) and prints one line to stdout:
 * {@code pitches=N elapsed_s=S pitches_per_s=R commits=C}, the time counted from the
 * JVM's start. Without it, it runs until SIGTERM or SIGINT.
 */
public final class ScoresApp {
    static final String STORE = "games";

    /** How often --until asks the group's committed offsets. */
    private static final Duration UNTIL_POLL = Duration.ofMillis(50);

    private ScoresApp() {}

    /** The command line. */
    record Args(String bootstrap, String input, String output, String appId, long until, Path stateDir, String store) {
        static Args parse(String[] argv) {
            List<String> pos = new ArrayList<>();
            long until = -1;
            Path stateDir = null;
            String store = "rocksdb";
            for (int i = 0; i < argv.length; i++) {
                switch (argv[i]) {
                    case "--until" -> until = Long.parseLong(value(argv, ++i, "--until"));
                    case "--state-dir" -> stateDir = Path.of(value(argv, ++i, "--state-dir"));
                    case "--store" -> store = value(argv, ++i, "--store");
                    default -> pos.add(argv[i]);
                }
            }
            if (pos.size() != 4 || !(store.equals("rocksdb") || store.equals("memory"))) {
                throw new IllegalArgumentException(
                        "usage: BOOTSTRAP PITCHES GAMES APP_ID [--until N] [--state-dir DIR] [--store rocksdb|memory]");
            }
            return new Args(pos.get(0), pos.get(1), pos.get(2), pos.get(3), until, stateDir, store);
        }

        private static String value(String[] argv, int i, String flag) {
            if (i >= argv.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return argv[i];
        }
    }

    public static void main(String[] argv) throws Exception {
        // Kafka logs through slf4j-simple: warnings and errors only, on stderr.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap()))) {
            int partitions = ensureOutput(admin, args.input(), args.output());
            Map<TopicPartition, Long> start = args.until() >= 0 ? earliest(admin, args.input(), partitions) : Map.of();
            KafkaStreams streams = new KafkaStreams(topology(args), config(args));
            streams.setUncaughtExceptionHandler(e -> {
                System.err.println("kstreams: " + e);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            int code = args.until() >= 0 ? runUntil(streams, admin, args, start) : runForever(streams);
            System.exit(code);
        }
    }

    /** Pitches -> fold (with the games store) -> games, each in its pitch's partition. */
    static Topology topology(Args args) {
        Serde<GameState> gameSerde = Json.gameSerde();
        KeyValueBytesStoreSupplier supplier = args.store().equals("memory")
                ? Stores.inMemoryKeyValueStore(STORE)
                : Stores.persistentKeyValueStore(STORE);
        Topology t = new Topology();
        t.addSource("pitches", Serdes.String().deserializer(), Json.pitchDeserializer(), args.input());
        t.addProcessor("fold", () -> new ScoreProcessor(STORE), "pitches");
        // A changelog topic backs the store (logging is on by default); the cache in
        // front of it sends only each game's latest state to the changelog at a commit.
        t.addStateStore(Stores.keyValueStoreBuilder(supplier, Serdes.String(), gameSerde).withCachingEnabled(), "fold");
        t.addSink("games", args.output(), Serdes.String().serializer(), gameSerde.serializer(), new SamePartition(), "fold");
        return t;
    }

    static Properties config(Args args) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, args.appId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.bootstrap());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100); // as scores' --commit-interval
        Path stateDir = args.stateDir() != null ? args.stateDir() : Files.createTempDirectory("pitchkafka-kstreams-");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        return p;
    }

    /**
     * Creates the games topic, compacted, with as many partitions as the pitch topic,
     * unless it exists; either way it must have as many. Returns that number.
     */
    static int ensureOutput(Admin admin, String input, String output) throws Exception {
        int partitions = describe(admin, input).partitions().size();
        NewTopic topic = new NewTopic(output, java.util.Optional.of(partitions), java.util.Optional.empty())
                .configs(Map.of("cleanup.policy", "compact"));
        try {
            admin.createTopics(List.of(topic)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        int got = describe(admin, output).partitions().size();
        if (got != partitions) {
            throw new IllegalStateException("topic " + output + " has " + got + " partitions and " + input + " "
                    + partitions + ": they must match, each game's state going to its pitches' partition");
        }
        return partitions;
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    /** Each partition's first offset now: --until counts pitches from there. */
    private static Map<TopicPartition, Long> earliest(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> req = new java.util.HashMap<>();
        for (int i = 0; i < partitions; i++) {
            req.put(new TopicPartition(topic, i), OffsetSpec.earliest());
        }
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        admin.listOffsets(req).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /**
     * Runs until the group has committed offsets past N pitches, then closes and
     * prints what it did. Offsets committed under exactly_once_v2 are part of the
     * transaction: the group shows them once it has committed.
     */
    static int runUntil(KafkaStreams streams, Admin admin, Args args, Map<TopicPartition, Long> start)
            throws Exception {
        streams.start();
        long done = 0;
        while (done < args.until()) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                    || state == KafkaStreams.State.NOT_RUNNING || state == KafkaStreams.State.PENDING_SHUTDOWN) {
                System.err.println("kstreams: stopped (" + state + ") after " + done + " pitches");
                streams.close(Duration.ofSeconds(30));
                return 1;
            }
            Thread.sleep(UNTIL_POLL.toMillis());
            done = committed(admin, args.appId(), args.input(), start);
        }
        double elapsed = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
        long commits = commits(streams);
        streams.close(Duration.ofSeconds(60));
        System.out.println(String.format(Locale.ROOT, "pitches=%d elapsed_s=%.3f pitches_per_s=%.0f commits=%d",
                done, elapsed, done / elapsed, commits));
        return 0;
    }

    /** The pitches the group has committed, counted from start. */
    private static long committed(Admin admin, String group, String topic, Map<TopicPartition, Long> start)
            throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        long n = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                n += e.getValue().offset() - start.getOrDefault(e.getKey(), 0L);
            }
        }
        return n;
    }

    /** The commits (transactions, under exactly-once) of all stream threads. */
    private static long commits(KafkaStreams streams) {
        double n = 0;
        for (var m : streams.metrics().values()) {
            if (m.metricName().name().equals("commit-total") && m.metricName().group().equals("stream-thread-metrics")) {
                n += ((Number) m.metricValue()).doubleValue();
            }
        }
        return (long) n;
    }

    static int runForever(KafkaStreams streams) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close(Duration.ofSeconds(30));
            stopped.countDown();
        }));
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        streams.start();
        stopped.await();
        return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
    }
}
