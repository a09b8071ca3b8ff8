"""The `acestep` engine: ACE-Step 1.5 songs (vocals, lyrics, tags) through diffusers' AceStepPipeline, on
the operator's GPU (or CPU), behind every dialect.

Modules, one purpose each:
- config: the operator's settings (TUNESMITH_ACESTEP_*) and the checkpoint/readiness checks. No torch: the
  API process imports it to refuse requests for an engine that is not ready.
- loading: the pipeline from a local checkpoint folder (offline), on the chosen device and dtype.
- text: what the song says (custom, description, instrumental) and bpm/key/time signature from the style.
- generation: one batched pipeline call with seeds, progress, out-of-memory retry and a NaN check.
- operations: generate, extend, upload-extend, replace section, cover, crop and concat on top of it.
- output: 44.1 kHz MP3/WAV, the stream file, cover art and estimated word timings of each take.
- random_checkpoint: tiny or full-size checkpoints with random weights, for tests and benchmarks.
Everything importing torch or diffusers is imported inside functions run by the engine process.
"""
