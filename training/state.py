"""Flattening module and optimiser state into safetensors-ready tensors and JSON."""


def module_tensors(prefix, module):
    return {f"{prefix}.{k}": v for k, v in module.state_dict().items()}


def load_module_tensors(prefix, module, tensors):
    start = len(prefix) + 1
    module.load_state_dict({k[start:]: v for k, v in tensors.items() if k.startswith(prefix + ".")})


def optimizer_tensors(prefix, optimizer):
    """(tensors, json): per-parameter state tensors and the non-tensor rest (param groups, scalars)."""
    import torch

    sd = optimizer.state_dict()
    tensors, scalars = {}, {}
    for index, entries in sd["state"].items():
        for key, value in entries.items():
            if torch.is_tensor(value):
                tensors[f"{prefix}.{index}.{key}"] = value
            else:
                scalars[f"{index}.{key}"] = value
    return tensors, {"param_groups": sd["param_groups"], "scalars": scalars}


def load_optimizer_tensors(prefix, optimizer, tensors, meta):
    state = {}
    start = len(prefix) + 1
    for name, value in tensors.items():
        if name.startswith(prefix + "."):
            index, key = name[start:].split(".", 1)
            state.setdefault(int(index), {})[key] = value
    for name, value in meta["scalars"].items():
        index, key = name.split(".", 1)
        state.setdefault(int(index), {})[key] = value
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})


def rng_tensors(prefix, generator):
    """The global torch RNG (dropout etc.) and a trainer's own generator, as uint8 tensors."""
    import torch

    return {f"{prefix}.torch": torch.get_rng_state(), f"{prefix}.own": generator.get_state()}


def load_rng_tensors(prefix, generator, tensors):
    import torch

    torch.set_rng_state(tensors[f"{prefix}.torch"])
    generator.set_state(tensors[f"{prefix}.own"])
