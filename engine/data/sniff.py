"""Which format a file holds, decided by its first bytes (magic numbers), not by its name.

The extension is only a cross-check: a known extension that contradicts the content
(a PNG named .wav, text named .png) is refused, because evidence should be what it
claims to be. Files without a telling extension (MNIST's `t10k-images-idx3-ubyte`)
are recognised by content alone. CIFAR-10 batches have no magic number and are
recognised by their `.bin` extension (and then validated record by record).
"""
import os
from dataclasses import dataclass

from engine.errors import InputError

IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass(frozen=True)
class Kind:
    label: str  # shown to the analyst: "PNG", "MNIST IDX", ...
    decoder: str  # which module in engine/data/formats decodes it
    extensions: tuple


PNG = Kind("PNG", "image", (".png",))
JPEG = Kind("JPEG", "image", (".jpg", ".jpeg"))
BMP = Kind("BMP", "image", (".bmp",))
TIFF = Kind("TIFF", "image", (".tif", ".tiff"))
NPY = Kind("NumPy .npy", "array", (".npy",))
NPZ = Kind("ZIP archive (NumPy .npz)", "array", (".npz",))  # .npz is a ZIP: any ZIP is refused by that name
GZIP = Kind("gzip-compressed IDX", "idx", (".gz",))
IDX = Kind("MNIST IDX", "idx", (".idx",))
CIFAR = Kind("CIFAR-10 binary batch", "cifar", (".bin",))
WAV = Kind("WAV", "audio", (".wav",))
FLAC = Kind("FLAC", "audio", (".flac",))
OGG = Kind("OGG", "audio", (".ogg", ".oga", ".spx"))  # .spx: Speex, refused by name (formats/container_audio)
MP3 = Kind("MP3", "audio", (".mp3",))
AIFF = Kind("AIFF", "audio", (".aif", ".aiff", ".aifc"))
AU = Kind("AU", "audio", (".au", ".snd"))
WEBP = Kind("WebP", "image", (".webp",))
GIF = Kind("GIF", "image", (".gif",))
NETPBM = Kind("Netpbm", "image", (".pgm", ".ppm", ".pbm", ".pnm"))  # OpenCV's and old toolkits' grey and colour maps
MP4 = Kind("MP4/M4A", "audio", (".m4a", ".mp4", ".3gp"))
ADTS = Kind("AAC (ADTS)", "audio", (".aac",))
MATROSKA = Kind("WebM/Matroska", "audio", (".webm", ".mka", ".mkv"))  # audio read; a video's sound track too
CAF = Kind("CAF", "audio", (".caf",))
ASF = Kind("ASF/WMA", "audio", (".wma", ".asf", ".wmv"))  # recognised, so that its codec is what a refusal names
AMR = Kind("AMR", "audio", (".amr",))  # AMR-NB's `#!AMR\n` and AMR-WB's `#!AMR-WB\n` (the decoder refuses WB)
MIDI = Kind("MIDI", "midi", (".mid", ".midi"))
KINDS = (PNG, JPEG, BMP, TIFF, WEBP, GIF, NETPBM, NPY, NPZ, GZIP, IDX, CIFAR, WAV, FLAC, OGG, MP3, MP4, ADTS, AMR,
         MATROSKA, CAF, ASF, AIFF, AU, MIDI)
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\x93NUMPY", NPY),
    (b"PK\x03\x04", NPZ),
    (b"PK\x05\x06", NPZ),
    (b"\x1f\x8b", GZIP),
    (b"fLaC", FLAC),
    (b"OggS", OGG),
    (b".snd", AU),
    (b"MThd", MIDI),
    (b"\x1a\x45\xdf\xa3", MATROSKA),  # EBML
    (b"caff", CAF),
    (bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c"), ASF),  # the ASF header object's GUID
    (b"#!AMR\n", AMR),
    (b"#!AMR-WB\n", AMR),
    (b"BM", BMP),
)
PICKLE_PROTOCOLS = (b"\x02", b"\x03", b"\x04", b"\x05")  # after the PROTO opcode 0x80
KNOWN_EXTENSIONS = {ext: kind for kind in KINDS for ext in kind.extensions}
# ISO media major brands of audio (and audio-with-video) files; HEIF and AVIF images share the `ftyp` box.
MP4_BRANDS = (b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"avc1", b"dash",
              b"MSNV", b"qt  ")
MP4_BRAND_PREFIXES = (b"3gp", b"3g2")
# Still-image formats recognised so that a refusal names them: no reference is passed through their lossy coding.
UNSUPPORTED_IMAGES = {b"avif": "AVIF", b"avis": "AVIF", b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF",
                      b"msf1": "HEIF"}
JPEG_2000_MAGIC = (b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51")  # the JP2 box, a bare codestream


def is_mp4_audio(data):
    """An ISO media file (`ftyp` box at byte 4) whose major brand is an audio or movie one."""
    brand = data[8:12]
    return data[4:8] == b"ftyp" and (brand in MP4_BRANDS or brand[:3] in MP4_BRAND_PREFIXES)


def unsupported_image(data):
    """The name of a still-image format recognised only to be refused (AVIF, HEIC/HEIF, JPEG 2000), else None."""
    if data[4:8] == b"ftyp" and data[8:12] in UNSUPPORTED_IMAGES:
        return UNSUPPORTED_IMAGES[data[8:12]]
    return "JPEG 2000" if data.startswith(JPEG_2000_MAGIC) else None


def frame_sync(data):
    """The 12-bit sync (0xFFF; MPEG 2.5 MP3 frames: 0xFFE) of an MPEG audio frame at the start, and its
    two layer bits: 00 is AAC's ADTS header, 01-11 MPEG layers III-I (MP3); None without a sync."""
    if len(data) < 2 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return None
    return (data[1] >> 1) & 0b11


def is_idx_header(data):
    """IDX: two zero bytes, a known element type, then 1 to 4 dimensions."""
    return len(data) >= 4 and data[:2] == b"\0\0" and data[2] in IDX_TYPES and 1 <= data[3] <= 4


def is_netpbm(data):
    """Netpbm (PBM, PGM, PPM; plain P1-P3 or raw P4-P6): `P`, the type digit, then whitespace before the width."""
    return len(data) >= 3 and data[:1] == b"P" and data[1:2] in (b"1", b"2", b"3", b"4", b"5", b"6") and (
        data[2:3] in (b" ", b"\t", b"\r", b"\n"))


def kind_by_content(data):
    if data[:4] in (b"RIFF", b"RF64") and data[8:12] == b"WAVE":
        return WAV
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data[:4] == b"FORM" and data[8:12] in (b"AIFF", b"AIFC"):
        return AIFF
    layer = frame_sync(data)
    if layer == 0 and data[1] & 0xF0 == 0xF0:  # ADTS: the full 12-bit sync and layer 00
        return ADTS
    if data[:3] == b"ID3" or layer:  # an ID3 tag, or an MP3 frame (layer III, II or I)
        return MP3
    if is_mp4_audio(data):
        return MP4
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    if is_idx_header(data):
        return IDX
    if is_netpbm(data):
        return NETPBM
    return None


def extension(path):
    return os.path.splitext(str(path))[1].lower()


def sniff(path, data):
    """The Kind of a file from its bytes, cross-checked against its extension."""
    if not data:
        raise InputError(path, "empty file")
    named = KNOWN_EXTENSIONS.get(extension(path))
    found = kind_by_content(data)
    # A CIFAR-10 record may start with bytes that look like an IDX header; .bin decides.
    if named is CIFAR and found in (None, IDX):
        return CIFAR
    if found is None:
        unsupported = unsupported_image(data)
        if unsupported:
            raise InputError(path, f"{unsupported} image: not supported (the verdict has no reference passed through "
                                   f"its lossy coding)")
        if data[:1] == b"\x80" and data[1:2] in PICKLE_PROTOCOLS:
            raise InputError(path, "a Python pickle (torch.save's legacy format, pickle.dump): never unpickled, since "
                                   "loading one runs code; save samples with numpy.save")
        if named is not None:
            raise InputError(path, f"not a {named.label} file (its content does not start like one)")
        raise InputError(path, "unrecognised file format (not an image, array, IDX, CIFAR-10, audio or MIDI file)")
    if named is not None and named is not found:
        raise InputError(path, f"content is {found.label} but the extension {extension(path)} says {named.label}")
    return found
