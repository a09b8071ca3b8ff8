"""One module per API dialect: parse its requests into domain operations, render domain objects back.

Dialects are pure translation: they import the domain, never the store, the engines or the web framework's
app. The API layer (tunesmith.api.routes.<dialect>) wires them to HTTP routes.
"""
