"""AASIST, the anti-spoofing network of Jung et al. (2022, ICASSP: "AASIST: Audio Anti-Spoofing
using Integrated Spectro-Temporal Graph Attention Networks"), for inference with the authors'
published weights (trained on ASVspoof 2019 LA; resources/models/, engine/detectors/antispoof.py).

Written here from the paper's structure; parameter names follow the published state dict so
its tensors load by name. The network, on a 16 kHz waveform (batch, samples):

1. a fixed sinc filterbank: 70 band-pass filters of 129 taps, band edges evenly spaced on the
   mel scale from 0 to 8 kHz, Hamming-windowed (no parameters); |output| max-pooled 3 x 3
   over (band, time), one batch norm, SELU;
2. six residual blocks of two (2, 3) convolutions over the (band, time) map, each followed by
   a max-pool of 3 over time. The published weights were trained with each block's input fed
   to its first convolution as it is (the pre-activation batch norm the blocks declare is
   computed and discarded), so the blocks here have none and its tensors are not loaded;
3. two graphs: spectral nodes (the map's max |value| over time per band, plus a learnt
   positional code) and temporal nodes (max over bands per time step), each through a graph
   attention layer and pooled to its most salient nodes (top-k by a learnt sigmoid gate);
4. two branches of two heterogeneous graph attention layers over the union of both graphs and
   a learnt master node, each with its own node pooling; the branches' element-wise maximum is
   read out as max |.| and mean of each node type and the master node (160 values);
5. a linear layer to two logits (spoof, bona fide).

Only inference is built (dropout, which the paper trains with, is the identity here).
"""
import functools

import numpy as np

RATE = 16000  # the sample rate the network was trained at
SINC_BANDS, SINC_TAPS = 70, 129
ENCODER = ((1, 32), (32, 32), (32, 64), (64, 64), (64, 64), (64, 64))  # (in, out) channels per block
SPECTRAL_NODES = 23  # SINC_BANDS after the first 3 x 3 pooling
GAT_DIMS = (64, 32)
POOL_RATIOS = (0.5, 0.7, 0.5)  # spectral graph, temporal graph, heterogeneous graphs
TEMPERATURES = (2.0, 2.0, 100.0)  # spectral, temporal, heterogeneous attention
SPOOF, BONAFIDE = 0, 1  # the logits' order


def sinc_filters():
    """(SINC_BANDS, SINC_TAPS) float32: the fixed front-end filterbank (module docstring)."""
    def to_mel(hz):
        return 2595 * np.log10(1 + hz / 700)

    edges = 700 * (10 ** (np.linspace(0, to_mel(RATE / 2), SINC_BANDS + 1) / 2595) - 1)
    n = np.arange(SINC_TAPS) - (SINC_TAPS - 1) / 2

    def low_pass(cutoff):  # ideal low-pass of cutoff Hz, sampled at n
        return 2 * cutoff / RATE * np.sinc(2 * cutoff * n / RATE)

    window = np.hamming(SINC_TAPS).astype(np.float32)
    return np.stack([window * (low_pass(hi) - low_pass(lo)).astype(np.float32)
                     for lo, hi in zip(edges[:-1], edges[1:])])


@functools.lru_cache(maxsize=None)
def _classes():
    """The torch modules (torch imported on first use)."""
    import torch
    from torch import nn
    import torch.nn.functional as F

    def pairwise_logits(x, proj):
        """(batch, n, n, out) tanh(proj(x_i * x_j)): the attention features of every node pair."""
        return torch.tanh(proj(x.unsqueeze(2) * x.unsqueeze(1)))

    def node_norm(bn, x):  # batch norm over the feature axis of (batch, nodes, features)
        return bn(x.reshape(-1, x.shape[-1])).reshape(x.shape)

    class GraphAttention(nn.Module):
        """Attention over all node pairs; each node becomes its attended mix plus itself, projected."""

        def __init__(self, dim_in, dim_out, temperature):
            super().__init__()
            self.att_proj = nn.Linear(dim_in, dim_out)
            self.att_weight = nn.Parameter(torch.zeros(dim_out, 1))
            self.proj_with_att = nn.Linear(dim_in, dim_out)
            self.proj_without_att = nn.Linear(dim_in, dim_out)
            self.bn = nn.BatchNorm1d(dim_out)
            self.temperature = temperature

        def forward(self, x):
            logits = (pairwise_logits(x, self.att_proj) @ self.att_weight).squeeze(-1) / self.temperature
            mixed = torch.softmax(logits, dim=-1) @ x
            return F.selu(node_norm(self.bn, self.proj_with_att(mixed) + self.proj_without_att(x)))

    class HeterogeneousAttention(nn.Module):
        """Attention over the union of two node types (a weight vector per pair of types, the two
        cross-type blocks sharing one) and a master node attending to every node."""

        def __init__(self, dim_in, dim_out, temperature):
            super().__init__()
            self.proj_type1 = nn.Linear(dim_in, dim_in)
            self.proj_type2 = nn.Linear(dim_in, dim_in)
            self.att_proj = nn.Linear(dim_in, dim_out)
            self.att_projM = nn.Linear(dim_in, dim_out)
            for name in ("att_weight11", "att_weight22", "att_weight12", "att_weightM"):
                setattr(self, name, nn.Parameter(torch.zeros(dim_out, 1)))
            self.proj_with_att = nn.Linear(dim_in, dim_out)
            self.proj_without_att = nn.Linear(dim_in, dim_out)
            self.proj_with_attM = nn.Linear(dim_in, dim_out)
            self.proj_without_attM = nn.Linear(dim_in, dim_out)
            self.bn = nn.BatchNorm1d(dim_out)
            self.temperature = temperature

        def forward(self, first, second, master):
            n1 = first.shape[1]
            x = torch.cat([self.proj_type1(first), self.proj_type2(second)], dim=1)
            features = pairwise_logits(x, self.att_proj)
            same1 = (features @ self.att_weight11).squeeze(-1)
            same2 = (features @ self.att_weight22).squeeze(-1)
            cross = (features @ self.att_weight12).squeeze(-1)
            is1 = torch.arange(x.shape[1], device=x.device) < n1
            logits = torch.where(is1[:, None] & is1[None, :], same1,
                                 torch.where(~is1[:, None] & ~is1[None, :], same2, cross))
            mixed = torch.softmax(logits / self.temperature, dim=-1) @ x
            master_logits = (torch.tanh(self.att_projM(x * master)) @ self.att_weightM) / self.temperature
            master_mix = torch.softmax(master_logits, dim=1).transpose(1, 2) @ x
            master = self.proj_with_attM(master_mix) + self.proj_without_attM(master)
            x = F.selu(node_norm(self.bn, self.proj_with_att(mixed) + self.proj_without_att(x)))
            return x[:, :n1], x[:, n1:], master

    class NodePool(nn.Module):
        """Keeps the top share of nodes by a sigmoid gate, each scaled by its gate."""

        def __init__(self, share, dim):
            super().__init__()
            self.proj = nn.Linear(dim, 1)
            self.share = share

        def forward(self, h):
            gate = torch.sigmoid(self.proj(h))
            keep = torch.topk(gate, max(int(h.shape[1] * self.share), 1), dim=1).indices
            return torch.gather(h * gate, 1, keep.expand(-1, -1, h.shape[-1]))

    class ResidualBlock(nn.Module):
        def __init__(self, channels_in, channels_out):
            super().__init__()
            self.conv1 = nn.Conv2d(channels_in, channels_out, kernel_size=(2, 3), padding=(1, 1))
            self.bn2 = nn.BatchNorm2d(channels_out)
            self.conv2 = nn.Conv2d(channels_out, channels_out, kernel_size=(2, 3), padding=(0, 1))
            if channels_in != channels_out:
                self.conv_downsample = nn.Conv2d(channels_in, channels_out, kernel_size=(1, 3), padding=(0, 1))

        def forward(self, x):
            out = self.conv2(F.selu(self.bn2(self.conv1(x))))
            shortcut = self.conv_downsample(x) if hasattr(self, "conv_downsample") else x
            return F.max_pool2d(out + shortcut, (1, 3))

    class Aasist(nn.Module):
        def __init__(self):
            super().__init__()
            g0, g1 = GAT_DIMS
            self.register_buffer("sinc", torch.from_numpy(sinc_filters()).unsqueeze(1), persistent=False)
            self.first_bn = nn.BatchNorm2d(1)
            # nn.Sequential of one block each: the published names are encoder.<i>.0.<layer>
            self.encoder = nn.Sequential(*(nn.Sequential(ResidualBlock(a, b)) for a, b in ENCODER))
            self.pos_S = nn.Parameter(torch.zeros(1, SPECTRAL_NODES, ENCODER[-1][1]))
            self.master1 = nn.Parameter(torch.zeros(1, 1, g0))
            self.master2 = nn.Parameter(torch.zeros(1, 1, g0))
            self.GAT_layer_S = GraphAttention(ENCODER[-1][1], g0, TEMPERATURES[0])
            self.GAT_layer_T = GraphAttention(ENCODER[-1][1], g0, TEMPERATURES[1])
            for name, dim_in in (("ST11", g0), ("ST12", g1), ("ST21", g0), ("ST22", g1)):
                setattr(self, f"HtrgGAT_layer_{name}", HeterogeneousAttention(dim_in, g1, TEMPERATURES[2]))
            self.pool_S = NodePool(POOL_RATIOS[0], g0)
            self.pool_T = NodePool(POOL_RATIOS[1], g0)
            for name in ("hS1", "hT1", "hS2", "hT2"):
                setattr(self, f"pool_{name}", NodePool(POOL_RATIOS[2], g1))
            self.out_layer = nn.Linear(5 * g1, 2)

        def branch(self, temporal, spectral, master, first, second, pool_t, pool_s):
            t, s, master = first(temporal, spectral, master)
            t, s = pool_t(t), pool_s(s)
            t_more, s_more, master_more = second(t, s, master)
            return t + t_more, s + s_more, master + master_more

        def forward(self, waveform):
            """(batch, 2) logits (SPOOF, BONAFIDE) of (batch, samples) 16 kHz waveforms."""
            x = F.conv1d(waveform.unsqueeze(1), self.sinc).unsqueeze(1)
            x = F.selu(self.first_bn(F.max_pool2d(x.abs(), (3, 3))))
            e = self.encoder(x).abs()  # (batch, channels, bands, time)
            spectral = self.pool_S(self.GAT_layer_S(e.amax(dim=3).transpose(1, 2) + self.pos_S))
            temporal = self.pool_T(self.GAT_layer_T(e.amax(dim=2).transpose(1, 2)))
            t1, s1, m1 = self.branch(temporal, spectral, self.master1, self.HtrgGAT_layer_ST11,
                                     self.HtrgGAT_layer_ST12, self.pool_hT1, self.pool_hS1)
            t2, s2, m2 = self.branch(temporal, spectral, self.master2, self.HtrgGAT_layer_ST21,
                                     self.HtrgGAT_layer_ST22, self.pool_hT2, self.pool_hS2)
            t, s, master = torch.maximum(t1, t2), torch.maximum(s1, s2), torch.maximum(m1, m2)
            hidden = torch.cat([t.abs().amax(dim=1), t.mean(dim=1), s.abs().amax(dim=1), s.mean(dim=1),
                                master.squeeze(1)], dim=1)
            return self.out_layer(hidden)

    return Aasist


def build(state_dict):
    """The network in inference mode with the given tensors (names as published, without the
    residual blocks' unused `bn1`); missing or unexpected names raise."""
    model = _classes()()
    model.load_state_dict(state_dict, strict=True)
    return model.eval()


def bonafide_margin(model, waveforms, batch_size=16):
    """(n,) bona fide minus spoof logit of (n, samples) 16 kHz waveforms (a float32 tensor), in
    batches, without gradients."""
    import torch

    with torch.inference_mode():
        logits = torch.cat([model(waveforms[i:i + batch_size]) for i in range(0, len(waveforms), batch_size)])
    return (logits[:, BONAFIDE] - logits[:, SPOOF]).numpy().astype(np.float64)
