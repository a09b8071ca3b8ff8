"""The style vocabulary: tables of genre, instrument, voice, tempo and mood words, and how they are found."""
