"""The learning lab: models, losses, trainers, FGSM, rounds. Arrays in, arrays out; no Qt, no files formats, no case."""
