#!/bin/sh
# make check: differential test of the x87 FPU against the host CPU
# (tests/diff/fpudiff.c with the gcc -m32 oracle tests/diff/fpuoracle.c).
# Exit 0 pass, 1 mismatches, 77 skip (not an x86 host, or no -m32 oracle).
#
# Environment (optional):
#   FPUDIFF         path of the tester (default ./tests/diff/fpudiff)
#   FPUDIFF_ARGS    extra options, e.g. "--seed 7 --count 500 --family ADD,SHL"
#   X86PC_EMU        command prefix for built binaries (see Makefile.am)
case $(uname -m) in
    x86_64|amd64|i?86) ;;
    *)
        echo "SKIP: no host x86 oracle (host is $(uname -m))"
        exit 77 ;;
esac
tester=${FPUDIFF:-./tests/diff/fpudiff}
if [ ! -x "$tester" ] || [ ! -x "$(dirname "$tester")/x86pc-fpu-oracle" ]; then
    echo "SKIP: no host x86 oracle (configure found no working gcc -m32)"
    exit 77
fi
# shellcheck disable=SC2086
exec $X86PC_EMU "$tester" $FPUDIFF_ARGS
