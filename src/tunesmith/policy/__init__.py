"""Content policy: what an operator refuses to sing (word lists, protected artist names, an external
moderation service), kept apart from HTTP and storage. The service asks it at submit, the worker after an
engine writes text; each dialect renders the outcome in its own words."""
