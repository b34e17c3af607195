#!/bin/sh
# run-vgabios-test.sh -- tests of the x86pc VGA BIOS (bios/vgabios.bin).
#
# 1. vgatest.asm: a 64 KiB test firmware that calls the ROM at C000:0003
#    itself and exercises INT 10h and VBE; its port-E9 output must equal
#    vgatest.expected and it must exit through isa-debug-exit (status 1).
# 2. vgaboot.asm: a disk whose boot sector reports what the system BIOS
#    (bios/bios.bin, which runs the ROM) left on the text screen; its
#    "S: " lines must equal vgaboot.expected.  x86pc only (SeaBIOS prints a
#    different banner).
#
# Environment:
#   X86PC          emulator (default ./x86pc, then ../../x86pc)
#   VGABIOS_REF=qemu  X86PC is qemu-system-i386: the ROM is given as the
#                  VGA device's romfile (test 1 copies it to C0000 like a
#                  system BIOS); test 2 is skipped
#   VGABIOS        the ROM (default ./bios/vgabios.bin)
#   NASM           assembler (default nasm)
#   VGABIOS_KEEP=1 keep the work directory
#   X86PC_EMU      command prefix for a cross-built emulator
#
# Exit: 0 pass, 1 fail, 77 skip (no emulator / nasm), 99 hard error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
nasm=${NASM:-nasm}
ref=${VGABIOS_REF:-}
emu=${X86PC:-}
if [ -z "$emu" ]; then
    for c in ./x86pc "$here/../../x86pc"; do
        if [ -x "$c" ]; then emu=$c; break; fi
    done
fi
vgabios=${VGABIOS:-}
if [ -z "$vgabios" ]; then
    for c in ./bios/vgabios.bin "$here/../../bios/vgabios.bin"; do
        if [ -f "$c" ]; then vgabios=$c; break; fi
    done
fi
if [ -z "$emu" ] || ! command -v "$emu" >/dev/null 2>&1; then
    echo "run-vgabios-test: emulator not found (set X86PC)" >&2
    exit 77
fi
if ! command -v "$nasm" >/dev/null 2>&1; then
    echo "run-vgabios-test: $nasm not found: skipped" >&2
    exit 77
fi
if [ -z "$vgabios" ] || [ ! -f "$vgabios" ]; then
    echo "run-vgabios-test: bios/vgabios.bin not found (set VGABIOS)" >&2
    exit 99
fi
runner=
if command -v timeout >/dev/null 2>&1; then runner="timeout 60"; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vgabios-test.XXXXXX") || exit 99
cleanup() { [ "${VGABIOS_KEEP:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

"$nasm" -f bin -I"$here/../guest/" -o "$work/vgatest.bin" \
    "$here/vgatest.asm" || exit 99
"$nasm" -f bin -o "$work/vgaboot.img" "$here/vgaboot.asm" || exit 99

fail=0

# ---- 1: the ROM driven by the test firmware
if [ "$ref" = qemu ]; then
    set -- -vga none -device "VGA,romfile=$vgabios"
else
    set -- -vgabios "$vgabios"
fi
# shellcheck disable=SC2086 # $runner and $X86PC_EMU are word lists
$runner ${X86PC_EMU:-} "$emu" -bios "$work/vgatest.bin" -display none \
    -debugcon stdio -device isa-debug-exit,iobase=0x501,iosize=2 -m 32 \
    -no-reboot "$@" >"$work/vgatest.out" 2>"$work/vgatest.err" </dev/null
st=$?
if ! cmp -s "$here/vgatest.expected" "$work/vgatest.out"; then
    echo "FAIL vgatest: output differs (--- expected, +++ got):"
    diff -u "$here/vgatest.expected" "$work/vgatest.out" | sed -n '3,$p'
    fail=1
fi
if [ "$st" -ne 1 ]; then
    echo "FAIL vgatest: exit status $st, expected 1"
    head -n 20 "$work/vgatest.err"
    fail=1
fi
[ "$fail" -eq 0 ] && echo "PASS vgatest"

# ---- 2: the system BIOS runs the ROM and writes through INT 10h
if [ "$ref" = qemu ]; then
    echo "SKIP vgaboot (x86pc BIOS banner; not for the QEMU/SeaBIOS reference)"
else
    # shellcheck disable=SC2086
    $runner ${X86PC_EMU:-} "$emu" -display none -debugcon stdio -m 32 \
        -vgabios "$vgabios" -hda "$work/vgaboot.img" \
        -device isa-debug-exit,iobase=0x501,iosize=2 -no-reboot \
        >"$work/vgaboot.log" 2>"$work/vgaboot.err" </dev/null
    st=$?
    grep -a '^S: ' "$work/vgaboot.log" >"$work/vgaboot.out"
    f2=0
    if ! cmp -s "$here/vgaboot.expected" "$work/vgaboot.out"; then
        echo "FAIL vgaboot: output differs (--- expected, +++ got):"
        diff -u "$here/vgaboot.expected" "$work/vgaboot.out" | sed -n '3,$p'
        f2=1
    fi
    if [ "$st" -ne 1 ]; then
        echo "FAIL vgaboot: exit status $st, expected 1"
        head -n 20 "$work/vgaboot.err"
        f2=1
    fi
    [ "$f2" -eq 0 ] && echo "PASS vgaboot"
    [ "$f2" -eq 0 ] || fail=1
fi
exit $fail
