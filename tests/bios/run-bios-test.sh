#!/bin/sh
# run-bios-test.sh -- boots the BIOS test disk (boottest.asm) and checks what
# its boot sector reports about the BIOS services.
#
# Runs the emulator twice: with the x86pc BIOS, and (for reference) with
# SeaBIOS.  Lines "T: ..." of both runs must equal boottest.expected; lines
# "M: ..." (memory map and sizes, which differ between BIOSes) of the x86pc
# BIOS run must equal boottest-mem.expected.  Both runs must end through
# isa-debug-exit with status 1.
#
# Environment:
#   BIOS_TEST_EMU    emulator command (default: qemu-system-i386); for x86pc
#                    e.g. BIOS_TEST_EMU=./x86pc
#   BIOS_TEST_ARGS   extra emulator arguments (default: none)
#   BIOS_TEST_HDA / BIOS_TEST_HDB
#                    how to attach the disks: the option placed before the
#                    image path (default: QEMU's -drive syntax is used; set
#                    e.g. BIOS_TEST_HDA=-hda BIOS_TEST_HDB=-hdb)
#   BIOS_BIN         the BIOS to test (default: bios/bios.bin of the build)
#   SEABIOS          reference BIOS (default /usr/share/seabios/bios.bin;
#                    "none" skips the reference run)
#   NASM             assembler (default nasm)
#   BIOS_TEST_TIMEOUT  seconds per run (default 60)
#   BIOS_TEST_KEEP=1 keep the work directory
#
# Exit: 0 pass, 1 fail, 77 skip (no emulator or no nasm), 99 hard error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
emu=${BIOS_TEST_EMU:-qemu-system-i386}
nasm=${NASM:-nasm}
bios=${BIOS_BIN:-}
if [ -z "$bios" ]; then
    for c in ./bios/bios.bin "$here/../../bios/bios.bin"; do
        if [ -f "$c" ]; then bios=$c; break; fi
    done
fi
seabios=${SEABIOS:-/usr/share/seabios/bios.bin}
tmo=${BIOS_TEST_TIMEOUT:-60}

if ! command -v "${emu%% *}" >/dev/null 2>&1; then
    echo "run-bios-test: $emu not found: skipped" >&2
    exit 77
fi
if ! command -v "$nasm" >/dev/null 2>&1; then
    echo "run-bios-test: $nasm not found: skipped" >&2
    exit 77
fi
if [ -z "$bios" ] || [ ! -f "$bios" ]; then
    echo "run-bios-test: BIOS image not found (set BIOS_BIN)" >&2
    exit 99
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bios-test.XXXXXX") || exit 99
cleanup() { if [ "${BIOS_TEST_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

if ! "$nasm" -f bin -o "$work/boot.img" "$here/boottest.asm"; then
    echo "run-bios-test: cannot assemble boottest.asm" >&2
    exit 99
fi

runner=
if command -v timeout >/dev/null 2>&1; then runner="timeout $tmo"; fi

# run NAME BIOS: boots fresh disk images with BIOS; output in $work/NAME.out
run() {
    # a 16 MiB disk with the test program and data, a 4 GiB empty one
    cp "$work/boot.img" "$work/hda.img" && truncate -s 16M "$work/hda.img" &&
        rm -f "$work/hdb.img" && truncate -s 4G "$work/hdb.img" || return 99
    if [ -n "${BIOS_TEST_HDA:-}" ]; then
        set -- "$1" "$2" "$BIOS_TEST_HDA" "$work/hda.img" \
            "${BIOS_TEST_HDB:--hdb}" "$work/hdb.img"
    else
        set -- "$1" "$2" \
            -drive "file=$work/hda.img,format=raw,if=ide,index=0" \
            -drive "file=$work/hdb.img,format=raw,if=ide,index=1"
    fi
    name=$1 rom=$2
    shift 2
    # shellcheck disable=SC2086 # $runner, $emu and $BIOS_TEST_ARGS are lists
    $runner $emu -bios "$rom" -display none -debugcon stdio -serial null \
        -m 128 -no-reboot -device isa-debug-exit,iobase=0x501,iosize=2 \
        ${BIOS_TEST_ARGS:-} "$@" >"$work/$name.out" 2>"$work/$name.err" \
        </dev/null
    status=$?
    if [ "$status" != 1 ]; then
        echo "run-bios-test: $name: exit status $status, expected 1" >&2
        cat "$work/$name.out" "$work/$name.err" >&2
        return 1
    fi
    return 0
}

# check NAME PREFIX EXPECTED: the PREFIX lines of NAME.out against EXPECTED
check() {
    grep "^$2: " "$work/$1.out" >"$work/$1.$2" || true
    if ! diff -u "$3" "$work/$1.$2" >"$work/$1.$2.diff"; then
        echo "run-bios-test: $1: '$2:' lines differ from $(basename "$3"):" >&2
        cat "$work/$1.$2.diff" >&2
        return 1
    fi
    echo "ok: $1: '$2:' lines match $(basename "$3")"
}

fail=0
if run x86pc "$bios"; then
    if head -n 1 "$work/x86pc.out" | grep -q '^x86pc BIOS$'; then
        echo "ok: x86pc: banner on the debug console"
    else
        echo "run-bios-test: x86pc: no banner on the debug console" >&2
        fail=1
    fi
    check x86pc T "$here/boottest.expected" || fail=1
    check x86pc M "$here/boottest-mem.expected" || fail=1
else
    fail=1
fi

if [ "$seabios" = none ]; then
    echo "SeaBIOS reference run skipped (SEABIOS=none)"
elif [ ! -f "$seabios" ]; then
    echo "SeaBIOS reference run skipped ($seabios not found)"
else
    if run seabios "$seabios"; then
        check seabios T "$here/boottest.expected" || fail=1
    else
        fail=1
    fi
fi
exit $fail
