"""The built-in composer: complete songs with sung vocals from style + lyrics, on CPU, with no model weights."""
