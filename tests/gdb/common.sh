# common.sh -- sourced by the tests in tests/gdb/ (TAP output helpers, the
# guest ROM, a free TCP port).  Run from the build directory (make check
# does); X86PC overrides the binary, X86PC_EMU is a command prefix.
set -u
X86PC=${X86PC:-./x86pc}
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/x86pc-gdb.XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$T"
}
trap cleanup EXIT
n=0
fail=0

ok() { # ok STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fail=1
    fi
}

skip() {
    echo "1..0 # SKIP $1"
    exit 77
}

[ -x "$X86PC" ] || skip "no x86pc binary at $X86PC"
command -v nasm >/dev/null 2>&1 || skip "nasm not found"
nasm -f bin -o "$T/guest.bin" "$here/gdb_guest.asm" || exit 99

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        echo $((20000 + $$ % 20000))
    fi
}

# start_x86pc ARGS...: runs x86pc with the guest ROM in the background;
# sets pid, output in $T/x86pc.out and $T/x86pc.err.
start_x86pc() {
    # shellcheck disable=SC2086
    ${X86PC_EMU:-} "$X86PC" -bios "$T/guest.bin" -m 16 -display none "$@" \
        >"$T/x86pc.out" 2>"$T/x86pc.err" </dev/null &
    pid=$!
}

# wait_x86pc SECONDS: waits for x86pc to exit; sets rc (124 on timeout).
wait_x86pc() {
    local t=0
    while kill -0 "$pid" 2>/dev/null && [ "$t" -lt $(($1 * 10)) ]; do
        sleep 0.1
        t=$((t + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid" 2>/dev/null
        rc=124
    else
        wait "$pid"
        rc=$?
    fi
    pid=
}
