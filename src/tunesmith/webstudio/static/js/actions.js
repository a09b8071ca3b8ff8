// Actions on one finished take: extend from the playhead (or any second), replace a section chosen on the
// waveform, make a persona of its voice. Each goes through its kie route; new songs appear in the library.

import * as api from "./api.js";
import * as library from "./library.js";
import { remember } from "./personas.js";
import * as player from "./player.js";
import * as songs from "./songs.js";

const box = document.getElementById("actions");
let refreshAccount = () => {};
let shown = null;

export function init(onAccountChange) {
  refreshAccount = onAccountChange;
  player.onChange(() => {
    const chosen = player.getSelection();
    if (!shown || !chosen || player.nowPlaying()?.clipId !== shown.clip.id) return;
    const from = box.querySelector("#replace-from");
    const to = box.querySelector("#replace-to");
    if (from && to) {
      from.value = chosen.start.toFixed(2);
      to.value = chosen.end.toFixed(2);
    }
  });
}

function field(id, text, attrs = {}, tag = "input") {
  const wrap = document.createElement("div");
  const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: text });
  const input = Object.assign(document.createElement(tag), { id, ...attrs });
  wrap.append(label, input);
  return wrap;
}

function form(title, parts, buttonText, run) {
  const element = document.createElement("form");
  element.className = "action";
  const heading = Object.assign(document.createElement("h4"), { textContent: title });
  const button = Object.assign(document.createElement("button"), { type: "submit", textContent: buttonText });
  const note = Object.assign(document.createElement("p"), { className: "note" });
  note.setAttribute("role", "status");
  element.append(heading, ...parts, button, note);
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    note.textContent = "Sending…";
    try {
      note.textContent = await run();
      refreshAccount();
    } catch (err) {
      note.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

export function show(task, clip) {
  shown = { task, clip };
  if (!clip.audioUrl) {
    box.replaceChildren(Object.assign(document.createElement("p"), { className: "note", textContent: "Actions open when the take is finished." }));
    return;
  }
  const model = songs.request(task).model || "V4_5";
  const playhead = () => (player.nowPlaying()?.clipId === clip.id ? player.audio.currentTime : 0);

  const at = field("extend-at", "Continue from (seconds)", { type: "number", min: "0.01", step: "0.01", max: String(clip.duration || 0), required: true });
  const usePlayhead = Object.assign(document.createElement("button"), { type: "button", textContent: "Use playhead" });
  usePlayhead.addEventListener("click", () => (at.querySelector("input").value = playhead().toFixed(2)));
  at.append(usePlayhead);
  const extend = form("Extend", [at], "Extend", async () => {
    const continueAt = Number(at.querySelector("input").value);
    const body = { defaultParamFlag: false, audioId: clip.id, model, continueAt };
    const answer = await api.post("/api/v1/generate/extend", body);
    library.addSubmitted(answer.data.taskId, body);
    return "Extension submitted: it is in the library.";
  });

  const lyrics = clip.prompt || "";
  const from = field("replace-from", "Replace from (seconds)", { type: "number", min: "0", step: "0.01", required: true });
  const to = field("replace-to", "Replace to (seconds)", { type: "number", min: "0", step: "0.01", required: true });
  const words = field("replace-lyrics", "Lyrics of the new section", { rows: 3 }, "textarea");
  const hint = Object.assign(document.createElement("p"), { className: "note", textContent: "Tip: drag across the waveform to choose the section." });
  const replace = form("Replace a section", [hint, from, to, words], "Replace section", async () => {
    const body = {
      taskId: task.taskId,
      audioId: clip.id,
      prompt: words.querySelector("textarea").value,
      tags: clip.tags || "",
      title: clip.title || "Untitled",
      infillStartS: Number(from.querySelector("input").value),
      infillEndS: Number(to.querySelector("input").value),
      fullLyrics: lyrics,
    };
    const answer = await api.post("/api/v1/generate/replace-section", body);
    library.addSubmitted(answer.data.taskId, body);
    return "Replacement submitted: it is in the library.";
  });

  const name = field("persona-name", "Persona name", { maxLength: 100, required: true });
  const about = field("persona-description", "Voice description", { maxLength: 500, required: true });
  const persona = form("Make a persona", [name, about], "Make persona", async () => {
    const vocalEnd = Math.min(30, clip.duration || 30);
    const body = { taskId: task.taskId, audioId: clip.id, name: name.querySelector("input").value.trim(), description: about.querySelector("input").value.trim(), vocalStart: 0, vocalEnd };
    const answer = await api.post("/api/v1/generate/generate-persona", body);
    remember({ id: answer.data.personaId, name: body.name });
    return `Persona "${body.name}" made: choose it when you create a song.`;
  });

  box.replaceChildren(extend, replace, persona);
}
