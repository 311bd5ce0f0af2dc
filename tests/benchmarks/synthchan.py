"""Six synthesiser voices saying short phrases, and unused Speech Commands clips, through the issue's channel matrix
(issue #18, generated side; docs/studies.md, "Synthesisers through the channel matrix", fifty-seventh pass). Not part
of the product. The sets are named in tests/benchmarks/data/synthchan_untouched.md; the channels are
outside_channels.py's, so real and generated files go through the same code.

    PYTHONPATH=. python tests/benchmarks/synthchan.py build OUT_DIR          # OUT_DIR/made, then one folder a channel
    python tests/benchmarks/outside_channels.py judge OUT_DIR/chan CASE --channels as_recorded,tel_ulaw,...
    PYTHONPATH=. python tests/benchmarks/synthchan.py table OUT_DIR/chan   # the study's matrix, as Markdown

Each file is named `<voice>__<phrase or clip>.wav`, so `table` counts each voice (and `sc`, the real clips) apart: per
channel and voice, labelled generated (inconclusive), and per channel the detectors deciding the synthesised files'
'generated' labels.
"""
import collections
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import outside_channels  # noqa: E402  (the channels)
from outside_speech import decisive  # noqa: E402
from synth_low import SC_DIR, SC_GIT, git_show, run  # noqa: E402

PHRASES = ["forty seven", "sixty three boxes", "call me at nineteen", "eighty one degrees", "take the left road",
           "seventeen green apples", "close the window", "ninety four percent", "meet me tomorrow",
           "fourteen red chairs", "turn the lights off", "seventy two miles", "the train left", "sixteen small dogs",
           "open it slowly", "eighteen hours later", "bring the blue cup", "forty four", "where is Oscar",
           "sixty nine steps"]
CLIPS = """yes/5828dfa2_nohash_0 yes/5eb5fc74_nohash_0 yes/6379c6a2_nohash_0 yes/63f7a489_nohash_0
no/5744b6a7_nohash_0 no/5f449e17_nohash_0 no/653a48f5_nohash_0 no/6736bc64_nohash_0
up/50033893_nohash_0 up/553f1a79_nohash_0 up/692a88e6_nohash_0 up/7192fddc_nohash_0
down/6f2f57c1_nohash_0 down/837a0f64_nohash_0 down/8494fba8_nohash_0 down/84d1e469_nohash_0
left/6b889021_nohash_0 left/8625475c_nohash_0 left/8769c34c_nohash_0 left/893705bb_nohash_0
right/798f702a_nohash_0 right/7bae88ed_nohash_0 right/8c7f81df_nohash_0 right/8fe52b97_nohash_0
on/8c0e5970_nohash_0 on/8fe67225_nohash_0 on/91b03183_nohash_0 on/18f8afd5_nohash_4
off/189cbabe_nohash_0 off/26b28ea7_nohash_0 off/283d7a53_nohash_0 off/2aa787cf_nohash_0
stop/97f4c236_nohash_0 stop/1f653d27_nohash_0 stop/1fe4c891_nohash_0 stop/3659fc1c_nohash_0
go/8db999cf_nohash_0 go/1f3bece8_nohash_0 go/2005ca25_nohash_0 go/28497c5b_nohash_0""".split()
CHANNELS = [outside_channels.AS_RECORDED, "tel_ulaw", "tel_alaw", "gsm_ffmpeg", "g726_32k", "g726_16k", "codec2_3200",
            "codec2_1300", "opus8k", "opus16k", "mp3_8k16", "mp3_8k32", "rate8k_16k", "white20", "pink20", "white30",
            "pink30", "loudnorm"]


def festival(*evals):
    def say(text, path):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as words:
            words.write(text + "\n")
            words.flush()
            run("text2wave", *(a for e in evals for a in ("-eval", e)), words.name, "-o", path)
    return say


VOICES = {
    "esp-andy": lambda text, path: run("espeak-ng", "-v", "en-029+Andy", "-w", path, text),
    "mbr-us1": lambda text, path: run("espeak-ng", "-v", "mb-us1", "-s", "140", "-p", "65", "-w", path, text),
    "fest-rab": festival("(voice_rab_diphone)", "(Parameter.set 'Duration_Stretch 1.2)"),
    "fest-hts": festival("(voice_cmu_us_slt_arctic_hts)"),
    "flite-awb": lambda text, path: run("flite", "-voice", "awb", "--setf", "duration_stretch=1.1", "--setf",
                                        "int_f0_target_mean=120", "-t", text, "-o", path),
    "pico-gb": lambda text, path: run("pico2wave", "-l", "en-GB", "-w", path,
                                      f"<speed level='85'><pitch level='115'>{text}</pitch></speed>"),
}


def build(out):
    made = os.path.join(out, "made")
    os.makedirs(made, exist_ok=True)
    for voice, say in VOICES.items():
        for k, text in enumerate(PHRASES):
            say(text, os.path.join(made, f"{voice}__{k:02d}_{text.replace(' ', '_')}.wav"))
    for clip in CLIPS:
        git_show(SC_GIT, f"{SC_DIR}/{clip}.wav",
                 os.path.join(made, f"sc__{clip.replace('/', '_')}.wav"))
    outside_channels.make(made, os.path.join(out, "chan"), CHANNELS)


def table(chan):
    sources = [*VOICES, "sc"]
    print("| channel | " + " | ".join(sources) + " | generated decided by |")
    print("|---" * (len(sources) + 2) + "|")
    for channel in CHANNELS:
        path = os.path.join(chan, channel + ".verdict.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            files = json.load(f)["files"]
        counts = collections.defaultdict(collections.Counter)
        for entry in files:
            counts[os.path.basename(entry["path"]).split("__")[0]][entry["label"]] += 1
        deciders = collections.Counter(decisive(e) for e in files if e["label"] == "generated"
                                       and not os.path.basename(e["path"]).startswith("sc__"))
        cells = [f"{counts[s]['generated']} ({counts[s]['inconclusive']})" for s in sources]
        print(f"| {channel} | " + " | ".join(cells) + " | "
              + ", ".join(f"{d} {n}" for d, n in deciders.most_common()) + " |")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("build", "table"):
        (build if sys.argv[1] == "build" else table)(sys.argv[2])
    else:
        sys.exit(__doc__)
