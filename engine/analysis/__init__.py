"""Features, statistics and specifications of TequilaGAN, vectorised over samples."""
