package pitchkafka.kstreams;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The fields of a pitch event ({@code pitchkafka.pitch/v1}, docs/events.md) that the
 * score needs; the others are skipped when read. A JSON null reads as null (strings)
 * or as the boxed null (runners), which the fold takes for "none", as pitchkafka's
 * Go decoder takes it for "" and 0.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public final class Pitch {
    @JsonProperty("schema") public String schema;
    @JsonProperty("ts") public String ts;
    @JsonProperty("game_pk") public long gamePk;
    @JsonProperty("game_seq") public int gameSeq;
    @JsonProperty("game_date") public String gameDate;
    @JsonProperty("home_team") public String homeTeam;
    @JsonProperty("away_team") public String awayTeam;
    @JsonProperty("inning") public int inning;
    @JsonProperty("inning_topbot") public String inningTopBot;
    @JsonProperty("outs_when_up") public int outsWhenUp;
    @JsonProperty("on_1b") public Long on1b;
    @JsonProperty("on_2b") public Long on2b;
    @JsonProperty("on_3b") public Long on3b;
    @JsonProperty("home_score") public int homeScore;
    @JsonProperty("away_score") public int awayScore;
    @JsonProperty("events") public String events;
    @JsonProperty("post_home_score") public int postHomeScore;
    @JsonProperty("post_away_score") public int postAwayScore;
    @JsonProperty("game_over") public boolean gameOver;

    /** Whether the away team bats: the top of the inning (Go: Pitch.Top). */
    boolean top() {
        return "Top".equals(inningTopBot);
    }

    /** The runs that scored on this pitch, both teams' (Go: Pitch.RunsScored). */
    int runsScored() {
        return postHomeScore - homeScore + postAwayScore - awayScore;
    }

    /**
     * The outs this pitch made (Go: Pitch.OutsOnPlay). A plate appearance cut short
     * ({@code truncated_pa}) was cut by the inning's third out, a runner's.
     */
    int outsOnPlay() {
        if ("truncated_pa".equals(events)) {
            return Math.max(0, 3 - outsWhenUp);
        }
        return Events.outs(events);
    }
}
