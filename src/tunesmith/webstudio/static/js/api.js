// The public APIs the studio calls (kie.ai routes and Tunesmith's native ones), with the key kept in this
// browser. No private routes: the studio gets the same auth, limits and credits as any client.

const KEY = "tunesmith.apiKey";

export function savedKey() {
  return localStorage.getItem(KEY) || "";
}

export function saveKey(key) {
  localStorage.setItem(KEY, key);
}

export function forgetKey() {
  localStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// One request; the answer's own error message (kie `msg`, native `error.message`) becomes an ApiError.
export async function call(method, path, body, key = savedKey()) {
  const headers = { Authorization: `Bearer ${key}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(`The server did not answer (${err.message})`, 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    throw new ApiError(`The server answered ${response.status} without JSON`, response.status);
  }
  if (data && data.error && data.error.message) throw new ApiError(data.error.message, response.status);
  if (data && typeof data.code === "number" && data.code !== 200) throw new ApiError(data.msg || "Request failed", data.code);
  if (!response.ok) throw new ApiError(`The server answered ${response.status}`, response.status);
  return data;
}

export const get = (path, key) => call("GET", path, undefined, key);
export const post = (path, body) => call("POST", path, body);

export const account = (key) => get("/tunesmith/v1/account", key);
export const models = () => get("/tunesmith/v1/models");
export const library = () => get("/tunesmith/v1/library?limit=50");
export const recordInfo = (taskId) => get(`/api/v1/generate/record-info?taskId=${encodeURIComponent(taskId)}`);

// The kie routes of the song operations: where to order each, and where to read its record.
export const OPERATIONS = {
  wav: { submit: "/api/v1/wav/generate", record: "/api/v1/wav/record-info" },
  stems: { submit: "/api/v1/vocal-removal/generate", record: "/api/v1/vocal-removal/record-info" },
  midi: { submit: "/api/v1/midi/generate", record: "/api/v1/midi/record-info" },
  video: { submit: "/api/v1/mp4/generate", record: "/api/v1/mp4/record-info" },
  lyrics: { submit: "/api/v1/lyrics", record: "/api/v1/lyrics/record-info" },
};

export async function order(kind, body) {
  const answer = await post(OPERATIONS[kind].submit, body);
  return answer.data.taskId;
}

export async function operationRecord(kind, taskId) {
  const answer = await get(`${OPERATIONS[kind].record}?taskId=${encodeURIComponent(taskId)}`);
  return answer.data;
}
