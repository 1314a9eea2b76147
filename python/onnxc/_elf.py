"""What a file holds, read from its ELF header before dlopen: dlopen reports
a library of another architecture as "cannot open shared object file: No
such file or directory", which sends users looking for a missing file."""
import sys

# e_machine values (ELF's EM_*) of the architectures users meet, named as
# `uname -m` / Debian do.
MACHINES = {3: "i386", 8: "mips", 20: "ppc", 21: "ppc64", 22: "s390x", 40: "arm",
            62: "x86-64", 183: "aarch64", 243: "riscv", 258: "loongarch"}

# e_type values other than ET_DYN (shared objects and PIEs).
_TYPES = {0: "an ELF file of no type", 1: "a relocatable object (.o)",
          2: "an executable", 4: "a core dump"}

_HINT = "onnxc.load takes a .so written by onnx-compile -o NAME.so"

_HEADER_BYTES = 20  # e_ident (16), e_type (2), e_machine (2)


class Header:
    """The fields of an ELF header that say what code a file holds:
    bits (32 or 64, from EI_CLASS), little_endian (EI_DATA), e_type and
    e_machine."""

    __slots__ = ("bits", "little_endian", "e_type", "e_machine")

    def __init__(self, bits, little_endian, e_type, e_machine):
        self.bits, self.little_endian = bits, little_endian
        self.e_type, self.e_machine = e_type, e_machine

    def key(self):
        return (self.bits, self.little_endian, self.e_machine)

    def name(self, detailed=False):
        """The architecture, e.g. "aarch64"; `detailed` adds the word size
        and byte order (to tell apart two that differ only in those)."""
        name = MACHINES.get(self.e_machine, f"ELF machine {self.e_machine}")
        if self.e_machine == 243:
            name += str(self.bits)
        elif self.e_machine == 21 and self.little_endian:
            name += "le"
        if detailed:
            name += (f" ({self.bits}-bit, "
                     f"{'little' if self.little_endian else 'big'}-endian)")
        return name


def parse(data):
    """The Header of the bytes `data` (a file's first bytes); None when they
    are not an ELF header."""
    if len(data) < _HEADER_BYTES or data[:4] != b"\x7fELF":
        return None
    if data[4] not in (1, 2) or data[5] not in (1, 2):
        return None
    byteorder = "little" if data[5] == 1 else "big"
    return Header(32 if data[4] == 1 else 64, data[5] == 1,
                  int.from_bytes(data[16:18], byteorder),
                  int.from_bytes(data[18:20], byteorder))


def read(path):
    """The Header of the file `path`; None when it is not ELF. Raises
    OSError when the file cannot be read."""
    with open(path, "rb") as f:
        return parse(f.read(_HEADER_BYTES))


_process = False  # not looked up yet


def process_header():
    """The Header of this process's executable (the interpreter), or None
    when it cannot be read (then no architecture check is made)."""
    global _process
    if _process is False:
        _process = None
        for exe in ("/proc/self/exe", sys.executable):
            try:
                _process = read(exe) if exe else None
            except OSError:
                continue
            if _process is not None:
                break
    return _process


def check_loadable(path):
    """Why the file `path` cannot be a shared library for this process, or
    None when its header allows it (or cannot tell). `path` is shown as
    given."""
    try:
        with open(path, "rb") as f:
            data = f.read(_HEADER_BYTES)
    except IsADirectoryError:
        return f"cannot load '{path}': it is a directory, not a shared library ({_HINT})"
    except OSError as e:
        return f"cannot load '{path}': {e.strerror or e}"
    header = parse(data)
    if header is None:
        if data.startswith(b"!<arch>"):
            return (f"cannot load '{path}': it is a static archive (.a), not a shared "
                    "library; link it into a C program, or compile the model with -o NAME.so")
        if data.startswith(b"\x7fELF"):
            return (f"cannot load '{path}': its ELF header is truncated or malformed "
                    f"({_HINT})")
        return f"cannot load '{path}': it is not a shared library (not an ELF file; {_HINT})"
    process = process_header()
    if process is not None and header.key() != process.key():
        detailed = header.name() == process.name()
        return (f"'{path}' holds {header.name(detailed)} code; this process runs "
                f"{process.name(detailed)} (a model compiled with --triple for another "
                "machine runs there; compile it without --triple to load it here)")
    if header.e_type != 3:
        what = _TYPES.get(header.e_type, f"an ELF file of type {header.e_type}")
        return f"cannot load '{path}': it is {what}, not a shared library ({_HINT})"
    return None


