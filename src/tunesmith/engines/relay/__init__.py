"""The `relay` engine: songs made by upstream Suno-style providers, served as Tunesmith's own.

Layout (one module per upstream kind behind one small channel interface, as new-api keeps one adaptor per
upstream):
- `config`   the operator's channels (name, kind, base_url, key, priority, weight, models, max_concurrent)
- `channel`  the interface (submit, poll many, status mapping, media URLs) and its shapes and errors
- `kie`, `newapi`, `gcui`  one adaptor per upstream kind; `kinds` picks one by name
- `breaker`, `picker`  a circuit breaker per channel; which channel gets the next submit
- `mirror`   copies finished audio and covers (and live streams) into the clip's folder
See docs/engines/relay.md.
"""
