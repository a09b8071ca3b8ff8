"""The web studio: a browser front end served by the API process itself, at /studio.

A server-rendered HTML shell plus plain JavaScript modules (no build step, no CDN) that call the same
public routes every client uses (the kie.ai routes and Tunesmith's native ones) with the musician's API key,
which stays in the browser's localStorage. Nothing here reaches the store or the engines directly, so the
studio gets exactly the auth, limits and credits any client gets. `add_studio(app)` mounts it."""

from tunesmith.webstudio.routes import add_studio

__all__ = ["add_studio"]
