// Start-up and navigation: sign in with an API key (kept in localStorage), the workspace (create + library)
// at #, a song's page at #song/<taskId>, sign out.

import * as api from "./api.js";
import * as create from "./create.js";
import * as library from "./library.js";
import * as personas from "./personas.js";
import * as player from "./player.js";
import * as song from "./song.js";

const $ = (id) => document.getElementById(id);

async function showAccount(key) {
  const me = await api.account(key);
  $("account-name").textContent = me.name || me.prefix;
  $("account-credits").textContent = me.unlimited ? "unlimited credits" : `${me.credits} credits`;
  return me;
}

async function refreshAccount() {
  try {
    await showAccount(api.savedKey());
  } catch (err) {
    if (err.status === 401) signOut();
  }
}

async function enter() {
  $("signin").hidden = true;
  $("account").hidden = false;
  $("workspace").hidden = false;
  library.start();
  await create.loadChoices();
  route();
}

function signOut() {
  api.forgetKey();
  personas.forget();
  library.stop();
  song.close();
  player.stop();
  $("account").hidden = true;
  $("workspace").hidden = true;
  $("signin").hidden = false;
  $("api-key").value = "";
  $("api-key").focus();
  if (location.hash) history.replaceState(null, "", location.pathname);
}

async function signIn(event) {
  event.preventDefault();
  const key = $("api-key").value.trim();
  $("signin-error").textContent = "";
  try {
    await showAccount(key);
  } catch (err) {
    $("signin-error").textContent = err.status === 401 ? "That key was not accepted." : err.message;
    return;
  }
  api.saveKey(key);
  await enter();
}

function route() {
  if (!api.savedKey()) return;
  const match = location.hash.match(/^#song\/([\w-]+)/);
  $("create").hidden = Boolean(match);
  $("library").hidden = Boolean(match);
  $("song").hidden = !match;
  if (match) song.open(match[1]);
  else {
    song.close();
    create.showPersonas();
  }
}

$("signin-form").addEventListener("submit", signIn);
$("sign-out").addEventListener("click", signOut);
window.addEventListener("hashchange", route);
window.addEventListener("tunesmith:unauthorized", signOut);
song.init(refreshAccount);
create.init(refreshAccount);

if (api.savedKey()) {
  showAccount(api.savedKey()).then(enter, (err) => (err.status === 401 ? signOut() : enter()));
} else {
  signOut();
}
