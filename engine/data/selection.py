"""What a spec's slice selects, refused with the reason when it selects nothing."""
from engine.errors import InputError


def selected(items, select, spec, unit):
    """items[select] (a list, range or array), or InputError naming `spec` as typed (slice included)
    when the slice picks none of the `unit` (images, files, samples) there are."""
    chosen = items[select]
    if len(chosen) == 0:
        start, stop, _ = select.indices(len(items))
        why = "it starts past the end" if start >= len(items) else \
            "it stops where it starts" if stop == start else "it stops before it starts"
        raise InputError(spec, f"the slice selects none of its {len(items)} {unit} ({why})")
    return chosen
