"""The studio engine: derived operations on songs already made (WAV, stems, MIDI, video, cover art, lyrics).

It works from the files every clip keeps (master, stems, MIDI, word timings, plan, cover), so it serves
songs of any engine that stores those artifacts.
"""
