// A shared song's page: one Play button for its <audio> element.

const audio = document.getElementById("shared-audio");
const button = document.getElementById("shared-play");
const show = () => (button.textContent = audio.paused ? "Play" : "Pause");
button.addEventListener("click", () => {
  if (audio.paused) audio.play().catch((err) => (button.textContent = `Cannot play: ${err.message}`));
  else audio.pause();
});
for (const name of ["play", "pause", "ended"]) audio.addEventListener(name, show);
