"""The built-in composer: songs with sung vocals from style and lyrics, on CPU, with no model weights."""
