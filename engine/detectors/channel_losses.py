"""Which detectors stand aside under which audio codec, as measured: where a codec re-synthesises or requantises what a
detector reads, real and generated files alike come out of it without the trait, so the detector's weight goes to those
that still read something. The rule applying these tables is engine/detectors/channels.py channel_set; the words a
verdict, the report and `case validate` give are engine/detectors/channel_limits.py (docs/verdicts.md, "Channels and
level")."""
from engine.data.formats.container_audio import AMR_NB_MODES

AMR_NB = tuple(f"AMR_NB_{mode}" for mode in AMR_NB_MODES)  # an AMR-NB file's codec at each of its modes
# cycle-jitter stands aside under these codecs: GSM 06.10's long-term predictor re-synthesises
# every pitch period (a diphone voice's constant period: 33 of 40 files caught clean, 1 of 40 through it), and so does
# AMR-NB's at every mode: it codes each subframe's pitch lag to a sixth of a sample at best, so a voice whose period
# varies less than that comes out repeated, and it builds a periodic excitation where the voice was breathy. Unseen
# speakers' clips through 12.2 kbit/s (docs/studies.md, "A quiet floor through G.711", thirty-sixth pass, channel
# sweep): 3 of 100 read at 0.005-0.02 % jitter (3 to 7 measurable cycles as recorded, 32-133 through it), each also
# with its pulses on the grid. Kept until then at 4.75-12.2 but 5.9 and 5.15, where the twenty-second pass's tuning
# takes (30-35 per mode, FSDD's adult male voices) never came near.
JITTER_LOST = ("GSM610",) + AMR_NB
# Codecs that re-synthesise the waveform: a repeated pitch cycle does not survive them (CHANNEL_LIMITS). AMR-NB
# measured at every mode (twenty-second pass): no tuning synthesiser's digit repeats a cycle within 1e-6 through any,
# nor clean (closest 1e-4.9 clean, 1e-3.2 to 1e-3.8 through the modes); the reference's closest 1e-3.2 to 1e-3.7.
REPEAT_LOST = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II", "MPEG_LAYER_III", "VORBIS", "OPUS", "AAC") + AMR_NB
# mel-inversion stands aside under these: they re-synthesise the 2.5-3.8 kHz fine structure it reads. Not AAC, where
# it is recalibrated: Griffin-Lim speech stays smooth there (tuning takes' Griffin-Lim 9-10 of 10 below PLAUSIBLE_DB
# through AAC at 16 and 44.1 kHz, 32 and 128 kbit/s, as clean) and real takes rough (least 4.47 dB;
# docs/studies.md, twentieth pass). Under AMR-NB, measured (twenty-first pass): its codebook excitation roughens
# Griffin-Lim's band to a recording's (tuning takes' Griffin-Lim 2.1 dB median clean, 4.8 through 12.2 and 4.75 kbit/s,
# least 4.3; the takes 5.0, least 4.5): kept, it raised no alarm on the Griffin-Lim tuning set at any mode.
INVERSION_LOST = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II", "MPEG_LAYER_III", "VORBIS", "OPUS") + AMR_NB
# ... but for an MP3 whose frame headers state at least this bitrate (MP3_BITRATE), where it is recalibrated: through
# LAME at 32-128 kbit/s (22.05 kHz) Griffin-Lim speech stays smooth (30 of 30 tuning files below PLAUSIBLE_DB, 2.0-2.6
# dB at the least, as clean) and real takes rough (0 of 400, least 4.11 dB); below 32 kbit/s LAME cuts the band it
# reads, and not measured (docs/studies.md, twenty-seventh pass).
MP3_INVERSION_MIN = 32000
# ... and for an Ogg or WebM Opus file whose packets carry at least this bitrate (engine/data/formats/ogg_opus.py:
# their bytes over the stream's duration; recorded as the channel's opus_bitrate). From FFmpeg's -b:a 32k libopus keeps
# Griffin-Lim's smooth band as clean does or smoother, at 12-16k it roughens it to a recording's, at 24k it half does:
# on half-second takes VBR carries 23-30 kbit/s at 24k and 31-41 at 32k (CBR 3 % above its setting), so the bound
# lies between (docs/studies.md, thirty-second pass, "mel-inversion through Opus and Vorbis"). The reference still
# passes libsndfile's Opus at its default bitrate, which leaves real recordings rough, so the reading is a key part
# the calibration ignores (OPUS_INVERSION, as far_field's): the channel's stored calibration is the key's without it.
OPUS_INVERSION_MIN = 30000
# ... and for a Vorbis file whose identification header states at least this quality (ffmpeg's -q:a, the key's
# VORBIS_QUALITY part; the reference already passes libvorbis at it): Griffin-Lim speech below PLAUSIBLE_DB at 8 kHz,
# tuning, of 49 (clean 45): quality 4 21, 5 37, 6 40, 7 and 8 44, 9 and 10 46; real takes and outside pieces at none
# (least 4.58 dB; docs/studies.md, thirty-second pass).
VORBIS_INVERSION_MIN = 7
# pulse-grid stands aside under these (GSM 06.10's long-term predictor writes whole 8 kHz lags, so a real voice's
# pulses land on the grid; Vorbis at quality 3 gained nothing; MPEG I/II not measured); under MP3 and Opus it is
# recalibrated on the reference passed through the codec (CHANNEL_LIMITS). Under AMR-NB at every mode too: its lags
# coded to a sixth of a sample (a third, or whole samples, at the lower modes and longer lags) put a steady voice's
# pulse intervals on one value (unseen speakers' clips through 12.2 kbit/s: 5 of 100 labelled generated by it, R
# 0.39-0.94, none as recorded; the twenty-first pass's tuning takes of FSDD's four adult men, 0 of 30-35 per mode,
# had not shown it). The price: through 6.7-12.2 kbit/s a synthesiser's pulse intervals fall on whole 8 kHz samples
# (39-40 % of them within 1/12 of a sample of one against 17 % by chance), which had caught more of them (of 40
# tuning digits, aside -> kept: 12.2 10 -> 16, 10.2 11 -> 13, 7.95 7 -> 11, 7.4 8 -> 12, 6.7 5 -> 11; docs/studies.md,
# twenty-first pass).
# features stands aside under AMR-NB: it caught 1 of 50 synthesised digits through it and labelled real FSDD takes
# generated in smaller references (jackson's 4_jackson_9 p < 10^-4 against takes 0-7; 8_jackson_6 and 7 against 60
# recordings), where AMR-NB cuts a weak 3-4 kHz band 6-8 dB further than it cuts the reference's. Under G.726 at 24,
# 32 and 40 kbit/s too (16 kbit/s: TELEPHONE_LOST), where it labelled real words recorded elsewhere generated
# (filiph-r's 44.1 kHz words, a woman's loud and clipped: 9, 9 and 6 of 40) and labelled none of 160 synthesised
# words generated through 24-40 kbit/s (espeak-ng, flite, Pico, festival; caught with it aside 25 -> 37, 49 -> 55,
# 59 -> 63; the twenty-third pass's digits: at most 2 alarms of 50 at any rate): the codec's noise fills the pauses
# with faint mel cells (intensity in (0, 0.05) 2-2.5 reference SDs high on every take), and a loud take's mid
# intensities and centroid move further, which the reference passed through the codec at the take's own level did
# not explain (9 -> 7 at 32 kbit/s; docs/studies.md, "G.726 and the mel map", fifty-seventh pass).
FEATURES_LOST = {**{name: "labelled real takes of a narrow reference generated" for name in AMR_NB},
                 **{f"G726_{rate}": "labelled real words recorded elsewhere generated, whose pauses the codec's noise "
                                    "fills" for rate in (24000, 32000, 40000)}}
# checkerboard stands aside under AMR-NB too (fifty-fourth pass): through it an 8 kHz recorder's takes of a quiet
# floor gain period-2 power along time in their lowest mel bands (0-500 Hz: one take 3.5e-5 -> 1.6e-4 of its patch's
# power; the codec's 20 ms frames are the maps' mel frames), which FSDD's voices through it do not show. Tuning words
# recorded elsewhere through a telephone's band then AMR-NB 12.2 kbit/s: 1 labelled generated and 5 inconclusive of
# 60 by it, none after; synthesised words caught through the same chain 31 -> 41 of 121 and through AMR-NB alone
# 54 -> 60 (checkerboard had decided 1 each; its weight goes to synthetic-voice) (docs/studies.md, "Real words
# recorded elsewhere through a telephone's chain").
CHECKERBOARD_LOST = AMR_NB
PULSE_LOST = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II", "VORBIS") + AMR_NB
# Under these codecs these detectors are judged against the reference as recorded as well as through the codec, the
# larger tail probability applying (channels.as_recorded_union): libopus lowers the period-2 share of the maps of the
# reference's most checkered speaker (nicolas' takes 0-2: 0.1-0.35 in log10; the largest of 120 takes -2.77 clean,
# -2.95 through libsndfile's Opus, -2.86 through libopus at 24 kbit/s) while other recorders keep theirs through it
# (outside digits of the dull 11 kHz recorder and two others within 0.05 of clean through Opus, MP3, AAC and Vorbis),
# so a recorder as checkered as nicolas is clean stood beyond the channel's narrower reference alone. MP3 32 kbit/s,
# AAC 32-64 kbit/s and Vorbis leave the reference's spread as it was (largest within 0.03 of clean): the channel's
# calibration alone (docs/studies.md, "Real voices through everyday codecs", thirty-fifth pass).
AS_RECORDED_TOO = {"OPUS": ("checkerboard",)}
# noise-floor stands aside under 8-bit PCM: a step of 1/128 of full scale lies above a quiet room's floor, so
# a writer that rounds to the nearest step (FLAC's PCM_S8, sox, ffmpeg, Python's wave) makes a real recording's
# pauses digital silence (george, lucas, nicolas takes 20-29: 37 of 200 beyond PLAUSIBLE_DB at their level, 179
# of 200 at a tenth of it, none as recorded), and libsndfile's 8-bit WAV, which rounds down, turns a
# synthesiser's near silence into a step's noise (espeak-ng `en+f3`: 0 of 5 beyond it, 5 of 5 as made).
FLOOR_LOST = ("PCM_U8", "PCM_S8")
# Under added noise synthetic-voice is recalibrated on the reference brought up to the file's floor (its statistics
# take a few seconds for a case's kept recordings) and joined with its clean calibration by NoiseUnion, as the others
# are.
# Under each telephone codec (G.722, G.726, G.723.1: engine/detectors/channel_media.py PYAV_CODECS),
# the detectors whose trait did not survive it stand aside: none of them raised an alarm (p < 0.01) on the
# 40 tuning synthesisers' digits through the codec, recalibrated on the reference through it, so their share of the
# weight goes to those that still read something. Tuning digits caught, nothing aside -> these aside: G.722 20 -> 23,
# G.726 16 kbit/s 3 -> 3, 24 0 -> 2, 32 1 -> 4, 40 11 -> 11, G.723.1 10 -> 12; real takes 0 labelled generated either
# way (docs/studies.md, twenty-third pass; untouched: 60 of 300 caught, 58 with the rule undone).
# repeated-cycle stands aside under G.726 at 16 kbit/s (fifty-seventh pass; at 24-40 kbit/s it is TELEPHONE_LOST): the
# codec's decoder writes exact cycles of its own in a real recording's quiet stretches (1 - c about 5e-15, 58-65 dB
# below its loudest cycle), which it read as a synthesiser's stored frames: 3 of 40 Speech Commands clips labelled
# generated by it, where all it caught (14 of 120 synthesised phrases) was no evidence (docs/studies.md, "Synthesisers
# through the channel matrix").
REPEAT_MADE = ("G726_16000",)
TELEPHONE_LOST = {
    "G722_64000": ("features", "checkerboard", "repeated-cycle", "mel-inversion"),
    "G726_16000": ("features", "checkerboard", "noise-floor", "cycle-jitter", "mel-inversion", "pulse-grid"),
    "G726_24000": ("checkerboard", "noise-floor", "cycle-jitter", "repeated-cycle", "mel-inversion", "pulse-grid"),
    "G726_32000": ("checkerboard", "noise-floor", "cycle-jitter", "repeated-cycle", "mel-inversion"),
    "G726_40000": ("checkerboard", "noise-floor", "repeated-cycle", "mel-inversion"),
    "G723_1_6300": ("features", "checkerboard", "cycle-jitter", "mel-inversion", "pulse-grid"),
}
