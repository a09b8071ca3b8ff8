"""The service's own model of tasks, clips and their states.

Pure Python: nothing here knows about HTTP, SQL or any engine. Dialects translate to and from these types.
"""
