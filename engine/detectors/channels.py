"""Detectors that know the channel a file came through (engine/data/channels.py reads it).

A JPEG's ringing puts faint values beside every stroke where real digits are exactly 0; a
telephone codec fills the quiet mel bands with quantisation noise. Against a clean
reference both look like a generator's smoothed output, so a real file would be called
generated for its channel. Here the reference is passed through the same channel as the
file (re-encoded with the file's own JPEG quantisation tables; WebP at a cycle of
qualities; a Lanczos resize read from the pixels through a cycle of sizes, a resize with a filter that does not
ring through the filter and side read; the recording's codec,
bandwidth and sample rate), and the detectors that need
only the reference are refitted and calibrated on those files:

- `features`: outlier model fitted on the channelled reference files, calibrated by
  cross-fitting over them (engine/detectors/profile.py); through a resize read with its filter and side, on the
  features' rank normal scores among those files (FeatureOutlier.fit_ranked);
- `checkerboard`, `near-zero`, `noise-floor`, `cycle-jitter`, `synthetic-voice`: calibrated on them (they
  fit nothing here; the last three on the channelled recordings themselves); `lpc-lattice` at another sample
  rate without a lossy codec, on the reference resampled to that rate and back (it reads a file upsampled from
  8 kHz, engine/detectors/lpc_lattice.py);
- the CNN and inverse models: calibrated on the channelled held-out files;
- the pooled logistic regression: for images refitted on the channelled reference files
  against the case's generators' samples passed through the same channel (cross-fitted
  calibration, as in engine/detectors/learned.py); for speech it stands aside (weight 0):
  it was fitted on clean files against the generators' mel maps, which no audio channel
  can be applied to, so its inputs are not comparable across the channel.

The channelled files: for images the held-out reference samples kept in the profile
(`cal_x`, up to 1000); for speech the reference recordings kept in the profile
(`ref_audio`, case profiles from this version on). A speech case made before keeps its
clean calibration, and the reasons say so. Lossless channels (PNG, BMP, lossless WebP, PCM
at 8 kHz and full bandwidth) change nothing and use the case's detectors as they are.

The costly part, a channel's calibration arrays (channel_calibration), is kept in the case and reused by later
batches (engine/detectors/channel_store.py); the detectors are rebuilt from it by the current code (channel_set).
"""
import copy
import functools
import io

import numpy as np

from engine.data import picture_size, representations
from engine.data.channels import (NOISE_BANDS_HZ, band_powers, noise_levels, speech_and_floor, speech_level_db,
                                  webp_grey)
from engine.data.formats.container_audio import AMR_NB_MODES, TELEPHONE
from engine.detectors import calibration, far_field, quarter_grid, resampling, statistical, time_scale
from engine.detectors.batch import Recordings
from engine.detectors.profile import cross_fitted, reference_audio, renumber

WEBP_QUALITIES = (50, 65, 80, 90, 95)  # WebP keeps no tables: calibrate over typical qualities
# A resize read from the pixels (engine/data/resize_history.py) records no size: the reference is resized with
# Lanczos by these factors of its side and back, in turn (for 28 x 28 digits through 17-64 pixels). A trip through a
# side near the figure's own keeps saturated strokes just below white, which farther trips smooth away: without
# 0.95-1.1, real digits through 30 x 30 were 7 of 300 "generated" (`features`: values in [0.95, 1) +8-9 SD).
RESIZE_FACTORS = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.05, 1.1, 1.15, 1.3, 1.45, 1.7, 2.0, 2.3)
# A JPEG records only its last encoding's tables, and a photo or a digit that was saved as JPEG
# before (a phone, then a web site) carries both losses: real digits saved at quality 90 and
# again at 85 were labelled generated 12 times in 500 against reference digits encoded once.
# So a quarter of the reference digits are saved at each of these qualities first (None: not).
JPEG_EARLIER_QUALITIES = (None, None, None, 90)
# A quality read from a lossless image's pixels may be one off where adjacent qualities' tables differ
# only in steps the image has no coefficient at (builtin:mnist[8000:8500] at 55 read as 54, 7 of 500;
# against the reference at 54 alone, 5 of those 7 labelled generated), and `features` reads even that
# table difference. So the reference is encoded at the estimated quality and its two neighbours in turn.
HISTORY_SPREAD = (-1, 0, 1)
FULL_BANDWIDTH = 0.9  # a recording with content up to 90% of 4 kHz is not band-limited
# Band edges to the nearest 100 Hz (a mel band is about 100 Hz wide at 3 kHz): files of one
# telephone line share one channel, and the reference is passed through it once per batch, not
# once per file for edges a few Hz apart.
BAND_STEP_HZ = 100
# What the channel costs, as measured (docs/verdicts.md, "With the case's GANs and CNN registered"): said in every such verdict.
TRAITS_LOST = {
    "JPEG": ("JPEG's quantisation erases most of the faint values off the background and the one-pixel texture "
             "that mark a generator's output (unregistered generators' digits: 3-99% caught at quality 50, "
             "18-100% at 75, 25-100% at 90, 100% as PNG), so a 'real' label here is weaker evidence"),
    "WebP lossy": ("lossy WebP erases the faint values and one-pixel texture that mark a generator's output "
                   "(unregistered generators' digits: 18-100% caught, two DCGANs 18-37%, 100% as PNG), so a "
                   "'real' label here is weak evidence"),
    "resized": ("a resize with Lanczos is read only where the faint values stay in a band around the strokes and "
                "the background beyond is empty; a generator whose output has that shape is judged as a resized "
                "real digit, against which its faint values are no evidence (a DCGAN trained 2,000 steps, resized so: "
                "246-247 of 300 caught; short-trained DCGANs' digits are not read so: their haze reaches the "
                "background); a resize with nearest, box, bilinear or Hamming is read from any picture that is a fixed "
                "point of it, a generator's too, and judged against the reference resized so, which smooths away part "
                "of a generator's traits (short-trained DCGANs 261-300 of 300 caught, a VAE 213-299 of 300, 293-300 "
                "before the resize was read; docs/studies.md seventeenth and eighteenth passes)"),
    "enlarged": ("an enlargement is undone before judging (the file reduced to the reference's size, the reference "
                 "enlarged and reduced the same way), so what a generator left at the enlarged size's finest scale is "
                 "averaged away; measured in docs/studies.md, 'Pictures of another size' (twenty-third pass)"),
    "resized then JPEG": ("a resize before the JPEG is read approximately from the pixels, a generator's too, and each "
                          "detector keeps the larger of its tail probabilities against the reference through the JPEG "
                          "alone and through the resize then the JPEG, so a generator's digits so read are caught less "
                          "often (DCGANs' digits resized then JPEG: 84-225 of 300 caught, a VAE's 49-101; "
                          "docs/studies.md, 'A resize then JPEG', seventeenth pass)"),
    "audio": ("the logistic regression stands aside; a codec's quantisation noise and band limits blur the "
              "checkerboard and texture (Griffin-Lim speech from an unregistered GAN: 78-82% caught through "
              "mu-law, A-law, Vorbis or resampling, 62-65% band-limited, 66% through libsndfile's MP3, 38% GSM "
              "06.10); synthesisers' digits as MP3 files at 44.1 or 48 kHz, the reference through LAME at the file's "
              "bitrate, 35-38 of 40 caught at 128-192 kbit/s (untouched voices 36-37), 29-34 at 64 kbit/s, VBR or "
              "libshine on two channels, 9 at 16 kHz 32 kbit/s; as AAC at 44.1 kHz 31, 29 and 17 of 40 at 128, 64 "
              "and 32 kbit/s; the "
              "noise-floor trait of espeak-ng's speech survives mu-law, MP3, Vorbis and resampling, weakens "
              "under GSM and, where the synthesiser's silence is only near 0, under A-law; added noise erases it; "
              "MBROLA's voices resampled to 8 kHz and through mu-law are 9 of 80 caught (73 of 80 as written)"),
}
EIGHT_BITS_FLOOR = ("8-bit samples make a quiet room's pauses digital silence when rounded to the nearest step and "
                    "fill a synthesiser's near silence when rounded down, so the depth of the floor says nothing "
                    "about how the speech was made")
NOISE_FILLS_SILENCE = ("noise at this file's level fills any synthesiser's silence, so the depth of the floor says "
                       "nothing about how the speech was made")
TRAITS_LOST["noise"] = ("added noise: noise-floor stands aside, and the noise masks the quiet mel bands where "
                        "synthesis leaves its traits (measured in docs/verdicts.md, 'Added noise')")
# What each channel erases or costs, as measured on profile-only cases (docs/verdicts.md, "Speech
# synthesis and channels" and "Speech channels"): named by the report's
# limitations and `case validate`.
CHANNEL_LIMITS = {
    "speech": (
        ("any audio codec or resampler", "the logistic regression of the case's GANs stands aside (it was fitted "
                                         "on their mel maps, which no audio channel can be applied to)"),
        ("added noise read from the recording (its floor above the reference's: white or pink noise at 10 dB SNR)",
         "noise-floor stands aside and the reference is brought up to the file's floor; what marks synthesis is "
         "masked: espeak-ng with white noise at 10 dB 1 of 50 caught (50 of 50 clean), the near-silent voice 0 of "
         "50; a GAN's Griffin-Lim speech 5 of 100 (white), 11 of 100 (pink); a synthesiser whose own output "
         "carries broadband noise that loud is judged as noisy evidence. Real recordings of unseen speakers: "
         "white noise at 10 dB 1 of 300 and 6 of 400 labelled generated (298 of 300 before), pink noise 4 of 300 and 2 of 400 "
         "(each detector the larger of its tail probabilities without and with the noise)"),
        ("babble at 10 dB SNR (not stationary: matched with stationary noise)",
         "real recordings of unseen speakers labelled generated: 1 of 400 and 1 of 300 (23 of 400 before each "
         "detector took the larger of its tail probabilities without and with the noise); a 'generated' label on a "
         "recording with voices in the background is weak evidence"),
        ("far-field or low-SNR speech (the floor above 90 % of the reference recordings' in every band above 500 Hz)",
         "features and checkerboard stand aside (engine/detectors/far_field.py): a synthesiser's speech in such a room "
         "or noise is judged by the waveform detectors alone, and noise added 20-30 dB below any speech sets both "
         "aside; real far-field laptop recordings 7 of 26 labelled generated before, 0 after"),
        ("noise added at 20-30 dB SNR (mostly within the reference's floors)",
         "noise-floor: the synthesiser's silence is filled (espeak-ng: 0 of 50 caught, 50 of 50 clean)"),
        ("automatic gain control over a noisy recording (white noise 20 dB, then AGC)",
         "each detector is also calibrated on the noise-matched reference through a typical AGC (AGC_ATTACK_MS, "
         "AGC_RELEASE_MS, AGC_MAX_GAIN_DB) and gives its largest tail probability: real recordings of the tuning "
         "speakers 1 of 15 labelled generated (2 inconclusive) before, 0 of 15 after; espeak-ng under it 0 of 10 "
         "caught, as with the noise alone. Not covered: AGC over noise that stays within the reference's floors "
         "(a reference holding an 8-bit recorder's floors reads it as no added noise): 1 of 12 real recordings "
         "labelled generated in such a case; a 'generated' label on a gain-controlled recording is weak evidence. "
         "The cost: under any noise read (GSM 06.10's quantisation included) a synthetic file's features alarm "
         "may fall (one buzz of three through GSM 06.10: generated -> inconclusive)"),
        ("dynamic-range compression with a limiter (no noise read)",
         "not covered: the compressor lifts a recording's quiet parts as an AGC does; 1 of 15 real tuning "
         "recordings labelled generated by features (untouched: 0 of 10; an unseen speaker's 400 recordings: 3, "
         "0.75 %, all real uncompressed); espeak-ng's near-silent voice 2 of 5 caught (5 of 5 clean)"),
        ("speakerphone (pink noise 15 dB, reverberation, 300-3400 Hz); MP3 at 8 kbit/s over white noise 20 dB",
         "noise-floor lost: espeak-ng 0 of 50 caught (50 of 50 clean); real recordings 0 of 300"),
        ("reverberation (RT60 0.3 and 0.8 s); automatic gain control",
         "real recordings 0 of 300; espeak-ng 50 of 50 caught; its near-silent voice 48 of 50 with reverberation, "
         "34 of 50 under AGC (37 clean); with the room's tail carried 0.3 s past the speech (RT60 0.3-0.8 s) "
         "noise-floor weakens: espeak-ng 3 of 5 and its near-silent voice 2 of 5 caught (5 of 5 clean)"),
        ("A-law; telephone band 300-3400 Hz with A-law", "noise-floor lost where a synthesiser's silence is only "
                                                         "near 0 (one espeak-ng voice: 0-2 of 50 caught); with the "
                                                         "telephone band-pass lost for digital silence too (0 of 100)"),
        ("GSM 06.10", "noise-floor weakened for digital silence (17-21 of 50 caught) and lost for near silence "
                      "(0-1 of 50), and lost at a tenth of the level; after a telephone band-pass (not read: GSM's "
                      "noise fills the band above it) a GAN's Griffin-Lim speech 1 of 40 caught (38 of 40 clean)"),
        ("GSM 06.10, mu-law or A-law on a quiet recording (speech level below -30 dB of full scale)",
         "the reference is passed through the codec at the file's level (10 dB steps), so the codec's zeros are not "
         "read as synthesis (FSDD speakers scaled down to a tenth to a thirtieth of their level: 0 of 120 labelled "
         "generated through GSM 06.10). It does not help a speaker who is quiet and unlike the reference in his "
         "spectral slope and centroid: two unseen quiet speakers' own recordings through GSM 06.10, 4 of 200 "
         "labelled generated by features, all of the quieter one (3 before it), so a 'generated' label on a quiet "
         "recording through GSM 06.10 is weak evidence. Not covered: A-law on an 8-bit "
         "recorder's digital silence at these levels (A-law writes silence as a constant step; features p < 0.002 "
         "for 5 of 300 such recordings against 8 before). "
         "Through GSM 06.10 at a tenth of the level espeak-ng is caught 11 of 40 (4 before) and a GAN's Griffin-Lim "
         "speech 4 of 25, as before (more of the rest real: 16 against 12)"),
        ("GSM 06.10; MP3, Vorbis", "cycle-jitter stands aside under GSM 06.10 (a diphone voice's constant pitch "
                                   "period: 1 of 40 caught, 33 of 40 clean) and is weakened by MP3 and Vorbis (21 and 7 "
                                   "of 40); kept under mu-law, A-law and resampling (33-36 of 40)"),
        ("MP3 at 8 kbit/s", "noise-floor lost where a synthesiser's silence is only near 0 (two espeak-ng voices: "
                            "5 and 10 of 50 caught); exact digital silence survives (50 of 50)"),
        ("mu-law, MP3 (24 kbit/s and default), Vorbis, FLAC, resampling, band limits",
         "noise-floor kept for digital silence (espeak-ng: 50 of 50); the near-silent voices' 32-45 of 50 were "
         "measured before a floor at a 16-bit step was read as two steps (next entry)"),
        ("any 16-bit file, codec or none: a near-silence at the 16-bit step",
         "noise-floor reads a floor of 0.05-2 steps RMS as two steps (a suppressor's rounded residual in a quiet "
         "room's pauses reads so: real takes through suppressors 4-17 % beyond PLAUSIBLE_DB before, 0-3 % after), "
         "so a synthesiser's near-silence written at 16 bits is not read: espeak-ng `en+f3` 13 -> 1 of 20 files "
         "beyond it (as 16-bit WAV, FLAC, MP3 or Vorbis alike), caught by the whole verdict 20 -> 17 of 20 "
         "(synthetic-voice decides 16); pico 2 -> 1 of 20 beyond it, caught 20 of 20 either way; exact digital "
         "silence and a float file's floor far below a step still read (espeak-ng `en`, MBROLA unchanged)"),
        ("mu-law; GSM 06.10; band limits", "synthetic-voice is recalibrated on the reference through a codec but "
                                           "weakened (flite awb 8 of 40 caught clean, 0 of 40 through either; trimmed "
                                           "espeak-ng 15-19 of 20 through mu-law, 1-9 of 20 through GSM 06.10, by "
                                           "itself) and stands aside for a file read as band-limited (an unseen "
                                           "speaker's band-limited real recordings: 4 of 16 labelled generated by it "
                                           "against a low-passed reference); under added noise it is recalibrated "
                                           "on the reference brought up to the file's floor"),
        ("8-bit PCM (WAV PCM_U8, FLAC PCM_S8)",
         "noise-floor stands aside (a step of 1/128 of full scale makes a quiet room's pauses digital silence, or "
         "fills a synthesiser's near silence, by the writer's rounding); espeak-ng `en+klatt2` caught 4 and 3 of 10 "
         "(10 of 10 as 16-bit FLAC), by synthetic-voice alone, and 0-1 of 10 at a tenth of the level. There the "
         "reference passes at the file's level, both roundings: an unseen speaker's recordings 1 of 20 labelled "
         "generated by features when rounded to the nearest step (0 of 20 rounded down, 0 of 40 each at their "
         "level), so a 'generated' label on a quiet 8-bit recording is weak evidence"),
        ("IMA ADPCM, MS ADPCM, G.721 32 kbit/s (WAV); Opus (OGG)",
         "calibrated through the codec, nothing stands aside: an unseen speaker's recordings 0, 2, 0 and 1 of 40 "
         "labelled generated (MS ADPCM: one by features, one by synthetic-voice; all real as 16-bit FLAC), so a "
         "'generated' label through MS ADPCM is weak evidence; at a tenth of the level 0 of 20 each through the "
         "ADPCMs; espeak-ng `en+klatt2` 7, 5, 10 and 10 of 10 caught (Opus at libsndfile's lowest bitrate)"),
        ("G.711 mu-law or A-law, 8-bit mu-law companding, GSM 06.10, MS ADPCM or IMA ADPCM decoded and re-saved as "
         "PCM (read from the samples)",
         "judged as a file in that codec's container (8-bit mu-law companding through G.711 mu-law), so the codec's "
         "losses apply: espeak-ng decoded from GSM 06.10 caught 14 of 30 and `en+klatt2` 5 of 10 (22 and 10 of them "
         "against the clean calibration, mostly by repeated-cycle, which stands aside under GSM 06.10), from A-law "
         "21 of 30 (27), from mu-law 16 of 30 (18); real recordings 0 of 30 and 0 of 20 either way, LJ Speech 1 of 16 "
         "as against the clean calibration; MS ADPCM decoded, against the clean calibration, 6 of 10 of a quiet room's "
         "takes labelled generated (lpc-lattice, synthetic-voice), read since the fifteenth pass: real 1 of 30 (tuning) "
         "and 0 of 40 (untouched) through MS ADPCM, 0 of 30 and 0 of 40 through IMA; espeak-ng and MBROLA caught 11 of "
         "40 from MS ADPCM (16 against the clean calibration, lpc-lattice standing aside), 5 from IMA (8). Not read: a "
         "decoded file resampled, mixed or processed in float afterwards, IMA ADPCM clipped at full scale"),
        ("MP3 (8-40 kbit/s and VBR), Vorbis or Opus decoded and re-saved as PCM (not read: no grid, no chain)",
         "judged against the clean calibration, or as band-limited or noisy where the codec's band limit or noise is "
         "read: real takes 0 of 30 labelled generated per codec and bitrate (tuning) and 0 of 40 (untouched: MP3 "
         "8 kbit/s, Vorbis, Opus); what is lost is the synthesisers': espeak-ng and MBROLA digits caught 11 of 40 through MP3 at "
         "8 kbit/s, 24 at about 40 kbit/s, 13 at libsndfile's VBR, 22 through Vorbis, 23 through Opus (36 of 40 as 16-bit "
         "PCM); untouched en+klatt2, Pico, flite 3, 4 and 8 of 30 through MP3 8 kbit/s, Vorbis, Opus (22 as PCM); as "
         "MP3 files (the codec named) they fare no better (4 of 30 at the default bitrate, thirteenth pass)"),
        ("zeros padded by a script at both ends, at any rate (two end runs of 20 ms or more, equal to 2 ms)",
         "set aside as padding since the fifteenth pass (real takes padded 0.37 s at each end at 16-44.1 kHz: 600 of 600 "
         "read as a synthesiser's silence before, 0 after), so a synthesiser whose own silences at its two ends are that "
         "close loses them when so padded: Pico 10 -> 7 and espeak-ng en+f3 9 -> 6 of 10 files beyond 70 dB; resampled "
         "to 16 kHz and padded, untouched en+klatt2, Pico, flite caught 22 -> 19 of 30 by the whole verdict"),
        ("a noise gate or a muting VAD after the recording, any codec",
         "noise-floor sets aside zero runs the speech fades into over 10 ms or more (a gate's release), so a "
         "synthesiser put through a gate loses its digital silence there: Pico en-GB through a gate with a 5 ms "
         "release 19 -> 2 of 20 files beyond 70 dB when the rule took 10 ms instead of 20 (espeak-ng 6-10 of 20 "
         "either way); gates releasing within 10 ms still read as a synthesiser's stop. Through a lossy codec a "
         "synthesiser's stop lasts 10-30 ms (70 through AAC at 16 kHz), as a 5 ms gate's release does: a decoded "
         "release from full speech whose level holds the codec's noise and then drops is read as a stop, one that "
         "falls steadily as a gate's (0 of 480 gated real takes read otherwise through AAC, MP3 64, Vorbis q3 or "
         "44.1 kHz PCM; twenty-second pass)"),
        ("MPEG layer I or II (.mp2); G.723 and DWVW",
         "not measured: libsndfile writes no MPEG layer I or II, so the reference passes MPEG layer III instead and "
         "the channel says so; AIFF and AU files are judged as a WAV file of the same codec (16-bit PCM and mu-law "
         "give the same tail probabilities)"),
        ("GSM 06.10, MP3, Vorbis, Opus",
         "repeated-cycle stands aside: the codec re-synthesises the waveform, so a synthesiser's exact repeats are "
         "lost (festival kal_diphone's frames 1 - c < 10^-4 in 2, 0 and 0 of 40 through GSM 06.10, MP3 and Vorbis, "
         "40 of 40 clean; Opus, a codec of the same kind, not measured) while GSM 06.10 raises a real recording's "
         "closest repeat towards the bound (an unseen speaker's to p 0.0056); kept through mu-law, A-law and "
         "resampling (40 of 40), against its clean calibration"),
        ("MP3 (ffmpeg's libmp3lame at 32-192 kbit/s, 44.1 kHz)",
         "pulse-grid is kept, calibrated on the reference through MP3 at libsndfile's default and lowest bitrates "
         "(as measured here; a file whose frame headers state its bitrate passes LAME at it: next entry): "
         "synthesisers' digits caught 31 -> 35 of 40 at 128 kbit/s, "
         "19 -> 22 at 32 (tuning; flite `awb` 3 -> 7 and 0 -> 4 of 10), untouched 40 -> 43 and 24 -> 24 of 50 (its "
         "share of the weight costs a digit where the trait is gone); real takes 0 labelled generated before and "
         "after: tuning 0 of 24 at 32, 64, 128 and 192 kbit/s, untouched 0 of 27 at 32 and 128 (takes read as noisy, "
         "not judged whole: pulse-grid p >= 0.017 against the codec's calibration). The reference's own takes "
         "through ffmpeg's encoder at 32 kbit/s reach z 8.3 against the calibration's largest 5.4 (3 of 300; p "
         "0.0004, 1 of 300 within alpha times its weight): calibrating at libsndfile's bitrates, not the file "
         "encoder's, costs at low bitrates"),
        ("MP3 whose frame headers state its bitrate (FFmpeg's libmp3lame, 22.05 kHz mono, 16-128 kbit/s and VBR)",
         "the reference passes LAME at the file's bitrate (MP3_BITRATE; a VBR file's mean to the nearest constant "
         "one): untouched synthesisers' digits (espeak-ng en+f3, flite rms, festival kal_diphone, MBROLA mb-us2, Pico "
         "en-GB) caught 9, 18, 34 and 43 of 50 at 16, 32, 64 and 128 kbit/s and 32 of 50 VBR (8, 10, 29, 33 and 26 at "
         "libsndfile's bitrates; synthetic-voice decides most of the gain); mel-inversion is kept from 32 kbit/s "
         "(MP3_INVERSION_MIN: Griffin-Lim copies of real takes 10 of 10 caught at 32 and at 128, 0 before). Lost: at "
         "16 kbit/s nearly everything (LAME's band limit is read: synthetic-voice aside; espeak-ng, flite and "
         "festival 0 of 10 each), at 32 most of festival's diphones (1 of 10), MBROLA's and flite's (3 of 10 each); "
         "a 'real' label through MP3 below 64 kbit/s is weak evidence. Real takes of two unseen speakers labelled "
         "generated (untouched takes 0-4 of theo and yweweler): 1 of 100 at 32 and at 128 kbit/s, the same file, "
         "labelled generated by features as a 16-bit WAV too (0 of 100 at libsndfile's bitrates); takes 5-9: 0 of "
         "100 at 64 kbit/s and at VBR -q:a 4; nicolas held out "
         "of the reference: 0 of 100 at 32 (docs/studies.md, twenty-seventh pass)"),
        ("MP3 at 44.1 and 48 kHz or 16 kHz (FFmpeg's libmp3lame CBR 32-192 kbit/s and VBR -q:a 2, mono or a mono "
         "take on two channels; libshine at 128 kbit/s)",
         "the reference passes LAME at the rate, bitrate and channel count the frame headers state, a libshine "
         "file's too (PyAV's FFmpeg has no libshine). Tuning synthesisers' digits (espeak-ng en+klatt2, flite slt, "
         "Pico en-US, MBROLA mb-us1) caught of 40: 37 at 44.1 kHz 128 kbit/s mono and on two channels, 38 at 48 kHz "
         "192, 30 at 44.1 kHz 64; VBR 31 at 44.1 kHz mono, 34 at 48 kHz on two channels (its mean, 56-96 kbit/s, "
         "matched by a constant bitrate below its speech frames' 128-224); libshine 35 at 44.1 kHz mono, 29 at 48 kHz "
         "on two channels (shine codes left and right apart, LAME a mono take's mid channel: the reference through "
         "LAME with joint stereo off caught 30); at 16 kHz 30 at 64 kbit/s and 9 at 32 (LAME's quantisation there "
         "erases what synthetic-voice reads: a 'real' label is weak evidence). Untouched voices (espeak-ng en+f3, "
         "flite rms, Pico en-GB, MBROLA mb-us2): 36 and 37 of 40 at 44.1 kHz 128 kbit/s on two channels and mono, "
         "36 through libshine, 31 at VBR (en+f3 5 of 10). Real takes of two unseen speakers labelled generated: "
         "tuning (theo and yweweler takes 40-42) 0 of 60 at 44.1 kHz 128 kbit/s mono and on two channels, 48 kHz "
         "192, libshine 44.1 kHz mono and 48 kHz on two channels; 1 of 60 VBR at 44.1 kHz (a take pulse-grid reads "
         "near the bound as recorded: z 4.8, 6.8 through VBR); untouched (takes 0-2) 0 of 60 at 44.1 kHz 128 mono, "
         "on two channels and VBR, 1 of 60 through libshine 44.1 kHz 128 (a 0.22 s take, by features, p 0.0016; real "
         "through LAME: libshine's files as FFmpeg writes them decode 528 samples late, no encoder delay stated to "
         "trim, and end at a whole frame: here the take's last 38 ms are lost), so a 'generated' label on a short "
         "libshine file is weak evidence (docs/studies.md, twenty-eighth pass)"),
        ("Opus (ffmpeg's libopus at 32 and 128 kbit/s)",
         "pulse-grid is kept, calibrated on the reference through libsndfile's Opus: synthesisers' digits caught "
         "18 -> 21 of 40 at 32 kbit/s, 27 -> 33 at 128 (tuning), untouched 37 -> 39 of 50 at 128; real takes 0 "
         "labelled generated before and after (tuning 0 of 28 and 25, untouched 0 of 27 at 128; noisy takes: "
         "pulse-grid p >= 0.045 against the codec's calibration). Untouched files at 32 kbit/s not measured"),
        ("Opus voice notes (ffmpeg's libopus at 16, 24 and 32 kbit/s, mono, 8-24 kHz)",
         "the reference passes libsndfile's Opus at its default bitrate (about 21 kbit/s on a half-second digit at 8 "
         "kHz, 35 at 24 kHz) whatever the file's, which is read from its Ogg pages or WebM packets and recorded "
         "(opus_bitrate): libopus at the file's own setting caught fewer synthesisers' digits (tuning, of 80: 30 -> "
         "25 at 16 kbit/s, 35 -> 32 at 24, 42 -> 41 at 32; real takes 0 of 100 either way at 16). Lost: most of "
         "festival's and flite's default diphone voices (tuning, of 20 each: festival 1, 5, 5 and flite kal 4, 1, 3 "
         "caught at 16, 24, 32 kbit/s); untouched voices (espeak-ng en-us+f2, MBROLA mb-us1, flite slt and awb, "
         "Pico fr-FR saying English digits) 28, 30 and 31 of 50 caught (5, 7, 8 inconclusive), espeak-ng en-us+f2 "
         "3, 5, 6 and mb-us1 5, 5, 4 of 10: through Opus at voice-note bitrates a 'real' label is weak evidence. "
         "Real takes labelled generated (untouched): theo and yweweler takes 25-29 0 of 100 at 16, 24 and 32 kbit/s "
         "(5, 5, 6 inconclusive), nicolas takes 40-49 (the reference holds 0-9) 0 of 100 at 16 (5 inconclusive); "
         "tuning takes 20-24 0 of 100 at 16 and 24 (docs/studies.md, twenty-eighth pass). Below and above voice-note "
         "bitrates (twenty-ninth pass, lead): takes 20-24 0 of 100 at 8, 12 and 64 kbit/s (1, 4, 4 inconclusive); the "
         "four default voices caught 20, 28 and 49 of 80 (espeak-ng 14, 18, 20 of 20; festival 0, 1, 7; flite 5, 3, 4; "
         "Pico 1, 6, 18), at 64 kbit/s 45 of 80 decoded and judged against the clean calibration: what libopus loses "
         "even at 64 kbit/s, festival's and flite's traits, no calibration brings back"),
        ("Vorbis (ffmpeg's libvorbis)",
         "pulse-grid stands aside: the trait survives (tuning, quality 8: synthesisers 26 -> 30 of 40 with it kept) "
         "but at quality 3 its share of the weight cost as many digits as it caught (19 -> 19); real takes 0 of 24 "
         "and 26 labelled generated with it kept"),
        ("Vorbis in OGG or WebM at a libvorbis quality other than libsndfile's default (4 on ffmpeg's -q:a scale)",
         "the reference passes libvorbis at the file's quality, read from the nominal bitrate in its identification "
         "header (engine/data/vorbis_quality.py; in WebM from its track's codec private data; libsndfile's default "
         "where none is written). Real takes "
         "of two unseen speakers labelled generated, tuning: quality 0 18 -> 3 of 200 (synthetic-voice had read the "
         "codec's loss as synthesis), quality 2 5 -> 3 of 100 and 7 -> 6 of 200 (the rest features and checkerboard, "
         "alike at either quality; some of those takes are near the bound as recorded); untouched: quality 1 10 -> 1 "
         "of 100, resampled to 16 kHz then quality 3 0 of 100, soundfile's default 1 of 100 (judged as before). The "
         "price: synthetic-voice's calibration through a lossier codec widens, so synthesisers' digits are caught less "
         "often: espeak-ng through quality 2 35 -> 24 and 32 -> 17 of 40 (MBROLA 2 of 20, festival and flite 0 of 10 "
         "either way), untouched pico2wave and flite through quality 1 14 -> 7 of 40 (synthetic-voice's 7 lost, "
         "noise-floor's 6 kept) (docs/studies.md, twenty-seventh pass)"),
        ("AAC in M4A/MP4/3GP or ADTS (ffmpeg's native encoder at 32-128 kbit/s, 16 and 44.1 kHz mono)",
         "the reference passes through FFmpeg's AAC at 64 kbit/s whatever the file's bitrate (read from the MP4 "
         "header or the packets and recorded in the channel: passing the reference through it instead, snapped to "
         "32-192 kbit/s, caught 93 -> 90 of 160 tuning and 181 -> 179 of 300 untouched synthesised digits over the "
         "channels, real takes 0 labelled generated either way: not kept, twenty-first pass); repeated-cycle stands "
         "aside (festival kal_diphone's closest repeat 1 - c 10^-13 to 10^-14 clean, 10^-1.9 to 10^-4.4 through AAC); "
         "mel-inversion and pulse-grid are kept, recalibrated through it. Untouched takes: real labelled generated "
         "0 of 164 judged whole over six channels (16 and 44.1 kHz at 32, 64, 128 kbit/s; takes read as noisy: "
         "0 of 24 through 16 kHz 32 and 44.1 kHz 64 kbit/s judged whole, pulse-grid p >= 0.013 against the codec's "
         "calibration for the others); the zoo's Griffin-Lim speech of real takes 148 of 154 judged whole caught "
         "(mel-inversion); synthesisers' digits 23-35 of 50 (20-31 with pulse-grid aside): flite slt/rms 3-10 of "
         "10, espeak-ng en+klatt2 7-10, MBROLA mb-us2 2-6 (noise-floor's exact zeros, set aside as a gate's closed "
         "stretch where the codec draws its stop out to 10 ms or more: most files at 44.1 kHz 64 and 128 kbit/s; "
         "since the twenty-second pass a drawn-out stop from full speech whose level holds and then drops is read "
         "as a stop: mb-us2 caught 2 -> 4 and 2 -> 5 of 10 at 44.1 kHz 64 and 128 kbit/s, gated real takes' "
         "readings unchanged, 0 of 480), festival kal_diphone 1-5 "
         "(its repeats erased: pulse-grid and synthetic-voice read it) (docs/studies.md, twentieth to "
         "twenty-second passes). At 44.1 kHz mono (twenty-eighth pass): tuning voices (espeak-ng en+klatt2, flite "
         "slt, Pico en-US, MBROLA mb-us1) 31, 29 and 17 of 40 caught at 128, 64 and 32 kbit/s (Pico 6, 7 and 0 of "
         "10), untouched voices (espeak-ng en+f3, flite rms, Pico en-GB, MBROLA mb-us2) 32 of 40 at 128 (MBROLA 5 "
         "of 10); real takes of two unseen speakers 0 of 60 at 128, tuning and "
         "untouched"),
        ("AMR-NB in 3GP or .amr (OpenCORE's encoder, 8 kHz; measured at each of its eight modes, 4.75-12.2 kbit/s)",
         "the reference passes through OpenCORE's AMR-NB at the file's commonest mode (read from its frames' headers), "
         "as recorded, 8-bit and at a tenth of its level; no band limit is read (the codec sets its own edge: a clean "
         "take at 3.8 kHz read at 2.4 kHz through it). Stand aside: repeated-cycle (no synthesised digit repeats a "
         "cycle within 1e-6 through any mode; festival kal_diphone's sample-for-sample repeats come out at 1e-1.6 to "
         "1e-2.7), cycle-jitter at 5.9 and 5.15 kbit/s (no synthesiser's constant period is left through them; "
         "recalibrated and kept at the other modes, where it survives: from 6.7 up steadier than clean, 3-8 of 40 "
         "tuning and 16-20 of 50 untouched digits below its bound, each also caught by pulse-grid; at 4.75 MBROLA's "
         "\"six\", 1 of 40 and 1 of 50, that nothing else caught; no real take comes near its bound at any mode), mel-inversion (the codec roughens Griffin-Lim's band to a recording's: "
         "no alarm on Griffin-Lim speech at any mode), features (1 of 50 synthesised digits caught through it; real "
         "jackson takes labelled generated against narrower references), pulse-grid below 6.7 kbit/s (through 5.9, "
         "5.15 and 4.75 a synthesiser's pulses leave whole samples). Untouched takes judged whole: real labelled "
         "generated 0 of 40 at every mode (those read as noisy each at its noise level); synthesisers' digits "
         "caught of 50: 24 at 12.2, 25 at 10.2 and 7.95, 23 "
         "at 7.4, 22 at 6.7 (pulse-grid deciding most: espeak-ng en+klatt2 and MBROLA mb-us2 10 of 10 each, flite "
         "0-3 per voice, festival kal_diphone 0), 11 at 5.9, 3 at 5.15, 8 at 4.75 (synthetic-voice alone; cycle-jitter "
         "adds MBROLA's \"six\" where the reference keeps 400 recordings or more). Lost: "
         "noise-floor's exact zeros (the codec decodes them to 0.1-2 16-bit steps, the band it reads as a "
         "suppressor's rounding), Griffin-Lim speech (0 of 30-33 judged whole caught at any mode), a diphone "
         "voice's repeats, most of flite's vocoder; a file judged real is weak evidence (docs/studies.md, "
         "twentieth, twenty-first and twenty-second passes)"),
        ("G.722 (64 kbit/s, 16 kHz), G.726 (16, 24, 32, 40 kbit/s) and G.723.1 (6.3 kbit/s) in WAV (voice over IP, "
         "cordless phones; written by ffmpeg)",
         "the reference passes FFmpeg's encoder at the file's codec and bitrate; the detectors that raised no alarm on "
         "40 tuning synthesised digits through the codec stand aside (TELEPHONE_LOST). Untouched takes judged whole: "
         "real labelled generated 0 of 21-35 per codec (those read as noisy, 5-19 per codec, bounded: pulse-grid p >= "
         "0.0115 against the codec's calibration; at G.726 32 kbit/s and G.722 judged whole: 0 of 28 "
         "generated, 2 inconclusive; with features speaking under G.722, 2 generated). Synthesisers' digits caught of 50: G.722 22, G.726 16 kbit/s 5, 24 kbit/s 1, 32 kbit/s "
         "11, 40 kbit/s 14, G.723.1 7 (synthetic-voice deciding most; flite slt/rms 0-9 of 10, espeak-ng "
         "en+klatt2 1-4, MBROLA mb-us2 0-1, festival kal_diphone 0-2). Lost: noise-floor's exact zeros under G.726 (they survive the codec, but it cuts a synthesiser's "
         "decaying tail into them at a level a microphone's floor reaches, so they read as a script's padding and are "
         "set aside: MBROLA mb-us1 7 of 10 beyond 70 dB clean, 0 through every G.726 rate), a diphone voice's "
         "repeats at 24-40 kbit/s (repeated-cycle stands aside there: no tuning alarm; untouched it would have caught "
         "2-4), most of flite's vocoder; Speex, iLBC and G.723.1 at 5.3 kbit/s are refused (no encoder here). A file "
         "judged real through them is weak evidence (docs/studies.md, twenty-third pass)"),
        ("any lossy codec (mu-law, A-law, 8-bit PCM, GSM 06.10, MP3, ADPCM, ...), resampling, added noise",
         "lpc-lattice stands aside for a file written by a lossy codec or at another rate with content above "
         "4.8 kHz (the codec moves flite's samples off the mu-law lattice; flite kal16 synthesises at 16 kHz and "
         "read at 8 kHz leaves no lattice: 2 of 600 windows hit, flite kal at 8 kHz 277 of 1,200); a file upsampled from 8 kHz is read at 8 "
         "kHz against the reference resampled there and back, where sox's default dither hides most of kal's "
         "digits (2-3 of 13 caught at 16 and 22.05 kHz; ffmpeg's default 9-13 of 13); under added noise it keeps "
         "its clean calibration "
         "and the noise hides the lattice (white noise at 20 dB: flite kal 0 of 600 windows, real recordings 0 of "
         "1,200)"),
    ),
    "image": (
        ("JPEG quality 50-95, saved once or twice",
         "the faint background and one-pixel texture of a generator's output are mostly erased: unregistered "
         "generators' digits caught (profile-only case) 28-100 % at quality 95-90, 18-100 % at 75, 3-99 % at 50, "
         "against 100 % as PNG; the weakest, a short-trained DCGAN, 3-28 %; clean-up stands aside (the lossy step "
         "fills the value gaps of a thresholded, clamped or posterised figure): a cleaned conv VAE saved at quality "
         "85 caught 242 of 300 (81 %), a cleaned VAE at quality 90 259 of 300 (86 %)"),
        ("JPEG saved again losslessly (PNG, BMP, TIFF, lossless WebP): read from the pixels",
         "the quality is estimated from the top-left 256x256 and may be one or two off (real digits at 30-98 read, "
         "quality 50 as 49-51; 95-100 also as a fixed point of the encoder), so the reference is encoded at it and "
         "both neighbours: real digits through JPEG 45-95 then PNG 0-3 of 500 labelled generated, through 97-99 0-3 "
         "of 200. Not read, so judged against the clean calibration: about a third of quality 100 (real digits through "
         "it 3-4 of 200 labelled generated), fewer than 4 blocks of content, a crop or resize off the 8x8 grid after "
         "the JPEG; read at 99-100, a short-trained DCGAN's digits are caught as seldom as in .jpg files (9 of 200)"),
        ("lossy WebP", "unregistered generators' digits caught 18-37 % (two DCGANs) and 93-100 % (WGAN-GP, VAE), "
                       "against 100 % as PNG; clean-up stands aside"),
        ("lossy WebP saved again losslessly: read from the pixels (no level libwebp's decoder leaves out)",
         "grey pictures only (colour fills the gaps), with at least 32 levels between black and white: real digits "
         "through WebP 50-90 then PNG 0-3 of 200 labelled generated (before: 154-197); generators' digits caught as "
         "seldom as in .webp files (a short-trained DCGAN 12-16 of 200, 200 of 200 as clean PNG)"),
        ("resized with Lanczos and back, saved losslessly: read from the pixels (a halo around the strokes, the "
         "background beyond it empty)",
         "the reference is resized with Lanczos by 0.6-2.3 times its side and back: real digits through 20-50 pixels "
         "0-5 of 300 labelled generated (300 of 300 before). Only a halo within 6 pixels of the figure on an empty "
         "background is read, so a generator whose output has that shape is judged against the resized "
         "reference: a DCGAN trained 2,000 steps, resized so, 246-247 of 300 caught (as clean PNG 173), short-trained "
         "DCGANs' digits never read (judged so anyway, 256-295 of 300 caught); a resize followed by JPEG or WebP is "
         "judged as that codec"),
        ("resized down to 40 % of its side or more and back with a filter that does not ring (nearest and box up "
         "to 88 %, bilinear and Hamming up to two pixels short of the side; PIL), saved losslessly: read from the "
         "pixels as a fixed point of that round trip (square grey pictures up to 64 pixels a side)",
         "the reference is resized with that filter through that side (box and nearest read alike: both in turn), "
         "and `features` ranks each feature among those files (a bold real digit keeps saturated pixels that the "
         "round trip takes from most): real digits labelled generated, untouched mnist[8600:8900] 0-2 of 300 by "
         "filter and side (bilinear 25: 0, before 48; Hamming 26: 2, before 17), tuning 0-4 (nearest 23: 4; "
         "Hamming 26: 7, by faint-background). Not read, judged as before: nearest or box beyond 88 %, bicubic "
         "(real digits through 20 and 24: 3 and 0 of 300, unchanged), a resize followed by lossy WebP (judged as "
         "WebP; followed by JPEG: the next entry). A generator's output resized so is judged against the resized "
         "reference: short-trained DCGANs 261-300 of 300 caught, a VAE 213-299 (bilinear 25 of 28: 278, before 298)"),
        ("resized down to 40-88 % of its side and back with nearest, box, bilinear or Hamming, then saved as JPEG "
         "(or JPEG then PNG): the resize read approximately from the decoded pixels (a dip in the round trip's "
         "residual, allowed 0.5 + 0.1 x the quality's mean luminance step)",
         "judged against the reference through the JPEG alone and through the resize then the JPEG, each detector's "
         "larger tail probability kept (intersection-union): real digits labelled generated, tuning 0 of 300 per "
         "set (bilinear 14 then JPEG 85, bilinear 20 / 90, box 20 / 95, Hamming 20 / 75; before 283, 171, 11, 4), "
         "untouched 0-6 of 300 (bilinear 16 / 78: 2, before 161; bilinear 24 / 80: 6, before 16, a third of it not "
         "read; Hamming 17 / 92: 0, before 38; nearest 22 / 88: 1, before 2). The price: a generator's digits so "
         "resized are caught less often (DCGANs 84-225 of 300, before 196-300; a VAE 49-101, before 239-300), "
         "and a clean JPEG read as resized by chance (real 0-5 %, a VAE's digits up to 16 % at quality 75) is judged "
         "so too; a batch recalibrates once per resize read (up to 0.8-0.9 s a file for 100 varied files)"),
        ("padded to a larger size (read from the pixels: every value off the reference's background within one crop "
         "of its size)", "judged as the centred crop; `placement` stands aside (how the pad was shared between the "
         "sides is not in the pixels: padded 4 pixels right and bottom only, 150 of 150 tuning real digits were "
         "labelled generated by it), so a generator that places its figure freely loses that trait when padded "
         "(docs/studies.md, 'Pictures of another size', twenty-third pass)"),
        ("enlarged (the reference's aspect ratio, up to 8 times its side), saved losslessly",
         "the filter is read where one of Pillow's nearest, bilinear, bicubic, Lanczos or Hamming explains the file "
         "(torch's bilinear with antialias as bilinear); a filter not modelled (torch's bicubic: 138 of 150 tuning, "
         "281 of 300 untouched not read) is judged against each common filter's round trip, the largest tail "
         "probability, and so is a generator's native output (a 64 x 64 DCGAN's: 150 of 150 caught). Real digits "
         "labelled generated 0-1 of 150 per lossy filter and size (tuning; nearest, exact, as clean: 2), 0 of 300 "
         "(untouched); an unregistered GAN trained 2,000 steps 70-72 of 150 caught through the lossy filters against "
         "79 clean or nearest (faint-speck stands aside under a lossy channel). "
         "Refused: an enlargement through JPEG or lossy WebP, a smaller picture, another aspect ratio"),
        ("rotated or rescaled with a cubic spline whose ripple reaches beyond 6 pixels",
         "not covered, and not read from the file: scipy's cubic spline 62 of 300 real digits labelled generated "
         "(208 before the Lanczos resize was read; 125 of 300 not read); a 'generated' label on an image that may "
         "have been rotated or rescaled so is weak evidence. Bilinear, bicubic, box and nearest round trips "
         "through a larger size, rotations and rescales are calibrated (at most 1.6 %)"),
    ),
    "music": (
        ("tempo, resolution (96 ticks per beat), uniform velocity scaling, type 0",
         "nothing measured lost (GAN chorales 40 of 40 caught on each); type 0 merges unisons of two voices on "
         "one channel (16 of 738 note cells of one chorale)"),
        ("varied velocities (a performance)",
         "the velocity grid stands aside for every MIDI file, so a generator's varied velocities are no evidence; "
         "a music GAN's MIDI output still caught 240 of 240 (voice-leading)"),
        ("an edition sampled at the quarter beat (every note on the quarter grid, as the JSB chorales at quarter "
         "resolution)",
         "voice-leading judged against the reference sampled alike: real JSB chorales 2 of 305 labelled generated (22 "
         "against the reference as written); chains over quarter-note chords caught 3-4 of 40 either way, since the "
         "edition lacks what they lack"),
        ("a performance recorded without a click (engine/data/performance.py)",
         "quantised to beats tracked from its onsets: real chorales played legato 0 of 120 labelled generated, played "
         "detached 2 of 40 (untouched); first-order chains played so 18 of 40 caught over chord events, 32 of 40 over "
         "quarter-note chords (40 of 40 each as written): the "
         "tracker follows its misplaced chords, so where notes fall in the bar is mostly lost"),
    ),
}
# A lossy codec's error depends on the level and resolution of what it is given (GSM 06.10
# quantises 13-bit integers; mu-law and A-law steps grow with the level), and real recorders
# differ in both: one FSDD speaker's recordings take about 50 distinct 16-bit values (an 8-bit
# recorder), the others thousands. Reference recordings pass a lossy codec as recorded, requantised
# to 8 bits, and at a tenth of their level (16 bits), each version a calibration file of its own:
# GSM 06.10 on an unseen 8-bit speaker, 16 of 500 real recordings labelled generated with the
# recordings as made only (docs/verdicts.md, "Speech channels").
RECORDERS = (("as recorded", lambda audio: audio),
             ("8-bit", lambda audio: np.round(audio * 128) / 128),
             ("16-bit at a tenth of the level", lambda audio: np.round(audio * 0.1 * 32768) / 32768))
# A quiet recording is another matter: GSM 06.10 quantises 13-bit integers, so a speaker peaking at
# 3 % of full scale comes out with 5-12 % of his samples exactly 0, and `features` read that against the
# versions above (an unseen quiet speaker through GSM 06.10: 3 of 100 labelled generated; a fourth version
# at a thirtieth of the level: 4 of 100). So a file through a codec with a fixed quantisation scale whose
# speech level (engine/data/channels.py speech_level_db) lies below QUIET_DB is judged against the reference
# passed through the codec at its own level instead, to LEVEL_STEP_DB (a batch recalibrates once per step,
# not per file), as recorded and as 8 bits. On nicolas' recordings at a tenth to a thirtieth of their level
# (features alone, p < 0.002, of 100 per set: docs/studies.md, "Quiet speakers through codecs"): the three
# versions gave 1, 2 and 8 through GSM 06.10, mu-law and A-law (over three levels); the file's level as recorded
# and as 8 bits 0, 1 and 5; the file's level alone 0, 1 and 8 (the 8-bit version carries an 8-bit recorder's
# digital silence, which A-law writes as a constant step).
LEVEL_CODECS = ("GSM610", "ULAW", "ALAW", "PCM_U8", "PCM_S8")  # codecs with a fixed quantisation scale
QUIET_DB = -30.0  # dB relative to full scale: the FSDD reference speakers' levels lie at -24 to -14
# nicolas at -40 to -48 dB through GSM 06.10: features alike against references at -39, -45 and -48 dB
LEVEL_STEP_DB = 10


def at_level(level_db):
    """The recorders for a file at speech level `level_db`: as recorded and 8-bit (RECORDERS), each
    recording then scaled to that level and stored as 16-bit."""
    def version(recorder):
        def scaled(audio):
            gain = 10 ** ((level_db - speech_level_db(audio)) / 20)
            return np.round(recorder(audio) * gain * 32768) / 32768

        return scaled

    return tuple((f"{words}, scaled to {level_db} dB", version(recorder)) for words, recorder in RECORDERS[:2])


# Where an MP3 file's bitrate is not read from its frame headers (MP3_BITRATE below), and an MP3 encoder at its lowest
# bitrate writes the quiet stretches of a real recording as digital silence: real recordings of
# an unseen speaker through MP3 at 8 kbit/s were labelled generated by noise-floor 13 times in
# 300 against references encoded at libsndfile's default bitrate. So noise-floor is calibrated
# on the reference recordings encoded both ways.
# Added noise (a noisy line, a street, a fan): read from the recording itself as its noise floor
# per band relative to its speech (engine/data/channels.py `noise_levels`). A file whose floor
# lies above NOISE_GATE_QUANTILE of the reference recordings' floors in some band, or in all bands
# above 500 Hz at once (broadband: real pink noise at 10 dB SNR left out by the per-band test alone,
# 12 of 300 labelled generated, all of them with floors near -24 dB in every band), carries noise
# the reference does not; the reference recordings are then brought up to the file's floor with
# Gaussian noise of the same spectrum (levels to NOISE_STEP_DB) before the detectors are refitted.
# Real recordings of an unseen speaker with white noise at 10 dB SNR: 298 of 300 labelled
# generated against the clean reference (docs/verdicts.md, "Added noise").
# A file inside the reference's range keeps the clean calibration: a clean synthesiser's silence or
# a GAN's floor cannot buy a noisier reference.
NOISE_GATE_QUANTILE = 0.99
# A floor is read to the nearest NOISE_STEP_DB, so a file's calibration follows from its own floor alone, whatever
# else the batch holds, and is matched to within half a step. Each floor costs a recalibration of every detector
# (about 10 s on the FSDD case): at 3 dB nearly every noisy file read a floor of its own (30 takes with white noise
# at 20 dB: 28 floors), at 6 dB 18 (docs/studies.md, "Noisy batches: floors read to 6 dB").
NOISE_STEP_DB = 6
NOISE_LOWEST_HZ = 60.0  # the synthetic noise's density is held flat below this (mains hum's region)
# Automatic gain control (phones, conferencing apps) acts after the room's noise: in the pauses its
# gain rises and lifts the noise, so the floor follows the speech and the quietest frames (which the
# noise key reads) understate the noise in the rest; against stationary noise at that floor, real
# recordings with white noise at 20 dB SNR through an AGC were labelled generated 43 times in 300
# (features: too many mel cells at intensity 0.05-0.2). So under added noise each detector is also
# calibrated on the noise-matched reference through a typical AGC, fixed here, not read from the file
# (its time constants are in no header), and NoiseUnion takes the largest tail probability. The cost:
# a noisy synthetic file's features alarm may fall (a buzz through GSM 06.10, whose quantisation
# reads as added noise: features 0.004 -> 0.025, generated -> inconclusive).
AGC_ATTACK_MS, AGC_RELEASE_MS, AGC_MAX_GAIN_DB = 10, 500, 20
NOISE_CENTRES_HZ = tuple((lo + hi) / 2 for lo, hi in zip(NOISE_BANDS_HZ[:-1], NOISE_BANDS_HZ[1:]))
LOWEST_BITRATE_SUBTYPES = ("MPEG_LAYER_III",)  # (libsndfile sets no constant bitrate for Vorbis or Opus)
LOWEST_BITRATE = {"compression_level": 0.99, "bitrate_mode": "CONSTANT"}
# ... where the file's frame headers state its bitrate (engine/data/formats/mp3_frames.py, the channel's
# mp3_bitrate), the reference passes LAME (FFmpeg's libmp3lame, the encoder of most MP3 files) at it instead, as
# mono or as a mono recording saved on two channels like the file, and decoded by libsndfile as the file is: the
# audio key ends in (MP3_BITRATE, bit/s, channels); a VBR file's mean is matched by the nearest constant bitrate, so
# a batch's files share at most one channel per bitrate and sample rate (ENCODABLE: 8-14 of them).
MP3_BITRATE = "mp3 bitrate"
AMR_NB = tuple(f"AMR_NB_{mode}" for mode in AMR_NB_MODES)  # an AMR-NB file's codec at each of its modes
# An AMR-NB file's band edge (engine/data/channels.py effective_bandwidth) is the codec's, not a microphone's: clean
# FSDD takes read at 3.7-3.8 kHz come out of it at 2.4-3.6 kHz (4_jackson_9: 3844 -> 2406 Hz at 12.2 kbit/s), and 34
# of 40 untouched real takes read as band-limited through it, which put synthetic-voice aside for nearly every file.
# So no band limit is read under AMR-NB: the reference passes the codec, which sets its own.
# cycle-jitter stands aside under these codecs: GSM 06.10's long-term predictor re-synthesises
# every pitch period (a diphone voice's constant period: 33 of 40 files caught clean, 1 of 40 through it).
# Under AMR-NB measured per mode (twenty-second pass: tuning sets, each through the mode beside the reference through
# it; docs/studies.md). Real takes never come near PLAUSIBLE_PERCENT (least jitter 0.21-0.39 % through the modes,
# the reference's 0.16-0.24 %). Through 6.7-12.2 kbit/s MBROLA mb-us1's period comes out steadier than clean (3-8 of
# its 10 digits below the bound, 1 clean) and pulse-grid caught each of them; kept there all the same, as a second
# trait for a synthesiser off pulse-grid's grid (0 real takes labelled generated with it kept, tuning and untouched;
# it shares one weight with noise-floor and mel-inversion, so it costs the others nothing). Through 5.9 and 5.15 no
# digit stays below it (mb-us1 0.38 % and up): aside; through 4.75 one does, which nothing else caught: kept.
AMR_NB_JITTER_LOST = (5900, 5150)
JITTER_LOST = ("GSM610",) + tuple(f"AMR_NB_{mode}" for mode in AMR_NB_JITTER_LOST)
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
# pulse-grid stands aside under these (GSM 06.10's long-term predictor writes whole 8 kHz lags, so a real voice's
# pulses land on the grid; Vorbis at quality 3 gained nothing; MPEG I/II not measured); under MP3 and Opus it is
# recalibrated on the reference passed through the codec (CHANNEL_LIMITS); so under AMR-NB's modes from
# AMR_NB_PULSE_MIN (6.7 kbit/s) up, not below. Through 6.7-12.2 a synthesiser's pulse intervals fall on whole 8 kHz
# samples (39-40 % of them within 1/12 of a sample of one against 17 % by chance: mean phase length on the 16 kHz
# grid 0.25-0.30), through 5.9, 5.15 and 4.75 (as observed: the modes whose fixed codebook holds two pulses a
# subframe) they do not (23-25 %, 0.03-0.06), while real takes stay off it at every mode (0.01-0.03). Tuning sets
# (synthesisers caught of 40 aside -> kept; real takes labelled generated 0 of 30-35 either way at every mode): 12.2
# 10 -> 16, 10.2 11 -> 13, 7.95 7 -> 11, 7.4 8 -> 12, 6.7 5 -> 11; 5.9 7 -> 6, 5.15 6 -> 5, 4.75 6 -> 6 (0-1 alarm
# below 6.7; docs/studies.md, twenty-first pass).
# features stands aside under AMR-NB: it caught 1 of 50 synthesised digits through it and labelled real FSDD takes
# generated in smaller references (jackson's 4_jackson_9 p < 10^-4 against takes 0-7; 8_jackson_6 and 7 against 60
# recordings), where AMR-NB cuts a weak 3-4 kHz band 6-8 dB further than it cuts the reference's.
FEATURES_LOST = AMR_NB
AMR_NB_PULSE_MIN = 6700
PULSE_LOST = ("GSM610", "MPEG_LAYER_I", "MPEG_LAYER_II", "VORBIS") + tuple(
    f"AMR_NB_{mode}" for mode in AMR_NB_MODES if mode < AMR_NB_PULSE_MIN)
# noise-floor stands aside under 8-bit PCM: a step of 1/128 of full scale lies above a quiet room's floor, so
# a writer that rounds to the nearest step (FLAC's PCM_S8, sox, ffmpeg, Python's wave) makes a real recording's
# pauses digital silence (george, lucas, nicolas takes 20-29: 37 of 200 beyond PLAUSIBLE_DB at their level, 179
# of 200 at a tenth of it, none as recorded), and libsndfile's 8-bit WAV, which rounds down, turns a
# synthesiser's near silence into a step's noise (espeak-ng `en+f3`: 0 of 5 beyond it, 5 of 5 as made).
FLOOR_LOST = ("PCM_U8", "PCM_S8")
# ... and `features` reads which way the samples were rounded in a quiet recording's pauses (a held-out lucas take
# at a tenth of its level written to the nearest 8-bit step: p 0.002 against the reference through libsndfile's
# 8-bit WAV, 0.12 through its 8-bit FLAC), so under 8-bit PCM the reference passes both ways, each a version.
CODEC_TWINS = {"PCM_U8": ("PCM_U8", "PCM_S8"), "PCM_S8": ("PCM_S8", "PCM_U8")}
# synthetic-voice stands aside for band-limited recordings: its model was trained on full-band ones, and
# a real microphone's band limit does not move its scores as a low-pass of the reference does (an unseen
# speaker's recordings read as band-limited to 2.3-3.5 kHz: 4 of 16 labelled generated by it).
BAND_LIMIT_MOVES_VOICE = ("a band limit moves its model's reading of real recordings otherwise than a low-pass of the "
                          "reference does (it was trained on full-band recordings)")
# Under added noise it is recalibrated on the reference brought up to the file's floor (its statistics take a few
# seconds for a case's kept recordings) and joined with its clean calibration by NoiseUnion, as the others are.
CODEC_FORMATS = {"VORBIS": "OGG", "OPUS": "OGG", "MPEG_LAYER_III": "MP3", "MPEG_LAYER_II": "MP3",
                 "MPEG_LAYER_I": "MP3"}
# Other codecs go into the first of these containers libsndfile can write them in: 8-bit signed PCM
# (an 8-bit FLAC reads as PCM_S8) has no WAV form, and passing the reference through WAV failed the verdict.
CODEC_CONTAINERS = ("WAV", "FLAC", "AU", "AIFF")
# libsndfile reads MPEG layer I and II (an .mp2 file) but writes neither: the reference passes through
# the nearest codec it writes, and the verdict names it.
CODEC_STAND_INS = {"MPEG_LAYER_I": "MPEG_LAYER_III", "MPEG_LAYER_II": "MPEG_LAYER_III"}
# Codecs libsndfile neither reads nor writes: the reference passes through PyAV's (ffmpeg's) encoder, (codec,
# bitrate bit/s, container); an AAC file's bitrate is read (its channel's aac_bitrate) but not part of the channel:
# following it gained nothing (docs/studies.md, twentieth and twenty-first passes); an AMR-NB file's mode is (its
# frames state it): the reference passes OpenCORE's encoder at that mode.
# A telephone codec's (G.722, G.726, G.723.1) bitrate is in its name: the reference passes FFmpeg's encoder at it,
# in WAV.
# Under each, the detectors whose trait did not survive it stand aside: none of them raised an alarm (p < 0.01) on the
# 40 tuning synthesisers' digits through the codec, recalibrated on the reference through it, so their share of the
# weight goes to those that still read something. Tuning digits caught, nothing aside -> these aside: G.722 20 -> 23,
# G.726 16 kbit/s 3 -> 3, 24 0 -> 2, 32 1 -> 4, 40 11 -> 11, G.723.1 10 -> 12; real takes 0 labelled generated either
# way (docs/studies.md, twenty-third pass; untouched: 60 of 300 caught, 58 with the rule undone).
TELEPHONE_LOST = {
    "G722_64000": ("features", "checkerboard", "repeated-cycle", "mel-inversion"),
    "G726_16000": ("features", "checkerboard", "noise-floor", "cycle-jitter", "mel-inversion", "pulse-grid"),
    "G726_24000": ("checkerboard", "noise-floor", "cycle-jitter", "repeated-cycle", "mel-inversion", "pulse-grid"),
    "G726_32000": ("checkerboard", "noise-floor", "cycle-jitter", "repeated-cycle", "mel-inversion"),
    "G726_40000": ("checkerboard", "noise-floor", "repeated-cycle", "mel-inversion"),
    "G723_1_6300": ("features", "checkerboard", "cycle-jitter", "mel-inversion", "pulse-grid"),
}
PYAV_CODECS = {"AAC": ("aac", 64000, "ipod"), **{f"AMR_NB_{mode}": ("amr_nb", mode, "amr") for mode in AMR_NB_MODES},
               **{name: (name.rsplit("_", 1)[0].lower(), int(name.rsplit("_", 1)[1]), "wav") for name in TELEPHONE}}


def broadband(levels):
    """The floor of a recording in every band above 500 Hz at once (dB): the lowest of them.
    Added noise raises them all; a recorder's hum, hiss or quantisation raises some."""
    return np.min(np.asarray(levels, dtype=np.float64)[..., 1:], axis=-1)


def reference_noise_gate(profile):
    """The median, the NOISE_GATE_QUANTILE and far_field.FAR_FIELD_QUANTILE of the reference recordings'
    floors kept in the profile (dB relative to their speech), per band and, last, of their broadband floor:
    a (3, bands + 1) array; None when the profile keeps no recordings (images, music, older cases)."""
    if "ref_audio" not in profile:
        return None
    levels = np.array([noise_levels(audio, representations.SPEECH_RATE) for _, audio in reference_audio(profile)])
    levels = np.concatenate([levels, broadband(levels)[:, None]], axis=1)
    return np.quantile(levels, far_field.gate_quantiles(NOISE_GATE_QUANTILE), axis=0)


def noise_key(channel, gate):
    """None unless the file's floor lies above the reference's NOISE_GATE_QUANTILE in some band or
    in all bands above 500 Hz at once (noise the reference does not carry); then per band the file's
    floor to NOISE_STEP_DB, or None for a band where it lies below the reference's median (no noise
    to match there)."""
    levels = channel.get("noise_db")
    if gate is None or levels is None:
        return None
    found = np.append(np.asarray(levels, dtype=np.float64), broadband(levels))
    if not np.any(found > gate[1]):
        return None
    return tuple(int(NOISE_STEP_DB * round(v / NOISE_STEP_DB)) if v > median else None
                 for v, median in zip(levels, gate[0]))


def added_noise(key):
    """Whether channel `key` carries added noise (noise_key)."""
    return key is not None and key[0] == "audio" and bool(key[4])


def noise_floor_text(noise):
    """A noise key's floors per band, as the reasons give them."""
    return ", ".join(f"{lo}-{hi} Hz {level} dB" for lo, hi, level in zip(NOISE_BANDS_HZ, NOISE_BANDS_HZ[1:], noise)
                     if level is not None)


def channel_key(meta, noise_gate=None):
    """A hashable description of the file's channel when it changes what detectors read, else None.
    `noise_gate`: reference_noise_gate of the case (None: added noise and far-field speech are not looked for)."""
    channel = meta.get("channel") or {}
    return far_field.marked(_read_key(meta, channel, noise_gate), channel, noise_gate)


def _read_key(meta, channel, noise_gate):
    """channel_key before the far-field reading (engine/detectors/far_field.py)."""
    codec = channel.get("codec", "")
    on_grid = quarter_grid.channel_key(channel)  # a piece sampled at its quarter beats: calibrated at `case new`
    if time_scale.channel_key(channel):  # a MIDI file's two readings: no reference passes through anything
        return time_scale.channel_key(channel) + (on_grid or ())
    if on_grid:
        return on_grid
    if "enlarged" in channel and not channel["enlarged"]["exact"]:  # (no lossy codec before it: refused)
        found = channel["enlarged"]
        return ("enlarged", tuple(found["size"]), found["filter"])
    if "tables" in channel and (codec == "JPEG" or "jpeg_history" in channel):
        tables = tuple((k, tuple(v)) for k, v in sorted(channel["tables"].items()))
        key = ("JPEG", tables, channel.get("subsampling", -1))
        # the same channel as a JPEG file with these tables, marked so that the verdict says how it was read
        key = key + ("pixels",) if "jpeg_history" in channel else key
        read = channel.get("resample_history")  # a resize before the JPEG, read approximately: both judged
        return key + ((RESIZED_BEFORE, tuple(read["filter"]), int(read["side"])),) if read else key
    if codec == "WebP lossy":
        return ("WebP lossy",)
    if "webp_history" in channel:  # the same channel, marked so that the verdict says how it was read
        return ("WebP lossy", "pixels")
    if "resize_history" in channel:
        return ("resized", "pixels")
    if "resample_history" in channel:  # a filter that does not ring: the reference resized exactly as read
        read = channel["resample_history"]
        return ("resized", "pixels", tuple(read["filter"]), int(read["side"]))
    if "subtype" in channel:
        history = channel.get("codec_history")  # decoded and re-saved as PCM: the codec read from the samples
        subtype = history["subtype"] if history else channel["subtype"] if channel.get("lossy") else None
        rate = channel["native_sample_rate"]
        rate = rate if rate != representations.SPEECH_RATE else None  # the resampler's filter is a channel too
        nyquist = min(channel["native_sample_rate"], representations.SPEECH_RATE) / 2
        band = channel["bandwidth_hz"] if channel["bandwidth_hz"] < FULL_BANDWIDTH * nyquist else None
        band = None if subtype in AMR_NB else band  # AMR-NB's own edge, which the reference passes (AMR_NB)
        band = int(round(band / BAND_STEP_HZ) * BAND_STEP_HZ) if band else None
        noise = noise_key(channel, noise_gate)
        level = level_key(channel) if subtype in LEVEL_CODECS else None
        if subtype or rate or band or noise:  # a quiet recording's level follows, where read, then how the codec was
            key = ("audio", subtype, rate, band, noise) + ((level,) if level is not None else ()) + (
                mp3_key_part(channel) if subtype == "MPEG_LAYER_III" else ())
            if subtype == "VORBIS" and not history and channel.get("vorbis_quality") is not None:
                return key + ((VORBIS_QUALITY, int(channel["vorbis_quality"])),)
            # the same channel as a file in the codec's container, marked so that the verdict says how it was read
            return key + ((SAMPLES, history["codec"]),) if history else key
    return None


def mp3_key_part(channel):
    """An MP3 file's audio key's last part, (MP3_BITRATE, bit/s, channels), where its headers' bitrate was read
    (at the rate the file decodes at: mp3_frames.mp3_bitrate); else () (the reference then passes libsndfile's
    default and lowest bitrates)."""
    from engine.data.formats.mp3_frames import nearest_bitrate

    found = channel.get("mp3_bitrate") or {}
    if not found.get("bit_rate"):
        return ()
    channels = 1 if found["mode"] == "mono" else 2
    return ((MP3_BITRATE, nearest_bitrate(found["bit_rate"], found["sample_rate"]), channels),)


def last_part(key, tag):
    """The values of a channel key's last part (tag, values...) where it ends in one tagged `tag`, else None: how a
    key records what was read beyond its channel's kind (MP3_BITRATE, VORBIS_QUALITY, SAMPLES, RESIZED_BEFORE)."""
    last = key[-1] if key else None
    return last[1:] if isinstance(last, tuple) and last[:1] == (tag,) else None


def mp3_bitrate(key):
    """(bit/s, channels) an MP3 channel's reference passes LAME at (mp3_key_part), or None."""
    return last_part(key, MP3_BITRATE)


RESIZED_BEFORE = "resized before"  # a JPEG key's last part (RESIZED_BEFORE, filters, side): a resize read before it


def resized_before(key):
    """(filters, side) of a resize read before a JPEG (a JPEG key's last part), or None."""
    return last_part(key, RESIZED_BEFORE)


def jpeg_alone(key):
    """A JPEG key without the resize read before it."""
    return key[:-1] if resized_before(key) else key


SAMPLES = "samples"  # an audio key's last part (SAMPLES, the codec's name): the codec was read from the samples


# A Vorbis file's quality read from its header (engine/data/vorbis_quality.py, ffmpeg's -q:a scale): an audio key's last
# part (VORBIS_QUALITY, q), and the reference passes libvorbis at it instead of at libsndfile's default (quality 4).
VORBIS_QUALITY = "vorbis quality"


def vorbis_quality(key):
    """The Vorbis quality an audio key's reference is encoded at (ffmpeg's -q:a scale), or None: libsndfile's default."""
    return (last_part(key, VORBIS_QUALITY) or (None,))[0]


def quiet_level(key):
    """The speech level an audio key calibrates at (level_key), or None: the recording's own levels."""
    return key[5] if len(key) > 5 and isinstance(key[5], int) else None


def codec_from_samples(key):
    """The name of the codec an audio key's file was decoded from, read from its samples, or None."""
    return (last_part(key, SAMPLES) or (None,))[0]


def level_key(channel):
    """The file's speech level to LEVEL_STEP_DB when it lies below QUIET_DB, else None."""
    level = channel.get("level_db")
    if level is None or level >= QUIET_DB:
        return None
    return int(LEVEL_STEP_DB * round(level / LEVEL_STEP_DB))


def describe(key):
    """The channel assumed for the reference, in words."""
    if key is None:
        return "none (the file's format changes nothing the detectors read)"
    if key[0] == time_scale.KEY:
        return time_scale.describe(key[1]) + (f"; as written, {quarter_grid.WORDS}" if key[2:] else "")
    if key[0] == quarter_grid.KEY:
        return quarter_grid.WORDS
    if resized_before(key):
        filters, side = resized_before(key)
        return (f"{describe(jpeg_alone(key))}, after a resize with {' or '.join(filters)} through {side} x {side} "
                f"and back read approximately from the pixels (judged against the reference through the JPEG alone "
                f"and through that resize then the JPEG; each detector's larger tail probability applies)")
    if key[0] == "JPEG":
        from engine.data.channels import jpeg_quality

        quality, off = jpeg_quality(key[1][0][1])
        if "pixels" in key[3:]:
            spread = history_spread(quality)
            return (f"JPEG inferred from the pixels (estimated IJG quality {quality}: the lossless file keeps no "
                    f"tables; the reference is re-encoded with the IJG tables at qualities {spread[0]}-{spread[-1]})")
        return f"JPEG with the file's own quantisation tables (IJG quality {quality}{'' if off == 0 else ' approx.'})"
    if key[0] == "WebP lossy":
        qualities = ", ".join(map(str, WEBP_QUALITIES))
        if key[1:] == ("pixels",):
            return (f"lossy WebP inferred from the pixels (a grey picture with none of the levels libwebp's decoder "
                    f"cannot produce; the lossless file keeps no quality: the reference is re-encoded at qualities "
                    f"{qualities})")
        return f"lossy WebP at qualities {qualities} (WebP records none)"
    if key[0] == "enlarged":
        (h, w), kernel = key[1], key[2]
        if kernel is None:
            return (f"enlarged to {h} x {w} with a filter not read from the pixels: the file reduced with Pillow's box "
                    f"filter, the reference enlarged with each of {', '.join(picture_size.COMMON_KERNELS)} and reduced "
                    f"so (each detector's largest tail probability applies)")
        return (f"enlarged to {h} x {w} with {kernel}, read from the pixels (the file is that filter's upsampling of a "
                f"picture of the reference's size, to which it is reduced; the reference is enlarged and reduced so)")
    if key[0] == "resized" and len(key) > 2:
        filters, side = " or ".join(key[2]), key[3]
        return (f"resized with {filters} through {side} x {side} and back, inferred from the pixels (the file is a "
                f"fixed point of that round trip and of no neighbouring side's; the reference is resized so)")
    if key[0] == "resized":
        return ("resized with a ringing filter (Lanczos) and back, inferred from the pixels (a halo of faint values "
                "around the strokes and an empty background beyond it; the reference is resized by "
                f"{min(RESIZE_FACTORS)}-{max(RESIZE_FACTORS)} times its side and back with Lanczos)")
    _, subtype, rate, band, noise = key[:5]
    quiet = quiet_level(key)
    mp3 = mp3_bitrate(key)
    stand_in = (f" (the reference through {CODEC_STAND_INS[subtype]}, the nearest codec libsndfile writes)"
                if subtype in CODEC_STAND_INS else
                f" (the reference through LAME at {mp3[0] // 1000} kbit/s, "
                f"{'mono' if mp3[1] == 1 else 'on two channels'}: the file's bitrate as its frame headers state it, "
                f"a VBR file's mean to the nearest constant one)"
                if mp3 else
                " (the reference through libsndfile's MP3 at its default and lowest bitrates: the file's own bitrate "
                "was not read from its frame headers, the channel's mp3_bitrate says why)"
                if subtype in LOWEST_BITRATE_SUBTYPES else
                f" (the reference through OpenCORE's AMR-NB encoder at the file's commonest mode, "
                f"{PYAV_CODECS[subtype][1] / 1000:g} kbit/s, 8 kHz)" if subtype in AMR_NB else
                f" (the reference through FFmpeg's {PYAV_CODECS[subtype][0].upper()} encoder at the file's "
                f"{PYAV_CODECS[subtype][1] / 1000:g} kbit/s)" if subtype in TELEPHONE else
                f" (the reference through FFmpeg's encoder at {PYAV_CODECS[subtype][1] // 1000} kbit/s, whatever the "
                f"file's own bitrate, which the channel's aac_bitrate records: following it gained nothing)"
                if subtype in PYAV_CODECS else
                " (the reference through libsndfile's Opus at its default bitrate, whatever the file's own, which the "
                "channel's opus_bitrate records: following it caught fewer synthesisers)" if subtype == "OPUS" else "")
    stand_in = (f" (the reference through libvorbis at the file's quality {vorbis_quality(key)} on ffmpeg's -q:a "
                f"scale, read from the nominal bitrate in its header)" if vorbis_quality(key) is not None else stand_in)
    inferred = codec_from_samples(key)
    read = (f" inferred from the samples: {inferred} (the file is PCM whose samples lie on that codec's output grid or "
            f"follow its decoder's chain, "
            f"so it was decoded from it and re-saved)" if inferred else "")
    parts = ([f"codec {subtype}{stand_in}{read}"] if subtype else []) + ([f"sample rate {rate} Hz"] if rate else []) + (
        [f"band-limited to {band} Hz"] if band else []) + (
        [f"a quiet recording (speech level about {quiet} dB of full scale; the reference passed through the codec "
         f"at it)"] if quiet is not None else [])
    if noise:
        parts.append(f"added noise (floor relative to the speech, to the nearest {NOISE_STEP_DB} dB: "
                     f"{noise_floor_text(noise)})")
    return ", ".join(parts)


# --- passing reference files through a channel ----------------------------------------


def jpeg_images(x, key):
    """Samples (n, c, h, w) in [0,1] re-encoded as JPEG with the file's tables, decoded again;
    sample k saved as JPEG at JPEG_EARLIER_QUALITIES[k % 4] before that (None: not before). For a
    quality read from the pixels, sample k is encoded at the quality HISTORY_SPREAD[k % 3] from it."""
    subsampling = key[2]
    options = [{"qtables": [list(t) for _, t in tables]} | ({"subsampling": subsampling} if subsampling >= 0 else {})
               for tables in jpeg_history_tables(key)]

    def save(image, buffer, k):
        earlier = JPEG_EARLIER_QUALITIES[k % len(JPEG_EARLIER_QUALITIES)]
        if earlier is not None:
            from PIL import Image

            first = io.BytesIO()
            image.save(first, format="JPEG", quality=earlier)
            image = Image.open(first)
        image.save(buffer, format="JPEG", **options[k % len(options)])

    return _through_pil(x, save)


def jpeg_history_tables(key):
    """The tables a JPEG key's reference is encoded with, in turn: the file's own; for a quality read
    from the pixels (key[3] "pixels"), the IJG tables at each quality HISTORY_SPREAD from it."""
    if "pixels" not in key[3:]:
        return [key[1]]
    from engine.data.channels import ijg_tables, jpeg_quality

    quality = jpeg_quality(key[1][0][1])[0]
    return [tuple((k, tuple(int(v) for v in ijg_tables()[q][k])) for k, _ in key[1]) for q in history_spread(quality)]


def history_spread(quality):
    """The qualities HISTORY_SPREAD from a quality read from the pixels, within the lattice's range or at the
    quality itself (99, read as a fixed point of the encoder, is not spread to 100)."""
    from engine.data.channels import HISTORY_QUALITIES

    return [int(np.clip(quality + step, HISTORY_QUALITIES[0], max(HISTORY_QUALITIES[-1], quality)))
            for step in HISTORY_SPREAD]


def image_through(x, key):
    """Samples (n, c, h, w) in [0, 1] through the image channel `key` (JPEG, lossy WebP, a Lanczos resize or a
    resize read with its filter and side, or such a resize and then JPEG)."""
    if resized_before(key):
        return jpeg_images(resampled_images(x, *resized_before(key)), jpeg_alone(key))
    if key[0] == "JPEG":
        return jpeg_images(x, key)
    if key[0] == "enlarged":
        return enlarged_images(x, key[1], key[2], key[3] if len(key) > 3 else key[2])
    if key[0] == "resized" and len(key) > 2:
        return resampled_images(x, key[2], key[3])
    return webp_images(x) if key[0] == "WebP lossy" else resized_images(x)


def resized_images(x):
    """Sample k resized with Lanczos by RESIZE_FACTORS[k % 15] and back, in 8 bits at both steps (as an editor
    saves it)."""
    from PIL import Image

    def save(image, buffer, k):
        side = [max(1, round(s * RESIZE_FACTORS[k % len(RESIZE_FACTORS)])) for s in image.size]
        image.resize(side, Image.LANCZOS).resize(image.size, Image.LANCZOS).save(buffer, format="PNG")

    return _through_pil(x, save)


PIL_FILTERS = {"nearest": "NEAREST", "box": "BOX", "bilinear": "BILINEAR", "hamming": "HAMMING"}


def enlarged_images(x, size, kernel, reduced_as):
    """Grey samples (n, 1, h, w) enlarged to `size` with Pillow's filter `kernel` (8 bits) and reduced back as a file
    enlarged with `reduced_as` is (engine/data/picture_size.reduced; None: the box filter, for a filter not read)."""
    from PIL import Image

    method = getattr(Image.Resampling, kernel.upper())
    pixels = np.rint(np.clip(x[:, 0], 0, 1) * 255).astype(np.uint8)
    out = np.empty(x.shape, dtype=np.float32)
    for first in range(0, len(pixels), ENLARGED_AT_ONCE):  # memory bounded at any size (limits.MAX_ENLARGEMENT)
        big = np.stack([np.asarray(Image.fromarray(p).resize(size[::-1], method))
                        for p in pixels[first:first + ENLARGED_AT_ONCE]])
        out[first:first + ENLARGED_AT_ONCE, 0] = picture_size.reduced(big, x.shape[2:], reduced_as) / 255
    return out


ENLARGED_AT_ONCE = 64


def resampled_images(x, filters, side):
    """Sample k resized to side x side with filters[k % len(filters)] and back (PIL, 8 bits at both steps): the
    reference through the resize read from a file (engine/data/resize_history.resample_history)."""
    from PIL import Image

    def save(image, buffer, k):
        method = getattr(Image.Resampling, PIL_FILTERS[filters[k % len(filters)]])
        image.resize((side, side), method).resize(image.size, method).save(buffer, format="PNG")

    return _through_pil(x, save)


def webp_images(x):
    return _through_pil(x, lambda image, buffer, k: image.save(
        buffer, format="WEBP", quality=WEBP_QUALITIES[k % len(WEBP_QUALITIES)]))


def _through_pil(x, save):
    from PIL import Image

    out = np.empty_like(x, dtype=np.float32)
    for k, sample in enumerate(x):
        pixels = np.rint(np.clip(sample, 0, 1) * 255).astype(np.uint8)
        image = Image.fromarray(pixels[0] if pixels.shape[0] == 1 else np.moveaxis(pixels, 0, -1))
        buffer = io.BytesIO()
        save(image, buffer, k)
        opened = Image.open(buffer)
        decoded = np.asarray(opened if opened.mode == "L" else opened.convert("RGB"))
        if image.mode == "L" and decoded.ndim == 3:  # as the loader reads a grey WebP
            decoded = webp_grey(decoded)
        decoded = decoded.astype(np.float32) / 255
        out[k] = decoded[None] if decoded.ndim == 2 else np.moveaxis(decoded, -1, 0)
    return out


def audio_through(audio, key, options=None):
    """A recording at SPEECH_RATE through the channel: sample rate, band limit, codec (soundfile's
    write `options`, e.g. LOWEST_BITRATE; the default: libsndfile's)."""
    import soundfile

    _, subtype, rate, band = key[:4]
    sr = representations.SPEECH_RATE
    if rate:
        audio = _resample(audio, sr, rate)
        sr = rate
    if band:  # an ideal low-pass (the evidence's own filter is unknown; its band edge is what was read)
        spectrum = np.fft.rfft(audio)
        spectrum[np.fft.rfftfreq(audio.size, 1.0 / sr) > band] = 0
        audio = np.fft.irfft(spectrum, audio.size).astype(np.float32)
    if vorbis_quality(key) is not None:
        from engine.data.vorbis_quality import compression_level

        options = {"compression_level": compression_level(vorbis_quality(key)), **(options or {})}
    if mp3_bitrate(key):
        audio = _through_lame(audio, sr, *mp3_bitrate(key))
    elif subtype in PYAV_CODECS:
        audio = _through_pyav(audio, sr, subtype, (options or {}).get("bit_rate", PYAV_CODECS[subtype][1]))
    elif subtype:
        subtype = CODEC_STAND_INS.get(subtype, subtype)
        buffer = io.BytesIO()
        soundfile.write(buffer, np.clip(audio, -1, 1), sr, subtype=subtype, format=codec_container(subtype),
                        **(options or {}))
        buffer.seek(0)
        audio = soundfile.read(buffer, dtype="float32")[0]
        audio = audio.mean(axis=1) if audio.ndim > 1 else audio
    return _resample(audio, sr, representations.SPEECH_RATE) if sr != representations.SPEECH_RATE else audio


def _through_pyav(audio, sr, subtype, bit_rate):
    """A recording through a codec libsndfile lacks, encoded and decoded by PyAV as the loader decodes it."""
    from engine.data.formats import container_audio

    codec, _, container = PYAV_CODECS[subtype]
    data = container_audio.encoded(audio, sr, bit_rate, container, codec)
    return container_audio.read_recording("the reference passed through " + subtype, data)[0][:audio.size]


def _through_lame(audio, sr, bit_rate, channels):
    """A recording through LAME at `bit_rate` on `channels` (1 or 2: the recording on both), decoded by libsndfile
    as an MP3 file is, mixed to mono."""
    import soundfile

    from engine.data.formats import container_audio

    data = container_audio.encoded(audio, sr, bit_rate, "mp3", "mp3", channels)
    decoded = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)[0]
    return decoded.mean(axis=1)[:audio.size]


def codec_container(subtype):
    """The container the reference is written in to pass it through codec `subtype` (CODEC_FORMATS, else
    the first of CODEC_CONTAINERS that holds it)."""
    import soundfile

    if subtype in CODEC_FORMATS:
        return CODEC_FORMATS[subtype]
    return next((f for f in CODEC_CONTAINERS if soundfile.check_format(f, subtype)), CODEC_CONTAINERS[0])


def with_noise_floor(audio, levels_db, seed):
    """A recording at SPEECH_RATE brought up to a noise floor of `levels_db` per band of
    NOISE_BANDS_HZ (dB relative to its own speech level, as noise_levels reads them; None: the
    band is left as it is) by adding Gaussian noise: in each band only the power its own floor
    lacks, shaped by interpolating the target's spectral density (dB over log frequency) between
    the centres of the bands given, and scaled so that noise_levels' own measure of it is the target."""
    sr = representations.SPEECH_RATE
    audio = np.asarray(audio, dtype=np.float64)
    loud, own = speech_and_floor(band_powers(audio, sr))
    if loud <= 0:
        return audio.astype(np.float32)
    given = np.array([level is not None for level in levels_db])
    target = 10 ** (np.array([level if level is not None else -np.inf for level in levels_db]) / 10) * loud
    lacking = np.maximum(target - own, 0.0)
    freqs = np.fft.rfftfreq(audio.size, 1.0 / sr)
    density_db = _log_interp(np.log10(np.maximum(freqs, NOISE_LOWEST_HZ)), np.log10(np.asarray(NOISE_CENTRES_HZ)[given]),
                             10 * np.log10(target[given] / np.diff(NOISE_BANDS_HZ)[given]))
    shape = np.sqrt(10 ** ((density_db - density_db.max()) / 10))
    rng = np.random.default_rng(seed)
    out = audio.copy()
    for b, (lo, hi) in enumerate(zip(NOISE_BANDS_HZ[:-1], NOISE_BANDS_HZ[1:])):
        spectrum = np.fft.rfft(rng.normal(size=audio.size)) * shape
        spectrum[(freqs <= lo) | (freqs > hi)] = 0
        part = np.fft.irfft(spectrum, audio.size)
        measured = band_powers(part, sr)[:, b].mean()
        if lacking[b] > 0 and measured > 0:
            out += part * np.sqrt(lacking[b] / measured)
    return out.astype(np.float32)


def gain_controlled(audio, attack_ms=AGC_ATTACK_MS, release_ms=AGC_RELEASE_MS, max_gain_db=AGC_MAX_GAIN_DB):
    """A recording at SPEECH_RATE through an automatic gain control: a peak follower over 1 ms blocks
    (rising with `attack_ms`, falling with `release_ms`), and a gain that brings it to the loudest
    block's level, at most `max_gain_db` (so the pauses' noise rises after each word); the result
    scaled back to the recording's own peak."""
    sr = representations.SPEECH_RATE
    audio = np.asarray(audio, dtype=np.float64)
    step = sr // 1000
    blocks = np.abs(np.pad(audio, (0, -audio.size % step))).reshape(-1, step).max(axis=1)
    attack, release = (np.exp(-1.0 / ms) for ms in (attack_ms, release_ms))  # per 1 ms block
    envelope, level = np.empty_like(blocks), 0.0
    for i, v in enumerate(blocks):
        c = attack if v > level else release
        level = c * level + (1 - c) * v
        envelope[i] = level
    if envelope.max() <= 0:
        return audio.astype(np.float32)
    gain = np.minimum(envelope.max() / np.maximum(envelope, 1e-12), 10 ** (max_gain_db / 20))
    out = audio * np.repeat(gain, step)[: audio.size]
    return (out * np.abs(audio).max() / np.abs(out).max()).astype(np.float32)  # the recording's own peak (a codec clips at 1)


def _log_interp(x, centres, values):
    """Piecewise-linear through (centres, values), continued beyond the end centres with the slope
    of the nearest two (pink noise keeps rising below the lowest band's centre), flat for one."""
    inside = np.interp(x, centres, values)
    if centres.size < 2:
        return inside
    low = values[0] + (x - centres[0]) * (values[1] - values[0]) / (centres[1] - centres[0])
    high = values[-1] + (x - centres[-1]) * (values[-1] - values[-2]) / (centres[-1] - centres[-2])
    return np.where(x < centres[0], low, np.where(x > centres[-1], high, inside))


def _resample(audio, sr, rate):
    import soxr

    return soxr.resample(np.asarray(audio, dtype=np.float32), sr, rate).astype(np.float32)


_floored = (None, None, None)  # (profile, noise floor, its recordings) last made by noise_floored_reference


def noise_floored_reference(profile, noise):
    """[(file id, audio)] of the reference recordings brought up to noise floor `noise` (with_noise_floor, seeded by
    file id): the room's noise reaches the microphone before any gain control, recorder or codec. The last floor's
    are kept, as a noise channel's calibration is followed by its gain-controlled twin (channel_detectors) on the same
    noisy recordings (their making is about a quarter of each calibration's time). The cache is one tuple, replaced
    whole, so that a verdict in another thread never reads another floor's recordings."""
    global _floored
    found = _floored
    if found[0] is not profile or found[1] != noise:
        found = (profile, noise, [(g, with_noise_floor(audio, noise, seed=g)) for g, audio in reference_audio(profile)])
        _floored = found
    return found[2]


def channelled_reference(profile, key, agc=False):
    """(samples, file ids, calibration-file mask per sample, the channelled recordings (Recordings:
    what the detectors derive from each, derived once) or None for images) of reference files through
    the channel, or None when the profile keeps no files that can be passed through it; `agc`: after the
    noise, an automatic gain control."""
    if key[0] in ("JPEG", "WebP lossy", "resized", "enlarged"):
        x = image_through(profile["cal_x"], key)
        groups = np.asarray(profile["cal_x_group"])
        return x, groups, np.ones(groups.size, dtype=bool), None
    if "ref_audio" not in profile:
        return None
    maps, groups, is_cal, recordings = [], [], [], []
    n_fit_files = int(profile["n_fit_files"])
    noise, level = key[4], quiet_level(key)
    recorders = at_level(level) if level is not None else RECORDERS if key[1] else RECORDERS[:1]
    for g, audio in noise_floored_reference(profile, noise) if noise else reference_audio(profile):
        if agc:  # a phone's gain control acts on what its microphone hears, the room's noise included
            audio = gain_controlled(audio)
        versions = [(k, recorder, twin) for k, (_, recorder) in enumerate(recorders)
                    for twin in CODEC_TWINS.get(key[1], (key[1],))]
        for k, recorder, twin in versions:
            channelled = audio_through(recorder(audio), key[:1] + (twin,) + key[2:])
            if k == 0 and twin == key[1]:  # noise-floor: as made (a recorder's silence is its own trait), or at a quiet file's level
                recordings.append(channelled)
                if key[1] in LOWEST_BITRATE_SUBTYPES and not mp3_bitrate(key):  # the bitrate unknown: both ends
                    recordings.append(audio_through(audio, key, LOWEST_BITRATE))
            patches = representations.mel_patches(channelled, representations.SPEECH_RATE)
            maps.append(patches)
            groups.append(np.full(patches.shape[0], len(maps) - 1))  # a recording's versions side by side
            is_cal.append(np.full(patches.shape[0], g >= n_fit_files))
    groups = np.concatenate(groups)
    x = np.concatenate(maps)
    if "level_version" in profile:
        x = representations.normalise_level(x, renumber(groups))
    return x, groups, np.concatenate(is_cal), Recordings(recordings)


def resampled_through(profile, key, groups, n_files):
    """The profile's held-out figures resampled (engine/detectors/resampling.py) and then passed through
    the image channel `key`, as a Batch (copy kind j of file g is file j n + g), for a case whose image
    detectors are calibrated on resampled copies too (a real digit rotated, then saved as JPEG: 10 of
    500 labelled generated against the channel's files alone, docs/verdicts.md, "Images, second pass"); else None."""
    from engine.detectors import suite

    if key[0] not in ("JPEG", "WebP lossy", "enlarged") or np.ndim(profile.get("cal_stroke_ramp", ())) != 2:
        return None
    copies, kinds = resampling.resampled_copies(profile["cal_x"], int(profile.get("levels", 0)))
    copies = image_through(copies, key)
    return suite.Batch(copies, kinds * n_files + np.tile(groups, len(resampling.RESAMPLINGS)))


# --- the detectors of a channel -----------------------------------------------------


class StandAside:
    """A detector whose trait the channel destroys: scored and shown, weight 0 for the file."""

    def __init__(self, detector, why):
        self.detector, self.why = detector, why
        self.name, self.tail, self.method = detector.name, detector.tail, detector.method
        self.learned = getattr(detector, "learned", False)

    def informative(self, samples):
        return False

    def scores(self, batch):
        return self.detector.scores(batch)

    def reason(self, batch, g, score, p):
        return f"{self.detector.reason(batch, g, score, p)} [stands aside, weight 0: {self.why}]"


class NoiseUnion:
    """Under added noise: a detector's largest tail probability against each of its calibrations
    (`parts`: (the reference it was fitted on, in words; the detector) pairs: the reference without
    the noise, brought up to the file's floor, and that through an automatic gain control), so that
    the noise branch can only lower a real file's alarm (docs/verdicts.md, "Added noise": babble,
    non-stationary, matched with stationary noise had turned an unseen speaker's real takes
    "generated" 23 times in 400 where the clean calibration gave 0). Its score is -log10 of that
    probability (calibration.log_p_model); its calibration files are those of the second part."""

    def __init__(self, parts, when="under added noise"):
        self.parts_ = parts
        matched = parts[1][1]
        self.name, self.learned = matched.name, getattr(matched, "learned", False)
        self.calibration = getattr(matched, "calibration", "")
        self.method = (f"{matched.method}; {when} the largest of its tail probabilities against the "
                       f"reference {', '.join(words for words, _ in parts)} (score: -log10 of it)")
        floor = max(calibration.tail_floor(d.tail) for _, d in parts)
        self.tail = calibration.log_p_model(calibration.tail_probability(matched.tail, matched.tail["sorted"]), floor)
        if hasattr(matched, "attribute"):
            self.attribute = matched.attribute
        self._seen = None  # (batch, scores per part) of the last batch scored, for the reasons

    def informative(self, samples):
        return all(getattr(d, "informative", lambda _: True)(samples) for _, d in self.parts_)

    def parts(self, batch):
        """(scores, tail probabilities) per part, of a batch's files."""
        if self._seen is None or self._seen[0] is not batch:
            self._seen = (batch, [d.scores(batch) for _, d in self.parts_])
        return [(s, calibration.tail_probability(d.tail, s)) for s, (_, d) in zip(self._seen[1], self.parts_)]

    def scores(self, batch):
        return -np.log10(np.max([p for _, p in self.parts(batch)], axis=0))

    def reason(self, batch, g, score, p):
        found = [(float(s[g]), float(q[g])) for s, q in self.parts(batch)]
        k = int(np.argmax([q for _, q in found]))
        matched = self.parts_[1][1].reason(batch, g, found[1][0], found[1][1])
        each = ", ".join(f"{q:.2g} against the reference {words}" for (_, q), (words, _) in zip(found, self.parts_))
        return f"{matched} [tail probability {p:.2g}, the largest of {each}: the reference {self.parts_[k][0]} applied]"


def channel_logistic(batch, key, gan_runs, profile):
    """The arrays of the pooled logistic regression (engine/detectors/logistic.py) refitted on channelled reference
    samples (`batch`) against the generator runs' samples (GANs and zoo families) through the same image channel;
    cross-fitted calibration."""
    from engine.detectors.learned import generator_samples, texture_version

    fakes = generator_samples(gan_runs, batch.x.shape[0])
    fakes = image_through(fakes, key)
    version = texture_version(profile)
    fake_inputs = statistical.logistic_inputs(statistical.feature_matrix(fakes)[0],
                                              statistical.texture_features(fakes, version))
    reference = statistical.logistic_inputs(batch.features, batch.texture(version))
    groups = batch.groups
    model = statistical.fit_logistic(reference, fake_inputs)
    model["cal"] = cross_fitted(groups, batch.n_files, lambda train, held: calibration.group_mean(
        statistical.logistic_logits(statistical.fit_logistic(reference[train], fake_inputs), reference[held]),
        renumber(groups[held])))
    model["texture"] = np.array(version)
    return model


def channel_detectors(detectors, profile, key, gan_runs=(), for_channel=None, agc=False, store=None):
    """The case's detectors for files that came through channel `key` (module docstring),
    in the same order, and a note on the channel for the reasons; `gan_runs`: the case's
    GAN runs, whose samples refit the logistic regression under an image channel;
    `for_channel`: the batch's cache of (detectors, note) per key, for a noise channel's
    counterpart without the noise (built once per batch, not once per noise level); `agc`: the
    noise-matched reference passed through an automatic gain control (gain_controlled) as well;
    `store`: the case's stored channel calibrations (engine/detectors/channel_store.py), from which
    the calibration is read or to which it is added once computed (None: computed, not kept)."""
    if far_field.is_marked(key):
        return far_field_detectors(detectors, profile, key, gan_runs, for_channel, store)
    if key[0] == time_scale.KEY:  # as written, on the quarter grid too (key[2:]): that channel's detectors
        written = quarter_grid.detectors(detectors, profile)[0] if key[2:] else None
        return time_scale.union(detectors, key[1], written)
    if key[0] == quarter_grid.KEY:
        return quarter_grid.detectors(detectors, profile)
    if key[0] == "enlarged" and key[2] is None:  # no filter read: each common one's round trip, the largest p
        return enlarged_union(detectors, profile, key, gan_runs, for_channel)
    compute = functools.partial(channel_calibration, detectors, profile, key, gan_runs, agc)
    data = compute() if store is None else store.calibration(key, agc, compute)
    if data is None:
        return detectors, (f"channel {describe(key)}: this case keeps no reference recordings to pass through it "
                           f"(made before channel calibration; `case new` again to get it), so the detectors are "
                           f"calibrated on the clean reference")
    out = channel_set(detectors, profile, key, gan_runs, data)
    if key[0] == "audio" and key[4] and not agc:
        levelled = channel_detectors(detectors, profile, key, gan_runs, for_channel, agc=True, store=store)[0]
        out = noise_union(detectors, profile, key, gan_runs, out, levelled, for_channel)
    if resized_before(key):
        out = resized_jpeg_union(detectors, profile, key, gan_runs, out, for_channel)
    if key[0] == "enlarged" and len(key) == 3:  # a filter read: the reduction gives a real file back nearly as it was
        out = enlarged_read_union(detectors, out)
    lost = TRAITS_LOST[key[0]] + (f"; {TRAITS_LOST['noise']}" if key[0] == "audio" and key[4] else "") + (
        f"; {TRAITS_LOST['resized then JPEG']}" if resized_before(key) else "")
    note = (f"channel {describe(key)}: the reference was passed through the same channel and the detectors "
            f"recalibrated on {int(data['n_files'])} such files; {lost}")
    return out, note


def far_field_detectors(detectors, profile, key, gan_runs=(), for_channel=None, store=None):
    """The detectors of a far-field recording (engine/detectors/far_field.py): those of its channel without that
    reading, the mel-map detectors (far_field.DETECTORS) standing aside; and the note."""
    inner = far_field.unmarked(key)
    if for_channel is None:
        def for_channel(k):
            return (detectors, None) if k is None else channel_detectors(detectors, profile, k, gan_runs, store=store)
    out, note = for_channel(inner)
    why = far_field.reason(key)
    out = [StandAside(d, why) if d.name in far_field.DETECTORS and not isinstance(d, StandAside) else d for d in out]
    aside = " and ".join(far_field.DETECTORS)
    return out, "; ".join(part for part in (note, f"far-field speech: {aside} stand aside") if part)


def voice_aside(key):
    """Band-limited speech: synthetic-voice stands aside (and is not recalibrated)."""
    return key[0] == "audio" and bool(key[3])


def recalibrated_tail(detector):
    """Whether a detector keeps its model under a channel and has its tail refitted on the channelled held-out
    files: the learned ones (CNN, inverse model) other than the pooled logistic regression."""
    return getattr(detector, "learned", False) and not hasattr(detector, "generators")


def channel_calibration(detectors, profile, key, gan_runs=(), agc=False):
    """What a channel's detectors are rebuilt from (channel_set), as plain arrays a case can keep
    (engine/detectors/channel_store.py), or None when the profile keeps no files that pass through it:
    "n_files"; "profile:NAME": the profile's arrays refitted on the channelled reference; "tail:K": the
    channelled held-out files' scores of detectors[K] where recalibrated_tail; "logistic:NAME": the pooled
    logistic regression refitted under an image channel (channel_logistic). This is the costly part."""
    from engine.detectors import suite

    found = channelled_reference(profile, key, agc)
    if found is None:
        return None
    x, groups, is_cal, recordings = found
    batch = suite.Batch(x, renumber(groups))
    file_groups, n_files = batch.groups, batch.n_files
    refit = {}
    features = batch.features
    copies = resampled_through(profile, key, file_groups, n_files)
    if key[0] == "enlarged" or key[0] == "resized" and len(key) > 2:  # saturated pixels survive in bold strokes only
        from engine.detectors.outlier import FeatureOutlier

        refit.update(FeatureOutlier.fit_ranked(features, file_groups, n_files, cross_fitted))
    elif copies is not None:  # calibrated apart on the channelled resampled copies too
        from engine.detectors.outlier import FeatureOutlier

        refit.update(FeatureOutlier.fit_with_resampled(batch, file_groups, n_files, cross_fitted, copies))
    else:
        outlier = statistical.fit_outlier(features)
        refit.update({f"outlier_{k}": v for k, v in outlier.items()})
        refit["cal_outlier"] = cross_fitted(file_groups, n_files, lambda train, held: calibration.group_mean(
            statistical.outlier_scores(statistical.fit_outlier(features[train]), features[held]),
            renumber(file_groups[held])))
    if "cal_checkerboard" in profile:
        from engine.detectors.checkerboard import checkerboard_scores

        version = int(profile.get("checkerboard_version", 1))
        refit["cal_checkerboard"] = batch.file_mean(checkerboard_scores(x, version))
    if "cal_near_zero" in profile:
        refit["cal_near_zero"] = batch.file_mean(features[:, statistical.NEAR_ZERO])

    def rows(score):  # the channelled files' scores, and apart their resampled copies' where the case has them
        clean = batch.file_mean(score(x))
        return clean if copies is None else resampling.calibration_rows(clean, copies.file_mean(score(copies.x)))

    if "cal_faint_background" in profile:
        from engine.detectors.faint_background import faint_background

        refit["cal_faint_background"] = rows(faint_background)
    if "cal_edge_width" in profile:
        from engine.detectors.edge_width import edge_width

        refit["cal_edge_width"] = batch.file_mean(edge_width(x))
    if "cal_stroke_ramp" in profile:
        from engine.detectors.stroke_ramp import stroke_ramp

        refit["cal_stroke_ramp"] = rows(stroke_ramp)
    if "cal_placement" in profile:
        from engine.detectors.placement import placement_scores

        refit["cal_placement"] = rows(lambda x: placement_scores(x, profile["placement_reference"]))
    if "cal_noise_floor" in profile:
        from engine.detectors.noise_floor import NoiseFloor

        refit.update(NoiseFloor.calibrate(recordings))
    if "cal_cycle_jitter" in profile:
        from engine.detectors.cycle_jitter import CycleJitter

        refit.update(CycleJitter.calibrate(recordings))
    if "cal_mel_inversion" in profile:
        from engine.detectors.mel_inversion import MelInversion

        refit.update(MelInversion.calibrate(recordings))
    if "cal_pulse_grid" in profile:
        from engine.detectors.pulse_grid import PulseGrid

        refit.update(PulseGrid.calibrate(recordings))
    if "cal_lpc_lattice" in profile and key[0] == "audio" and key[2] and not key[1]:  # upsampled: read at 8 kHz
        from engine.detectors.lpc_lattice import LpcLattice

        refit.update(LpcLattice.calibrate(recordings))
    if "cal_synthetic_voice" in profile and not voice_aside(key):
        from engine.detectors.synthetic_voice import SyntheticVoice

        refit.update(SyntheticVoice.calibrate(recordings))
    out = {"n_files": np.array(n_files), **{f"profile:{name}": value for name, value in refit.items()}}
    cal_batch = suite.Batch(x[is_cal], renumber(groups[is_cal]))
    out.update({f"tail:{k}": d.scores(cal_batch) for k, d in enumerate(detectors) if recalibrated_tail(d)})
    if key[0] != "audio" and gan_runs and any(hasattr(d, "generators") for d in detectors):
        out.update({f"logistic:{name}": v for name, v in channel_logistic(batch, key, gan_runs, profile).items()})
    return out


def channel_set(detectors, profile, key, gan_runs, data):
    """The detectors of channel `key` rebuilt from its calibration `data` (channel_calibration): the profile's
    detectors refitted, learned ones with their tails refitted, those whose trait the channel destroys standing aside."""
    from engine.detectors import suite
    from engine.detectors.logistic import LogisticFeatures

    def part(prefix):
        return {name[len(prefix):]: value for name, value in data.items() if name.startswith(prefix)}

    refitted = {d.name: d for d in suite.profile_detectors({**profile, **part("profile:")})}
    out = []
    for k, detector in enumerate(detectors):
        if key[0] == "audio" and detector.name in TELEPHONE_LOST.get(key[1], ()):
            out.append(StandAside(refitted.get(detector.name, detector), f"its trait does not survive {describe(key)}: "
                                  f"no alarm on 40 synthesised digits through it (CHANNEL_LIMITS)"))
        elif getattr(detector, "lossy_erases", False):  # its trait is what the lossy step destroys
            out.append(StandAside(detector, f"{describe(key)} fills the value gaps it reads, in real and generated "
                                            f"files alike"))
        elif detector.name == "cycle-jitter" and key[0] == "audio" and key[1] in JITTER_LOST:
            out.append(StandAside(refitted[detector.name], f"{describe(key)} re-synthesises each pitch period, which "
                                                           f"hides a constant one"))
        elif detector.name == "pulse-grid" and key[0] == "audio" and key[1] in PULSE_LOST:
            out.append(StandAside(detector, f"under {describe(key)} it is not kept: " + (
                f"AMR-NB below {AMR_NB_PULSE_MIN / 1000:g} kbit/s takes a synthesiser's pulses off whole samples "
                f"(CHANNEL_LIMITS)"
                if key[1] in AMR_NB else "GSM 06.10 re-synthesises each pitch period at whole 8 kHz lags, putting a "
                "voice's pulses on the grid; under Vorbis it caught no more than its weight cost (CHANNEL_LIMITS)")))
        elif detector.name == "features" and key[0] == "audio" and key[1] in FEATURES_LOST:
            out.append(StandAside(refitted.get(detector.name, detector), f"under {describe(key)} it caught almost "
                                  f"no synthesised speech and labelled real takes of a narrow reference generated"))
        elif detector.name == "repeated-cycle" and key[0] == "audio" and key[1] in REPEAT_LOST:
            out.append(StandAside(detector, f"{describe(key)} re-synthesises the waveform, which erases a repeated "
                                            f"cycle"))
        elif detector.name == "mel-inversion" and key[0] == "audio" and (
                key[1] in INVERSION_LOST and (mp3_bitrate(key) or (0,))[0] < MP3_INVERSION_MIN or key[3]):
            out.append(StandAside(refitted.get(detector.name, detector), f"{describe(key)} {detector.aside_reason}"))
        elif detector.name == "noise-floor" and key[0] == "audio" and key[4]:
            out.append(StandAside(refitted.get(detector.name, detector), NOISE_FILLS_SILENCE))
        elif detector.name == "noise-floor" and key[0] == "audio" and key[1] in FLOOR_LOST:
            out.append(StandAside(refitted.get(detector.name, detector), EIGHT_BITS_FLOOR))
        elif detector.name == "synthetic-voice" and voice_aside(key):
            out.append(StandAside(refitted.get(detector.name, detector), BAND_LIMIT_MOVES_VOICE))
        elif detector.name in refitted and detector.name != "grid":
            out.append(refitted[detector.name])
        elif hasattr(detector, "generators") and key[0] != "audio" and gan_runs:
            out.append(LogisticFeatures(part("logistic:"), [run["name"] for run in gan_runs]))
        elif hasattr(detector, "generators"):  # the pooled logistic regression
            out.append(StandAside(detector, f"fitted on clean reference files against the generators' mel maps, "
                                            f"to which {describe(key)} cannot be applied"))
        elif recalibrated_tail(detector):
            recalibrated = copy.copy(detector)
            recalibrated.tail = calibration.tail_model(data[f"tail:{k}"])
            out.append(recalibrated)
        else:
            out.append(detector)
    return out


def enlarged_union(detectors, profile, key, gan_runs, for_channel=None):
    """The detectors for a file enlarged to key[1] with a filter not read (reduced with the box filter), each joined
    by NoiseUnion over the reference enlarged with each of picture_size.COMMON_KERNELS and reduced so, and the note."""
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs))
    parts = [(kernel, for_channel(key[:2] + (kernel, None))) for kernel in picture_size.COMMON_KERNELS]
    def joined(k, first):
        each = [p[0][k] for _, p in parts]
        if any(isinstance(d, StandAside) for d in each) or all(d is first for d in each):
            return first
        return NoiseUnion([(f"enlarged with {kernel}", d) for (kernel, _), d in zip(parts, each)],
                          when="for an enlargement with a filter not read,")

    out = [joined(k, d) for k, d in enumerate(parts[0][1][0])]
    note = (f"channel {describe(key)}: the reference was passed through each round trip and the detectors "
            f"recalibrated on {profile['cal_x'].shape[0]} such files per filter; {TRAITS_LOST['enlarged']}")
    return out, note


def enlarged_read_union(detectors, enlarged):
    """The detectors `enlarged` of an enlargement whose filter was read, each that speaks joined by NoiseUnion with the
    case's own: the reduction gives a real digit back to within rounding (bilinear: 1-2 % of the pixels one or two
    levels off; nearest exactly), so the clean calibration, fitted on the whole fitting part, applies nearly as it is,
    while the channel's is refitted on the held-out files alone (features' model on 400 in a 2,000-digit case: 3 of
    150 tuning real digits labelled generated by it through every filter, none against the clean one)."""
    return [d if isinstance(d, StandAside) or isinstance(c, StandAside) or c is d else NoiseUnion(
        [("as it is", c), ("enlarged and reduced as the file was", d)], when="for an enlargement read from the pixels,")
        for c, d in zip(detectors, enlarged)]


def resized_jpeg_union(detectors, profile, key, gan_runs, resized, for_channel=None):
    """The detectors `resized` of a JPEG read as resized before (`key`), each that speaks joined by NoiseUnion with
    its counterpart for the JPEG alone: an intersection-union, generated only where both histories' calibrations say
    so, which keeps the level for a real file of either history (issue #18: real digits through bilinear 20 then
    JPEG 90 were labelled generated 170 of 300 against the JPEG alone); `for_channel`: as channel_detectors."""
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs))
    alone = for_channel(jpeg_alone(key))[0]
    filters, side = resized_before(key)
    words = f"resized with {' or '.join(filters)} through {side} x {side} and back, then through the JPEG"
    return [d if isinstance(d, StandAside) or isinstance(c, StandAside) or c is d else NoiseUnion(
        [("through the JPEG alone", c), (words, d)], when="for a JPEG read as resized before it,")
        for c, d in zip(alone, resized)]


def noise_union(detectors, profile, key, gan_runs, noisy, levelled, for_channel=None):
    """The detectors `noisy` of a noise channel `key`, each that speaks joined by NoiseUnion with its
    counterpart for the same channel without the noise (the case's own detectors for a noisy file
    that came through nothing else) and with the noise and an automatic gain control (`levelled`);
    `for_channel`: as channel_detectors."""
    quiet = key[:4] + (None,) + key[5:]
    for_channel = for_channel or (lambda k: channel_detectors(detectors, profile, k, gan_runs))
    clean = for_channel(quiet)[0] if any(quiet[1:4]) else detectors
    return [d if isinstance(d, StandAside) or isinstance(c, StandAside) or c is d else NoiseUnion(
        [("without the noise", c), ("brought up to the file's noise floor", d),
         ("brought up to it and through an automatic gain control", e)]) for c, d, e in zip(clean, noisy, levelled)]
