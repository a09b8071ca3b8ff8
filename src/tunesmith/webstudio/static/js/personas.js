// Personas this browser made (kie's generate-persona answers an id; there is no route listing them).

const KEY = "tunesmith.personas";

export function personas() {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch {
    return [];
  }
}

export function remember(persona) {
  localStorage.setItem(KEY, JSON.stringify([...personas().filter((p) => p.id !== persona.id), persona]));
}

export function forget() {
  localStorage.removeItem(KEY);
}
