// The room view: polls /api/room every two seconds and redraws the grid.
// Participants' text (names, "why" lines) only ever goes into the page through
// textContent and title: never as HTML.
"use strict";

const POLL_MS = 2000;
const SYMBOL = { green: "✓", failing: "✗", stuck: "!", "does not compile": "{ }" };
const CLASS = { green: "s-green", failing: "s-failing", stuck: "s-stuck", "does not compile": "s-nocompile" };

const token = new URLSearchParams(location.hash.slice(1)).get("token") || "";
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

function describe(p, kata, c, now) {
  if (!c) return p.name + " · kata " + kata + ": not run yet";
  let s = p.name + " · kata " + kata + ": " + (c.stuck ? "stuck (failing)" : c.state) +
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
    const name = el("td", { class: "name", title: p.name + " · last record " + minutes(idle) + " ago" }, p.name);
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
  setStatus(n + (n === 1 ? " participant" : " participants") + " · stuck = failing over " +
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
  box.append(el("h2", {}, p.name + " · kata " + kata + (k ? " " + k.title : "")));
  if (!c) {
    box.append(el("p", {}, "Not run yet."));
  } else {
    box.append(el("p", {}, (c.stuck ? "stuck: " : "") + c.state + " for " + minutes(data.now - c.since) +
                  " · " + c.hints + (c.hints === 1 ? " hint" : " hints") + " opened · last change " + clock(c.changed)));
    if (c.why) box.append(el("p", { class: "why" }, c.why));
  }
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
    const r = await fetch("/api/room", { headers: { Authorization: "Bearer " + token }, cache: "no-store" });
    if (r.status === 401) {
      problem("The room refused this page's token: open the URL that make room printed (it ends in #token=…).");
      setStatus("no access", true);
    } else if (!r.ok) {
      setStatus("the room answered " + r.status + "; trying again", true);
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
  const r = await fetch("/export.csv", { headers: { Authorization: "Bearer " + token }, cache: "no-store" });
  if (!r.ok) { problem("The CSV export failed: " + r.status); return; }
  const url = URL.createObjectURL(await r.blob());
  const a = el("a", { href: url, download: "room-" + new Date().toISOString().slice(0, 16).replace(":", "") + ".csv" });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

document.getElementById("csv").addEventListener("click", downloadCsv);
document.addEventListener("keydown", e => { if (e.key === "Escape") { selected = null; if (room) render(room); } });
if (!token) {
  problem("This page needs the room's token: open the URL that make room printed (it ends in #token=…).");
  setStatus("no token", true);
} else {
  poll();
}
