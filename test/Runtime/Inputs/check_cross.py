#!/usr/bin/env python3
"""Cross compiles a model to .o, .a and .so and checks each artifact.

usage: check_cross.py MODEL.onnx OUTDIR TRIPLE E_MACHINE [onnx-compile args...]

For each of .o, .a and .so, `onnx-compile MODEL.onnx --triple=TRIPLE -o
OUTDIR/model.EXT` must either succeed with every ELF object of the artifact
(each archive member) for E_MACHINE (183: AArch64), or fail with a message
that says what is missing (the runtime built for the target: the message
mentions the runtime), not only the host linker's complaint about a foreign
object.

Prints "ok EXT: ..." or "error EXT: ..." per artifact; exits 1 on an error.
"""
import os
import struct
import subprocess
import sys


def elf_machines(data):
    """e_machine of each ELF object in a file's bytes (an ar archive's members)."""
    if data.startswith(b"\x7fELF"):
        return [struct.unpack_from("<H", data, 18)[0]]
    if not data.startswith(b"!<arch>\n"):
        return []
    machines, offset = [], 8
    while offset + 60 <= len(data):
        header = data[offset:offset + 60]
        size = int(header[48:58].decode().strip())
        member = data[offset + 60:offset + 60 + size]
        if member.startswith(b"\x7fELF"):
            machines.append(struct.unpack_from("<H", member, 18)[0])
        offset += 60 + size + (size & 1)
    return machines


def main():
    model, outdir, triple, machine = sys.argv[1:5]
    extra = sys.argv[5:]
    machine = int(machine)
    errors = 0
    for ext in ("o", "a", "so"):
        path = os.path.join(outdir, "model." + ext)
        out = subprocess.run(["onnx-compile", model, "--triple=" + triple, "-o", path, *extra],
                             capture_output=True, text=True)
        if out.returncode == 0:
            machines = elf_machines(open(path, "rb").read())
            foreign = [m for m in machines if m != machine]
            if not machines or foreign:
                print(f"error {ext}: compiled, but holds ELF objects for machines {machines} "
                      f"(expected only {machine})")
                errors += 1
            else:
                print(f"ok {ext}: {len(machines)} ELF object(s) for machine {machine}")
            continue
        message = out.stderr.strip()
        first = message.splitlines()[0] if message else "(no message)"
        if "runtime" in message:
            print(f"ok {ext}: refused: {first}")
        else:
            print(f"error {ext}: failed without saying why: {first} | "
                  + " | ".join(message.splitlines()[1:3]))
            errors += 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
