"""What a file says about itself: format, container and codec, dimensions, duration, sample
rate, channels, bit depth, and the text it carries (EXIF and PNG text chunks, RIFF INFO and
broadcast-wave chunks, ID3 tags, FLAC/OGG comments, MIDI meta events, software tags).

Evidence is hostile: the file goes through the same size limit and format sniffing as
the loaders (engine.data.loaders.read_file, engine.data.sniff), every chunk walk is
bounded (MAX_CHUNKS, lengths checked against the bytes present), compressed text is
inflated to at most MAX_TEXT bytes, and every value is cut to MAX_VALUE characters with
control characters escaped. A part that cannot be read becomes a line in "problems",
never an exception: `file_metadata` always returns.
"""
import io
import struct
import zlib

MAX_CHUNKS = 4096  # chunks walked per container (PNG, RIFF, ID3 frames)
MAX_FIELDS = 200  # fields kept per file
MAX_VALUE = 200  # characters kept per value
MAX_TEXT = 64 * 1024  # bytes a compressed text chunk may inflate to

# Field names as shown (lower case, spaces and '/' removed) that name the making software or device.
SOFTWARE_KEYS = ("software", "encoder", "encodedby", "creator", "processingsoftware", "hostcomputer",
                 "originator", "make", "model", "com.android.version", "com.android.manufacturer", "com.android.model",
                 "com.apple.quicktime.make", "com.apple.quicktime.model", "com.apple.quicktime.software")
MAX_STREAMS = 8  # streams of a media container described
WAVE_FORMATS = {1: "PCM", 3: "IEEE float", 6: "A-law", 7: "µ-law", 0xFFFE: "extensible"}
RIFF_INFO = {"INAM": "title", "IART": "artist", "ICMT": "comment", "ICRD": "creation date", "ISFT": "software",
             "IENG": "engineer", "ICOP": "copyright", "IPRD": "product", "IGNR": "genre", "ISBJ": "subject",
             "ITCH": "technician", "ISRC": "source", "IKEY": "keywords"}
ID3_NAMES = {"TIT2": "title", "TPE1": "artist", "TALB": "album", "TDRC": "recording date", "TYER": "year",
             "TSSE": "software/encoder settings", "TENC": "encoded by", "TCOP": "copyright", "TCON": "genre",
             "COMM": "comment", "TXXX": "user text"}
PNG_COLOUR_TYPES = {0: "greyscale", 2: "RGB", 3: "palette", 4: "greyscale + alpha", 6: "RGB + alpha"}


def file_metadata(path):
    """{"path", "format", "fields": [{"group", "name", "value"}], "software": [str], "problems": [str]}."""
    from engine.data.loaders import one_line, read_file
    from engine.data.sniff import sniff
    from engine.errors import InputError

    out = {"path": str(path), "format": None, "fields": [], "software": [], "problems": []}
    try:
        data = read_file(str(path))
        kind = sniff(str(path), data)
    except InputError as err:
        out["problems"].append(err.reason)
        return out
    out["format"] = kind.label
    add = _Collector(out)
    add("file", "format", kind.label)
    add("file", "size", f"{len(data):,} bytes")
    for reader in READERS.get(kind.label, ()):
        try:
            reader(data, add)
        except Exception as err:  # hostile bytes: one line, and the other readers still run
            reason = err.reason if isinstance(err, InputError) else one_line(err)
            out["problems"].append(f"{reader.__doc__.split('.')[0].strip()}: {reason}")
    return out


class _Collector:
    """Adds cleaned, bounded fields to a metadata dict; software-like keys are also listed apart."""

    def __init__(self, out):
        self.out = out

    def __call__(self, group, name, value):
        fields = self.out["fields"]
        if len(fields) >= MAX_FIELDS:
            if fields[-1]["name"] != "…":
                fields.append({"group": group, "name": "…", "value": f"more fields left out (at most {MAX_FIELDS})"})
            return
        value = _clean(value)
        name = _clean(name)
        if value == "" or any(f["name"] == name and f["value"] == value for f in fields):
            return
        fields.append({"group": group, "name": name, "value": value})
        if name.lower().replace(" ", "").replace("/", "") in SOFTWARE_KEYS or name.lower().startswith("software"):
            self.out["software"].append(f"{name}: {value}")


def _clean(value):
    """One line, read as stored: control and format characters escaped as in error lines (a newline or a
    right-to-left override in a tag is shown, not obeyed), runs of spaces collapsed, at most MAX_VALUE characters.
    Only the first MAX_TEXT characters are read: a tag may be hundreds of MB, and each character costs a string."""
    from engine.errors import shown

    if isinstance(value, bytes):
        value = value[:MAX_TEXT + 1].decode("latin-1")
    value = str(value)
    text = " ".join(shown(value[:MAX_TEXT].rstrip("\0")).split())  # C strings' padding is not shown
    return text if len(text) <= MAX_VALUE and len(value) <= MAX_TEXT else text[: MAX_VALUE - 1] + "…"


# --- images ---------------------------------------------------------------------------


def _png_chunks(data, add):
    """PNG chunks."""
    pos, counts, texts = 8, {}, 0
    while pos + 8 <= len(data) and sum(counts.values()) < MAX_CHUNKS:
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) < length:
            add("PNG", "problem", f"chunk {_clean(ctype)} truncated ({len(body)} of {length} bytes)")
            break
        name = ctype.decode("latin-1")
        counts[name] = counts.get(name, 0) + 1
        if name == "IHDR" and length >= 13:
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body[:13])
            add("image", "dimensions", f"{width} × {height} pixels")
            add("image", "bit depth", f"{depth} bits per channel")
            add("image", "colour type", PNG_COLOUR_TYPES.get(colour, f"unknown ({colour})"))
            add("image", "interlace", "Adam7" if interlace else "none")
        elif name in ("tEXt", "zTXt", "iTXt") and texts < 64:
            texts += 1
            key, value = _png_text(name, body)
            add("PNG text", key, value)
        elif name == "tIME" and length >= 7:
            add("PNG", "last modified (tIME)", "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*struct.unpack(">HBBBBB", body[:7])))
        elif name == "pHYs" and length >= 9:
            x, y, unit = struct.unpack(">IIB", body[:9])
            add("PNG", "pixel size", f"{x} × {y} per {'metre' if unit == 1 else 'unit'}")
        elif name == "iCCP":
            add("PNG", "ICC profile", body.split(b"\0", 1)[0])
        elif name == "IEND":
            trailing = len(data) - (pos + 12 + length)
            if trailing > 0:
                add("PNG", "bytes after IEND", f"{trailing:,} (data appended to the image)")
            break
        pos += 12 + length
    add("container", "PNG chunks", ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in counts.items()))


def _png_text(name, body):
    key, _, rest = body.partition(b"\0")
    if name == "zTXt":
        rest = _inflate(rest[1:])
    elif name == "iTXt":
        compressed, rest = rest[:1] == b"\1", rest[2:]
        _language, _, rest = rest.partition(b"\0")
        _translated, _, rest = rest.partition(b"\0")
        rest = _inflate(rest) if compressed else rest
        return key.decode("latin-1"), rest.decode("utf-8", "replace")
    return key.decode("latin-1"), rest.decode("latin-1")


def _inflate(raw):
    inflater = zlib.decompressobj()
    out = inflater.decompress(raw, MAX_TEXT)
    return out + (b" [cut]" if inflater.unconsumed_tail else b"")


def _pillow_image(data, add):
    """Image header and EXIF."""
    from PIL import ExifTags, Image

    with Image.open(io.BytesIO(data)) as img:  # lazy: reads the header, not the pixels
        add("image", "codec", img.format_description or img.format)
        add("image", "dimensions", f"{img.width} × {img.height} pixels")
        add("image", "mode", img.mode)
        for key in ("dpi", "progressive", "compression", "jfif_version", "icc_profile"):
            if key in img.info:
                value = img.info[key]
                add("image", key.replace("_", " "), f"{len(value):,} bytes" if isinstance(value, bytes) else value)
        if img.format == "TIFF" and hasattr(img, "tag_v2"):
            add("image", "bits per sample", img.tag_v2.get(258, ""))
        exif = img.getexif()
        tags = list(exif.items())
        for ifd in (0x8769, 0x8825):  # the Exif and GPS sub-directories
            try:
                tags += list(exif.get_ifd(ifd).items())
            except Exception:  # a broken sub-directory loses its tags, not the file's
                continue
        for tag, value in tags[:80]:
            if tag in (0x8769, 0x8825):
                continue
            name = ExifTags.TAGS.get(tag) or ExifTags.GPSTAGS.get(tag) or f"tag 0x{tag:04x}"
            add("EXIF", name, f"{len(value):,} bytes" if isinstance(value, bytes) and len(value) > 64 else value)


# --- audio ----------------------------------------------------------------------------


def _riff_chunks(data, add):
    """RIFF/WAVE chunks."""
    pos, seen, fmt = 12, [], None
    while pos + 8 <= len(data) and len(seen) < MAX_CHUNKS:
        cid, size = struct.unpack("<4sI", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + size]
        name = cid.decode("latin-1")
        seen.append(name.strip())
        if name == "fmt " and len(body) >= 16:
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            fmt = (channels, rate, bits)
            add("audio", "codec", f"{WAVE_FORMATS.get(tag, f'format tag 0x{tag:04x}')}, {bits}-bit")
            add("audio", "sample rate", f"{rate:,} Hz")
            add("audio", "channels", channels)
        elif name == "data" and fmt and fmt[0] and fmt[1] and fmt[2]:
            frames = size // (fmt[0] * max(1, fmt[2] // 8))
            add("audio", "duration", f"{frames / fmt[1]:.3f} s ({frames:,} frames)")
            if len(body) < size:
                add("RIFF", "problem", f"data chunk truncated ({len(body):,} of {size:,} bytes)")
        elif name == "LIST" and body[:4] == b"INFO":
            _riff_info(body[4:], add)
        elif name == "bext" and len(body) >= 602:
            add("broadcast wave", "description", body[:256].split(b"\0", 1)[0])
            add("broadcast wave", "originator", body[256:288].split(b"\0", 1)[0])
            add("broadcast wave", "origination date", body[320:330] + b" " + body[330:338])
        elif name.lower().strip() == "id3":
            _id3(body, add)
        pos += 8 + size + (size & 1)  # chunks are padded to an even length
    add("container", "RIFF chunks", ", ".join(seen))


def _riff_info(body, add):
    pos, count = 0, 0
    while pos + 8 <= len(body) and count < MAX_CHUNKS:
        cid, size = struct.unpack("<4sI", body[pos:pos + 8])
        name = cid.decode("latin-1")
        add("RIFF INFO", RIFF_INFO.get(name, name), body[pos + 8:pos + 8 + size].split(b"\0", 1)[0])
        pos += 8 + size + (size & 1)
        count += 1


def _id3_at_start(data, add):
    """ID3 tag."""
    if data[:3] == b"ID3":
        _id3(data, add)


def _id3(data, add):
    """ID3v2.3/2.4 text and comment frames (v2.2 and extended headers are named, not read)."""
    if len(data) < 10 or data[:3] != b"ID3":
        return
    major, flags = data[3], data[5]
    size = _syncsafe(data[6:10])
    add("ID3", "version", f"ID3v2.{major}")
    if major not in (3, 4) or flags & 0x40:
        return
    tag, pos, count = data[10:10 + size], 0, 0
    while pos + 10 <= len(tag) and tag[pos] != 0 and count < MAX_CHUNKS:
        fid = tag[pos:pos + 4].decode("latin-1")
        length = _syncsafe(tag[pos + 4:pos + 8]) if major == 4 else struct.unpack(">I", tag[pos + 4:pos + 8])[0]
        body = tag[pos + 10:pos + 10 + length]
        if fid.startswith("T") or fid == "COMM":
            add("ID3", ID3_NAMES.get(fid, fid), _id3_text(body[4:] if fid == "COMM" else body, body[:1]))
        pos += 10 + length
        count += 1


def _syncsafe(four):
    b = four[:4].ljust(4, b"\0")
    return (b[0] & 0x7F) << 21 | (b[1] & 0x7F) << 14 | (b[2] & 0x7F) << 7 | (b[3] & 0x7F)


def _id3_text(body, encoding):
    text = body[1:] if body[:1] in (b"\0", b"\1", b"\2", b"\3") else body
    codec = {b"\1": "utf-16", b"\2": "utf-16-be", b"\3": "utf-8"}.get(encoding, "latin-1")
    return text.decode(codec, "replace").replace("\0", " / ").strip(" /")


def _soundfile(data, add):
    """Audio stream."""
    import soundfile

    with soundfile.SoundFile(io.BytesIO(data)) as f:
        add("audio", "container", f.format_info)
        add("audio", "codec", f.subtype_info)
        add("audio", "sample rate", f"{f.samplerate:,} Hz")
        add("audio", "channels", f.channels)
        if f.frames > 0:
            add("audio", "duration", f"{f.frames / f.samplerate:.3f} s ({f.frames:,} frames)")
        for key, value in f.copy_metadata().items():
            add("tags", key, value)


def _media_container(data, add):
    """Media container."""
    import av

    from engine.data.formats.container_audio import adts_header_problem, ffmpeg_reason, open_media

    problem = adts_header_problem(data)  # FFmpeg would read past it and state a sample rate of 0
    if problem:
        raise ValueError(problem)
    try:
        container = open_media(data)
    except av.FFmpegError as err:
        raise ValueError(ffmpeg_reason(err)) from None
    with container:
        add("container", "format", container.format.long_name)
        # ADTS and raw AMR state no length: ffmpeg estimates it from the bitrate
        estimated = " (estimated from the bitrate)" if container.format.name in ("aac", "amr") else ""
        if container.duration:
            add("container", "duration", f"{container.duration / av.time_base:.3f} s{estimated}")
        for key, value in container.metadata.items():
            add("tags", key, value)
        for stream in list(container.streams)[:MAX_STREAMS]:
            _media_stream(stream, add)


def _media_stream(stream, add):
    group, context = f"stream {stream.index} ({stream.type})", stream.codec_context
    add(group, "codec", context.codec.long_name + (f", profile {context.profile}" if context.profile else ""))
    if stream.type == "audio":
        add(group, "sample rate", f"{context.sample_rate:,} Hz")
        add(group, "channels", context.layout.nb_channels)
    elif stream.type == "video":
        add(group, "dimensions", f"{context.width} × {context.height} pixels")
    if context.bit_rate:
        add(group, "bit rate", f"{context.bit_rate / 1000:.1f} kbit/s")
    for key, value in stream.metadata.items():
        add(group, key, value)


# --- MIDI and arrays ------------------------------------------------------------------


def _midi(data, add):
    """MIDI header and meta events."""
    import mido

    from engine.data.formats.midi import check_limits

    parsed = mido.MidiFile(file=io.BytesIO(data))
    check_limits("the file", parsed)
    add("MIDI", "type", {0: "0 (one track)", 1: "1 (simultaneous tracks)"}.get(parsed.type, parsed.type))
    add("MIDI", "tracks", len(parsed.tracks))
    add("MIDI", "resolution", f"{parsed.ticks_per_beat} ticks per quarter note")
    add("MIDI", "duration", f"{parsed.length:.2f} s")
    notes, tempi, texts = 0, [], 0
    for number, track in enumerate(parsed.tracks):
        for message in track:
            kind = message.type
            if kind == "note_on" and message.velocity > 0:
                notes += 1
            elif kind == "set_tempo":
                tempi.append(mido.tempo2bpm(message.tempo))
            elif kind == "time_signature" and texts < 64:
                texts += 1
                add("MIDI meta", f"time signature (track {number})", f"{message.numerator}/{message.denominator}")
            elif kind == "key_signature" and texts < 64:
                texts += 1
                add("MIDI meta", f"key signature (track {number})", message.key)
            elif kind in ("track_name", "copyright", "text", "instrument_name", "marker", "cue_marker",
                          "program_name", "device_name") and texts < 64:
                texts += 1
                add("MIDI meta", f"{kind.replace('_', ' ')} (track {number})", message.text if hasattr(message, "text")
                    else message.name)
    add("MIDI", "notes", f"{notes:,}")
    if tempi:
        add("MIDI meta", "tempo", f"{tempi[0]:.1f} BPM" + (f" ({len(tempi)} tempo changes, "
                                                         f"{min(tempi):.1f}-{max(tempi):.1f} BPM)" if len(tempi) > 1 else ""))
    else:
        add("MIDI meta", "tempo", "none given (120 BPM by default)")


def _npy(data, add):
    """NumPy array header."""
    from engine.data.formats.array import read_npy_header

    shape, fortran, dtype = read_npy_header("header", io.BytesIO(data))
    add("array", "shape", " × ".join(map(str, shape)) or "scalar")
    add("array", "dtype", dtype)
    add("array", "order", "Fortran" if fortran else "C")


def _npz(data, add):
    """NumPy .npz members."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        add("container", "members", ", ".join(names[:50]) + (f" … ({len(names)} in all)" if len(names) > 50 else ""))


def _idx(data, add):
    """IDX header."""
    from engine.data.sniff import IDX_TYPES, is_idx_header

    if is_idx_header(data):
        dims = struct.unpack(f">{data[3]}I", data[4:4 + 4 * data[3]])
        add("array", "shape", " × ".join(map(str, dims)))
        add("array", "element type", IDX_TYPES[data[2]])


READERS = {
    "PNG": (_png_chunks, _pillow_image),
    "JPEG": (_pillow_image,),
    "BMP": (_pillow_image,),
    "TIFF": (_pillow_image,),
    "WebP": (_pillow_image,),
    "GIF": (_pillow_image,),
    "Netpbm": (_pillow_image,),
    "WAV": (_riff_chunks,),
    "FLAC": (_soundfile,),
    "OGG": (_soundfile,),
    "MP3": (_id3_at_start, _soundfile),
    "AIFF": (_soundfile,),
    "AU": (_soundfile,),
    "MP4/M4A": (_media_container,),
    "AAC (ADTS)": (_media_container,),
    "AMR": (_media_container,),
    "WebM/Matroska": (_media_container,),
    "CAF": (_media_container,),
    "ASF/WMA": (_media_container,),
    "MIDI": (_midi,),
    "NumPy .npy": (_npy,),
    "ZIP archive (NumPy .npz)": (_npz,),
    "MNIST IDX": (_idx,),
}
