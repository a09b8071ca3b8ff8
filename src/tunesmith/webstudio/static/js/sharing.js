// Share link of one finished take: a public page (opt-in), shown here with a way to copy and revoke it.

import * as api from "./api.js";

const box = document.getElementById("sharing");
let shown = null;

export async function show(task, clip) {
  shown = clip.id;
  if (!clip.audioUrl) {
    box.replaceChildren(Object.assign(document.createElement("p"), { className: "note", textContent: "Sharing opens when the take is finished." }));
    return;
  }
  box.replaceChildren();
  let live = [];
  try {
    live = (await api.get(`/tunesmith/v1/shares?audioId=${encodeURIComponent(clip.id)}`)).shares;
  } catch (err) {
    box.replaceChildren(Object.assign(document.createElement("p"), { className: "error", textContent: err.message }));
    return;
  }
  if (shown !== clip.id) return;
  if (live.length) linked(task, clip, live[0]);
  else unlinked(task, clip);
}

function note(text) {
  const p = Object.assign(document.createElement("p"), { className: "note", textContent: text });
  p.setAttribute("role", "status");
  return p;
}

function unlinked(task, clip, message = "Only you can hear this song. A share link makes a public page for this take.") {
  const button = Object.assign(document.createElement("button"), { type: "button", textContent: "Make share link" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      linked(task, clip, await api.post("/tunesmith/v1/shares", { taskId: task.taskId, audioId: clip.id }));
    } catch (err) {
      button.disabled = false;
      box.replaceChildren(note(err.message), button);
    }
  });
  box.replaceChildren(note(message), button);
}

function linked(task, clip, share) {
  const label = Object.assign(document.createElement("label"), { htmlFor: "share-url", textContent: "Share link" });
  const input = Object.assign(document.createElement("input"), { id: "share-url", readOnly: true, value: share.url });
  input.addEventListener("focus", () => input.select());
  const open = Object.assign(document.createElement("a"), { href: share.url, target: "_blank", rel: "noopener", textContent: "Open the public page" });
  const revoke = Object.assign(document.createElement("button"), { type: "button", textContent: "Revoke share link" });
  revoke.addEventListener("click", async () => {
    revoke.disabled = true;
    try {
      await api.call("DELETE", `/tunesmith/v1/shares/${encodeURIComponent(share.token)}`);
      unlinked(task, clip, "The link is revoked: its page is gone.");
    } catch (err) {
      revoke.disabled = false;
      box.append(note(err.message));
    }
  });
  box.replaceChildren(label, input, open, " ", revoke);
}
