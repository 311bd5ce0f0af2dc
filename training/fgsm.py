"""Fast gradient sign method (Goodfellow et al. 2014) against a trained classifier."""
import numpy as np


def fgsm(model, x, eps, target=None, batch_size=256):
    """Adversarial versions of intensities x, clipped to [0,1].

    Untargeted (target None): x + eps·sign(∇ₓ CE(model(x), predicted class)) pushes each
    sample away from the class the model gives it. Targeted (a class index): x − eps·sign(∇ₓ
    CE(model(x), target)) pulls it towards that class (e.g. "real" for generated samples).
    """
    import torch
    import torch.nn.functional as F

    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = []
    for i in range(0, len(x), batch_size):
        batch = torch.as_tensor(np.asarray(x[i : i + batch_size], dtype=np.float32)).to(device).requires_grad_(True)
        logits = model(batch)
        if target is None:
            wanted = logits.argmax(1).detach()
        else:
            wanted = torch.full((len(batch),), target, dtype=torch.long, device=device)
        (grad,) = torch.autograd.grad(F.cross_entropy(logits, wanted), batch)
        direction = 1.0 if target is None else -1.0
        out.append((batch + direction * eps * grad.sign()).clamp(0, 1).detach().cpu())
    model.train(was_training)
    return torch.cat(out).numpy()
