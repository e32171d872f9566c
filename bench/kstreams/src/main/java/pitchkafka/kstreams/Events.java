package pitchkafka.kstreams;

import java.util.Map;
import java.util.Set;

/**
 * What a Statcast {@code events} value counts for in the score: whether it is a base
 * hit, and how many outs it makes. The same table as pitchkafka's game/events.go; an
 * event not listed (or null) is no hit and makes no out.
 */
final class Events {
    private Events() {}

    private static final Set<String> HITS = Set.of("single", "double", "triple", "home_run");

    /** Every event that makes outs, and how many. */
    private static final Map<String, Integer> OUTS = Map.ofEntries(
            // the batter's outcomes
            Map.entry("field_out", 1),
            Map.entry("force_out", 1),
            Map.entry("fielders_choice_out", 1),
            Map.entry("double_play", 2),
            Map.entry("grounded_into_double_play", 2),
            Map.entry("triple_play", 3),
            Map.entry("grounded_into_triple_play", 3),
            Map.entry("strikeout", 1),
            Map.entry("strikeout_double_play", 2),
            Map.entry("strikeout_triple_play", 3),
            Map.entry("batter_interference", 1),
            Map.entry("sac_fly", 1),
            Map.entry("sac_bunt", 1),
            Map.entry("sac_fly_double_play", 2),
            Map.entry("sac_bunt_double_play", 2),
            // runners' outs: the batter's plate appearance goes on
            Map.entry("caught_stealing_2b", 1),
            Map.entry("caught_stealing_3b", 1),
            Map.entry("caught_stealing_home", 1),
            Map.entry("pickoff_1b", 1),
            Map.entry("pickoff_2b", 1),
            Map.entry("pickoff_3b", 1),
            Map.entry("pickoff_caught_stealing_2b", 1),
            Map.entry("pickoff_caught_stealing_3b", 1),
            Map.entry("pickoff_caught_stealing_home", 1),
            Map.entry("other_out", 1),
            Map.entry("runner_double_play", 2),
            Map.entry("cs_double_play", 2));
    // truncated_pa makes the inning's third out, however many that is: Pitch.outsOnPlay.

    static boolean isHit(String event) {
        return event != null && HITS.contains(event);
    }

    static int outs(String event) {
        return event == null ? 0 : OUTS.getOrDefault(event, 0);
    }
}
