package pitchkafka.kstreams;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One game's state as folded from its pitches in game_seq order: the value of a games
 * record, {@code pitchkafka.game/v1} (docs/events.md, "The games topic"), with its
 * fields in the order and under the names pitchkafka writes them (game/score.go,
 * gameJSON). The object is its own JSON form: Jackson writes and reads these fields as
 * they are, for the state store and for the games topic alike.
 *
 * <p>{@link #apply} is the fold, rule for rule as game.GameState.Apply.
 */
@JsonPropertyOrder({"schema", "ts", "game_pk", "game_date", "away_team", "home_team", "status",
        "inning", "inning_topbot", "outs", "on_1b", "on_2b", "on_3b", "away_score", "home_score",
        "runs_by_inning", "hits", "errors", "through_seq"})
@JsonInclude(JsonInclude.Include.ALWAYS) // null runners are written as null, as pitchkafka does
public final class GameState {
    static final String SCHEMA = "pitchkafka.game/v1";
    static final String IN_PROGRESS = "in_progress";
    static final String FINAL = "final";

    /** How ts is written: RFC 3339 in UTC with exactly milliseconds (Go: game.TimestampLayout). */
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @JsonProperty("schema") public String schema = SCHEMA;
    @JsonProperty("ts") public String ts;
    @JsonProperty("game_pk") public long gamePk;
    @JsonProperty("game_date") public String gameDate;
    @JsonProperty("away_team") public String awayTeam;
    @JsonProperty("home_team") public String homeTeam;
    @JsonProperty("status") public String status = IN_PROGRESS;
    @JsonProperty("inning") public int inning;
    @JsonProperty("inning_topbot") public String inningTopBot = "Bot"; // Go's zero state: Top false
    @JsonProperty("outs") public int outs;
    @JsonProperty("on_1b") public Long on1b;
    @JsonProperty("on_2b") public Long on2b;
    @JsonProperty("on_3b") public Long on3b;
    @JsonProperty("away_score") public int awayScore;
    @JsonProperty("home_score") public int homeScore;
    @JsonProperty("runs_by_inning") public Teams<List<Integer>> runsByInning = new Teams<>(new ArrayList<>(), new ArrayList<>());
    @JsonProperty("hits") public Teams<Integer> hits = new Teams<>(0, 0);
    @JsonProperty("errors") public Teams<Integer> errors = new Teams<>(0, 0);
    @JsonProperty("through_seq") public int throughSeq;

    /** ts in epoch milliseconds: the games record's timestamp. Not written. */
    @JsonIgnore long tsMillis;

    /**
     * The partition of the pitch this state was last folded from, which its record goes
     * to (see {@link SamePartition}). Set by the processor, not written.
     */
    @JsonIgnore int sourcePartition = -1;

    /** An away/home pair, written {"away": ..., "home": ...}. */
    @JsonPropertyOrder({"away", "home"})
    public static final class Teams<T> {
        @JsonProperty("away") public T away;
        @JsonProperty("home") public T home;

        public Teams() {} // for Jackson

        Teams(T away, T home) {
            this.away = away;
            this.home = home;
        }
    }

    boolean top() {
        return "Top".equals(inningTopBot);
    }

    boolean isFinal() {
        return FINAL.equals(status);
    }

    /**
     * Folds one pitch into the state and reports whether it changed it. A pitch at or
     * before through_seq was folded in already and changes nothing, so a pitch read
     * twice is counted once.
     */
    boolean apply(Pitch p) {
        if (p.gameSeq <= throughSeq) {
            return false;
        }
        gamePk = p.gamePk;
        gameDate = p.gameDate;
        awayTeam = p.awayTeam;
        homeTeam = p.homeTeam;
        addToBox(p);
        awayScore = p.postAwayScore;
        homeScore = p.postHomeScore;
        // Where the game stands after the pitch: its half-inning, and the outs made so
        // far, three at most.
        inning = p.inning;
        inningTopBot = p.top() ? "Top" : "Bot";
        outs = Math.min(3, p.outsWhenUp + p.outsOnPlay());
        // The runners when the pitch was thrown: the event says no more.
        on1b = player(p.on1b);
        on2b = player(p.on2b);
        on3b = player(p.on3b);
        throughSeq = p.gameSeq;
        Instant at = Instant.parse(p.ts);
        tsMillis = at.toEpochMilli();
        ts = TS.format(at);
        status = p.gameOver ? FINAL : IN_PROGRESS;
        // Three out in a game that goes on: it stands at the start of the next half.
        if (outs == 3 && !isFinal()) {
            nextHalf();
        }
        return true;
    }

    /** Counts the pitch's runs for the team at bat, its hit, and a fielding error. */
    private void addToBox(Pitch p) {
        boolean awayBats = p.top();
        List<Integer> runs = awayBats ? runsByInning.away : runsByInning.home;
        // One entry for every inning the team has batted in, up to this one.
        while (runs.size() < p.inning) {
            runs.add(0);
        }
        runs.set(p.inning - 1, runs.get(p.inning - 1) + p.runsScored());
        if (Events.isHit(p.events)) {
            if (awayBats) {
                hits.away++;
            } else {
                hits.home++;
            }
        }
        // An error is the fielding team's.
        if ("field_error".equals(p.events)) {
            if (awayBats) {
                errors.home++;
            } else {
                errors.away++;
            }
        }
    }

    /** Moves on to the next half-inning, bases empty and no one out. */
    private void nextHalf() {
        if (!top()) {
            inning++;
        }
        inningTopBot = top() ? "Bot" : "Top";
        outs = 0;
        on1b = on2b = on3b = null;
    }

    /** A player id, or null for none: pitchkafka writes a 0 id as null. */
    private static Long player(Long id) {
        return id == null || id == 0 ? null : id;
    }
}
