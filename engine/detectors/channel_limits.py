"""What each channel costs the detectors, in the words a verdict, the report's limitations and `case validate`
say: measured on profile-only cases (docs/verdicts.md, "Channels" and "Limits"). Text only; the channel readers
are in engine/detectors/channel_keys.py, the stand-aside tables in channel_losses.py and the channelled calibrations in
channels.py."""

# What the channel costs, as measured (docs/verdicts.md, "With the case's GANs and CNN registered"): said in every such verdict.
TRAITS_LOST = {
    "JPEG": ("JPEG's quantisation erases most of the faint values off the background and the one-pixel texture "
             "that mark a generator's output (unregistered generators' digits: 3-99% caught at quality 50, "
             "18-100% at 75, 25-100% at 90, 57-100% as PNG), so a 'real' label here is weaker evidence"),
    "WebP lossy": ("lossy WebP erases the faint values and one-pixel texture that mark a generator's output "
                   "(unregistered generators' digits: 18-100% caught, three DCGANs 18-53%, 57-100% as PNG; a VAE's "
                   "through quality 30 67%, judged at the file's estimated quality), so a 'real' label here is weak "
                   "evidence"),
    "resized": ("a resize with Lanczos is read only where the faint values stay in a band around the strokes and "
                "the background beyond is empty; a generator whose output has that shape is judged as a resized "
                "real digit, against which its faint values are no evidence (a DCGAN trained 2,000 steps, resized so: "
                "246-247 of 300 caught; short-trained DCGANs' digits are not read so: their haze reaches the "
                "background); a resize with nearest, box, bilinear or Hamming is read from any picture that is a fixed "
                "point of it, a generator's too, and judged against the reference resized so, which smooths away part "
                "of a generator's traits (short-trained DCGANs 261-300 of 300 caught, a VAE 213-299 of 300, 293-300 "
                "before the resize was read; docs/studies.md seventeenth and eighteenth passes); an enlargement "
                "whose figure fills its frame, with those filters, bicubic or Lanczos, is judged also against the "
                "reference framed as a small collection frames its figures, so a generator's digits cleaned and so "
                "framed pass (DCGANs' framed at 16 x 16: 97 -> 3 of 100 caught with bilinear, 154 -> 11 and 199 -> 12 "
                "of 200 with bicubic and Lanczos; docs/studies.md, 'Enlarged with a ringing filter')"),
    "noisy picture": ("noise is read from any lossless grey picture whose far background holds faint values pixel "
                      "by pixel, and the file is judged against the reference with that noise added, which masks "
                      "the faint values and one-pixel texture that mark a generator's output: a long-trained DCGAN's "
                      "digits with noise of 3 levels 145 of 300 caught (178 without noise); no generator's own "
                      "output of 6,100 digits was read so (docs/studies.md, 'Noise read from a picture's empty "
                      "background', forty-third pass)"),
    "OpenCV round trip": ("OpenCV's enlargement through a larger side and reduction back (linear or cubic) is read "
                          "from any lossless grey picture that is a fixed point of it at one larger side and not at "
                          "the neighbouring ones, a generator's too, and each detector keeps the larger of its tail "
                          "probabilities against the reference as it is and round-tripped so: a conv VAE's digits so "
                          "prepared 199 -> 176 of 200 caught through linear 56 and back, 191 -> 181 through cubic 64 "
                          "(docs/studies.md, 'OpenCV's nearest enlargement and its round trips through a larger "
                          "side read from the pixels', fifty-sixth pass)"),
    "equalised": ("histogram equalisation is read from any lossless grey picture of 8 or more levels that is nearly "
                  "a fixed point of OpenCV's or Pillow's equaliser, and each detector keeps the larger of its tail "
                  "probabilities against the reference as it is and equalised so, which spreads a figure's ramps "
                  "into the gaps a generator's clean-up leaves; no file of 22,400 long-trained GANs' and VQ-VAEs' "
                  "digits, as written or cleaned, was read so (docs/studies.md, "
                  "'Everyday edits of real digits', forty-fifth pass)"),
    "resampled in frame": ("a figure whose edges are soft as a resample's, a generator's too, is judged against the "
                           "reference rotated, rescaled and shifted with bilinear as well, so its box and its centring "
                           "alone no longer label it generated (long-trained GANs' digits: 0-2 % read so, none lost; "
                           "a DDPM's 15 %, none lost as PNG, 4 of 300 through JPEG 85; docs/studies.md, "
                           "'Real digits resampled within their frame', fifty-first pass)"),
    "oriented": ("a figure that lies nearer the reference's figures mirrored or turned back a quarter than as it is, "
                 "a generator's too, is judged as it is and put back each way read, so a generator's figure read so "
                 "keeps only what it shows every way (long-trained GANs' digits: 22-31 % read so, 1-2 points fewer "
                 "caught, untouched DCGAN 182 -> 176 of 300; docs/studies.md, "
                 "'Everyday edits of real digits', forty-fifth pass)"),
    "toned": ("a straight tone line is read from any lossless grey picture whose background (one exact level away "
              "from the strokes) or stroke plateau lies off the reference's, a generator's too, and undone, so an "
              "edit that moved a generator's levels no longer helps to catch it (a long-trained DCGAN's digits "
              "darkened x0.85: 267 -> 219 of 300 caught, contrast 0.8: 300 -> 206; 178 as written); unedited "
              "generator output is read once in 4,900 digits (docs/studies.md, 'A tone curve read from a picture', "
              "forty-third pass)"),
    "toned before": ("a tone line is read through a JPEG or a lossy WebP from any grey picture whose background, or "
                     "the few levels its upper values crowd into, lies off the reference's, a generator's too, and "
                     "each detector keeps the larger of its tail probabilities against the reference through the codec "
                     "alone and through the line then the codec, so an edit no longer helps to catch a generator (a "
                     "long-trained DCGAN's digits darkened x0.85 then JPEG 85: 249 -> 123 of 300 caught; unedited "
                     "through JPEG 90: 131; docs/studies.md, 'A tone line read through a JPEG', forty-fourth pass); a "
                     "diffusion model's faint haze that decodes nearly flat is read as a lifted background (DDPMs' "
                     "digits through JPEG 85: 305 of 700 read so, 43-65 % of them caught, 70 % of the sets; "
                     "docs/studies.md, 'A diffusion model's haze told from a lifted background through a JPEG', "
                     "fifty-first pass)"),
    "noisy before": ("noise is read through a JPEG from any grey picture whose blocks with no stroke hold faint "
                     "values, a generator's haze too, and each detector keeps the larger of its tail probabilities "
                     "against the reference through the JPEG alone and with that noise added then the JPEG (a "
                     "long-trained DCGAN's digits with noise of 3 levels then JPEG 90: 300 -> 127 of 300 caught; a "
                     "tanh DCGAN's haze through JPEG 90 is read in 24 of 300; docs/studies.md, "
                     "'A tone line read through a JPEG', forty-fourth pass)"),
    "box framed": ("a figure centred by its box and spanning 22-26 of 28 pixels is judged also against the reference "
                   "prepared as EMNIST's digits, so figures drawn so pass where MNIST's placement alone would catch "
                   "them (rule-based digits typeset at 30-37 px, centred by their box: 50 -> 19 of 90 caught; a "
                   "DCGAN's 200: 11 read, 200 caught as before; docs/studies.md, 'EMNIST's preparation', thirty-fourth "
                   "pass)"),
    "enlarged": ("an enlargement is undone before judging (the file reduced to the reference's size, the reference "
                 "enlarged and reduced the same way), so what a generator left at the enlarged size's finest scale is "
                 "averaged away; measured in docs/studies.md, 'Pictures of another size' (twenty-third pass)"),
    "resized before": ("a resize before the JPEG is read approximately from the pixels, a generator's too, and each "
                       "detector keeps the larger of its tail probabilities against the reference through the JPEG "
                       "alone and through the resize then the JPEG, so a generator's digits so read are caught less "
                       "often (DCGANs' digits resized then JPEG: 84-225 of 300 caught, a VAE's 49-101; "
                       "docs/studies.md, 'A resize then JPEG', seventeenth pass)"),
    "framed before": ("a JPEG or lossy WebP whose figure fills its frame (an enlargement read approximately through a "
                      "JPEG, or no resize read) is judged also against the reference framed as a small collection "
                      "frames its figures, enlarged, then through the codec, so a generator's digits so framed and "
                      "saved so pass as they do as PNG (a DCGAN's cleaned digits framed at 16: 76 -> 0 of 100 caught "
                      "with bilinear, 56 -> 10 of 200 with bicubic; docs/studies.md, 'A small collection's enlarged "
                      "digits through JPEG', thirty-fifth pass; a conv VAE's digits through WebP whose haze reaches "
                      "the frame: 190 -> 175 of 200 at quality 50, forty-first pass)"),
    "audio": ("the logistic regression stands aside; a codec's quantisation noise and band limits blur the "
              "checkerboard and texture (Griffin-Lim speech from an unregistered GAN: 78-82% caught through "
              "mu-law, A-law, Vorbis or resampling, 62-65% band-limited, 66% through libsndfile's MP3, 38% GSM "
              "06.10); synthesisers' digits as MP3 files at 44.1 or 48 kHz, the reference through LAME at the file's "
              "bitrate, 35-38 of 40 caught at 128-192 kbit/s (untouched voices 36-37), 29-34 at 64 kbit/s, VBR or "
              "libshine on two channels, 9 at 16 kHz 32 kbit/s; as AAC at 44.1 kHz 31, 29 and 17 of 40 at 128, 64 "
              "and 32 kbit/s; the "
              "noise-floor trait of espeak-ng's speech survives MP3, Vorbis and resampling and weakens under GSM; "
              "through G.711 a floor is read no deeper than the codec's first decision level, so a synthesiser's "
              "silence is not read through A-law, nor through mu-law beneath loud frames below -8 dB of full "
              "scale (30 synthesised sentences caught through mu-law 14 -> 11, through A-law 14 -> 13; thirty-sixth "
              "pass); added noise erases it; "
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
         "aside; real far-field laptop recordings 7 of 26 labelled generated before, 0 after; white noise at 10 dB "
         "below outside speech's mean power is read so (tuning 47 of 47: 3 labelled generated by features before, 0 "
         "after; 21 of the 47 lie under the added-noise gate, which the reference's noisiest recordings set at -21 "
         "to -24 dB above 500 Hz, and one read as noisy kept p < 3e-8 against the reference brought up to its floor; "
         "untouched 0 of 46), and synthesisers' digits and a GAN's Griffin-Lim speech through it are lost: 0 "
         "of 54 caught (51 as made; the noise fills their silence and masks the mel map)"),
        ("a low rumble (the floor below 500 Hz above the reference recordings' median there and 10 dB or more above "
         "the floor at 500-1000 Hz)",
         "features stands aside (engine/detectors/low_rumble.py) and synthetic-voice judges the recording "
         "high-passed: a synthesiser's speech with a rumble added is judged without the mel map's histogram and "
         "centroid (an outside recorder's rumbling command words 4 of 60 labelled generated by features before, 0 "
         "after)"),
        ("noise added at 20-40 dB SNR (mostly within the reference's floors)",
         "noise-floor: the synthesiser's silence is filled (espeak-ng: 0 of 50 caught, 50 of 50 clean); "
         "repeated-cycle: a diphone voice's duplicated frames lie in its pauses, 50 dB under its loudest cycle, "
         "beneath such noise (festival kal_diphone with white noise at 30 and 40 dB: 0 of 40 caught, 40 of 40 "
         "clean; espeak-ng 26 and 34 of 40, by synthetic-voice)"),
        ("an editor's noise reduction, written 16-bit at the file's rate (FFmpeg afftdn at nf -40 or its default; "
         "sox noisered with a profile from the file's first 0.1 s)",
         "each synthesiser keeps or loses its one trait (20 digits each, caught at afftdn -40 / afftdn / noisered; "
         "forty-first pass): lpc-lattice (flite `kal`'s fixed-point lattice) does not survive: 3 / 0 / 1 of 20; "
         "repeated-cycle (a diphone voice's duplicated frames in its pauses) weakens then goes: festival "
         "`kal_diphone` 19 / 12 / 0, espeak-ng `en+f3` 4 (10 inconclusive) / 14 / 0; noise-floor (MBROLA's digital "
         "silence) is filled or gated: MBROLA `us1` 5 / 9 / 0; pulse-grid survives (festival's HTS voice 20 / 20 / "
         "20, flite `slt` 19 / 18 / 17) and synthetic-voice survives the FFT reducer (espeak-ng `en` 19 / 20, "
         "pico2wave 16 / 14). noisered's profile holds speech where the word starts within 0.1 s and takes the word "
         "with it (espeak-ng `en` 3, pico2wave 3 of 20). Real outside digits: 0 of 40 labelled generated through "
         "either afftdn, 1 through noisered (synthetic-voice; 0 as made)"),
        ("an editor's band filter (high-pass 100 Hz, low-pass 3400 Hz), loudnorm or acompressor, written 16-bit at "
         "the file's rate",
         "the band filter: lpc-lattice lost and synthetic-voice standing aside for a file read as band-limited, "
         "flite `kal` 1 of 20 caught; a filter's ringing into MBROLA's trailing silence reads as an editor's fade "
         "and is set aside as padding (noise-floor), MBROLA `us1` 5 of 20; pico2wave 15; espeak-ng, festival, flite "
         "`slt` 18-20. loudnorm (FFmpeg resamples from its 192 kHz) loses lpc-lattice: flite `kal` 4 of 20; the "
         "rest 18-20. acompressor keeps every trait (18-20 of 20). Real outside digits: the band filter 3 of 40 "
         "labelled generated before the forty-second pass, quiet 10 kHz takes of one source by lpc-lattice (chance "
         "fits of 5-6 of 300 windows, their residuals louder than flite's excitation); with a hit's residual RMS "
         "bounded (24), 0 of 40 (1 inconclusive); loudnorm and acompressor 0 of 40"),
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
        ("Opus whose packets carry 30 kbit/s or more, and Vorbis at quality 7 or more: mel-inversion kept",
         "the bitrate an Opus file's audio packets carry over its duration is read from its Ogg pages or WebM packets "
         "(opus_bitrate: FFmpeg's libopus CBR reads 3 % above its -b:a, VBR 0-15 % on short speech), a Vorbis file's "
         "quality from its header; from 30 kbit/s (OPUS_INVERSION_MIN) and quality 7 (VORBIS_INVERSION_MIN) "
         "mel-inversion is kept, calibrated on the reference through the codec; below them, or where the bitrate or "
         "quality is not read, it stands aside. Griffin-Lim speech (tuning, 116) caught 8 -> 114 at 32 kbit/s, 8 -> "
         "107 at 48, 9 -> 105 at 64, 1 -> 98 through Vorbis quality 7; untouched (the 1000-step GAN rendered with 64 "
         "iterations and librosa's mel_to_audio, 50 files) 7 -> 45 at 32 kbit/s, 7 -> 43 at 48, 3 -> 37 through "
         "quality 7 (9 of the GAN's 30 are not smooth even as rendered; those read band-limited stand aside). Lost: "
         "at libopus' 24 kbit/s (packets 23-30 kbit/s) about half the files keep the trait, at 12-16 none, through "
         "Vorbis quality 5-6 76-82 %: it stands aside there (5-8 of 116 caught at 24 kbit/s). Real files labelled "
         "generated: tuning 1 of 127 at 24, 32 and 48 kbit/s (the same FSDD take, by checkerboard), 0 of 127 "
         "through quality 7; untouched 0 of 80 takes and 2 of 38 Speech Commands clips at 32 kbit/s (by features "
         "and checkerboard), 0 of 80 takes and 1 of 38 clips through quality 7; mel-inversion scored 0 on every real "
         "file (docs/studies.md, thirty-second pass, 'mel-inversion through Opus and Vorbis')"),
        ("Opus 24 kbit/s mono (ffmpeg's libopus, Ogg) and Vorbis quality 2 (libvorbis at the recording's rate), on "
         "speech from outside repositories",
         "real pieces labelled generated: tuning 0 of 47 through each, untouched 2 of 46 through each (Opus: two "
         "Picovoice rhino pieces whose pauses are digital silence, by checkerboard; Vorbis: one of them, by "
         "features, and a broadcast MP3's opening labelled generated as collected too). Lost: the traits of voices "
         "built from stored waveforms or inverted from a mel map, which stand aside under both codecs: flite kal 0 "
         "and 0 of 10 caught (10 of 10 as made, by lpc-lattice and repeated-cycle), festival kal_diphone 3 and 0 of "
         "10 (10 of 10 by repeated-cycle), a GAN's Griffin-Lim speech 1 and 0 of 16 (14 by mel-inversion); Pico 9 "
         "and 2 of 12 (11), espeak-ng 14 and 12 of 16 (16), synthetic-voice deciding most. Through them a 'real' "
         "label is weak evidence (docs/studies.md, thirty-second pass)"),
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
         "1e-2.7), cycle-jitter and pulse-grid at every mode (the codec codes each pitch lag to a fraction of a "
         "sample and builds a periodic excitation where a voice was breathy, so a steady voice's period comes out "
         "repeated and its pulse intervals on one value: unseen speakers' clips through 12.2 kbit/s 5 of 100 labelled "
         "generated by them, none as recorded; thirty-sixth pass), mel-inversion (the codec roughens Griffin-Lim's "
         "band to a recording's: no alarm on Griffin-Lim speech at any mode), features (1 of 50 synthesised digits "
         "caught through it; real jackson takes labelled generated against narrower references), checkerboard (fifty-"
         "fourth pass: the codec's frames put period-2 power along time into a quiet recorder's lowest mel bands; real "
         "words recorded elsewhere through a telephone's band then AMR-NB 1 of 60 labelled generated by it, 0 aside; "
         "synthesised words caught 31 -> 41 of 121). Untouched takes "
         "judged whole: real labelled generated 0 of 40 at every mode (those read as noisy each at its noise level); "
         "synthesisers' digits caught of 50 while pulse-grid spoke from 6.7 kbit/s up: 24 at 12.2, 25 at 10.2 and "
         "7.95, 23 at 7.4, 22 at 6.7 (pulse-grid deciding most: espeak-ng en+klatt2 and MBROLA mb-us2 10 of 10 each), "
         "11 at 5.9, 3 at 5.15, 8 at 4.75 (synthetic-voice alone); without it, of 40 tuning digits 10 rather than 16 "
         "at 12.2 and 5-11 rather than 11-13 at 6.7-10.2 (twenty-first pass), of 30 synthesised sentences (espeak-ng, "
         "Pico, flite) through 12.2 kbit/s 6 rather than 19 (15 inconclusive) and of 30 espeak-ng digits 8 rather "
         "than 30 (14 labelled real; thirty-sixth pass). Lost: "
         "noise-floor's exact zeros (the codec decodes them to 0.1-2 16-bit steps, the band it reads as a "
         "suppressor's rounding), Griffin-Lim speech (0 of 30-33 judged whole caught at any mode), a diphone "
         "voice's repeats, most of flite's vocoder; a file judged real is weak evidence (docs/studies.md, "
         "twentieth, twenty-first and twenty-second passes)"),
        ("G.722 (64 kbit/s, 16 kHz), G.726 (16, 24, 32, 40 kbit/s) and G.723.1 (6.3 kbit/s) in WAV (voice over IP, "
         "cordless phones; written by ffmpeg)",
         "the reference passes FFmpeg's encoder at the file's codec and bitrate; the detectors that raised no alarm on "
         "40 tuning synthesised digits through the codec stand aside (TELEPHONE_LOST), and under G.726 at 24-40 "
         "kbit/s features too (FEATURES_LOST, fifty-seventh pass: a loud, clipped speaker's 44.1 kHz words recorded "
         "elsewhere, the codec's noise in their pauses, were labelled generated by it 9, 9 and 6 of 40 at 24, 32 and "
         "40 kbit/s; now 0, 0 and 1 by pulse-grid, 19, 2 and 0 inconclusive, where at 24 kbit/s nothing else speaks "
         "for a voice above the reference's; synthesised words caught of 160 through 24, 32 and 40 kbit/s 25 -> 37, "
         "49 -> 55, 59 -> 63). A G.726 stream decoded and saved as 16-bit PCM at 8 kHz is read from its samples, the "
         "encoder's fixed point at 16-32 kbit/s (60 of 60 real words each; 20 of 60 at 40 kbit/s, where the encoder "
         "drifts from its own decoder), and judged as the codec is: real words recorded elsewhere labelled generated "
         "of 60 untouched 2, 0, 0 -> 1, 1, 1 at 16, 24, 32 kbit/s (synthetic-voice, as through the codec's own "
         "file), of 40 tuning 7, 5, 5 -> 0; synthesised words caught of 160 through 16 kbit/s 13 -> 25, 32 kbit/s "
         "52 -> 55. Untouched takes judged whole: "
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
         "kHz against the reference resampled there and back (a 16-bit one at 16 kHz also as written, where "
         "flite kal16's words with nothing above 4.8 kHz keep their lattice), where sox's default dither hides "
         "most of kal's "
         "digits (2-3 of 13 caught at 16 and 22.05 kHz; ffmpeg's default 9-13 of 13); under added noise it keeps "
         "its clean calibration "
         "and the noise hides the lattice (white noise at 20 dB: flite kal 0 of 600 windows, real recordings 0 of "
         "1,200)"),
        # The issue's channel matrix on six voices' 2-4-word phrases (20 each; 116 of 120 caught as made) and 40
        # Speech Commands clips (0 labelled generated as made): docs/studies.md, "Synthesisers through the channel
        # matrix", fifty-seventh pass.
        ("a telephone's chain: band-pass 300-3400 Hz, 8 kHz, G.711 mu-law or A-law",
         "synthesisers' phrases caught 46 and 44 of 120: noise-floor is lost (through G.711 a floor reads no deeper "
         "than the codec's first decision level, and the band-pass rings into the pauses) and synthetic-voice is "
         "weakened, so espeak-ng `en-029+Andy` keeps only "
         "cycle-jitter (6-7 of 20), MBROLA `us1` 1 of 20, Pico `en-GB` 3-5; pulse-grid is lost for festival's HTS "
         "voice (2 and 0 of 20) and kept for flite `awb` (18 and 16 of 20); repeated-cycle keeps festival "
         "`rab_diphone`'s repeats (14 and 17 of 20). Real clips 0 and 1 of 40 labelled generated (pulse-grid). A "
         "'real' label through a telephone's chain is weak evidence"),
        ("GSM 06.10 (FFmpeg's libgsm, 8 kHz)",
         "pulse-grid is lost as well as repeated-cycle and cycle-jitter (which stand aside): synthesisers' phrases "
         "caught 6 of 120 (espeak-ng `en-029+Andy` 4 of 20 by synthetic-voice; flite `awb` and festival's HTS voice, "
         "20 of 20 each by pulse-grid as made, 0 and 1, Pico 1; festival `rab_diphone` and MBROLA `us1` 0); real clips 1 of "
         "40 labelled generated (noise-floor), 3 inconclusive. Through GSM 06.10 neither label is strong evidence"),
        ("G.726 at 16 and 32 kbit/s on short phrases and on Speech Commands clips",
         "at 16 kbit/s the codec writes exact cycles of its own in quiet stretches (1 - c about 5e-15, 58-65 dB "
         "below the loudest cycle), a real recording's as a synthesiser's, which repeated-cycle read as stored "
         "frames: real clips 4 of 40 labelled generated (3 by it, 1 by synthetic-voice), synthesisers' phrases 14 of "
         "120 caught, all by it (MBROLA `us1` 9, espeak-ng 5). It stands aside there since (REPEAT_MADE): real clips "
         "1 of 40 generated (synthetic-voice), 13 inconclusive; synthesisers' phrases 0 of 120 caught (46 "
         "inconclusive): nothing read through G.726 16 kbit/s tells a synthesiser, and a 'real' label there is no "
         "evidence. At 32 kbit/s "
         "synthesisers' phrases 11 of 120 (pulse-grid 5, synthetic-voice 5; festival `rab_diphone` and flite `awb` 0), "
         "real clips 0 of 40: a 'real' label there is weak evidence"),
        ("codec2 decoded and saved as PCM (3200, 2400, 1600, 1300 or 700C bit/s, at 8 kHz or resampled to 16 kHz; "
         "not read from the samples: judged as written)",
         "codec2 is a parametric vocoder: what it returns is a vocoder's speech, a real speaker's too, and no reading "
         "of the samples tried recognises most decoded streams (a decoded stream is no fixed point of the codec: its "
         "decoder's postfilter sharpens the envelope on every pass; re-decoded without it, a third of the clips come "
         "back nearer than any real recording through another codec, too few to matter). Real clips labelled "
         "generated 13 of 40 at 3200 bit/s, 8 at 2400, 11 at 1600, 8 at 1300, 4 at 700C (synthetic-voice most, "
         "pulse-grid, features); real words recorded elsewhere 4-7 of 39 at each mode (pulse-grid most); "
         "synthesisers' phrases caught 8 and 1 of 120 at 3200 and 1300 (every trait of the six voices re-synthesised "
         "away); four other voices' 40 phrases (33 caught as written) 5, 8, 5, 5 and 2 at 3200 to 700C, Pico's by "
         "synthetic-voice, the detector that labels real clips through codec2 generated: through codec2 neither "
         "label is evidence"),
        ("Opus at 8 and 16 kbit/s (libopus, mono)",
         "synthesisers' phrases caught 11 and 59 of 120: at 8 kbit/s only espeak-ng's digital silence (noise-floor, "
         "5 of 20) and synthetic-voice on Pico (4) remain, pulse-grid and repeated-cycle are lost (flite `awb`, "
         "festival's HTS voice and `rab_diphone` 0 of 20 each); at 16 kbit/s pulse-grid is kept for flite `awb` (17 of "
         "20) and half of HTS (10), `rab_diphone` stays 0. Real clips 1 and 0 of 40 labelled generated"),
        ("MP3 at 8 kHz (LAME, 16 and 32 kbit/s)",
         "synthesisers' phrases caught 3 and 33 of 120: at 16 kbit/s nearly every trait is lost (flite `awb` 2 of 20, "
         "Pico 1, the rest 0); at 32 kbit/s pulse-grid is kept for flite `awb` (14 of 20) and weakened for HTS and "
         "Pico (6 of 20 each caught), espeak-ng keeps cycle-jitter (5), festival `rab_diphone` and MBROLA `us1` 1 each. Real clips "
         "0 of 40 at either. A 'real' label through MP3 at 8 kHz is weak evidence"),
        ("resampled to 8 kHz and back to 16 kHz (FFmpeg)",
         "every trait survives: synthesisers' phrases caught 111 of 120 (116 as made; each voice 17-20 of 20); real "
         "clips 0 of 40 labelled generated"),
        ("white or pink noise at 20 or 30 dB SNR (below the recording's mean power)",
         "noise-floor and synthetic-voice are masked and repeated-cycle's repeats in the pauses drown: synthesisers' "
         "phrases caught 12, 28, 43 and 51 of 120 through white 20, pink 20, white 30 and pink 30 dB, by pulse-grid "
         "and cycle-jitter alone (festival's HTS voice 2, 18, 19, 20 of 20; flite `awb` 6, 8, 13, 20; espeak-ng "
         "`en-029+Andy` 2-5 by cycle-jitter; Pico 0-6; MBROLA `us1` 0-2; festival `rab_diphone` 0 each). Real clips "
         "1-2 of 40 labelled generated (features: a clip whose own floor already reads as added noise, in all four; "
         "since the fifty-eighth pass features stands aside where the noise fills the pauses, below). "
         "Through added noise a 'real' label is weak evidence"),
        ("noise in a recording's pauses (its floor above the reference recordings' median in every band above 500 Hz, "
         "below the gate of speech recorded far from the microphone: white, pink or babble noise 20-30 dB below a "
         "clip's mean power)",
         "features stands aside (engine/detectors/noisy_pauses.py): the noise fills the pauses' cells of the mel map, "
         "which the reference's trimmed takes hardly hold, and its histogram read them as a generator's texture (a "
         "Speech Commands clip 14 SD off in its [0.1, 0.2) bin). Real takes labelled generated by features through "
         "white, pink and babble noise at 10-30 dB: 7 -> 2 over the nine channels (tuning, 60 takes each; the 2 left "
         "read a floor under the median: the noise in a clip's zero padding below its own background, a drift "
         "speaker's centroid); untouched 0 -> 0 (40 takes, nine channels; one more inconclusive through white and "
         "pink 20 dB, checkerboard's weight rising). Lost: features' reading of a generator's mel map whose pauses "
         "carry such noise (it decided none of the synthesisers' phrases under that noise before; untouched phrases "
         "caught 29 -> 30 of 216); as made, 2 of 120 synthesised phrases read so (MBROLA's, whose quietest frames "
         "are speech), their labels unchanged"),
        ("FFmpeg loudnorm at its defaults (written at 192 kHz)",
         "every trait survives: synthesisers' phrases caught 117 of 120 (116 as made). pulse-grid reads a file above "
         "48 kHz at the speech rate alone: read on the grid of the file's own 192 kHz samples, an upsampled 16 kHz "
         "recording's pulses lay on it (Rayleigh z 9-11) and real clips were labelled generated 2 of 40 by it (0 now, "
         "1 more inconclusive; the synthesisers' 117 unchanged)"),
    ),
    "image": (
        ("JPEG quality 50-95, saved once or twice",
         "the faint background and one-pixel texture of a generator's output are mostly erased: unregistered "
         "generators' digits caught (profile-only case) 28-100 % at quality 95-90, 18-100 % at 75, 3-99 % at 50, "
         "against 57-100 % as PNG (a DCGAN trained 3,000 steps, forty-first pass: 114 of 200 as PNG, 75-100 through "
         "JPEG 50-95); the weakest, a short-trained DCGAN, 3-28 %; clean-up stands aside (the lossy step "
         "fills the value gaps of a thresholded, clamped or posterised figure): a cleaned conv VAE saved at quality "
         "85 caught 242 of 300 (81 %), a cleaned VAE at quality 90 259 of 300 (86 %)"),
        ("JPEG saved again losslessly (PNG, BMP, TIFF, lossless WebP): read from the pixels",
         "the quality is estimated from the top-left 256x256 and may be one or two off (real digits at 30-98 read, "
         "quality 50 as 49-51; 95-100 also as a fixed point of the encoder), so the reference is encoded at it and "
         "both neighbours: real digits through JPEG 45-95 then PNG 0-3 of 500 labelled generated, through 97-99 0-3 "
         "of 200. Not read, so judged against the clean calibration: about a third of quality 100 (real digits through "
         "it 3-4 of 200 labelled generated), fewer than 4 blocks of content, a crop or resize off the 8x8 grid after "
         "the JPEG; read at 99-100, a short-trained DCGAN's digits are caught as seldom as in .jpg files (9 of 200)"),
        ("lossy WebP", "unregistered generators' digits caught 18-53 % (three DCGANs; the forty-first pass's 102-105 "
                       "of 200 at quality 50-95, 114 as PNG) and 83-100 % (WGAN-GP, VAEs), against 57-100 % as PNG; "
                       "clean-up stands aside; a figure filling its frame is judged also as a small collection's "
                       "enlarged digit (below)"),
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
        ("noise on the empty background (a camera's or a scanner's), saved losslessly: read from the pixels (faint "
         "values far from the strokes, pixel by pixel, as a rounded Gaussian leaves them)",
         "judged against the reference with Gaussian noise of the level read added: untouched real digits with "
         "Gaussian noise of 1-5 levels or uniform noise of 3: 3-6 of 200 labelled generated (200 of 200 before; 6 "
         "at 1 and 1.5 levels, above the goal: digits whose own faint strokes lie far from the rest are not read); "
         "a generator's digits with noise are "
         "judged as noisy real ones (a long-trained DCGAN with noise of 3 levels: 300 -> 145 of 300 caught). Noise "
         "through a JPEG is judged as that JPEG"),
        ("an editor's brightness, exposure or contrast (a straight tone line), saved losslessly: read from the "
         "pixels (the background off the reference's, or the strokes' plateau below its lowest)",
         "judged with the line undone against the reference through the same line and back: untouched real digits "
         "darkened, brightened or blended with their mean grey 0-2 of 200 labelled generated (122-200 before); a "
         "generator's digits so edited are judged as edited real ones (a long-trained DCGAN darkened x0.85: 267 -> "
         "219 of 300 caught). Curves that keep the background and the plateau (gamma, a clipping stretch) are not "
         "read: real digits through gamma 0.5 or 2.0 13 and 17 of 200 labelled generated, MNIST's posterised figures "
         "moved onto a grid no reference figure uses (docs/studies.md, 'A tone curve read from a picture')"),
        ("histogram equalisation, saved losslessly: read from the pixels (8 or more levels that equalising again with "
         "OpenCV's or Pillow's equaliser barely moves)",
         "judged against the reference equalised so and as it is: untouched real digits through Pillow's equaliser "
         "22 of 200 labelled generated (200 before; each a two-level picture, Pillow's equaliser having lifted all "
         "the ink to white: a threshold), through OpenCV's 9 of 200 (21 before); no generator's own output was read "
         "so (docs/studies.md, 'Everyday edits of real digits', forty-fifth pass)"),
        ("a mirror image or a quarter turn, saved losslessly: read from the figure's shape (put back, it lies nearer "
         "the reference's figures than as it is)",
         "judged as it is and put back each way read: untouched real digits mirrored 7 and 9 of 200 labelled "
         "generated (70 and 66 before: a symmetric figure is not read, and MNIST's centring moved a pixel is "
         "`placement`'s), turned a quarter 1-3 of 200 (60-80 before); long-trained GANs' digits read so lose 1-2 "
         "points of what is caught (untouched DCGAN 182 -> 176, LSGAN 211 -> 204 of 300). A shift or re-crop by "
         "whole pixels is not read: 193-200 of 200 labelled generated by `placement`, where long-trained GANs put "
         "their misplaced figures (docs/studies.md, 'Everyday edits of real digits', forty-fifth pass)"),
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
         "79 clean or nearest (faint-speck stands aside under a lossy channel). SciPy's zoom and torch's "
         "align_corners=True are read as filters of their own (fifty-fourth pass). "
         "Refused: an enlargement through lossy WebP, a smaller picture, another aspect ratio"),
        ("enlarged, then saved as JPEG at that size",
         "no filter is read through the JPEG's noise: the file is reduced with the box filter and judged against the "
         "reference enlarged with each common filter, through the file's own tables at its size and reduced so, each "
         "detector's largest tail probability (before the fifty-fourth pass such files were refused). Real digits "
         "labelled generated: untouched mnist[6100:6300] bilinear 56 / JPEG 85, bicubic 64 / JPEG 75, Lanczos 42 / "
         "JPEG 95 0 of 200 each; generated digits so saved are caught less than as PNG (untouched: a long-trained "
         "DCGAN's enlarged with bilinear then JPEG 85 263 of 300, a long-trained VAE's with bicubic then JPEG 75 139 "
         "of 300, a DCGAN written at 32 x 32 then JPEG 85 198 of 300; "
         "docs/studies.md, 'Enlarged pictures saved as JPEG')"),
        ("a small collection's picture enlarged whole, its figure filling the frame (USPS, Semeion, optdigits at "
         "16 or 8 pixels brought to 28), saved losslessly or then as JPEG or lossy WebP",
         "judged also against the reference framed as such a collection frames its figures (through the JPEG too; "
         "where no resize is read through it, framed at 16 x 16 with bilinear or bicubic as assumed), each "
         "detector's largest tail probability kept: untouched Semeion digits labelled generated 3-5 of 100 losslessly "
         "(bilinear, bicubic, Lanczos; 95-99 before), through JPEG 4 of 100 at quality 75 (93 before), 1 of 100 "
         "enlarged with bicubic then quality 85 (88 before), 2 of 100 at quality 95 (3 before); a 16-bit file holding "
         "the 8-bit picture (each value times 257) is read as it (untouched USPS digits as 16-bit PNG 0 of 100, 96 "
         "before; forty-first pass). The price: a generator's digits cleaned and so framed pass (a DCGAN's: 97 -> 3 of "
         "100 caught as PNG, 56 -> 10 of 200 through JPEG 85). Through lossy WebP a figure filling its frame is judged "
         "also against the reference framed so (16 x 16, bilinear or bicubic, assumed), enlarged, then through WebP: "
         "untouched USPS digits enlarged with bilinear then WebP 50 / 80 / 95 0 / 0 / 1 of 100 labelled generated "
         "(93 / 92 / 90 before; forty-first pass); the price: a conv VAE's digits whose haze reaches the frame are "
         "judged so too (through WebP 190 / 188 / 187 -> 175 / 167 / 167 of 200 caught)"),
        ("a figure centred by its box spanning 22-26 of 28 pixels (EMNIST's preparation), saved losslessly or then "
         "as JPEG",
         "judged also against the reference prepared so (through the JPEG too): real MNIST digits so prepared 0 of 200 "
         "labelled generated as PNG (131 before), 0-2 of 200 through JPEG 60-85 (98-106 before); Semeion's blocky "
         "figures so prepared 39 of 100 (features). The price: rule-based figures typeset large and centred by their "
         "box pass (50 -> 19 of 90 caught as PNG, 45 -> 15 through JPEG 85)"),
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
        ("a sequencer's gate time: every note held one share of its length (engine/data/gate_time.py)",
         "judged with each note held to its written end: real chorales held 75 or 85 % 0 of 80 each labelled "
         "generated (74 and 73 before); a music GAN's files held 80 % 100 of 100 caught, as legato; a gate that varies "
         "note by note reads as ragged ends and is judged as written (not measured)"),
    ),
}
# synthetic-voice stands aside for band-limited recordings: its model was trained on full-band ones, and
# a real microphone's band limit does not move its scores as a low-pass of the reference does (an unseen
# speaker's recordings read as band-limited to 2.3-3.5 kHz: 4 of 16 labelled generated by it).
BAND_LIMIT_MOVES_VOICE = ("a band limit moves its model's reading of real recordings otherwise than a low-pass of the "
                          "reference does (it was trained on full-band recordings)")
