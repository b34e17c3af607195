# Shared helpers of the tests/frontend/*.sh system tests (sourced).
# Run from the build directory (make check does); X86PC overrides the
# binary, X86PC_EMU is the command prefix of a cross build.
set -u
X86PC=${X86PC:-./x86pc}
X86PC_EMU=${X86PC_EMU:-}
ROM=${ROM:-tests/frontend/vgatext.bin}
PNGCHECK=${PNGCHECK:-tests/frontend/pngcheck}
T=$(mktemp -d "${TMPDIR:-/tmp}/x86pc-fe.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
fail=0

ok() { # ok STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fail=1
        for f in "$T/out" "$T/err"; do
            [ -s "$f" ] && sed "s/^/#   $(basename "$f"): /" "$f" | head -8
        done
    fi
}

need() {
    for f in "$X86PC" "$ROM" "$PNGCHECK"; do
        if [ ! -f "$f" ]; then
            echo "# missing $f (build it first)"
            exit 99
        fi
    done
}

# The cells vgatext.asm draws (720x400, 9x16 cells): red block, blue
# blank, yellow block, green everywhere else.
CELLS="0,0-8,15=AA0000 9,0-17,15=0000AA 0,16-8,31=FFFF55 18,0-719,15=00AA00 9,16-719,399=00AA00 0,32-8,399=00AA00"
# vga13.bin (mode 13h, 320x200): red corners, green elsewhere; and the
# same at 2x (the SDL window).
CELLS13="0,0=AA0000 1,0-319,198=00AA00 0,1-318,199=00AA00 319,199=AA0000"
WIN13="0,0-1,1=AA0000 2,0-639,397=00AA00 0,2-637,399=00AA00 638,398-639,399=AA0000"

finish() {
    echo "1..$n"
    exit $fail
}
