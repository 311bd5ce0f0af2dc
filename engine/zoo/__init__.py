"""`case zoo`: generators of many families trained on a case's fitting part, registered in the
case, and the case's learned detectors refitted across all of them.

A verdict's learned detectors know only the generators the case has seen; with GANs alone,
"real" means "none of our GANs' traits", and a VAE, a Markov chain or a vocoder passes as
real. The zoo trains, within a time budget, one small seeded model of each family
(`families.FAMILIES`: GANs with three losses, a VAE, a diffusion model, an autoregressive model,
n-gram models of music, signal-processing fakes of speech), stores each family's samples and a cleaned-up
copy of them (`cleanup.py`) as generator runs (the speech fakes also as the 16-bit recordings they are, so that
`generate` and `case validate` write them as WAV files), registers them (the pooled logistic
regression is refitted across every generator), and trains and registers a CNN classifier
of the fitting part against all of them (class-balanced). `job.py` runs it as a job.
"""
