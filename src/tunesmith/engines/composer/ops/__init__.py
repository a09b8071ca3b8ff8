"""Song edits on composer clips: extend, concat, crop and replace section (one module each).

`rules` holds the checks that need no audio (imported by the API process through `ComposerEngine.check`);
everything else imports numpy and runs in the engine's process.
"""
