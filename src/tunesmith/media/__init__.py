"""Where media files live and how clients reach them."""
