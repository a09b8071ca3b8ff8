"""The HTTP surface: one router per dialect, media serving, auth and limits."""
