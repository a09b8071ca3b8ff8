// What a kie record-info `data` says about a song, in the words the studio shows.

export const STATUS_TEXT = {
  PENDING: "Queued",
  TEXT_SUCCESS: "Lyrics ready, composing",
  FIRST_SUCCESS: "Streaming",
  SUCCESS: "Done",
};

export function isFailed(status) {
  return /FAILED|ERROR|EXCEPTION/.test(status || "");
}

export function isFinished(status) {
  return status === "SUCCESS" || isFailed(status);
}

export function statusText(task) {
  if (isFailed(task.status)) return `Failed: ${task.errorMessage || task.status}`;
  return STATUS_TEXT[task.status] || task.status;
}

// The request the task was made from (kie echoes it as the JSON string `param`).
export function request(task) {
  try {
    const value = JSON.parse(task.param || "{}");
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

export function clips(task) {
  return (task.response && task.response.sunoData) || [];
}

export function title(task) {
  const first = clips(task)[0];
  const asked = request(task);
  return (first && first.title) || asked.title || asked.prompt || "Untitled";
}

export function tags(task) {
  const first = clips(task)[0];
  return (first && first.tags) || request(task).style || "";
}

export const KIND_TEXT = { EXTEND: "Extension", REPLACE_SECTION: "Replaced section", CONCAT: "Whole song", CROP: "Crop" };

// Where a take plays from: the final MP3 once done, the live stream while it renders, nothing before.
export function playable(clip) {
  return clip.audioUrl || clip.streamAudioUrl || "";
}

export function clock(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "–:––";
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
