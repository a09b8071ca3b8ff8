// Downloads of one take: the MP3 and cover art at once; WAV, stems, MIDI and video ordered through their kie
// operations, with progress, and remembered in this browser so a reload picks the order up again.

import * as api from "./api.js";

const list = document.getElementById("downloads");
let shown = null; // { task, clip }
const polls = new Map(); // kind -> timer

const ORDERS = [
  { kind: "wav", label: "WAV" },
  { kind: "stems", label: "Stems" },
  { kind: "midi", label: "MIDI" },
  { kind: "video", label: "Video (MP4)" },
];

const stored = (clipId, kind) => localStorage.getItem(`tunesmith.order.${clipId}.${kind}`);
const store = (clipId, kind, taskId) => localStorage.setItem(`tunesmith.order.${clipId}.${kind}`, taskId);

function link(href, text, filename) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  if (filename) a.download = filename;
  return a;
}

export function show(task, clip) {
  for (const timer of polls.values()) clearTimeout(timer);
  polls.clear();
  shown = { task, clip };
  if (!clip.audioUrl) {
    list.replaceChildren(Object.assign(document.createElement("li"), { className: "note", textContent: "Downloads open when the take is finished." }));
    return;
  }
  const name = (clip.title || "song").replace(/[^\p{L}\p{N} _-]/gu, "").trim() || "song";
  const items = [
    Object.assign(document.createElement("li"), {}),
    Object.assign(document.createElement("li"), {}),
  ];
  items[0].append(link(clip.audioUrl, "MP3", `${name}.mp3`));
  if (clip.imageUrl) items[1].append(link(clip.imageUrl, "Cover art", `${name}.png`));
  for (const order of ORDERS) {
    const li = document.createElement("li");
    li.dataset.kind = order.kind;
    items.push(li);
    const earlier = stored(clip.id, order.kind);
    if (earlier) follow(order, li, earlier);
    else li.append(orderButton(order, li));
  }
  list.replaceChildren(...items.filter((li) => li.childNodes.length || li.dataset.kind));
}

function orderButton(order, li) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = `Order ${order.label}`;
  button.addEventListener("click", async () => {
    const { task, clip } = shown;
    button.disabled = true;
    const body = { taskId: task.taskId, audioId: clip.id };
    if (order.kind === "stems") body.type = "split_stem";
    try {
      const taskId = await api.order(order.kind, body);
      store(clip.id, order.kind, taskId);
      follow(order, li, taskId);
    } catch (err) {
      const earlier = err.status === 409 && /taskId (\w+)/.exec(err.message);
      if (earlier) {
        // ordered before (elsewhere): a WAV is made once per take, so follow that order
        store(clip.id, order.kind, earlier[1]);
        follow(order, li, earlier[1]);
        return;
      }
      button.disabled = false;
      li.replaceChildren(button, Object.assign(document.createElement("span"), { className: "error", textContent: ` ${err.message}` }));
    }
  });
  return button;
}

function done(record) {
  return record.successFlag === "SUCCESS" || record.successFlag === 1;
}

function failed(record) {
  return typeof record.successFlag === "string" ? /FAILED/.test(record.successFlag) : record.successFlag >= 2;
}

function files(kind, record) {
  const response = record.response || {};
  if (kind === "wav") return [["WAV", response.audioWavUrl]];
  if (kind === "video") return [["Video (MP4)", response.videoUrl]];
  if (kind === "midi") return [["MIDI", record.midiUrl || response.midiUrl]];
  return (response.originData || [])
    .filter((stem) => stem.audioUrl || stem.audio_url)
    .map((stem) => [`${stem.stem_type_group_name || "Stem"} stem`, stem.audioUrl || stem.audio_url]);
}

async function follow(order, li, taskId) {
  const clipId = shown.clip.id;
  const status = Object.assign(document.createElement("span"), { className: "progress", textContent: `${order.label}: ordered…` });
  li.replaceChildren(status);
  let record;
  try {
    record = await api.operationRecord(order.kind, taskId);
  } catch (err) {
    status.textContent = `${order.label}: ${err.message}`;
    return;
  }
  if (!shown || shown.clip.id !== clipId) return;
  if (done(record)) {
    const found = files(order.kind, record).filter(([, url]) => url);
    li.replaceChildren(...found.map(([text, url]) => link(url, text, "")));
    li.dataset.ready = "true";
    return;
  }
  if (failed(record)) {
    status.textContent = `${order.label} failed: ${record.errorMessage || record.successFlag}`;
    localStorage.removeItem(`tunesmith.order.${clipId}.${order.kind}`);
    li.append(" ", orderButton(order, li));
    return;
  }
  status.textContent = `${order.label}: rendering…`;
  polls.set(order.kind, setTimeout(() => follow(order, li, taskId), 1000));
}
