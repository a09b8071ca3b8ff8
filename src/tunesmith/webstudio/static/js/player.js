// The one <audio> element every Play button plays through, and its waveform: peaks decoded in the browser
// from the final MP3 (a live stream shows its progress only), drawn on a canvas that seeks on click or with
// the arrow keys, and where dragging selects a span (for "replace section").

import { clock } from "./songs.js";

const audio = document.getElementById("audio");
const bar = document.getElementById("player");
const label = document.getElementById("player-title");
const canvas = document.getElementById("waveform");
const peaksCache = new Map();
let current = null; // { clipId, title, src, duration, final }
let selection = null; // { start, end } in seconds
const listeners = new Set();

export { audio };

export function nowPlaying() {
  return current;
}

export function isPlaying(clipId) {
  return current !== null && current.clipId === clipId && !audio.paused;
}

// Anything showing play state (Play/Pause buttons, karaoke) listens here.
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed() {
  for (const listener of listeners) listener(current);
}

export function toggle(item) {
  let resumeAt = 0;
  if (current && current.clipId === item.clipId) {
    if (!audio.paused) {
      audio.pause();
      return;
    }
    if (current.src === item.src) {
      start();
      return;
    }
    resumeAt = audio.currentTime; // the take finished since: go on in its final MP3 where the stream was
  }
  current = { ...item };
  selection = null;
  audio.src = item.src;
  if (resumeAt) audio.addEventListener("loadedmetadata", () => (audio.currentTime = resumeAt), { once: true });
  label.textContent = item.title + (item.final ? "" : " (live)");
  bar.hidden = false;
  start();
  loadPeaks(current);
  draw();
}

export function stop() {
  audio.pause();
  audio.removeAttribute("src");
  audio.load();
  current = null;
  bar.hidden = true;
  changed();
}

function start() {
  audio.play().catch((err) => {
    label.textContent = `${current ? current.title : ""}: cannot play (${err.message})`;
  });
}

export function duration() {
  if (Number.isFinite(audio.duration) && audio.duration > 0) return audio.duration;
  return current && current.duration ? current.duration : 0;
}

export function getSelection() {
  return selection;
}

async function loadPeaks(item) {
  if (!item.final || peaksCache.has(item.src)) return;
  peaksCache.set(item.src, null);
  try {
    const bytes = await (await fetch(item.src)).arrayBuffer();
    const decoded = await new OfflineAudioContext(1, 1, 44100).decodeAudioData(bytes);
    const samples = decoded.getChannelData(0);
    const count = 400;
    const step = Math.max(1, Math.floor(samples.length / count));
    const peaks = new Float32Array(count);
    let loudest = 1e-9;
    for (let i = 0; i < count; i++) {
      let peak = 0;
      for (let j = i * step; j < Math.min(samples.length, (i + 1) * step); j++) peak = Math.max(peak, Math.abs(samples[j]));
      peaks[i] = peak;
      loudest = Math.max(loudest, peak);
    }
    peaksCache.set(item.src, peaks.map((p) => p / loudest));
  } catch (err) {
    label.textContent = `${item.title}: no waveform (${err.message})`;
  }
  draw();
}

function draw() {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 800;
  const height = canvas.clientHeight || 64;
  if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
  if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const total = duration();
  const played = total ? Math.min(1, audio.currentTime / total) : 0;
  if (selection && total) {
    ctx.fillStyle = "rgba(255, 200, 87, 0.25)";
    ctx.fillRect((selection.start / total) * width, 0, ((selection.end - selection.start) / total) * width, height);
  }
  const peaks = current ? peaksCache.get(current.src) : null;
  if (peaks) {
    const w = width / peaks.length;
    peaks.forEach((p, i) => {
      const h = Math.max(1, p * (height - 4));
      ctx.fillStyle = i / peaks.length < played ? "#ffc857" : "#5b6b8c";
      ctx.fillRect(i * w, (height - h) / 2, Math.max(1, w - 1), h);
    });
  } else {
    ctx.fillStyle = "#5b6b8c";
    ctx.fillRect(0, height / 2 - 1, width, 2);
    ctx.fillStyle = "#ffc857";
    ctx.fillRect(0, height / 2 - 2, played * width, 4);
  }
  canvas.setAttribute("aria-valuemax", String(Math.round(total)));
  canvas.setAttribute("aria-valuenow", String(Math.round(audio.currentTime)));
  canvas.setAttribute("aria-valuetext", `${clock(audio.currentTime)} of ${clock(total)}`);
}

function seek(seconds) {
  const total = duration();
  if (!total || !current || !current.final) return; // a live stream cannot seek
  audio.currentTime = Math.max(0, Math.min(total - 0.05, seconds));
  draw();
}

function secondsAt(event) {
  const box = canvas.getBoundingClientRect();
  return (Math.max(0, Math.min(box.width, event.clientX - box.left)) / box.width) * duration();
}

let dragFrom = null;
canvas.addEventListener("pointerdown", (event) => {
  dragFrom = { x: event.clientX, at: secondsAt(event) };
});
canvas.addEventListener("pointerup", (event) => {
  if (!dragFrom) return;
  const at = secondsAt(event);
  if (Math.abs(event.clientX - dragFrom.x) > 6 && current && current.final) {
    selection = { start: Math.min(at, dragFrom.at), end: Math.max(at, dragFrom.at) };
    changed();
  } else {
    seek(at);
  }
  dragFrom = null;
  draw();
});
canvas.addEventListener("keydown", (event) => {
  const steps = { ArrowLeft: -5, ArrowRight: 5, Home: -Infinity, End: Infinity };
  if (!(event.key in steps)) return;
  event.preventDefault();
  const step = steps[event.key];
  seek(Number.isFinite(step) ? audio.currentTime + step : step < 0 ? 0 : duration());
});

for (const name of ["play", "pause", "ended", "loadedmetadata"]) audio.addEventListener(name, () => { draw(); changed(); });
audio.addEventListener("timeupdate", draw);
window.addEventListener("resize", draw);
