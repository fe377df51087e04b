"""The receipt's QR code, built once from `qr_text` so the PDF and the thermal print agree.

The modules are exactly those of the `qrcode` library's `make(fit=True)` (the tests compare
them bit for bit, every version): its segmentation (numeric and alphanumeric runs of 20 or
more), block table and format and version codes are used as they are. The costly part is done
here instead. `qrcode` places the modules and scores each of the eight mask patterns one
module at a time in Python: 30 to 50 ms for a real five-person receipt code (version 17), and
the PIL and python-escpos image pipeline adds 1 to 2 ms; segno measured no better (27 ms).
A thermal printer without a native QR command needs the image on every receipt, so here the
whole symbol is one Python int, a row every `stride` bits: applying a mask or counting a
penalty over all rows and columns at once is a few operations on that int, and the
Reed-Solomon remainder takes a byte at a time from a table: under 1 ms.
"""

from __future__ import annotations

import io
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, zip_longest
from typing import Any

import qrcode
from PIL import Image
from qrcode import base as qr_base
from qrcode import util as qr_util

# M (15 %) survives a creased or smudged thermal receipt; H would make the code too dense
# for a 58 mm roll at a size a phone reads from a hand's distance.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
OPTIMIZE = 20  # qrcode's add_data() default: a run of 20 digits or more is coded as digits

_PAD = 10  # zero bits between rows: an 11-module window never reaches into the next row

# Bits of the character count by version class (1-9, 10-26, 27-40), by mode.
_COUNT_BITS = {
    qr_util.MODE_NUMBER: (10, 12, 14),
    qr_util.MODE_ALPHA_NUM: (9, 11, 13),
    qr_util.MODE_8BIT_BYTE: (8, 16, 16),
}
_NUMBER_BITS = (0, 4, 7)  # bits for the 0, 1 or 2 digits left after the groups of 3

# Data codewords' blocks and capacity per version at level M.
_BLOCKS = [None, *(qr_base.rs_blocks(v, ERROR_CORRECTION) for v in range(1, 41))]
_CAPACITY = [0, *(8 * sum(b.data_count for b in _BLOCKS[v]) for v in range(1, 41))]

_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i * j) % 3 + (i + j) % 2) % 2 == 0,
)  # each is periodic in j with a period dividing 6


def _check(text: str) -> None:
    if not text:
        # Every receipt carries its signed payload; a receipt without one is a bug upstream.
        raise ValueError("二维码内容不能为空")


def _segments(text: str) -> list[Any]:
    """qrcode's segments of the UTF-8 text: (mode, data) runs, as add_data() makes them."""
    return list(qr_util.optimal_data_chunks(text.encode("utf-8"), minimum=OPTIMIZE))


def _data_bits(segment: Any) -> int:
    n = len(segment.data)
    if segment.mode == qr_util.MODE_NUMBER:
        return 10 * (n // 3) + _NUMBER_BITS[n % 3]
    if segment.mode == qr_util.MODE_ALPHA_NUM:
        return 11 * (n // 2) + 6 * (n % 2)
    return 8 * n


def _version(segments: list[Any]) -> int:
    """The smallest version the segments fit at level M (as qrcode's best_fit())."""
    payload = sum(4 + _data_bits(s) for s in segments)
    for version in range(1, 41):
        size_class = 0 if version < 10 else 1 if version < 27 else 2
        needed = payload + sum(_COUNT_BITS[s.mode][size_class] for s in segments)
        if needed <= _CAPACITY[version]:
            return version
    raise ValueError("二维码内容太长")


def _bitstring(segments: list[Any], version: int) -> str:
    """The data codewords as a string of 0 and 1: segments, terminator, padding."""
    size_class = 0 if version < 10 else 1 if version < 27 else 2
    parts = []
    for segment in segments:
        data = segment.data
        parts.append(f"{segment.mode:04b}")
        parts.append(f"{len(data):0{_COUNT_BITS[segment.mode][size_class]}b}")
        if segment.mode == qr_util.MODE_NUMBER:
            for i in range(0, len(data), 3):
                chunk = data[i : i + 3]
                parts.append(f"{int(chunk):0{(0, 4, 7, 10)[len(chunk)]}b}")
        elif segment.mode == qr_util.MODE_ALPHA_NUM:
            for i in range(0, len(data), 2):
                pair = data[i : i + 2]
                if len(pair) == 2:
                    value = qr_util.ALPHA_NUM.find(pair[:1]) * 45 + qr_util.ALPHA_NUM.find(pair[1:])
                    parts.append(f"{value:011b}")
                else:
                    parts.append(f"{qr_util.ALPHA_NUM.find(pair):06b}")
        else:
            parts.append(f"{int.from_bytes(data, 'big'):0{8 * len(data)}b}")
    bits = "".join(parts)
    capacity = _CAPACITY[version]
    bits += "0" * min(capacity - len(bits), 4)  # terminator
    bits += "0" * (-len(bits) % 8)
    pads = (capacity - len(bits)) // 8
    return bits + "1110110000010001" * (pads // 2) + "11101100" * (pads % 2)


# GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _i in range(255):
    _EXP[_i] = _EXP[_i + 255] = _value
    _LOG[_value] = _i
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@cache
def _rs_table(ec_count: int) -> tuple[int, ...]:
    """For each feedback byte, the generator's lower coefficients times it, as one int."""
    generator = [1]
    for i in range(ec_count):  # the product of (x - a^i), highest power first
        generator = [
            a ^ _gf_mul(b, _EXP[i]) for a, b in zip([*generator, 0], [0, *generator], strict=True)
        ]
    return tuple(
        int.from_bytes(bytes(_gf_mul(g, factor) for g in generator[1:]), "big")
        for factor in range(256)
    )


def _remainder(block: bytes, ec_count: int) -> bytes:
    """The Reed-Solomon error correction codewords of one block."""
    table = _rs_table(ec_count)
    top = 8 * (ec_count - 1)
    keep = (1 << (8 * ec_count)) - 1
    register = 0
    for byte in block:
        register = ((register << 8) & keep) ^ table[byte ^ (register >> top)]
    return register.to_bytes(ec_count, "big")


def _codewords(bits: str, version: int) -> bytes:
    """Data and error correction codewords, interleaved block by block."""
    data = int(bits, 2).to_bytes(len(bits) // 8, "big")
    blocks, ecc = [], []
    offset = 0
    for block in _BLOCKS[version]:
        chunk = data[offset : offset + block.data_count]
        offset += block.data_count
        blocks.append(chunk)
        ecc.append(_remainder(chunk, block.total_count - block.data_count))
    columns = chain(zip_longest(*blocks), zip_longest(*ecc))  # a shorter block gives None
    return bytes(byte for column in columns for byte in column if byte is not None)


@dataclass(frozen=True, slots=True)
class _Layout:
    """Everything about a version that does not depend on the data, as symbol-wide ints.

    Module (row, col) is bit (size-1-row)*stride + (size-1-col): written out in binary, the
    int reads row by row, left to right, each row after `stride - size` zeros.
    """

    size: int
    stride: int
    valid: int  # every module
    fixed: int  # dark modules of the finders, separators, timing and alignment patterns
    masks: tuple[int, ...]  # per pattern, the data modules it flips
    formats: tuple[int, ...]  # per pattern, the dark modules of the format information
    extra: int  # the version information and the dark module beside the lower left finder
    gather: Callable[[bytes], Any]  # picks each module's bit out of the data bits + b"0"
    data_bits: int


@cache
def _layout(version: int) -> _Layout:
    n = 4 * version + 17
    stride = n + _PAD
    grid: list[list[bool | None]] = [[None] * n for _ in range(n)]
    for top, left in ((0, 0), (n - 7, 0), (0, n - 7)):  # finders and separators
        for r in range(-1, 8):
            for c in range(-1, 8):
                if 0 <= top + r < n and 0 <= left + c < n:
                    grid[top + r][left + c] = (
                        (0 <= r <= 6 and c in (0, 6))
                        or (0 <= c <= 6 and r in (0, 6))
                        or (2 <= r <= 4 and 2 <= c <= 4)
                    )
    centres = qr_util.pattern_position(version)
    for row in centres:
        for col in centres:
            if grid[row][col] is None:  # not on a finder
                for r in range(-2, 3):
                    for c in range(-2, 3):
                        grid[row + r][col + c] = abs(r) == 2 or abs(c) == 2 or r == c == 0
    for i in range(8, n - 8):
        if grid[i][6] is None:
            grid[i][6] = i % 2 == 0
        if grid[6][i] is None:
            grid[6][i] = i % 2 == 0

    def bit(row: int, col: int) -> int:
        return 1 << ((n - 1 - row) * stride + (n - 1 - col))

    # Format information: 15 bits down column 8 and along row 8 (as qrcode places them).
    format_cells: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for i in range(15):
        down = (i if i < 6 else i + 1 if i < 8 else n - 15 + i, 8)
        across = (8, n - i - 1 if i < 8 else 15 - i if i < 9 else 15 - i - 1)
        format_cells.append((down, across))
    extra = bit(n - 8, 8)
    reserved = [cell for pair in format_cells for cell in pair] + [(n - 8, 8)]
    if version >= 7:
        code = qr_util.BCH_type_number(version)
        for i in range(18):
            cells = ((i // 3, i % 3 + n - 11), (i % 3 + n - 11, i // 3))
            reserved += cells
            if (code >> i) & 1:
                extra |= bit(*cells[0]) | bit(*cells[1])
    for row, col in reserved:
        grid[row][col] = False  # light while the masks are scored, as in qrcode

    order = []  # data modules in placement order: two columns at a time, up then down
    row, step = n - 1, -1
    for right in range(n - 1, 0, -2):
        if right <= 6:
            right -= 1  # skip the vertical timing pattern
        while 0 <= row < n:
            order += [(row, c) for c in (right, right - 1) if grid[row][c] is None]
            row += step
        row -= step
        step = -step

    data_bits = 8 * sum(block.total_count for block in _BLOCKS[version])
    pick = [data_bits] * (n * stride)  # index into the data bits; data_bits is the "0" after
    for i, (row, col) in enumerate(order[:data_bits]):
        pick[row * stride + _PAD + col] = i
    gather = operator.itemgetter(*pick)

    pad = "0" * _PAD
    fixed = "".join(pad + "".join("1" if grid[r][c] else "0" for c in range(n)) for r in range(n))
    region = "".join(
        pad + "".join("1" if grid[r][c] is None else "0" for c in range(n)) for r in range(n)
    )
    data_region = int(region, 2)
    masks = []
    for flips in _MASKS:
        rows = []
        for r in range(n):
            period = "".join("1" if flips(r, c) else "0" for c in range(6))
            rows.append(pad + (period * (n // 6 + 1))[:n])
        masks.append(int("".join(rows), 2) & data_region)
    formats = []
    for pattern in range(8):
        code = qr_util.BCH_type_info((ERROR_CORRECTION << 3) | pattern)
        dark = 0
        for i, (down, across) in enumerate(format_cells):
            if (code >> i) & 1:
                dark |= bit(*down) | bit(*across)
        formats.append(dark)
    valid = int((pad + "1" * n) * n, 2)
    return _Layout(
        n, stride, valid, int(fixed, 2), tuple(masks), tuple(formats), extra, gather, data_bits
    )


def _penalty(dark: int, layout: _Layout) -> int:
    """qrcode's lost_point(): the standard's four penalty rules, every row and column at once.

    A run of 5 or more modules of one colour costs its length less 2; a 2 x 2 block of one
    colour 3; dark-light-dark-dark-dark-light-dark with 4 light modules on one side (a finder
    look-alike) 40; every whole 5 % away from half dark 10.
    """
    n, stride = layout.size, layout.stride
    light = layout.valid ^ dark
    score = 0
    for x in (dark, light):
        for step in (1, stride):  # along rows, along columns
            run = x & (x >> step)
            run &= run >> (2 * step)
            run &= x >> (4 * step)  # a bit for each start of 5 in a row
            score += run.bit_count() + 2 * (run & ~(run << step)).bit_count()
        square = x & (x >> stride)
        score += 3 * (square & (square >> 1)).bit_count()
    for step in (1, stride):
        d = [dark >> (k * step) for k in range(11)]
        li = [light >> (k * step) for k in range(11)]
        core = li[1] & d[4] & li[5] & d[6] & li[9]
        finder_first = core & d[0] & d[2] & d[3] & li[7] & li[8] & li[10]
        light_first = core & li[0] & li[2] & li[3] & d[7] & d[8] & d[10]
        score += 40 * (finder_first.bit_count() + light_first.bit_count())
    # The same floating-point steps as qrcode, so a tie at a 5 % boundary breaks alike.
    percent = float(dark.bit_count()) / (n**2)
    return score + int(abs(percent * 100 - 50) / 5) * 10


@dataclass(frozen=True, slots=True)
class _Symbol:
    size: int
    rows: tuple[str, ...]  # "1" a dark module, left to right, top to bottom


@lru_cache(maxsize=32)
def _symbol(text: str) -> _Symbol:
    _check(text)
    segments = _segments(text)
    version = _version(segments)
    layout = _layout(version)
    codewords = _codewords(_bitstring(segments, version), version)
    stream = f"{int.from_bytes(codewords, 'big'):0{layout.data_bits}b}".encode("ascii") + b"0"
    data = int(bytes(layout.gather(stream)), 2)
    # Mask choice is most of the cost, but it is what keeps the code readable.
    candidates = [layout.fixed | (data ^ mask) for mask in layout.masks]
    scores = [_penalty(candidate, layout) for candidate in candidates]
    best = scores.index(min(scores))  # the first of equals, as qrcode
    final = candidates[best] | layout.formats[best] | layout.extra
    n, stride = layout.size, layout.stride
    bits = f"{final:0{n * stride}b}"
    return _Symbol(n, tuple(bits[r * stride + _PAD : (r + 1) * stride] for r in range(n)))


def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules (True is dark), without the quiet zone."""
    return tuple(tuple(module == "1" for module in row) for row in _symbol(text).rows)


def qr_modules(text: str) -> int:
    """Modules per side of the code for `text`, without building it (for sizing a print)."""
    _check(text)
    return 17 + 4 * _version(_segments(text))


def qr_bitmap(
    text: str, box: int, border: int = QUIET_ZONE, width: int | None = None
) -> tuple[int, int, bytes]:
    """The code as a 1-bit raster: (bytes a row, rows, data), 8 pixels a byte, the leftmost
    in the most significant bit, 1 for dark (ESC/POS GS v 0 and PIL's "1;I" layout).

    Each module is `box` x `box` pixels, with `border` modules of white around the code; it
    is centred in `width` pixels (the code's own width if None) as python-escpos centres an
    image, and each row is padded with white to whole bytes.
    """
    if box < 1:
        raise ValueError("box must be at least 1 pixel")
    symbol = _symbol(text)
    side = (symbol.size + 2 * border) * box
    width = side if width is None else width
    if width < side:
        raise ValueError(f"二维码宽{side}点，超过了{width}点")
    row_bytes = (width + 7) // 8
    left = "0" * ((width - side) // 2 + border * box)
    right = "0" * (8 * row_bytes - len(left) - symbol.size * box)
    scale = str.maketrans({"0": "0" * box, "1": "1" * box})
    blank = bytes(row_bytes) * (border * box)
    lines = [
        int(left + row.translate(scale) + right, 2).to_bytes(row_bytes, "big") * box
        for row in symbol.rows
    ]
    return row_bytes, side, b"".join([blank, *lines, blank])


def qr_image(text: str, box: int = 4, border: int = QUIET_ZONE) -> Image.Image:
    """The code as a black-and-white image: `box` pixels per module, `border` modules of white.

    Every module is a crisp square of exactly box x box pixels.
    """
    _, side, bits = qr_bitmap(text, box, border)
    return Image.frombytes("1", (side, side), bits, "raw", "1;I")


def qr_png(text: str, box: int = 4) -> bytes:
    """The QR code of `text` as PNG bytes (error correction M, 4-module quiet zone)."""
    out = io.BytesIO()
    qr_image(text, box).save(out, format="PNG", optimize=False)
    return out.getvalue()
