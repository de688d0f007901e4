// The room view: polls /api/room every two seconds and redraws the grid.
// Participants' text (names, "why" lines) only ever goes into the page through
// textContent and title: never as HTML. Names that a projector draws alike
// carry the participant's number (#12), which the server gives out.
// The facilitator key comes from the URL's fragment (#key=...), which the
// browser never sends to a server; it also removes participants.
"use strict";

const POLL_MS = 2000;
const SYMBOL = { green: "✓", failing: "✗", stuck: "!", "does not compile": "{ }" };
const CLASS = { green: "s-green", failing: "s-failing", stuck: "s-stuck", "does not compile": "s-nocompile" };

const key = new URLSearchParams(location.hash.slice(1)).get("key") || "";
let selected = null;     // [participant id, kata number]
let room = null;
let renders = 0;

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

function minutes(seconds) {
  const m = Math.floor(seconds / 60);
  if (m < 1) return "under a minute";
  if (m < 60) return m + " min";
  return Math.floor(m / 60) + " h " + (m % 60) + " min";
}

function clock(t) {
  return new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function cellState(c) {
  if (!c) return null;
  return c.state === "failing" && c.stuck ? "stuck" : c.state;
}

function label(p) {
  return p.alike ? p.name + " #" + p.n : p.name;
}

function describe(p, kata, c, now) {
  if (!c) return label(p) + " · kata " + kata + ": not run yet";
  let s = label(p) + " · kata " + kata + ": " + (c.stuck ? "stuck (failing)" : c.state) +
    " for " + minutes(now - c.since) + ", " + c.hints + (c.hints === 1 ? " hint" : " hints");
  if (c.why) s += " · why: " + c.why;
  return s;
}

function render(data) {
  room = data;
  const katas = data.katas;
  const now = data.now;

  // Where the room is stuck, most stuck first.
  const summary = document.getElementById("stuck-summary");
  summary.replaceChildren();
  const stuck = katas.filter(k => data.counts[k.number].stuck > 0)
    .sort((a, b) => data.counts[b.number].stuck - data.counts[a.number].stuck);
  if (stuck.length === 0) {
    summary.append(el("span", { class: "item" }, "Nobody is stuck."));
  } else {
    summary.append(el("span", { class: "item" }, "Stuck:"));
    for (const k of stuck) {
      const item = el("span", { class: "item" });
      item.append(el("b", {}, String(data.counts[k.number].stuck)), " on kata " + k.number + " " + k.title);
      summary.append(item);
    }
  }

  const head = el("tr");
  head.append(el("th", { class: "name", scope: "col" }, "participant"));
  for (const k of katas) head.append(el("th", { scope: "col", title: k.title }, k.number));
  document.querySelector("#grid thead").replaceChildren(head);

  const body = document.querySelector("#grid tbody");
  body.replaceChildren();
  for (const p of data.participants) {
    const row = el("tr", { "data-participant": p.id });
    const idle = now - p.last_seen;
    const name = el("td", { class: "name", title: label(p) + " · last record " + minutes(idle) + " ago" });
    name.append(el("bdi", {}, p.name));
    if (p.alike) name.append(el("span", { class: "tag" }, "#" + p.n));
    // Quiet for a while: gone for a break, or the room does not reach them.
    if (idle > 15 * 60) name.append(el("span", { class: "quiet" }, "quiet " + minutes(idle)));
    row.append(name);
    for (const k of katas) {
      const c = p.cells[k.number];
      const state = cellState(c);
      const td = el("td", { class: "cell", "data-kata": k.number, "data-state": state || "none" });
      const b = el("button", { type: "button", class: state ? CLASS[state] : "s-none",
                               title: describe(p, k.number, c, now),
                               "aria-label": describe(p, k.number, c, now) });
      b.append(document.createTextNode(state ? SYMBOL[state] : ""));
      if (c && c.hints > 0) b.append(el("span", { class: "hints" }, String(c.hints)));
      if (selected && selected[0] === p.id && selected[1] === k.number) b.classList.add("selected");
      b.addEventListener("click", () => { selected = [p.id, k.number]; render(room); });
      td.append(b);
      row.append(td);
    }
    body.append(row);
  }

  const foot = document.querySelector("#grid tfoot");
  foot.replaceChildren();
  for (const [what, label] of [["green", "green"], ["failing", "failing"], ["stuck", "of them stuck"]]) {
    const tr = el("tr", { class: what });
    tr.append(el("th", { scope: "row" }, label));
    for (const k of katas) tr.append(el("td", { "data-kata": k.number }, String(data.counts[k.number][what])));
    foot.append(tr);
  }

  showDetail(data);
  renders += 1;
  document.body.dataset.renders = String(renders);
  const n = data.participants.length;
  setStatus(n + (n === 1 ? " participant" : " participants") + " of " + data.max_participants + " · stuck = failing over " +
            data.stuck_minutes + " min or 3 hints · updated " + clock(now), false);
}

function showDetail(data) {
  const box = document.getElementById("detail");
  const p = selected && data.participants.find(x => x.id === selected[0]);
  if (!p) { box.hidden = true; return; }
  const kata = selected[1];
  const k = data.katas.find(x => x.number === kata);
  const c = p.cells[kata];
  box.replaceChildren();
  const head = el("h2");
  head.append(el("bdi", {}, p.name), " #" + p.n + " · kata " + kata + (k ? " " + k.title : ""));
  box.append(head);
  if (!c) {
    box.append(el("p", {}, "Not run yet."));
  } else {
    box.append(el("p", {}, (c.stuck ? "stuck: " : "") + c.state + " for " + minutes(data.now - c.since) +
                  " · " + c.hints + (c.hints === 1 ? " hint" : " hints") + " opened · last change " + clock(c.changed)));
    if (c.why) box.append(el("p", { class: "why" }, c.why));
  }
  const remove = el("button", { type: "button", class: "danger" }, "Remove #" + p.n + " from the room");
  remove.addEventListener("click", () => removeParticipant(p));
  box.append(el("p", { class: "small" }, "id " + p.id + " · last record " + clock(p.last_seen)), remove);
  box.hidden = false;
}

function setStatus(text, offline) {
  const s = document.getElementById("status");
  s.textContent = text;
  s.classList.toggle("offline", offline);
}

function problem(text) {
  const p = document.getElementById("problem");
  p.textContent = text;
  p.hidden = !text;
}

async function poll() {
  try {
    const r = await fetch("/api/room", { headers: { Authorization: "Bearer " + key }, cache: "no-store" });
    if (r.status === 401) {
      problem("The room refused this page's key: open the URL that make room printed (it ends in #key=…).");
      setStatus("no access", true);
    } else if (r.status === 403) {
      problem("That is the join code, which only posts records: open the URL with the facilitator key that make room printed.");
      setStatus("no access", true);
    } else if (!r.ok) {
      // The grid stays as it was: say how old it is.
      const when = room ? "; the grid is as of " + clock(room.now) : "";
      setStatus("the room answered " + r.status + (r.status === 503 ? " (its database is busy)" : "") +
                when + "; trying again", true);
    } else {
      problem("");
      render(await r.json());
    }
  } catch (e) {
    setStatus("the room does not answer (is make room still running?); trying again", true);
  }
  setTimeout(poll, POLL_MS);
}

async function downloadCsv() {
  const r = await fetch("/export.csv", { headers: { Authorization: "Bearer " + key }, cache: "no-store" });
  if (!r.ok) { problem("The CSV export failed: " + r.status); return; }
  const url = URL.createObjectURL(await r.blob());
  const a = el("a", { href: url, download: "room-" + new Date().toISOString().slice(0, 16).replace(":", "") + ".csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function admin(path, body, done) {
  const r = await fetch(path, { method: "POST", cache: "no-store", body: JSON.stringify(body),
                                headers: { Authorization: "Bearer " + key, "Content-Type": "application/json" } });
  if (!r.ok) {
    const reply = await r.json().catch(() => ({}));
    problem("The room refused: " + r.status + " " + (reply.error || ""));
    return;
  }
  problem(done);
  selected = null;
}

function removeParticipant(p) {
  if (!confirm("Remove " + p.name + " #" + p.n + " from the room? Records from that machine are refused from now on.")) return;
  admin("/api/admin/remove", { participant: p.id }, "Removed " + p.name + " #" + p.n + ".");
}

function clearRoom() {
  if (!confirm("Clear the room? Every participant and record goes; the join code stays, and each machine's next run joins again.")) return;
  admin("/api/admin/clear", {}, "The room was cleared.");
}

document.getElementById("csv").addEventListener("click", downloadCsv);
document.getElementById("clear").addEventListener("click", clearRoom);
document.addEventListener("keydown", e => { if (e.key === "Escape") { selected = null; if (room) render(room); } });
if (!key) {
  problem("This page needs the facilitator key: open the URL that make room printed (it ends in #key=…).");
  setStatus("no key", true);
} else {
  poll();
}
