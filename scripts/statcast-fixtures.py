#!/usr/bin/env python3
"""Writes the replay fixtures of testdata/statcast/ (see NOTICE.md there).

    python3 scripts/statcast-fixtures.py

kershaw-2022-07-30-resaved.csv: Clayton Kershaw's pitches of 2022-07-30, cut
from kershaw-2022-excerpt.csv and re-saved the ways real files come: every
empty field written null (raw Savant exports of about 2015-2020), NaN for
release_speed (pandas), dates as a spreadsheet writes them (7/30/2022),
columns in another order, some optional columns missing and one extra. Then
bad rows are added, each a copy of a real row so the good rows are exactly
the game's: a row cut short mid-file and as the last line, a row with an
unterminated quote, a row with an unreadable date, and a real row whose des
holds a stray quote (read leniently, kept).

handmade-whole-game.csv: a whole nine-inning game, made up, in which the
export's post-pitch scores repeat the score before the pitch on two home
runs, and one plate appearance is cut short (truncated_pa) by the third out.
"""
import csv
import io
import os

HERE = os.path.join(os.path.dirname(__file__), "..", "testdata", "statcast")
NOTICE = "Data: Baseball Savant / MLB Advanced Media"


def join(r, special=-1, write=None):
    """A CSV line of r, field special written by write instead."""
    s = io.StringIO()
    w = csv.writer(s, lineterminator="\n")
    fields = []
    for i, v in enumerate(r):
        if i == special:
            fields.append(write(v))
        else:
            s.seek(0)
            s.truncate()
            w.writerow([v])
            fields.append(s.getvalue().rstrip("\n"))
    return ",".join(fields) + "\n"


def resaved():
    with open(os.path.join(HERE, "kershaw-2022-excerpt.csv"), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], [r for r in rows[1:] if r[1] == "2022-07-30"]
    drop = {"spin_dir", "spin_rate_deprecated", "break_angle_deprecated", "break_length_deprecated",
            "tfs_deprecated", "tfs_zulu_deprecated", "umpire", "sv_id", "delta_run_exp"}
    keep = [i for i, h in enumerate(header) if h not in drop]
    keep.reverse()  # another column order
    speed = header.index("release_speed")

    def convert(r):
        out = []
        for i in keep:
            v = r[i]
            if i == 1:
                y, m, d = v.split("-")
                v = f"{int(m)}/{int(d)}/{y}"
            elif v == "":
                v = "NaN" if i == speed else "null"
            out.append(v)
        return out + ["re-saved"]

    good = [convert(r) for r in rows]
    new_header = [header[i] for i in keep] + ["note"]
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    w.writerow(new_header)
    des = new_header.index("des")
    date = new_header.index("game_date")
    lines = []
    for r in good:
        s = io.StringIO()
        csv.writer(s, lineterminator="\n").writerow(r)
        lines.append(s.getvalue())
    # A stray quote inside a quoted des, as hand edits and some tools leave it.
    r = list(good[5])
    r[des] = r[des].replace(" ", ' "', 1)
    lines[5] = join(r, des, lambda v: '"' + v + '"')
    # Bad rows, copies of good ones.
    lines.insert(10, join(good[10][:12]))  # short, mid-file
    unterminated = list(good[20])
    lines.insert(21, join(unterminated, des, lambda v: '"' + v))
    bad_date = list(good[30])
    bad_date[date] = "someday"
    lines.insert(32, join(bad_date))
    lines.append(join(good[40][:7]).rstrip("\n"))  # short, last line, no newline
    with open(os.path.join(HERE, "kershaw-2022-07-30-resaved.csv"), "w") as f:
        f.write(buf.getvalue() + "".join(lines))


def whole_game():
    """SEA at CLE, 2022-09-01: CLE 2, SEA 1 on a walk-off double."""
    header = ["game_pk", "game_date", "inning", "inning_topbot", "at_bat_number", "pitch_number", "player_name",
              "pitcher", "batter", "balls", "strikes", "outs_when_up", "on_1b", "on_2b", "on_3b", "home_team",
              "away_team", "home_score", "away_score", "post_home_score", "post_away_score", "pitch_type",
              "pitch_name", "release_speed", "type", "description", "events", "bb_type", "des", "p_throws", "stand"]
    rows = []
    score = {"home": 0, "away": 0}
    ab = [0]

    def pa(inning, top, outs, pitches, event, runs=0, wrong_post=False, bb=""):
        ab[0] += 1
        balls = strikes = 0
        pitcher, batter = (900002, 800000 + ab[0] % 9) if top else (900001, 810000 + ab[0] % 9)
        bat = "away" if top else "home"
        for n, desc in enumerate(pitches, 1):
            last = n == len(pitches)
            kind = {"ball": "B", "called_strike": "S", "swinging_strike": "S", "foul": "S",
                    "hit_into_play": "X"}[desc]
            pre = dict(score)
            post = dict(score)
            if last:
                post[bat] += runs
            shown = pre if wrong_post else post
            rows.append([900100, "2022-09-01", inning, "Top" if top else "Bot", ab[0], n,
                         "Pitcher, Home" if top else "Pitcher, Away", pitcher, batter, balls, strikes, outs,
                         "", "", "", "CLE", "SEA", pre["home"], pre["away"], shown["home"], shown["away"],
                         "FF", "4-Seam Fastball", 94.1, kind, desc, event if last else "", bb if last else "",
                         f"Batter {batter} {event.replace('_', ' ')}." if event else "", "R", "R"])
            if desc == "ball":
                balls += 1
            elif desc != "hit_into_play" and strikes < 2:
                strikes += 1
            if last:
                score[bat] += runs

    out = ["hit_into_play"]
    for inning in range(1, 10):
        for top in (True, False):
            if inning == 1 and top:
                pa(1, True, 0, ["called_strike", "called_strike", "swinging_strike"], "strikeout")
                pa(1, True, 1, ["ball"] * 4, "walk")
                pa(1, True, 1, out, "field_out", bb="ground_ball")
                pa(1, True, 2, out, "field_out", bb="fly_ball")
            elif inning == 1:
                pa(1, False, 0, out, "home_run", runs=1, wrong_post=True, bb="fly_ball")
                for o in range(3):
                    pa(1, False, o, out, "field_out", bb="ground_ball")
            elif inning == 2 and top:
                pa(2, True, 0, ["ball", "hit_into_play"], "single", bb="line_drive")
                pa(2, True, 0, out, "field_out", bb="popup")
                pa(2, True, 1, out, "field_out", bb="fly_ball")
                pa(2, True, 2, ["ball"], "truncated_pa")  # the runner caught stealing: third out
            elif inning == 9 and top:
                pa(9, True, 0, ["foul", "hit_into_play"], "home_run", runs=1, wrong_post=True, bb="fly_ball")
                for o in range(3):
                    pa(9, True, o, out, "field_out", bb="ground_ball")
            elif inning == 9:
                pa(9, False, 0, out, "single", bb="ground_ball")
                pa(9, False, 0, ["ball", "hit_into_play"], "double", runs=1, bb="line_drive")
            else:
                for o in range(3):
                    pa(inning, top, o, out, "field_out", bb="fly_ball")
    rows.reverse()  # newest first, as Savant writes
    with open(os.path.join(HERE, "handmade-whole-game.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


if __name__ == "__main__":
    resaved()
    whole_game()
