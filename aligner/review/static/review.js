// aligner review: the page of `aligner review`. Sentence text is only ever set with textContent.
"use strict";

const PAGE = 50;
const RTL = new Set(["fa", "ar"]);
const TOKEN = document.querySelector('meta[name="review-token"]').content;
// Each button/key operation as the server's operation and arguments.
const OPERATIONS = {
  accept: ["status", { status: "accepted" }], reject: ["status", { status: "rejected" }],
  second_look: ["status", { status: "second_look" }], untranslated: ["status", { status: "untranslated" }],
  merge_next: ["merge", { step: 1 }], merge_prev: ["merge", { step: -1 }], split: ["split", {}],
  src_first_prev: ["move", { side: "src", step: -1 }], src_last_next: ["move", { side: "src", step: 1 }],
  tgt_first_prev: ["move", { side: "tgt", step: -1 }], tgt_last_next: ["move", { side: "tgt", step: 1 }],
  realign: ["realign", {}], undo: ["undo", {}], redo: ["redo", {}], accept_above: ["accept_above", {}],
};
const KEYS = {
  a: "accept", r: "reject", s: "second_look", u: "untranslated", m: "merge_next", M: "merge_prev", x: "split",
  "[": "src_first_prev", "]": "src_last_next", "{": "tgt_first_prev", "}": "tgt_last_next", g: "realign",
};
const state = { mode: "queue", pair: 0, offset: 0, focus: 0, rows: [], total: 0, rev: 0, summary: null, busy: false,
  cut: {} };  // cut: the chosen split place of each side of the focused link

const $ = (id) => document.getElementById(id);

async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error((await response.json()).error || response.statusText);
  return response.json();
}

function remember() {
  localStorage.setItem("aligner-review", JSON.stringify(
    { mode: state.mode, pair: state.pair, offset: state.offset, focus: state.focus }));
}

function scoreClass(score) {
  return "p" + Math.min(7, Math.max(0, Math.floor(((score || 0) - 0.3) / 0.1)));
}

function textCell(row, side, index) {
  const cell = document.createElement("td");
  const lang = row[side + "_lang"];
  cell.className = "text";
  cell.lang = lang;
  cell.dir = RTL.has(lang) ? "rtl" : "ltr";
  const sentences = row[side + "_sentences"];
  if (!sentences || index !== state.focus) {
    cell.textContent = row[side];
    return cell;
  }
  // The focused link of several sentences: its sentences apart, with the places it may be split.
  for (let at = 0; at <= sentences.length; at++) {
    const cut = document.createElement("button");
    cut.className = "cut" + (state.cut[side] === at ? " chosen" : "");
    cut.dataset.side = side;
    cut.dataset.at = String(at);
    cut.textContent = "✂";
    cut.title = "split here (then x or Split)";
    cut.addEventListener("click", (event) => { event.stopPropagation(); state.cut[side] = at; render(); });
    cell.appendChild(cut);
    if (at < sentences.length) {
      const sentence = document.createElement("span");
      sentence.className = "sentence";
      sentence.textContent = sentences[at];
      cell.appendChild(sentence);
    }
  }
  return cell;
}

function statusCell(row) {
  const cell = document.createElement("td");
  cell.className = "status";
  const label = document.createElement("strong");
  label.textContent = row.status ? row.status.replace("_", " ") : "";
  cell.appendChild(label);
  if (state.mode === "queue") {
    const where = document.createElement("div");
    where.textContent = state.summary.pairs[row.pair].name;
    cell.appendChild(where);
  }
  const list = document.createElement("ul");
  for (const reason of row.reasons || []) {
    const item = document.createElement("li");
    item.textContent = reason;
    list.appendChild(item);
  }
  cell.appendChild(list);
  return cell;
}

function renderRow(row, index) {
  const tr = document.createElement("tr");
  const classes = ["s-" + (row.status || "none")];
  if (row.type !== "1-1") classes.push("nonstandard");
  if (!row.src_ids.length || !row.tgt_ids.length) classes.push("unaligned");
  if (index === state.focus) classes.push("focus");
  tr.className = classes.join(" ");
  const score = document.createElement("td");
  score.className = "score " + scoreClass(row.score);
  score.textContent = row.score === null ? "–" : row.score.toFixed(2);
  const type = document.createElement("td");
  type.className = "type";
  type.textContent = row.type;
  tr.append(score, textCell(row, "src", index), textCell(row, "tgt", index), type, statusCell(row));
  tr.addEventListener("click", () => { if (state.focus !== index) { state.focus = index; state.cut = {}; render(); } });
  return tr;
}

function render() {
  const body = document.querySelector("#links tbody");
  body.replaceChildren(...state.rows.map(renderRow));
  const last = Math.min(state.total, state.offset + state.rows.length);
  $("where").textContent = `${state.total ? state.offset + 1 : 0}–${last} of ${state.total}` +
    (state.mode === "queue" ? " to review, worst first" : " links in reading order");
  $("mode-queue").disabled = state.mode === "queue";
  $("mode-reading").disabled = state.mode === "reading";
  $("pair").disabled = state.mode === "queue";
  const focused = body.children[state.focus];
  if (focused) focused.scrollIntoView({ block: "nearest" });
  remember();
}

function showProgress(progress) {
  $("progress").textContent = `${progress.reviewed} of ${progress.links} reviewed` +
    (progress.second_look ? `, ${progress.second_look} for a second look` : "");
}

async function load() {
  const url = state.mode === "queue" ? `/api/queue?offset=${state.offset}&limit=${PAGE}`
    : `/api/pair/${state.pair}?offset=${state.offset}&limit=${PAGE}`;
  const page = await getJSON(url);
  if (!page.rows.length && state.offset > 0) {
    state.offset = Math.max(0, state.offset - PAGE);
    return load();
  }
  state.rows = page.rows;
  state.total = page.total;
  state.rev = page.rev;
  state.focus = Math.min(state.focus, Math.max(0, state.rows.length - 1));
  showProgress(page.progress);
  render();
  document.body.dataset.shown = String(parseInt(document.body.dataset.shown || "0", 10) + 1);
  await explain(page.rows);
  document.body.dataset.loads = String(parseInt(document.body.dataset.loads || "0", 10) + 1);
}

// Why each doubtful row may be wrong, asked for once the rows are shown.
async function explain(rows) {
  const doubtful = rows.filter((row) => row.doubtful);
  if (!doubtful.length) return;
  const places = doubtful.map((row) => `${row.pair}:${row.pos}`).join(",");
  const reasons = await getJSON(`/api/reasons?rows=${places}`);
  doubtful.forEach((row, k) => { row.reasons = reasons[k]; });
  if (rows === state.rows) render();
}

async function act(name) {
  const row = state.rows[state.focus];
  const [op, fixed] = OPERATIONS[name];
  const pair = row ? row.pair : state.pair;
  if (state.busy || (!row && !["undo", "redo", "accept_above"].includes(name))) return;
  const args = Object.assign({}, fixed);
  if (name === "accept_above") args.threshold = parseFloat($("threshold").value);
  if (name === "split" && row && ("src" in state.cut || "tgt" in state.cut)) {
    // A side without a chosen place stays whole with the first part (or the second, if cut at its start).
    const whole = (side) => (state.cut[side] !== undefined ? state.cut[side] : row[side + "_ids"].length);
    args.src_at = whole("src");
    args.tgt_at = whole("tgt");
  }
  state.cut = {};
  const rev = state.mode === "queue" && row ? row.rev : state.rev;
  const body = { pair, rev, op, src_ids: row ? row.src_ids : [], tgt_ids: row ? row.tgt_ids : [], args };
  state.busy = true;
  try {
    const response = await fetch("/api/act", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Review-Token": TOKEN }, body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status === 409) {
      $("message").textContent = "This pair was changed elsewhere (another tab?): reloaded, nothing overwritten.";
    } else if (!response.ok) {
      $("message").textContent = answer.error;
    } else {
      $("message").textContent = `${name.replace(/_/g, " ")}: saved`;
      if (state.mode === "reading" && ["accept", "reject", "second_look", "untranslated"].includes(name)) {
        state.focus = Math.min(state.focus + 1, state.rows.length - 1);
      }
    }
  } finally {
    state.busy = false;
  }
  await load();
}

function move(step) {
  const next = state.focus + step;
  state.cut = {};
  if (next >= 0 && next < state.rows.length) {
    state.focus = next;
    render();
  } else if (next >= state.rows.length && state.offset + state.rows.length < state.total) {
    page(1, 0);
  } else if (next < 0 && state.offset > 0) {
    page(-1, PAGE - 1);
  }
}

function page(step, focus) {
  const offset = state.offset + step * PAGE;
  if (offset < 0 || offset >= state.total) return;
  state.offset = offset;
  state.focus = focus;
  load();
}

function setMode(mode) {
  state.mode = mode;
  state.offset = 0;
  state.focus = 0;
  load();
}

function onKey(event) {
  if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") return;
  const key = event.key;
  const command = event.ctrlKey || event.metaKey;
  let handled = true;
  if (command && key.toLowerCase() === "z") act(event.shiftKey ? "redo" : "undo");
  else if (command && key.toLowerCase() === "y") act("redo");
  else if (command || event.altKey) handled = false;
  else if (key === "j" || key === "ArrowDown") move(1);
  else if (key === "k" || key === "ArrowUp") move(-1);
  else if (key === "n") page(1, 0);
  else if (key === "p") page(-1, 0);
  else if (key === "w") setMode("queue");
  else if (key === "o") setMode("reading");
  else if (KEYS[key]) act(KEYS[key]);
  else handled = false;
  if (handled) event.preventDefault();
}

async function start() {
  const summary = await getJSON("/api/summary");
  state.summary = summary;
  $("threshold").value = summary.threshold;
  $("pair").replaceChildren(...summary.pairs.map((pair, index) => {
    const option = document.createElement("option");
    option.value = index;
    option.textContent = `${pair.name} (${pair.links})`;
    return option;
  }));
  $("conflicts").textContent = summary.conflicts.join("\n");
  const saved = JSON.parse(localStorage.getItem("aligner-review") || "null");
  if (saved && saved.pair < summary.pairs.length) Object.assign(state, saved);
  else if (summary.resume && summary.resume.pair !== null) Object.assign(state, { mode: "reading", pair: summary.resume.pair });
  $("pair").value = state.pair;
  $("pair").addEventListener("change", () => { state.pair = parseInt($("pair").value, 10); setMode("reading"); });
  $("mode-queue").addEventListener("click", () => setMode("queue"));
  $("mode-reading").addEventListener("click", () => setMode("reading"));
  $("prev-page").addEventListener("click", () => page(-1, 0));
  $("next-page").addEventListener("click", () => page(1, 0));
  for (const button of document.querySelectorAll("button[data-op]")) {
    button.addEventListener("click", () => act(button.dataset.op));
  }
  document.addEventListener("keydown", onKey);
  await load();
  document.body.dataset.ready = "1";
}

start().catch((error) => { $("message").textContent = "Cannot load the review: " + error.message; });
