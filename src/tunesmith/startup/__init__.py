"""What `tunesmith` checks before it starts serving: the operator's own mistakes (a missing or misspelt
setting, a database that cannot be reached, an engine that cannot be loaded, a port in use) are caught here
and reported as one line that says what is wrong and what to do (OperatorError), before any process starts."""

from tunesmith.startup.errors import OperatorError

__all__ = ["OperatorError"]
