"""Ogg pages read from a file's bytes (RFC 3533), for the readers that look inside an Ogg stream without a
decoder: an Opus file's bitrate (ogg_opus.py), a Vorbis file's quality (engine/data/vorbis_quality.py).

The bytes are outside input: a page that is not where one must start, of another version, or cut short is
named in a string, never an exception.
"""
HEADER_SIZE = 27  # "OggS", version, flags, granule (8), serial (4), sequence (4), CRC (4), segment count


def page_at(data, pos):
    """The Ogg page at `pos`: a dict (serial, granule, lacing values, body start and end), or a string saying
    why there is none."""
    if data[pos:pos + 4] != b"OggS":
        return f"no Ogg page at byte {pos}"
    if pos + HEADER_SIZE > len(data):
        return f"the file ends inside a page header at byte {pos}"
    if data[pos + 4] != 0:
        return f"Ogg version {data[pos + 4]} at byte {pos} (0 is the only one)"
    count = data[pos + 26]
    start = pos + HEADER_SIZE + count
    lacing = data[pos + HEADER_SIZE:start]
    if start > len(data) or start + sum(lacing) > len(data):
        return f"the file ends inside the page at byte {pos}"
    return {"serial": data[pos + 14:pos + 18], "granule": int.from_bytes(data[pos + 6:pos + 14], "little", signed=True),
            "lacing": lacing, "start": start, "end": start + sum(lacing)}


def first_page_body(data):
    """The bytes of the first page's body (where a stream's identification header lies), or None where the file
    does not open with a whole Ogg page."""
    page = page_at(data, 0)
    return None if isinstance(page, str) else data[page["start"]:page["end"]]
