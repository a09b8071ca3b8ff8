"""Workers: claim tasks with a lease, run engines in child processes, report progress, deliver callbacks."""
