#!/bin/sh
# make check: runs the SingleStepTests 80286 real-mode conformance data
# through x86pc-cputest.  Exit 0 pass, 1 unexpected failures (including an
# XPASS: a file in tests/cputest-xfail.txt that now passes must be removed
# from it), 77 skip (no data), 99 hard error.
#
# Environment (all optional):
#   SINGLESTEP_DIR   data root (default: what configure chose, see
#                    --with-singlestep; the runner has it built in)
#   CPUTEST          path of the runner (default ./x86pc-cputest)
#   CPUTEST_WRAPPER  command prefix to run a cross-built runner, e.g.
#                    "qemu-aarch64 -L /usr/aarch64-linux-gnu" (not needed
#                    when binfmt_misc runs foreign binaries)
#   CPUTEST_VERBOSE  set to 1 to print details of failing tests
#   srcdir           set by automake; locates tests/cputest-xfail.txt
srcdir=${srcdir:-$(dirname "$0")/..}
runner=${CPUTEST:-./x86pc-cputest}
if [ ! -f "$runner" ] && [ -f "$runner.exe" ]; then
    runner=$runner.exe
fi
if [ ! -f "$runner" ]; then
    echo "cputest.sh: $runner not found (run make first)" >&2
    exit 99
fi
if [ -z "$SINGLESTEP_DIR" ]; then
    SINGLESTEP_DIR=$($CPUTEST_WRAPPER "$runner" --print-data-dir) || {
        echo "cputest.sh: cannot run $runner" >&2
        exit 99
    }
fi
dir=$SINGLESTEP_DIR/80286/v1_real_mode
if [ ! -d "$dir" ]; then
    echo "######################################################################"
    echo "#"
    echo "#  SKIPPED: conformance data not found at $dir"
    echo "#"
    echo "#  The CPU conformance suite did NOT run.  Point configure at the"
    echo "#  SingleStepTests data with --with-singlestep=DIR (or set"
    echo "#  SINGLESTEP_DIR) so that DIR/80286/v1_real_mode exists."
    echo "#"
    echo "######################################################################"
    exit 77
fi
verbose=
if [ "${CPUTEST_VERBOSE:-0}" != 0 ]; then
    verbose=-v
fi
# shellcheck disable=SC2086 # CPUTEST_WRAPPER may hold several words
$CPUTEST_WRAPPER "$runner" $verbose \
    --expected-failures "$srcdir/tests/cputest-xfail.txt" "$dir"
status=$?
case $status in
0|1) exit $status ;;
*) exit 99 ;;
esac
