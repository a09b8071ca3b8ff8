// A song's page: cover, title, tags, its takes (each with Play), karaoke lyrics that follow playback from the
// song's word timings, downloads and actions for the chosen take. Polls record-info while the song renders.

import * as api from "./api.js";
import * as downloads from "./downloads.js";
import * as actions from "./actions.js";
import * as karaoke from "./karaoke.js";
import * as sharing from "./sharing.js";
import { playButton } from "./library.js";
import * as songs from "./songs.js";

const $ = (id) => document.getElementById(id);
let taskId = null;
let task = null;
let chosen = 0;
let timer = null;
let shownFor = "";
let refreshAccount = () => {};

export function init(onAccountChange) {
  refreshAccount = onAccountChange;
  actions.init(onAccountChange);
}

export function open(id) {
  if (taskId !== id) {
    taskId = id;
    task = null;
    chosen = 0;
    shownFor = "";
    $("song-title").textContent = "Loading…";
    for (const part of ["song-tags", "song-status"]) $(part).textContent = "";
    for (const part of ["song-takes", "karaoke", "downloads", "actions", "sharing"]) $(part).replaceChildren();
    $("song-cover").removeAttribute("src");
    $("song-cover").hidden = true;
  }
  poll();
}

export function close() {
  taskId = null;
  clearTimeout(timer);
  karaoke.clear();
}

async function poll() {
  clearTimeout(timer);
  const id = taskId;
  if (!id) return;
  try {
    const answer = await api.recordInfo(id);
    if (id !== taskId) return;
    task = answer.data;
    render();
  } catch (err) {
    if (id === taskId) $("song-status").textContent = err.message;
  }
  if (id === taskId && !(task && songs.isFinished(task.status))) timer = setTimeout(poll, 1000);
}

function render() {
  const clips = songs.clips(task);
  chosen = Math.min(chosen, Math.max(0, clips.length - 1));
  const clip = clips[chosen];
  $("song-title").textContent = (clip && clip.title) || songs.title(task);
  $("song-tags").textContent = (clip && clip.tags) || songs.tags(task);
  $("song-status").textContent = songs.statusText(task);
  $("song-status").dataset.status = task.status;
  const cover = $("song-cover");
  cover.hidden = !(clip && clip.imageUrl);
  if (clip && clip.imageUrl && cover.getAttribute("src") !== clip.imageUrl) {
    cover.src = clip.imageUrl;
    cover.alt = `Cover art of ${clip.title || "the song"}`;
  }
  renderTakes(clips);
  // the parts that depend on a finished take are built once per take, not on every poll
  const key = clip ? `${clip.id}:${Boolean(clip.audioUrl)}` : "";
  if (key === shownFor) return;
  shownFor = key;
  if (!clip) return;
  karaoke.show(task, clip);
  downloads.show(task, clip);
  actions.show(task, clip);
  sharing.show(task, clip);
}

function renderTakes(clips) {
  const box = $("song-takes");
  box.replaceChildren(
    ...clips.map((clip, i) => {
      const take = document.createElement("div");
      take.className = "take";
      const pick = document.createElement("button");
      pick.type = "button";
      pick.textContent = `Take ${i + 1}${clip.duration ? ` · ${songs.clock(clip.duration)}` : ""}`;
      pick.setAttribute("aria-pressed", String(i === chosen));
      pick.addEventListener("click", () => {
        chosen = i;
        render();
      });
      take.append(pick);
      if (songs.playable(clip)) {
        const play = playButton(task, clip, `${clip.title || "song"}, take ${i + 1}`);
        play.addEventListener("click", () => {
          if (chosen === i) return;
          chosen = i; // the page follows the take being played (karaoke, downloads, actions)
          render();
        });
        take.append(play);
      }
      return take;
    }),
  );
}

export function current() {
  return task;
}
