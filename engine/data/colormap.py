"""A grey picture saved through a matplotlib colormap (`plt.imsave(path, x)`, whose default is viridis) or as a
negative read back as grey levels, for a case whose reference is grey.

`plt.imsave` scales x to [0, 1] by its own minimum and maximum (unless vmin and vmax are given), takes colormap
entry floor(v * 256) (255 at the top) and writes that entry's 8-bit colour. A picture every pixel of which is one of
a colormap's 256 colours is read back as entry / 255: an 8-bit picture's level k comes back as k exactly
(floor(k / 255 * 256) = k below 255), but where two neighbouring entries share an 8-bit colour (viridis: 104 and
105, 137 and 138; cividis three pairs) the lower is read, one level off. Colormaps of 256 entries that are not all
grey are tried (their reversed twins too); a grey colormap's picture is grey already (verdict.grey_if_neutral). A
colormap and its reversed twin read every such picture, one as the other's negative: the reading whose background
is the reference's is taken. Where colormaps still read it differently, the picture is refused: which one was used
is not in the file. What is never in the file is the stretch: a picture whose values did not span [0, 1] is judged
as stretched to it, and its channel says so. Grey colormaps write grey pictures; their reversed twins (gray_r,
Greys, binary) write the negative, which is read back the same way, by the reference's background (`negative`).
"""
from functools import lru_cache

import numpy as np

ENTRIES = 256


def packed(rgb):
    """8-bit (..., 3) colours as one integer each."""
    rgb = np.asarray(rgb, dtype=np.int64)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


@lru_cache(maxsize=1)
def colormap_tables():
    """{name: (sorted packed colours, the lowest entry of each)} of matplotlib's colormaps of 256 entries that are
    not grey. A colour two neighbouring entries share in 8 bits (viridis has two such) reads as the lower."""
    import matplotlib

    tables = {}
    for name in sorted(matplotlib.colormaps):
        cmap = matplotlib.colormaps[name]
        if cmap.N != ENTRIES:
            continue
        lut = cmap(np.arange(ENTRIES), bytes=True)[:, :3]
        if (lut.max(axis=1) == lut.min(axis=1)).all():
            continue
        colours, first = np.unique(packed(lut), return_index=True)
        tables[name] = (colours, first)
    return tables


def readings(rgb):
    """{name: entries (h, w) as integers} of every colormap whose colours are exactly every pixel of 8-bit `rgb`
    (h, w, 3)."""
    keys = packed(rgb)
    colours = np.unique(keys)
    found = {}
    for name, (table, first) in colormap_tables().items():
        at = np.minimum(np.searchsorted(table, colours), table.size - 1)
        if (table[at] == colours).all():
            found[name] = first[np.searchsorted(table, keys)]
    return found


def border_level(entries):
    """The commonest value on a picture's (h, w) border."""
    border = np.concatenate([entries[0], entries[-1], entries[:, 0], entries[:, -1]])
    values, counts = np.unique(border, return_counts=True)
    return values[np.argmax(counts)].item()


def read_back(rgb, background):
    """(name, entries (h, w)) of the colormap reading of 8-bit `rgb` (h, w, 3); (None, None) where no colormap's
    colours are all its pixels; (names, None) where several read it differently. A colormap and its reversed twin
    (viridis, viridis_r) both read every such picture, one as the other's negative: the reading whose border lies
    nearest the reference's `background` (0-1, None: unknown) is taken where exactly one does. Nearest, not on it:
    plt.imsave stretches a generator's picture from its own darkest pixel, so its hazy border lies a few entries off
    (40 of 40 DCGAN digits saved with the default colormap were refused while the rule asked for the level itself)."""
    found = readings(rgb)
    distinct = {}
    for name in sorted(found):
        if not any(np.array_equal(found[name], seen) for seen in distinct.values()):
            distinct[name] = found[name]
    if len(distinct) > 1 and background is not None:
        level = round(background * (ENTRIES - 1))
        off = {n: abs(border_level(e) - level) for n, e in distinct.items()}
        nearest = {n: e for n, e in distinct.items() if off[n] == min(off.values())}
        distinct = nearest if len(nearest) == 1 else distinct
    if len(distinct) == 1:
        (name, entries), = distinct.items()
        return name, entries
    return (sorted(found), None) if found else (None, None)


def as_grey(samples, background):
    """(samples, None): one lossless 8-bit colour picture whose pixels are all one colormap's colours read back as
    grey (read_back; `background`: the reference's), then grey pictures drawn as the negative of the reference's
    (negative); their channel saying so. Other samples unchanged. (None, reason) where several colormaps read a
    picture differently."""
    channel = samples.meta.get("channel") or {}
    if samples.n == 1 and samples.shape[0] == 3 and samples.levels == 255 and not channel.get("lossy"):
        name, entries = read_back(np.moveaxis(np.rint(samples.x[0] * 255).astype(np.uint8), 0, -1), background)
        if name is not None and entries is None:
            return None, (f"a colour picture whose colours are those of several matplotlib colormaps that read it "
                          f"differently ({', '.join(name[:4])}): which one wrote it is not in the file; not judged")
        if name is not None:
            samples.x = (entries / 255).astype(np.float32)[None, None]
            reread(samples, {
                "stored_as": f"a grey picture written through matplotlib's {name} colormap, read back as its "
                             f"entries / 255",
                "colormap": {"name": name, "entries_used": int(np.unique(entries).size),
                             "note": "plt.imsave stretches a picture to its own minimum and maximum; the stretch is "
                                     "not in the file, so the picture is judged as stretched"}})
    return negative(samples, background), None


def negative(samples, background):
    """Grey samples every one of which has its border's commonest value at the negative of the reference's
    `background` (0 or 1) read as 1 - x: a picture on white where the reference's are on black (matplotlib's gray_r,
    Greys and binary colormaps write so; so does an editor's invert). Other samples unchanged."""
    if background not in (0.0, 1.0) or samples.shape[0] != 1 or samples.n == 0:
        return samples
    if any(border_level(picture) != 1.0 - background for picture in samples.x[:, 0]):
        return samples
    levels = samples.levels
    samples.x = (1.0 - samples.x if not levels else (levels - np.rint(samples.x * levels)) / levels).astype(np.float32)
    return reread(samples, {"stored_as": "a negative: its background is the reference's inverted, read as 1 - x",
                            "negative": True})


def reread(samples, read):
    """Samples whose values were read anew: what the pixels said of a lossless file's history read again on them
    (as on a padded picture's crop), `read` added to their channel."""
    from engine.data.channels import lossless_channel
    from engine.data.picture_size import PIXEL_READ, eight_bit

    channel = samples.meta.get("channel") or {}
    if not channel.get("lossy"):
        channel = {k: v for k, v in channel.items() if k not in PIXEL_READ + ("lossy",)}
        channel |= lossless_channel(channel.get("codec", "array"), eight_bit(samples))
    samples.meta["channel"] = channel | read
    return samples


def reason(channel):
    """The verdict's reason for a picture read back from a colormap's colours or as a negative, or None."""
    if "colormap" in channel:
        found = channel["colormap"]
        return f"colours: {channel['stored_as']} ({found['entries_used']} levels used); {found['note']}"
    if channel.get("negative"):
        return f"colours: {channel['stored_as']}"
    return None
