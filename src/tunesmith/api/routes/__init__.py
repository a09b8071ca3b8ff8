"""One router module per dialect, plus media and the service's own routes."""
