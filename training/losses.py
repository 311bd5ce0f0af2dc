"""GAN losses on raw discriminator scores (logits / critic values).

- "gan": the standard loss with the non-saturating generator term -log D(G(z)).
- "lsgan": least squares (Mao et al.), targets 1 for real and 0 for fake.
- "wgan-gp": Wasserstein critic with gradient penalty λ·(‖∇D(x̂)‖ − 1)² on random
  interpolates (Gulrajani et al.), several critic steps per generator step.

Each loss has its own published optimiser defaults: DCGAN's Adam 2e-4, β = (0.5, 0.999) with one
discriminator step for "gan" and "lsgan"; Gulrajani et al.'s Adam 1e-4, β = (0, 0.9) with five
critic steps for "wgan-gp", whose generator also starts at the data mean (training.gan
.start_at_the_data_mean). `gan_config` fills in whichever of them the caller left unset.
"""
LOSSES = ("gan", "lsgan", "wgan-gp")
OUTPUT_BIASES = ("midpoint", "data-mean")
_DCGAN = {"lr": 2e-4, "betas": [0.5, 0.999], "critic_steps": 1, "output_bias": "midpoint"}
LOSS_DEFAULTS = {
    "gan": _DCGAN,
    "lsgan": _DCGAN,
    "wgan-gp": {"lr": 1e-4, "betas": [0.0, 0.9], "critic_steps": 5, "output_bias": "data-mean"},
}


def check_loss(name):
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return name


def discriminator_loss(loss, real_scores, fake_scores):
    import torch.nn.functional as F

    if loss == "gan":
        return (F.binary_cross_entropy_with_logits(real_scores, real_scores.new_ones(real_scores.shape))
                + F.binary_cross_entropy_with_logits(fake_scores, fake_scores.new_zeros(fake_scores.shape)))
    if loss == "lsgan":
        return 0.5 * (((real_scores - 1) ** 2).mean() + (fake_scores**2).mean())
    return fake_scores.mean() - real_scores.mean()


def generator_loss(loss, fake_scores):
    import torch.nn.functional as F

    if loss == "gan":
        return F.binary_cross_entropy_with_logits(fake_scores, fake_scores.new_ones(fake_scores.shape))
    if loss == "lsgan":
        return 0.5 * ((fake_scores - 1) ** 2).mean()
    return -fake_scores.mean()


def gradient_penalty(critic, real, fake, generator=None, weight=10.0):
    """λ·E[(‖∇D(εx + (1−ε)x̃)‖₂ − 1)²] with ε ~ U(0,1) per sample."""
    import torch

    eps = torch.rand(real.shape[0], 1, 1, 1, generator=generator, device="cpu").to(real.device)
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(mixed).sum(), mixed, create_graph=True)
    return weight * ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()


def fool_classifier_loss(classifier_logits, real_index):
    """-log C_real(G(w)) for one frozen classifier (the term inside Eqs. 2, 3 and 5 of 004)."""
    import torch.nn.functional as F

    return -F.log_softmax(classifier_logits, dim=1)[:, real_index].mean()
