// The library: every song task of the key, newest first, kept live by polling the native library route while
// anything renders (slower when all is finished, to notice songs other clients make).

import * as api from "./api.js";
import * as player from "./player.js";
import * as songs from "./songs.js";

const list = document.getElementById("songs");
const empty = document.getElementById("library-empty");
const search = document.getElementById("search");
const rows = new Map(); // taskId -> { li, signature }
let tasks = [];
let timer = null;
let running = false;
const watchers = new Set();

export function onTasks(listener) {
  watchers.add(listener);
}

export function start() {
  running = true;
  refresh();
}

export function stop() {
  running = false;
  clearTimeout(timer);
  tasks = [];
  rows.clear();
  list.replaceChildren();
}

// A task just submitted shows at once, PENDING, before the next refresh reads it back.
export function addSubmitted(taskId, body) {
  if (rows.has(taskId)) return;
  tasks = [{ taskId, status: "PENDING", param: JSON.stringify(body), response: { sunoData: [] }, type: "GENERATE" }, ...tasks];
  render();
  clearTimeout(timer);
  timer = setTimeout(refresh, 300);
}

export async function refresh() {
  clearTimeout(timer);
  if (!running) return;
  try {
    const answer = await api.library();
    const known = new Set(answer.tasks.map((t) => t.taskId));
    // keep a just-submitted task the server has not listed yet
    tasks = [...tasks.filter((t) => !known.has(t.taskId) && t.status === "PENDING"), ...answer.tasks];
    render();
    for (const watcher of watchers) watcher(tasks);
  } catch (err) {
    if (err.status === 401) {
      // the key was deleted or replaced: back to the sign-in
      window.dispatchEvent(new CustomEvent("tunesmith:unauthorized"));
      return;
    }
  }
  if (!running) return;
  const busy = tasks.some((t) => !songs.isFinished(t.status));
  timer = setTimeout(refresh, busy ? 700 : 5000);
}

function render() {
  const seen = new Set();
  let previous = null;
  for (const task of tasks) {
    seen.add(task.taskId);
    const signature = JSON.stringify(task);
    let row = rows.get(task.taskId);
    if (!row) {
      row = { li: document.createElement("li"), signature: "" };
      row.li.className = "song-row";
      row.li.dataset.task = task.taskId;
      rows.set(task.taskId, row);
    }
    if (row.signature !== signature) {
      fill(row.li, task);
      row.signature = signature;
    }
    const place = previous ? previous.nextSibling : list.firstChild;
    if (place !== row.li) list.insertBefore(row.li, place);
    previous = row.li;
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      row.li.remove();
      rows.delete(id);
    }
  }
  filter();
  empty.hidden = tasks.length > 0;
}

function fill(li, task) {
  li.dataset.status = task.status;
  li.classList.toggle("failed", songs.isFailed(task.status));
  const clips = songs.clips(task);
  const cover = clips.find((c) => c.imageUrl);
  const art = document.createElement(cover ? "img" : "div");
  art.className = "art";
  if (cover) {
    art.src = cover.imageUrl;
    art.alt = "";
  }
  const body = document.createElement("div");
  body.className = "row-body";
  const heading = document.createElement("h3");
  const link = document.createElement("a");
  link.href = `#song/${task.taskId}`;
  link.textContent = songs.title(task);
  heading.append(link);
  const kind = songs.KIND_TEXT[task.type];
  if (kind) heading.append(" ", Object.assign(document.createElement("span"), { className: "kind", textContent: kind }));
  const tags = Object.assign(document.createElement("p"), { className: "tags", textContent: songs.tags(task) });
  const state = Object.assign(document.createElement("p"), { className: "state", textContent: songs.statusText(task) });
  body.append(heading, tags, state, takes(task, clips));
  li.dataset.search = `${songs.title(task)} ${songs.tags(task)} ${songs.request(task).prompt || ""}`.toLowerCase();
  li.replaceChildren(art, body);
}

function takes(task, clips) {
  const ul = document.createElement("ul");
  ul.className = "row-takes";
  clips.forEach((clip, i) => {
    const item = document.createElement("li");
    const name = Object.assign(document.createElement("span"), {
      textContent: `Take ${i + 1}${clip.duration ? ` · ${songs.clock(clip.duration)}` : ""}`,
    });
    item.append(name);
    if (songs.playable(clip)) item.append(playButton(task, clip, `${songs.title(task)}, take ${i + 1}`));
    ul.append(item);
  });
  return ul;
}

// A Play button for one take; it reads Pause while that take plays.
export function playButton(task, clip, description) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "play";
  button.dataset.clip = clip.id;
  button.title = description;
  const show = () => {
    button.textContent = player.isPlaying(clip.id) ? "Pause" : "Play";
  };
  show();
  const off = player.onChange(() => (button.isConnected ? show() : off()));
  button.addEventListener("click", () =>
    player.toggle({
      clipId: clip.id,
      taskId: task.taskId,
      title: clip.title || songs.title(task),
      src: songs.playable(clip),
      duration: clip.duration,
      final: Boolean(clip.audioUrl),
    }),
  );
  return button;
}

function filter() {
  const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const { li } of rows.values()) li.hidden = !words.every((w) => li.dataset.search.includes(w));
}

search.addEventListener("input", filter);
