"""Use cases between the API and the store: authenticate, submit, query. No HTTP and no SQL here."""
