"""The studio engine: derived operations on songs already made (WAV, stems, MIDI, video, cover art, lyrics).

It works from the files every clip keeps (master, stems, MIDI, word timings, plan, cover), so it serves
songs of any engine that stores those artifacts. Each operation is one module with `make(job, sink)`,
registered in `engine.OPERATION_MODULES`; it writes into `job.workdir` and reports once through
`sink.result(files, data)`. The runtime stores `Task.result = {"files": {name: media key}, **data}`, where
each media key is `tasks/<task_id>/<file name>`. The shapes, as the API routes read them:

- `wav` (source clip): files `wav` → audio.wav; data `duration`.
- `stems` (source clip; `extra["type"]` = `separate_vocal` (default) | `split_stem`): files by part name →
  `<part>.wav`: separate_vocal gives `vocals` (silent for an instrumental) and `instrumental`; split_stem
  gives each of `vocals` (absent for instrumentals), `drums`, `bass`, `other`. Data `type`, `parts` [part
  names, in file order], `durations` {part: seconds}. The parts sum to the master.
- `midi` (source clip): files `midi` → song.mid; data `duration`, `instruments` [{`name`, `program`,
  `is_drum`, `notes` [{`pitch`, `start`, `end`, `velocity`}]}] (kie `midiData.instruments`).
- `video` (source clip; `extra["author"]`, `extra["domain_name"]`, ≤ 50 chars): files `video` → video.mp4;
  data `duration`, `width`, `height`.
- `cover_art` (source task; uses `request.title`, `request.style`): files `image_0` → cover_0.png, `image_1`
  → cover_1.png; data `images` ["image_0", "image_1"].
- `lyrics` (no source; prompt in `request.description`, ≤ 200 chars; `extra["count"]` 2–3, default 2): no
  files; data `lyrics` [{`title`, `text`, `tags`, `status`: "complete"}].

Synchronous helpers for the API (no task, cheap to import): `sync.aligned_words(timings_path, audio_path)`
(kie timestamped lyrics: `alignedWords`, `waveformData`, `hootCer`, `isStreamed`) and
`sync.boost_style(content, seed=0)` (kie boost style: the expanded style string).

Failures raise EngineError: no stems/MIDI kept (FailureCode.GENERATION_FAILED), unknown stems type
(CREATE_TASK_FAILED, FailureCode.REFUSED), empty lyrics prompt (GENERATE_LYRICS_FAILED, FailureCode.REFUSED),
a missing source (the audio is gone).
"""
