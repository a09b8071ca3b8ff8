#!/usr/bin/env bash
# Installs everything Tunesmith needs on a Debian machine: audio tools (FluidSynth + a General MIDI
# SoundFont, espeak-ng, ffmpeg, fonts) and a Python virtualenv in .venv with the package and its extras.
# Safe to run again: it skips what is already there. Usage: scripts/install.sh [--dev] [--acestep]
# (--dev: also the test and benchmark tools, and Debian's Chromium for the browser tests;
#  --acestep: the ACE-Step engine's extra: torch, diffusers, transformers, accelerate, about 1.3 GB)
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
ACESTEP=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    --acestep) ACESTEP=1 ;;
    *) echo "unknown option $arg (use --dev and/or --acestep)" >&2; exit 2 ;;
  esac
done

# g++ and python3-dev: pyworld (the singer's vocoder) builds from source where PyPI has no wheel for the machine.
DEBIAN_PACKAGES=(fluidsynth libfluidsynth3 fluid-soundfont-gm espeak-ng libespeak-ng1 ffmpeg libsndfile1
                 fonts-dejavu-core fonts-noto-cjk python3-venv g++ python3-dev)
# --dev adds what the tests and benchmarks use: wrk drives bench/api_bench.py.
if [ "$DEV" = 1 ]; then DEBIAN_PACKAGES+=(wrk); fi
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "Tunesmith needs Python 3.11 or newer (found $("$PYTHON" --version))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
wanted=()
if [ "$DEV" = 1 ]; then wanted+=(dev); fi
if [ "$ACESTEP" = 1 ]; then wanted+=(acestep); fi
extras=""
if [ ${#wanted[@]} -gt 0 ]; then extras="[$(IFS=,; echo "${wanted[*]}")]"; fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# torch first, and only where none is installed: TUNESMITH_TORCH names what to install (default: torch 2.13.0,
# a CPU build on the machines this project is tested on). A GPU host installs its CUDA build beforehand
# (e.g. pip install torch --index-url https://download.pytorch.org/whl/cu128) and keeps it.
if [ "$ACESTEP" = 1 ] && ! .venv/bin/python -c 'import torch' 2>/dev/null; then
  .venv/bin/python -m pip install -q "${TUNESMITH_TORCH:-torch==2.13.0}"
fi
.venv/bin/python -m pip install -q -e ".${extras}"
# The browser tests drive Debian's Chromium with Playwright (Playwright's own browser download is not used).
# Installed on its own so that a machine whose Debian cannot provide it still gets everything else; the browser
# tests then skip and say why.
if [ "$DEV" = 1 ] && ! command -v chromium >/dev/null; then
  echo "Installing Debian package: chromium"
  { $SUDO apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; } \
    || echo "Could not install Debian's chromium: the browser tests will skip" >&2
fi
echo "Tunesmith installed in .venv ($(.venv/bin/tunesmith --help >/dev/null && echo ok))"
