// Create: simple mode (a description) and custom mode (title, style, lyrics with section tags, "write lyrics
// for me" through the lyrics operation), a model from what the server runs, a persona made in this browser.

import * as api from "./api.js";
import * as library from "./library.js";
import { personas } from "./personas.js";

const form = document.getElementById("create-form");
const error = document.getElementById("create-error");
const modelSelect = document.getElementById("model");
const personaSelect = document.getElementById("persona");
const lyrics = document.getElementById("lyrics");
const lyricsStatus = document.getElementById("lyrics-status");
const durationRow = document.getElementById("duration-row");
const field = (id) => document.getElementById(id);
let durationModels = new Set();
let refreshAccount = () => {};

const STYLE_SUGGESTIONS = [
  "pop, upbeat, female vocals",
  "synth pop, 120 bpm, male vocals",
  "folk, acoustic guitar, warm",
  "lo-fi hip hop, mellow, 85 bpm",
  "rock, driving drums, electric guitar",
  "jazz, piano trio, relaxed",
  "edm, four on the floor, 128 bpm",
  "ballad, piano, strings",
  "country, fiddle, storytelling",
  "r&b, smooth, slow groove",
];

export function init(onAccountChange) {
  refreshAccount = onAccountChange;
  field("style-suggestions").replaceChildren(
    ...STYLE_SUGGESTIONS.map((s) => Object.assign(document.createElement("option"), { value: s })),
  );
}

export async function loadChoices() {
  const answer = await api.models();
  const chosen = modelSelect.value;
  modelSelect.replaceChildren(
    ...answer.models.map((m) => Object.assign(document.createElement("option"), { value: m.name, textContent: `${m.name} (${m.engine})` })),
  );
  durationModels = new Set(answer.models.filter((m) => m.duration).map((m) => m.name));
  modelSelect.value = answer.models.some((m) => m.name === chosen) ? chosen : (answer.models.find((m) => m.name === "V4_5") || answer.models[0]).name;
  showPersonas();
  showMode();
}

export function showPersonas() {
  const chosen = personaSelect.value;
  personaSelect.replaceChildren(
    Object.assign(document.createElement("option"), { value: "", textContent: "None" }),
    ...personas().map((p) => Object.assign(document.createElement("option"), { value: p.id, textContent: p.name })),
  );
  personaSelect.value = personas().some((p) => p.id === chosen) ? chosen : "";
}

function mode() {
  return document.querySelector('input[name="mode"]:checked').value;
}

function showMode() {
  for (const part of form.querySelectorAll("[data-mode]")) part.hidden = part.dataset.mode !== mode();
  durationRow.hidden = !(mode() === "custom" && durationModels.has(modelSelect.value));
}

function body() {
  const common = { model: modelSelect.value, instrumental: field("instrumental").checked };
  if (personaSelect.value) common.personaId = personaSelect.value;
  if (mode() === "simple") return { ...common, customMode: false, prompt: field("description").value.trim() };
  const custom = { ...common, customMode: true, title: field("title").value.trim(), style: field("style").value.trim(), prompt: lyrics.value };
  const seconds = Number(field("duration").value);
  if (!durationRow.hidden && seconds) custom.duration = seconds;
  return custom;
}

async function submit(event) {
  event.preventDefault();
  error.textContent = "";
  const request = body();
  if (mode() === "simple" && !request.prompt) {
    error.textContent = "Describe the song first.";
    field("description").focus();
    return;
  }
  const button = field("create-button");
  button.disabled = true;
  try {
    const answer = await api.post("/api/v1/generate", request);
    library.addSubmitted(answer.data.taskId, request);
    refreshAccount();
  } catch (err) {
    error.textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

function insertTag(tag) {
  const text = `[${tag}]\n`;
  const at = lyrics.selectionStart ?? lyrics.value.length;
  const before = lyrics.value.slice(0, at);
  const lead = before && !before.endsWith("\n") ? "\n" : "";
  lyrics.setRangeText(lead + text, at, lyrics.selectionEnd ?? at, "end");
  lyrics.focus();
}

// "Write lyrics for me": a lyrics task (kie POST /api/v1/lyrics), polled until its first variant is written.
async function writeLyrics() {
  const idea = field("lyrics-idea").value.trim() || field("title").value.trim() || field("style").value.trim();
  if (!idea) {
    lyricsStatus.textContent = "Say what the lyrics should be about first.";
    field("lyrics-idea").focus();
    return;
  }
  const button = field("write-lyrics");
  button.disabled = true;
  lyricsStatus.textContent = "Writing lyrics…";
  try {
    const taskId = await api.order("lyrics", { prompt: idea });
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const record = await api.operationRecord("lyrics", taskId);
      if (record.status === "SUCCESS") {
        const variant = record.response.data.find((v) => v.text) || record.response.data[0];
        lyrics.value = variant.text;
        if (!field("title").value && variant.title) field("title").value = variant.title;
        lyricsStatus.textContent = "Lyrics written.";
        break;
      }
      if (record.status !== "PENDING") {
        lyricsStatus.textContent = `No lyrics: ${record.errorMessage || record.status}`;
        break;
      }
    }
    refreshAccount();
  } catch (err) {
    lyricsStatus.textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", submit);
for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener("change", showMode);
modelSelect.addEventListener("change", showMode);
for (const button of document.querySelectorAll("[data-tag]")) button.addEventListener("click", () => insertTag(button.dataset.tag));
field("write-lyrics").addEventListener("click", writeLyrics);
