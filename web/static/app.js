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

// replication says where a partition lives: its leader and in-sync
// replicas, marked when fewer are in sync than there are replicas, when
// the leader changed lately, or when there is none.
function replication(p) {
  if (!p.replicas.length) return h("span", {class: "repl"}, "leader …");
  const under = p.isr.length < p.replicas.length;
  const leader = p.leader >= 0 ? h("b", {}, "leader " + p.leader) : h("b", {class: "warn"}, "no leader");
  const moved = p.leader_moved ? h("span", {class: "moved-leader", title: "the leader changed at " + new Date(p.leader_moved.at).toLocaleTimeString("en-GB")},
    ` (was ${p.leader_moved.from >= 0 ? p.leader_moved.from : "none"})`) : "";
  const isr = h("span", {class: under ? "warn" : null, title: `in-sync replicas ${p.isr.join(",")} of replicas ${p.replicas.join(",")}`},
    "isr " + p.isr.join(","), under ? ` of ${p.replicas.length} ⚠` : "");
  return h("span", {class: "repl", "data-leader": p.leader, "data-isr": p.isr.join(","), "data-under": under || null},
    leader, moved, " · ", isr,
    p.offline && p.offline.length ? h("span", {class: "warn"}, " · offline " + p.offline.join(",")) : "",
    p.low > 0 ? h("span", {title: "retention deleted the records before this offset"}, " · from " + fmt(p.low)) : "", " · ");
}

function drawBrokers(brokers) {
  $("brokers").replaceChildren(...(brokers.length ? [h("span", {}, brokers.length === 1 ? "broker " : "brokers ",
    brokers.map((b, i) => [i ? " · " : "", h("b", {}, b.id), " at " + b.addr]))] : []));
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
      h("span", {class: "high", title: `high watermark; offsets ${fmt(p.low)}–${fmt(Math.max(p.low, p.high - 1))} are on the log`}, fmt(p.high)),
      h("div", {class: "games-on"}, replication(p), recent, now.length ? [" newest records · playing here: ", now.map((pk) => h("span", {class: "chip " + colourClass(tags.get(pk).colour)}, tags.get(pk).tag))] : " newest records · no game in progress here"))];
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

// lagTrend draws a group's lag over the last minute, from 0, so that lag
// draining shows as a line falling to the bottom.
function lagTrend(lags) {
  if (!lags || lags.length < 2) return "";
  return h("span", {class: "trend", title: `lag over the last minute: ${fmt(Math.min(...lags))} to ${fmt(Math.max(...lags))}, now ${fmt(lags[lags.length - 1])}`},
    sparkline(lags, `lag over the last minute, from ${fmt(lags[0])} to ${fmt(lags[lags.length - 1])}`, true));
}

// handled is the group's nothing-lost count: the records on the log it has
// handled, and how many are left.
function handled(g) {
  return h("div", {class: "handled", "data-handled": g.handled, "data-on-topic": g.on_topic,
    title: "on the log: each partition's records from its low watermark to its high; handled: those below the group's committed offset " +
      "(none on a partition it has committed nothing on); to go: the rest"},
    h("b", {}, fmt(g.handled)), ` of ${fmt(g.on_topic)} handled · `, h("b", {}, fmt(g.to_go)), " to go",
    g.expired ? h("span", {class: "warn"}, ` · ${fmt(g.expired)} deleted by retention before it read them`) : "");
}

function groupCard(g) {
  const maxLag = Math.max(1, ...g.partitions.map((p) => p.lag));
  return h("article", {class: "group", "data-group": g.id},
    h("h3", {}, h("span", {}, g.id), h("span", {class: "lag"},
      lagTrend(g.lag_trend), `lag ${fmt(g.lag)}`)),
    h("div", {class: "meta"}, `protocol ${g.protocol} · ${g.state}`, g.assignor ? ` · ${g.assignor}` : "", ` · ${g.members.length} member${g.members.length === 1 ? "" : "s"}`),
    handled(g),
    g.members.length ? g.members.map((m) => h("div", {class: "member", "data-member": m.name},
      h("span", {class: "name"}, m.name), m.partitions.length ? m.partitions.map((id) => chip(g.id, id, m.name)) : h("span", {class: "host"}, "no partition"),
      h("span", {class: "host"}, m.host))) : h("p", {class: "empty"}, "no member: offsets stay where they were committed"),
    h("table", {class: "offsets"},
      h("tr", {}, h("th", {}, "partition"), h("th", {}, "owner"), h("th", {}, "committed"), h("th", {}, "lag")),
      g.partitions.map((p) => h("tr", {"data-partition": p.id},
        h("td", {}, "P" + p.id), h("td", {}, p.owner || "—"), h("td", {}, p.committed >= 0 ? fmt(p.committed) : "none"),
        h("td", {}, p.lag >= 0 ? [h("span", {class: "lagbar", style: `width:${Math.round(60 * p.lag / maxLag)}px`}), fmt(p.lag)] : "—")))));
}

const seconds = (ms) => ms < 1000 ? "under a second" : `${(ms / 1000).toFixed(1)} s`;
const pids = (ids) => ids.map((id) => "P" + id).join(" ");

// change says what a rebalance did: who joined and left, the partitions
// that went from one member to another, what members gave up to no one or
// got from no one, and how long it took.
function change(c) {
  const parts = [];
  if (c.joined) parts.push(c.joined.map((n) => `${n} joined`).join(", "));
  if (c.left) parts.push(c.left.map((n) => `${n} left`).join(", "));
  const moves = c.moves || [], byPair = new Map();
  for (const m of moves) {
    const key = `${m.from || "unowned"} → ${m.to}`;
    byPair.set(key, [...(byPair.get(key) || []), m.partition]);
  }
  for (const [pair, ids] of byPair) parts.push(`${pair}: ${pids(ids)}`);
  const moved = new Set(moves.filter((m) => m.from).map((m) => m.partition));
  const got = new Set(moves.map((m) => m.partition));
  for (const m of c.members || []) {
    const gaveUp = (m.gave || []).filter((id) => !moved.has(id)), gotNew = (m.got || []).filter((id) => !got.has(id));
    if (gaveUp.length) parts.push(`${m.name} gave up ${pids(gaveUp)}`);
    if (gotNew.length) parts.push(`${m.name} got ${pids(gotNew)}`);
  }
  if (c.unowned) parts.push(`${pids(c.unowned)} owned by no one`);
  const t = new Date(c.at);
  const took = c.settled ? h("span", {class: "took"}, `took ${seconds(c.took_ms)}`) :
    h("span", {class: "took going"}, `rebalancing… ${seconds(c.took_ms)} so far`);
  return h("li", {"data-group": c.group, "data-settled": c.settled, "data-took-ms": c.took_ms},
    h("time", {datetime: c.at}, t.toLocaleTimeString("en-GB") + "." + String(t.getMilliseconds()).padStart(3, "0")),
    " ", h("b", {}, c.group), ` (${c.protocol}): `, parts.join("; ") || "nothing moved", " · ", took);
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

// sparkline draws values, oldest left, from their least, or from 0 with
// zero; label is what a screen reader says of it.
function sparkline(values, label, zero) {
  if (!values || !values.length) return "";
  const lo = zero ? 0 : Math.min(...values), hi = Math.max(...values), w = 90, hgt = 22;
  const x = (i) => values.length === 1 ? w / 2 : 4 + i * (w - 8) / (values.length - 1);
  const y = (v) => hi === lo ? (zero ? hgt - 3 : hgt / 2) : hgt - 3 - (v - lo) * (hgt - 6) / (hi - lo);
  const pts = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return h("svg", {class: "spark", width: w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, role: "img", "aria-label": label},
    h("polyline", {points: pts}), h("circle", {cx: x(values.length - 1), cy: y(values[values.length - 1]), r: 3}));
}

function drawPitchers(rows) {
  $("pitchers").tBodies[0].replaceChildren(...rows.map((p) => h("tr", {},
    h("td", {}, p.name), h("td", {}, p.team), h("td", {}, p.pitch), h("td", {class: "num"}, p.mph.toFixed(1)),
    h("td", {}, sparkline(p.speeds, p.speeds && `speeds ${p.speeds.map((v) => v.toFixed(1)).join(", ")}`)), h("td", {}, p.result),
    h("td", {}, h("span", {class: "chip " + colourClass(p.colour)}, p.game)), h("td", {}, p.inning))));
}

// The stage: what the demo's page lets you do, drawn only when the state
// has one. Its buttons post an Action to /control with the page's token;
// a button is disabled while its action is in flight, and what came of
// the latest action shows beside the buttons, a refusal in red.

// token is the page's secret for posting actions, from its meta tag, read
// afresh for each action.
const token = () => (document.querySelector('meta[name="pitchkafka-token"]') || {}).content || "";

// pending holds the keys of the actions in flight.
const pending = new Set();
const actionKey = (a) => a.verb + " " + (a.target || "");

// button builds a stage button for an action; label is its text, name its
// accessible name when the text alone is ambiguous.
function button(label, action, name) {
  return h("button", {type: "button", "data-verb": action.verb, "data-target": action.target, "aria-label": name,
    disabled: pending.has(actionKey(action))}, label);
}

// processButtons are the verbs a process's state allows.
const processVerbs = {
  starting: ["stop", "kill"], running: ["stop", "kill", "freeze"], frozen: ["thaw", "kill"], stopping: ["kill"],
};

function processRow(p) {
  const verbs = processVerbs[p.state] || [];
  const waiting = (p.state === "killed" || p.state === "frozen") && p.gone_by ?
    h("span", {class: "countdown", "data-gone-by": p.gone_by}, countdownText(p.gone_by)) : "";
  return h("tr", {"data-process": p.name, "data-state": p.state},
    h("td", {}, h("b", {}, p.name)), h("td", {class: "opt"}, p.kind), h("td", {class: "opt"}, p.group),
    h("td", {class: "num"}, p.pid || "—"),
    h("td", {class: "pstate " + p.state}, p.state, p.exit && p.state !== "killed" ? h("span", {class: "exit"}, ` (${p.exit})`) : "", waiting ? [" · ", waiting] : ""),
    h("td", {class: "do"}, verbs.map((v) => button(v, {verb: v, target: p.name}, `${v} ${p.name}`))));
}

// countdownText says how long the group waits yet for a killed or frozen
// member: until its session timeout, after its last heartbeat.
function countdownText(goneBy) {
  const left = Math.ceil((Date.parse(goneBy) - Date.now()) / 1000);
  return left > 0 ? `the group waits for its session timeout: ${left} s` : "gone";
}

function tickCountdowns() {
  for (const el of document.querySelectorAll(".countdown[data-gone-by]")) el.textContent = countdownText(el.dataset.goneBy);
}

function nodeLine(n) {
  const action = n.up ? {verb: "stop-node", target: String(n.id)} : {verb: "start-node", target: String(n.id)};
  return h("div", {class: "node" + (n.up ? "" : " down"), "data-node": n.id},
    h("b", {}, "node " + n.id), " ", n.addr, " · ", h("span", {class: "nstate"}, n.up ? "up" : "down"), " ",
    button(n.up ? "stop" : "start", action, `${n.up ? "stop" : "start"} node ${n.id}`));
}

const describeAction = (a) => a.verb + (a.target ? " " + a.target : "") + (a.verb === "set-rate" ? ` ${a.rate}/s` : "");

function actionNote(n) {
  const t = new Date(n.at);
  return h("li", {class: n.ok ? "ok" : "refused", "data-verb": n.action.verb},
    h("time", {datetime: n.at}, t.toLocaleTimeString("en-GB")), " ", h("b", {}, describeAction(n.action)), ": ",
    n.ok ? "" : "refused: ", n.result);
}

// stageDrawn is the stage drawn last, as JSON: the stage is drawn again
// only when it changed, so that a button is not replaced under the mouse.
let stageDrawn = "";
let rateDrawn = null;

function drawStage(stage) {
  const sec = $("stage-section");
  sec.hidden = !stage || !shown("stage");
  $("mode").textContent = stage ? "the demo's stage: actions only from this page, with its token" : "read-only";
  if (!stage) return;
  const json = JSON.stringify(stage);
  if (json === stageDrawn) return;
  stageDrawn = json;
  const pub = stage.publisher;
  $("pub-rate").textContent = pub.rate;
  $("pub-published").textContent = fmt(pub.published);
  $("pub-state").textContent = pub.paused ? "paused" : "publishing";
  const toggle = $("pub-toggle");
  toggle.dataset.verb = pub.paused ? "resume-publish" : "pause-publish";
  toggle.textContent = pub.paused ? "Resume publisher" : "Pause publisher";
  toggle.disabled = pending.has(actionKey({verb: toggle.dataset.verb}));
  const rate = $("rate-input");
  if (rateDrawn !== pub.rate && document.activeElement !== rate) rate.value = pub.rate;
  rateDrawn = pub.rate;
  $("processes").tBodies[0].replaceChildren(...(stage.processes.length ? stage.processes.map(processRow) :
    [h("tr", {}, h("td", {colspan: 6, class: "empty"}, "no process: add an announcer"))]));
  const nodes = $("nodes");
  nodes.hidden = !stage.nodes.length;
  nodes.replaceChildren(...(stage.nodes.length ? ["The cluster's nodes", ...stage.nodes.map(nodeLine)] : []));
  $("actions").replaceChildren(...stage.actions.slice(0, 6).map(actionNote));
}

// say shows what came of an action beside the buttons.
function say(text, refused) {
  const msg = $("stage-msg");
  msg.textContent = text;
  msg.className = "stage-msg" + (refused ? " refused" : "");
}

// act posts an action and says what came of it.
async function act(action) {
  const key = actionKey(action);
  if (pending.has(key)) return;
  pending.add(key);
  setBusy(key, true);
  say(describeAction(action) + "…", false);
  try {
    const resp = await fetch("control", {method: "POST", body: JSON.stringify(action),
      headers: {"Content-Type": "application/json", "X-Pitchkafka-Token": token()}});
    let reply;
    try {
      reply = await resp.json();
    } catch {
      reply = {ok: false, error: `${resp.status} ${resp.statusText}`};
    }
    say(describeAction(action) + ": " + (reply.ok ? reply.result : "refused: " + reply.error), !reply.ok);
  } catch (err) {
    say(describeAction(action) + ": the page could not reach the demo (" + err.message + ")", true);
  } finally {
    pending.delete(key);
    setBusy(key, false);
  }
}

function setBusy(key, busy) {
  for (const b of document.querySelectorAll("#stage-section button[data-verb]")) {
    if (actionKey({verb: b.dataset.verb, target: b.dataset.target}) === key) b.disabled = busy;
  }
}

// onStageClick turns a click on a stage button into its action.
function onStageClick(ev) {
  const b = ev.target.closest("button[data-verb]");
  if (!b || b.disabled) return;
  const action = {verb: b.dataset.verb};
  if (b.dataset.target) action.target = b.dataset.target;
  if (action.verb === "set-rate") {
    action.rate = Number($("rate-input").value);
    if (!(action.rate > 0)) {
      say("set-rate: give a rate above 0 pitches a second", true);
      return;
    }
  }
  act(action);
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
  drawStage(st.stage);
  drawGames(st);
  drawBrokers(st.brokers || []);
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

// ?show=log,groups shows only those sections (stage, games, log, groups,
// pitch), to put one thing on the projector at a time. The stage shows
// only when the state has one.
const showParam = new URLSearchParams(location.search).get("show");
const showList = showParam ? showParam.split(",").map((s) => s.trim()) : null;
const shown = (section) => !showList || showList.includes(section);

function showOnly() {
  if (!showList) return;
  document.body.classList.add("only");
  for (const sec of document.querySelectorAll("main > section")) {
    if (sec.id !== "stage-section") sec.hidden = !shown(sec.id.replace(/-section$/, ""));
  }
}

for (const id of ["games-folded", "groups-idle"]) $(id).addEventListener("toggle", () => lastState && draw(lastState));
$("stage-section").addEventListener("click", onStageClick);
$("rate-input").addEventListener("keydown", (ev) => { if (ev.key === "Enter") $("rate-set").click(); });
setInterval(tickCountdowns, 250);
showOnly();
connect();
