// pitchkafka's live page: it draws the State that /events streams.
// No framework and no build step; every text goes in as text, never HTML.
"use strict";

const $ = (id) => document.getElementById(id);

// h builds an element: h("div", {class: "x"}, "text", child…).
function h(tag, attrs, ...children) {
  const svg = ["svg", "rect", "circle", "polyline", "g"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    // Styles go through the CSSOM: the page's Content-Security-Policy
    // refuses style attributes.
    if (k === "style") el.style.cssText = v;
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const colourClass = (c) => (c >= 0 ? "k" + c : "kold");
const fmt = (n) => Number(n).toLocaleString("en-US");
const ordinal = (n) => n + (["th", "st", "nd", "rd"][(n % 100 >= 11 && n % 100 <= 13) ? 0 : Math.min(n % 10, 4) % 4] || "th");

// The diamond: second at the top, first on the right, third on the left;
// and three dots for the outs.
function diamond(bases, outs) {
  const base = (x, y, on, name) => h("rect", {class: "base" + (on ? " on" : ""), x: x, y: y, width: 16, height: 16,
    transform: `rotate(45 ${x + 8} ${y + 8})`, "aria-label": name + (on ? " occupied" : " empty")});
  const out = (i) => h("circle", {class: "out" + (i < outs ? " on" : ""), cx: 14 + i * 22, cy: 66, r: 7});
  return h("svg", {class: "diamond", width: 80, height: 76, viewBox: "0 0 80 76", role: "img",
    "aria-label": `runners: ${["1st", "2nd", "3rd"].filter((_, i) => bases[i]).join(", ") || "none"}; ${outs} out`},
    base(54, 24, bases[0], "first"), base(32, 4, bases[1], "second"), base(10, 24, bases[2], "third"),
    [0, 1, 2].map(out));
}

function lineScore(g) {
  const n = Math.max(9, g.line.away.length, g.line.home.length);
  const cells = (runs) => Array.from({length: n}, (_, i) => h("td", {}, i < runs.length ? runs[i] : "x"));
  return h("table", {class: "line" + (n > 9 ? " extra" : ""), "aria-label": "line score"},
    h("tr", {}, h("th", {}, ""), Array.from({length: n}, (_, i) => h("th", {}, i + 1)),
      h("th", {class: "rhe"}, "R"), h("th", {}, "H"), h("th", {}, "E")),
    h("tr", {}, h("td", {}, g.away), cells(g.line.away), h("td", {class: "rhe"}, g.line.away_rhe[0]), h("td", {}, g.line.away_rhe[1]), h("td", {}, g.line.away_rhe[2])),
    h("tr", {}, h("td", {}, g.home), cells(g.line.home), h("td", {class: "rhe"}, g.line.home_rhe[0]), h("td", {}, g.line.home_rhe[1]), h("td", {}, g.line.home_rhe[2])));
}

const plural = (n, what) => `${fmt(n)} ${what}${n === 1 ? "" : "s"}`;

function gameCard(g) {
  const where = g.final ? "Final" + (g.inning !== 9 ? ` (${g.inning})` : "") :
    `${g.half === "Top" ? "▲ Top" : "▼ Bot"} ${ordinal(g.inning)}`;
  const last = g.last ? h("div", {class: "last"}, h("b", {}, g.last.pitcher || "pitcher"), " to ", g.last.batter || "batter", ": ",
    g.last.type || "pitch", g.last.mph ? ` ${g.last.mph.toFixed(1)} mph` : "", " — ", h("b", {class: "result"}, g.last.result)) : null;
  return h("article", {class: "game" + (g.final ? " final" : "") + (g.stale ? " stale" : ""), "data-game-pk": g.game_pk,
    "data-final": g.final, "data-stale": g.stale},
    h("div", {class: "tag " + colourClass(g.colour)}, h("span", {}, g.tag), h("span", {class: "part"}, "partition " + g.partition)),
    h("div", {class: "body"},
      h("div", {class: "teams"},
        h("div", {}, h("span", {}, g.away), h("span", {class: "score away"}, g.away_score)),
        h("div", {}, h("span", {}, g.home), h("span", {class: "score home"}, g.home_score))),
      g.final ? null : diamond(g.bases, g.outs),
      h("div", {class: "state"}, where, g.final ? "" : ` · ${g.outs} out`, g.stale ? h("b", {class: "stopped"}, " · stopped") : ""),
      g.final ? null : h("div", {class: "count"}, `${g.balls}-${g.strikes}`),
      g.final ? lineScore(g) : last));
}

// drawGames draws the live games' cards and the latest finished ones; the
// stale games and the earlier finished ones fold into one line, their
// cards drawn only while it is open.
function drawGames(st) {
  const games = st.games;
  if (!games.length) return;
  const shown = games.filter((g) => !g.folded), folded = games.filter((g) => g.folded);
  $("games").replaceChildren(...(shown.length ? shown.map(gameCard) :
    [h("p", {class: "empty"}, "No game in progress: start ", h("code", {}, "pitchkafka publish"), ".")]));
  const earlier = Math.max(0, st.finished_games - shown.filter((g) => g.final).length);
  const counts = [];
  if (st.stale_games) counts.push(h("b", {}, plural(st.stale_games, "stale game")), " (stopped while the topic went on)");
  if (st.stale_games && earlier) counts.push(" · ");
  if (earlier) counts.push(h("b", {}, plural(earlier, "earlier finished game")));
  const fold = $("games-folded");
  fold.hidden = !counts.length;
  $("games-folded-count").replaceChildren(...counts);
  const unlisted = st.stale_games + earlier - folded.length;
  $("games-folded-list").replaceChildren(...(fold.open && !fold.hidden ? [...folded.map(gameCard),
    unlisted > 0 ? h("p", {class: "empty"}, `and ${plural(unlisted, "older game")}, not listed`) : ""] : []));
}

// markers places the marked groups' committed offsets under a partition's
// log, each group in its own lane so that none hides another; a marker in
// the right half hangs to the left of its arrow, so none leaves the log.
function markers(p, marked, maxHigh) {
  return marked.flatMap((g, lane) => g.partitions.filter((gp) => gp.id === p.id && gp.committed >= 0).map((gp) => {
    const at = maxHigh ? Math.min(100, 100 * gp.committed / maxHigh) : 0;
    const letter = String.fromCharCode(65 + lane), tip = h("span", {class: "tip"}, "▲");
    const right = at > 50;
    return h("span", {class: "marker" + (right ? " right" : ""), "data-group": g.id,
      style: (right ? `right:${100 - at}%` : `left:${at}%`) + `;--lane:${lane}`,
      title: `${g.id} committed ${gp.committed}, lag ${gp.lag}`}, right ? [letter, tip] : [tip, letter]);
  }));
}

function drawLog(parts, groups, games) {
  const maxHigh = Math.max(1, ...parts.map((p) => p.high));
  const marked = groups.filter((g) => !g.idle);
  const tags = new Map(games.filter((g) => !g.final && !g.stale).map((g) => [g.game_pk, g]));
  const tagOf = new Map(parts.flatMap((p) => p.segments.map((s) => [s.game_pk, s.tag])));
  const rows = parts.map((p) => {
    const segs = p.segments.map((s) => h("div", {class: "seg " + colourClass(s.colour), "data-game-pk": s.game_pk,
      style: `flex-grow:${s.records}`, title: `${s.tag}: ${fmt(s.records)} records, offsets ${fmt(s.from)}–${fmt(s.to - 1)}`}, s.tag));
    const recent = h("span", {class: "recent", "aria-label": "latest records"}, p.recent.map((r) =>
      h("span", {class: "rec " + colourClass(r.colour), title: `offset ${fmt(r.offset)}: ${tagOf.get(r.game_pk) || "game " + r.game_pk}`})));
    const bar = h("div", {class: "bar", style: `width:${Math.max(1, 100 * p.high / maxHigh)}%`}, segs);
    const now = [...new Set(p.segments.filter((s) => tags.has(s.game_pk) && tags.get(s.game_pk).partition === p.id).map((s) => s.game_pk))];
    return [h("div", {class: "row", "data-partition": p.id},
      h("span", {class: "pid"}, "P" + p.id),
      h("div", {class: "track"}, bar, markers(p, marked, maxHigh)),
      h("span", {class: "high", title: "high watermark"}, fmt(p.high)),
      h("div", {class: "games-on"}, recent, now.length ? [" newest records · playing here: ", now.map((pk) => h("span", {class: "chip " + colourClass(tags.get(pk).colour)}, tags.get(pk).tag))] : " newest records · no game in progress here"))];
  });
  const idle = groups.length - marked.length;
  const legend = groups.length ? h("p", {class: "games-on legend"}, marked.length ? "▲ committed offset of " : "",
    marked.map((g, gi) => `${String.fromCharCode(65 + gi)} = ${g.id}`).join(", "),
    idle ? `${marked.length ? "; " : ""}${plural(idle, "idle group")} not marked` : "") : null;
  $("log").style.setProperty("--lanes", Math.max(1, marked.length));
  $("log").replaceChildren(...rows.flat(), legend || "");
}

// movedAt remembers when each group's partition last changed owner, so a
// partition that moved keeps glowing for a few seconds across redraws.
const owners = new Map();
const movedAt = new Map();

function chip(group, id, owner) {
  const key = group + "/" + id;
  const prev = owners.get(key);
  if (owner && prev && prev !== owner) movedAt.set(key, Date.now());
  if (owner) owners.set(key, owner);
  const since = Date.now() - (movedAt.get(key) || 0);
  const moved = since < 4000;
  return h("span", {class: "pchip" + (moved ? " moved" : ""), "data-partition": id,
    style: moved ? `animation-delay:-${since}ms` : null, title: moved ? "just moved here" : null}, "P" + id);
}

function groupCard(g) {
  const maxLag = Math.max(1, ...g.partitions.map((p) => p.lag));
  return h("article", {class: "group", "data-group": g.id},
    h("h3", {}, h("span", {}, g.id), h("span", {class: "lag"}, `lag ${fmt(g.lag)}`)),
    h("div", {class: "meta"}, `protocol ${g.protocol} · ${g.state}`, g.assignor ? ` · ${g.assignor}` : "", ` · ${g.members.length} member${g.members.length === 1 ? "" : "s"}`),
    g.members.length ? g.members.map((m) => h("div", {class: "member", "data-member": m.name},
      h("span", {class: "name"}, m.name), m.partitions.length ? m.partitions.map((id) => chip(g.id, id, m.name)) : h("span", {class: "host"}, "no partition"),
      h("span", {class: "host"}, m.host))) : h("p", {class: "empty"}, "no member: offsets stay where they were committed"),
    h("table", {class: "offsets"},
      h("tr", {}, h("th", {}, "partition"), h("th", {}, "owner"), h("th", {}, "committed"), h("th", {}, "lag")),
      g.partitions.map((p) => h("tr", {"data-partition": p.id},
        h("td", {}, "P" + p.id), h("td", {}, p.owner || "—"), h("td", {}, p.committed >= 0 ? fmt(p.committed) : "none"),
        h("td", {}, p.lag >= 0 ? [h("span", {class: "lagbar", style: `width:${Math.round(60 * p.lag / maxLag)}px`}), fmt(p.lag)] : "—")))));
}

function change(c) {
  const parts = [];
  if (c.joined) parts.push(c.joined.map((n) => `${n} joined`).join(", "));
  if (c.left) parts.push(c.left.map((n) => `${n} left`).join(", "));
  if (c.moves) parts.push(c.moves.map((m) => `P${m.partition} ${m.from || "unowned"} → ${m.to}`).join(", "));
  const t = new Date(c.at);
  return h("li", {}, h("time", {datetime: c.at}, t.toLocaleTimeString("en-GB") + "." + String(t.getMilliseconds()).padStart(3, "0")),
    " ", h("b", {}, c.group), ` (${c.protocol}): `, parts.join("; "));
}

// drawGroups draws the groups with members, or that had one lately; the
// idle ones fold into one line after them, drawn only while it is open.
function drawGroups(groups, changes) {
  const live = groups.filter((g) => !g.idle), idle = groups.filter((g) => g.idle);
  if (groups.length) $("groups").replaceChildren(...(live.length ? live.map(groupCard) :
    [h("p", {class: "empty"}, "No group has a member: start ", h("code", {}, "pitchkafka announce"), ".")]));
  const fold = $("groups-idle");
  fold.hidden = !idle.length;
  $("groups-idle-count").replaceChildren(h("b", {}, plural(idle.length, "idle group")), " (no member lately)");
  $("groups-idle-list").replaceChildren(...(fold.open && !fold.hidden ? idle.map(groupCard) : []));
  $("changes").replaceChildren(...(changes.length ? changes.map(change) : [h("li", {class: "empty"}, "none yet: start or stop an announcer")]));
}

function sparkline(speeds) {
  if (!speeds || !speeds.length) return "";
  const lo = Math.min(...speeds), hi = Math.max(...speeds), w = 90, hgt = 22;
  const x = (i) => speeds.length === 1 ? w / 2 : 4 + i * (w - 8) / (speeds.length - 1);
  const y = (v) => hi === lo ? hgt / 2 : hgt - 3 - (v - lo) * (hgt - 6) / (hi - lo);
  const pts = speeds.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return h("svg", {class: "spark", width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: "img",
    "aria-label": `speeds ${speeds.map((v) => v.toFixed(1)).join(", ")}`},
    h("polyline", {points: pts}), h("circle", {cx: x(speeds.length - 1), cy: y(speeds[speeds.length - 1]), r: 3}));
}

function drawPitchers(rows) {
  $("pitchers").tBodies[0].replaceChildren(...rows.map((p) => h("tr", {},
    h("td", {}, p.name), h("td", {}, p.team), h("td", {}, p.pitch), h("td", {class: "num"}, p.mph.toFixed(1)),
    h("td", {}, sparkline(p.speeds)), h("td", {}, p.result),
    h("td", {}, h("span", {class: "chip " + colourClass(p.colour)}, p.game)), h("td", {}, p.inning))));
}

// lastState is the state drawn last, drawn again when a fold opens or closes.
let lastState = null;

function draw(st) {
  lastState = st;
  $("topic").textContent = st.topic;
  $("records").textContent = fmt(st.records);
  $("at").textContent = "updated " + new Date(st.at).toLocaleTimeString("en-GB");
  $("problem").hidden = !st.problem;
  $("problem").textContent = st.problem || "";
  drawGames(st);
  drawLog(st.partitions, st.groups, st.games);
  drawGroups(st.groups, st.changes);
  drawPitchers(st.pitchers);
  document.body.dataset.records = st.records;
}

function connect() {
  const live = $("live");
  const es = new EventSource("events");
  es.addEventListener("state", (ev) => {
    live.textContent = "live";
    live.className = "live on";
    draw(JSON.parse(ev.data));
  });
  es.onerror = () => {
    live.textContent = "reconnecting…";
    live.className = "live off";
  };
}

// ?show=log,groups shows only those sections (games, log, groups, pitch),
// to put one thing on the projector at a time.
function showOnly() {
  const show = new URLSearchParams(location.search).get("show");
  if (!show) return;
  const wanted = show.split(",").map((s) => s.trim() + "-section");
  document.body.classList.add("only");
  for (const sec of document.querySelectorAll("main > section")) sec.hidden = !wanted.includes(sec.id);
}

for (const id of ["games-folded", "groups-idle"]) $(id).addEventListener("toggle", () => lastState && draw(lastState));
showOnly();
connect();
