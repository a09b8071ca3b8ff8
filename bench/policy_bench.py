"""Content policy: false positives on clean text, false negatives on generated evasions, and matching speed.

Clean corpus (nothing in it should be refused): the songwriter's English and Chinese word banks and line
templates, songs the songwriter writes for a spread of ideas in both languages (title, tags, lyrics), the
string literals of the test suite (its lyrics, prompts and styles; tests/policy excluded, they hold
evasions on purpose), and the composer's style vocabulary against the artist list.

Evasions: every term of the example list (docs/policy/blocklist.example.txt), disguised each way a client
might (case, full-width, accents, separators, repeats, digit swaps, look-alike letters, zero-width
characters, pinyin, homophones...) inside an ordinary line; plus disguises the matcher is known not to see
through, reported separately so the figure stays honest.

    PYTHONPATH=src python bench/policy_bench.py [--songs 200] [--show 10]
"""

from __future__ import annotations

import argparse
import ast
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tunesmith.policy.matcher import Matcher, Term  # noqa: E402
from tunesmith.policy.normalize import is_han, term_pinyin  # noqa: E402
from tunesmith.policy.terms import load_list  # noqa: E402

BLOCKLIST = ROOT / "docs/policy/blocklist.example.txt"
ARTISTS = ROOT / "docs/policy/artists.example.txt"

IDEAS_EN = (
    "a song about the sea at night",
    "an upbeat pop song about summer love",
    "a sad ballad about leaving home",
    "a groovy dance song about writing a face-melting guitar solo",
    "a lullaby for a sleepy cat",
    "a rock anthem about a small town",
    "a jazz tune about coffee in the rain",
    "a country song about a long drive",
    "a hip hop track about hustling in the city",
    "an epic metal song about dragons and storms",
    "a calm lofi song about studying late",
    "a punk song about breaking the rules",
    "a gospel song about hope",
    "a reggae song about the beach",
    "a love song for my wife on our anniversary",
    "a birthday song for my best friend",
    "a song about a broken heart and cheap whiskey",
    "a christmas song about snow",
    "a workout song to push harder",
    "a song about classical music and grass",
    "an angry song about a cheating ex",
    "a song about the assassin in the shadows",
    "a cocktail party swing tune",
    "a folk song about grapes and the harvest",
)
IDEAS_ZH = (
    "一首关于春天的歌",
    "关于大海的抒情歌",
    "一首关于妈妈的温暖歌曲",
    "关于离别的悲伤情歌",
    "一首欢快的夏日舞曲",
    "关于城市夜晚的说唱",
    "一首关于故乡和月亮的民谣",
    "关于梦想和奋斗的摇滚",
    "一首关于爷爷奶奶的歌",
    "关于去四川旅行的歌",
    "一首给妈妈的生日歌",
    "关于下雨天和咖啡的爵士",
)


# ── clean corpus ──────────────────────────────────────────────────────────────────────────────────────
def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _strings(v)


def bank_texts() -> list[tuple[str, str]]:
    from tunesmith.engines.composer.songwriter import banks_en, banks_zh

    out = []
    for module in (banks_en, banks_zh):
        for name in dir(module):
            if name.isupper():
                out += [("lyrics", s) for s in _strings(getattr(module, name))]
    return out


def song_texts(count: int) -> list[tuple[str, str]]:
    from tunesmith.engines.composer.songwriter import write_song

    ideas = IDEAS_EN + IDEAS_ZH
    out = []
    for i in range(count):
        song = write_song(ideas[i % len(ideas)], seed=i)
        out += [("title", song.title), ("style", song.tags), ("lyrics", song.lyrics)]
    return out


def test_suite_texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if "policy" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if len(text.split()) >= 2 or any(is_han(c) for c in text):
                    out.append(("lyrics", text))
    return out


def style_texts() -> list[tuple[str, str]]:
    from tunesmith.engines.composer import genres, style

    out = []
    for module in (genres, style):
        for name in dir(module):
            if name.isupper():
                out += [("style", s) for s in _strings(getattr(module, name)) if any(c.isalpha() for c in s)]
    return out


# ── evasions ──────────────────────────────────────────────────────────────────────────────────────────
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7", "l": "1", "g": "9", "b": "8"}
LOOKALIKE = {"a": "а", "e": "е", "o": "о", "c": "с", "p": "р", "x": "х", "y": "у", "i": "і"}
ACCENT = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}
# Traditional forms of the example list's simplified characters (the matcher has no conversion table: a
# two-character term still matches them by sound).
TRADITIONAL = {"妈": "媽", "卧": "臥", "贱": "賤", "坏": "壞", "逼": "逼"}
FRAMES = ("oh you {} tonight", "{}", "I said {}!", "we sing {} in the rain", "«{}»")


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def _first(s: str, table: dict[str, str]) -> str:
    for i, c in enumerate(s):
        if c in table:
            return s[:i] + table[c] + s[i + 1 :]
    return s


def latin_evasions(term: str) -> dict[str, str]:
    w = term.rstrip("*")
    mid = len(w) // 2
    return {
        "as written": w,
        "upper case": w.upper(),
        "title case": w.title(),
        "full-width": _fullwidth(w),
        "accents": "".join(ACCENT.get(c, c) for c in w),
        "dots": ".".join(w),
        "spaces": " ".join(w),
        "hyphens": "-".join(w),
        "stars": "*".join(w),
        "underscores": "_".join(w),
        "spaced dots": " . ".join(w),
        "zero-width": "\u200b".join(w),
        "soft hyphen": w[:mid] + "\u00ad" + w[mid:],
        "repeated": "".join(c * (3 if i == mid else 1) for i, c in enumerate(w)),
        "leet one": _first(w, LEET),
        "leet all": "".join(LEET.get(c, c) for c in w),
        "look-alike": _first(w, LOOKALIKE),
        "combined": " ".join(LEET.get(c, c) for c in w).upper(),
    }


def latin_known_misses(term: str) -> dict[str, str]:
    w = term.rstrip("*")
    mid = len(w) // 2
    return {
        "partly spaced": w[:mid] + " " + w[mid:],
        "letter inserted": w[:mid] + "x" + w[mid:],
        "vowels dropped": w[0] + "".join(c for c in w[1:] if c not in "aeiou"),
    }


def _homophone(ch: str) -> str | None:
    from pypinyin.pinyin_dict import pinyin_dict

    target = term_pinyin(ch)[0][:1]
    rng = random.Random(ord(ch))
    pool = [chr(code) for code in pinyin_dict if 0x4E00 <= code <= 0x9FFF and chr(code) != ch]
    rng.shuffle(pool)
    for other in pool[:4000]:
        if term_pinyin(other)[0][:1] == target:
            return other
    return None


def chinese_evasions(term: str) -> dict[str, str]:
    syllables = [r[0] for r in term_pinyin(term)]
    out = {
        "as written": term,
        "spaces": " ".join(term),
        "punctuation": "。".join(term),
        "full-width space": "\u3000".join(term),
        "repeated": term[0] * 2 + term[1:],
        "zero-width": "\u200b".join(term),
    }
    if len(term) >= 2:
        homophone = _homophone(term[0])
        out |= {
            "pinyin": "".join(syllables),
            "pinyin spaced": " ".join(syllables),
            "pinyin capitals": "".join(s.title() for s in syllables),
            "pinyin tone numbers": "".join(s + "4" for s in syllables),
            "half pinyin": term[0] + "".join(syllables[1:]),
        }
        if homophone:
            out["homophone"] = homophone + term[1:]
        traditional = "".join(TRADITIONAL.get(c, c) for c in term)
        if traditional != term:
            out["traditional"] = traditional
    return out


def chinese_known_misses(term: str) -> dict[str, str]:
    syllables = [r[0] for r in term_pinyin(term)]
    misses = {"initials": "".join(s[0] for s in syllables)} if len(term) >= 2 else {}
    traditional = "".join(TRADITIONAL.get(c, c) for c in term)
    if len(term) == 1 and traditional != term:
        misses["traditional, one character"] = traditional
    return misses


# ── measuring ─────────────────────────────────────────────────────────────────────────────────────────
def false_positives(matcher: Matcher, corpus: list[tuple[str, str]]) -> tuple[int, list[str]]:
    flagged = []
    for field, text in corpus:
        hit = matcher.find(text, field)
        if hit is not None:
            shown = text[slice(*hit.span)] if hit.span else "(by sound)"
            flagged.append(f"{field}: {hit.term!r} in {shown!r} — {text[:70]!r}")
    return len(flagged), flagged


def false_negatives(matcher: Matcher, terms: list[Term], known: bool) -> tuple[Counter, Counter, list[str]]:
    tried: Counter = Counter()
    missed: Counter = Counter()
    examples = []
    for n, term in enumerate(terms):
        chinese = any(is_han(c) for c in term.text)
        if chinese:
            cases = chinese_known_misses(term.text) if known else chinese_evasions(term.text)
        else:
            cases = latin_known_misses(term.text) if known else latin_evasions(term.text)
        field = next(iter(sorted(term.fields)), "lyrics")
        for kind, disguised in cases.items():
            frame = FRAMES[n % len(FRAMES)] if not chinese else "你就是{}吧"
            text = frame.format(disguised)
            tried[kind] += 1
            if matcher.find(text, field) is None:
                missed[kind] += 1
                examples.append(f"{term.text!r} as {kind}: {text!r}")
    return tried, missed, examples


def _share(count: int, total: int) -> str:
    return f"{count:5d} of {total:6d} texts  ({100 * count / max(1, total):.2f}%)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--songs", type=int, default=200, help="songwriter songs in the clean corpus")
    parser.add_argument("--show", type=int, default=12, help="examples to print of each kind")
    args = parser.parse_args()

    words = load_list(BLOCKLIST)
    terms = words.terms
    blocklist = words.matcher()
    artists = load_list(ARTISTS).matcher(by_sound=False)
    corpora = {
        "word banks": bank_texts(),
        "songwriter songs": song_texts(args.songs),
        "test-suite strings": test_suite_texts(),
    }
    print(
        f"list: {len(terms)} terms, {len(words.allowed)} allowed phrases ({BLOCKLIST.relative_to(ROOT)}); "
        f"artists: {len(artists)} names"
    )
    print("\nfalse positives (clean texts refused):")
    all_fp = []
    total = 0
    for name, corpus in corpora.items():
        count, flagged = false_positives(blocklist, corpus)
        total += len(corpus)
        all_fp += flagged
        print(f"  {name:20s} {_share(count, len(corpus))}")
    styles = style_texts() + [t for t in corpora["songwriter songs"] if t[0] == "style"]
    count, flagged = false_positives(artists, styles)
    all_fp += flagged
    print(f"  {'artists in styles':20s} {_share(count, len(styles))}")
    print(f"  total blocklist      {len(all_fp) - count:5d} of {total:6d} texts")
    bare = Matcher(terms)
    unshielded = sum(false_positives(bare, corpus)[0] for corpus in corpora.values())
    print(f"  (without the list's [allow] phrases: {unshielded} of {total} texts)")
    for line in all_fp[: args.show]:
        print("    ", line)

    for known in (False, True):
        tried, missed, examples = false_negatives(blocklist, terms, known)
        title = "known misses (disguises not handled)" if known else "false negatives (evasions let through)"
        print(f"\n{title}: {sum(missed.values())} of {sum(tried.values())}")
        for kind in tried:
            print(f"  {kind:22s} {missed[kind]:3d} of {tried[kind]:3d} missed")
        for line in examples[: args.show]:
            print("    ", line)

    by_field: dict[str, list[str]] = defaultdict(list)
    for field, text in corpora["songwriter songs"]:
        by_field[field].append(text)
    lyrics = by_field["lyrics"]
    started = time.perf_counter()
    rounds = 0
    while time.perf_counter() - started < 2.0:
        for text in lyrics:
            blocklist.find(text, "lyrics")
        rounds += 1
    seconds = time.perf_counter() - started
    chars = sum(map(len, lyrics)) * rounds
    print(
        f"\nspeed: {len(lyrics) * rounds / seconds:.0f} lyric sheets/s "
        f"({chars / seconds / 1e6:.2f} M chars/s, mean sheet {sum(map(len, lyrics)) / len(lyrics):.0f} chars)"
    )


if __name__ == "__main__":
    main()
