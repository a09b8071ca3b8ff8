// Karaoke: the lyrics' lines, each timed from the song's word timings (kie get-timestamped-lyrics), and the
// line being sung marked while the take plays.

import * as api from "./api.js";
import * as player from "./player.js";

const list = document.getElementById("karaoke");
let lines = []; // { li, start, end }
let clipId = null;
let frame = 0;

export function clear() {
  lines = [];
  clipId = null;
  cancelAnimationFrame(frame);
}

const letters = (text) => text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

export async function show(task, clip) {
  clear();
  clipId = clip.id;
  const sung = (clip.prompt || "").split("\n").map((l) => l.trim()).filter((l) => l && !/^\[.*\]$/.test(l));
  list.replaceChildren(
    ...sung.map((text) => Object.assign(document.createElement("li"), { textContent: text })),
  );
  if (!sung.length) {
    list.replaceChildren(Object.assign(document.createElement("li"), { textContent: "Instrumental", className: "note" }));
    return;
  }
  if (!clip.audioUrl) return; // word timings exist once the take is finished
  let words;
  try {
    words = (await api.post("/api/v1/generate/get-timestamped-lyrics", { taskId: task.taskId, audioId: clip.id })).data.alignedWords;
  } catch {
    return; // the lyrics stay, untimed
  }
  if (clipId !== clip.id) return;
  lines = time(sung, words, [...list.children]);
  tick();
}

// Lines get the words whose letters make them up, in order (so any tokenisation of the words works).
function time(sung, words, items) {
  const timed = [];
  let w = 0;
  sung.forEach((text, i) => {
    const want = letters(text).length;
    let have = 0;
    let start = null;
    let end = null;
    while (w < words.length && (have < want || have === 0)) {
      const word = words[w++];
      have += letters(word.word).length;
      start ??= word.startS;
      end = word.endS;
    }
    if (start !== null) timed.push({ li: items[i], start, end });
  });
  return timed;
}

function tick() {
  cancelAnimationFrame(frame);
  const playing = player.nowPlaying();
  const here = playing && playing.clipId === clipId ? player.audio.currentTime : -1;
  let active = null;
  for (let i = 0; i < lines.length; i++) {
    const next = lines[i + 1];
    if (here >= lines[i].start && (next ? here < next.start : here <= lines[i].end + 1)) active = lines[i];
  }
  for (const line of lines) {
    if (line === active) {
      if (line.li.getAttribute("aria-current") !== "true") {
        line.li.setAttribute("aria-current", "true");
        line.li.scrollIntoView({ block: "nearest", behavior: "smooth" });
      }
    } else line.li.removeAttribute("aria-current");
  }
  if (lines.length) frame = requestAnimationFrame(tick);
}
