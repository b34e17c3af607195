#!/bin/bash
# End-to-end tests of the host back-ends added with the floppy work:
# -serial tcp (server, waiting for the client; reconnection), -serial pty,
# -debugcon2 (port 0x402), -d unimp, and the -fda/-drive if=floppy option
# checks.  The guest is a 16-byte ROM at the reset vector that echoes every
# byte COM1 receives (polling LSR, no UART set-up needed).  Uses bash's
# /dev/tcp.  TAP output.  Run from the build directory (make check does).
set -u
X86PC=${X86PC:-./x86pc}
EMU=${X86PC_EMU:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/x86pc-serial.XXXXXX")
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
n=0
fail=0
ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
        echo "not ok $n - $2"; fail=1
    fi
}

# ROM: 0xFF fill, 16 zero bytes at 0xFFE0, then at 0xFFF0:
#   mov dx,3FDh / l: in al,dx / test al,1 / jz l / mov dl,0F8h / in al,dx /
#   out dx,al / mov dl,0FDh / jmp l
{
    head -c 65504 /dev/zero | tr '\0' '\377'
    head -c 16 /dev/zero
    printf '\272\375\003\354\250\001\164\373\262\370\354\356\262\375\353\363'
} >"$T/echo.bin"

# wait_for FILE PATTERN: waits up to 10 s for PATTERN (ERE) in FILE.
wait_for() {
    local i
    for i in $(seq 100); do
        grep -Eq "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

echo "1..11"

# --- tcp server: waits for the client, echoes, accepts a second client
$EMU "$X86PC" -bios "$T/echo.bin" -display none -m 16 \
    -serial tcp:127.0.0.1:0,server 2>"$T/tcp.err" >/dev/null &
pids="$pids $!"
wait_for "$T/tcp.err" 'waiting for a connection on port [0-9]+'
ok $? "tcp server announces its port and waits"
port=$(sed -n 's/.*waiting for a connection on port \([0-9]*\).*/\1/p' \
    "$T/tcp.err" | head -n 1)
exchange() { # exchange PORT TEXT: sends TEXT, prints what comes back
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf '%s' "$2" >&3
    local got=
    IFS= read -r -t 10 -N "${#2}" got <&3
    exec 3<&- 3>&-
    printf '%s' "$got"
}
got=$(exchange "$port" "ping-1")
[ "$got" = "ping-1" ]
ok $? "guest echoes bytes sent over tcp (got '$got')"
sleep 0.3
got=$(exchange "$port" "again")
[ "$got" = "again" ]
ok $? "a second client is accepted after the first disconnects"

# --- tcp nowait: runs without a client, then accepts one
$EMU "$X86PC" -bios "$T/echo.bin" -display none -m 16 -debugcon2 \
    "file:$T/d2.txt" -serial tcp:127.0.0.1:0,server,nowait \
    2>"$T/nw.err" >/dev/null &
pids="$pids $!"
wait_for "$T/nw.err" 'listening on port [0-9]+'
port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$T/nw.err" |
    head -n 1)
got=$(exchange "$port" "late")
! grep -q 'waiting' "$T/nw.err" && [ "$got" = "late" ]
ok $? "nowait: runs without a client, echoes once one connects"

# --- pty
$EMU "$X86PC" -bios "$T/echo.bin" -display none -m 16 -serial pty \
    2>"$T/pty.err" >/dev/null &
pids="$pids $!"
if wait_for "$T/pty.err" 'char device redirected to /dev/'; then
    pty=$(sed -n 's/.*char device redirected to \(\/dev\/[^ ]*\).*/\1/p' \
        "$T/pty.err" | head -n 1)
    ok 0 "pty path printed ($pty)"
    exec 4<>"$pty"
    printf 'tty\r\n' >&4
    timeout 10 head -c 5 <&4 >"$T/pty.out"
    exec 4<&- 4>&-
    printf 'tty\r\n' | cmp -s - "$T/pty.out"
    ok $? "guest echoes through the pty unchanged (raw)"
else
    ok 0 "# SKIP no pseudo-terminals"
    ok 0 "# SKIP no pseudo-terminals"
fi

# --- -debugcon2 and -d unimp with a ROM: out 0x402 'Q', in from 0x1234,
# hlt (cli; mov dx,402h; mov al,51h; out dx,al; mov dx,1234h; in al,dx; hlt)
{
    head -c 65504 /dev/zero | tr '\0' '\377'
    head -c 16 /dev/zero
    printf '\372\272\002\004\260\121\356\272\064\022\354\364'
    head -c 4 /dev/zero | tr '\0' '\377'
} >"$T/d2.bin"
timeout 20 $EMU "$X86PC" -bios "$T/d2.bin" -display none -m 16 \
    -debugcon2 "file:$T/d2out.txt" -d unimp >/dev/null 2>"$T/unimp.err"
[ "$(cat "$T/d2out.txt")" = "Q" ]
ok $? "-debugcon2: the byte written to port 0x402 reaches the file"
grep -q 'unassigned I/O port 0x1234: read' "$T/unimp.err"
ok $? "-d unimp reports the read of port 0x1234"
[ "$(grep -c 'unassigned' "$T/unimp.err")" -eq 1 ]
ok $? "-d unimp: nothing else unassigned (0x402 is taken by -debugcon2)"

# --- floppy options
head -c 1000448 /dev/zero >"$T/odd.img" # 1954 sectors: no floppy format
timeout 20 $EMU "$X86PC" -bios "$T/d2.bin" -display none -fda "$T/odd.img" \
    >/dev/null 2>"$T/fd.err"
[ $? -eq 2 ] && grep -q 'not a standard floppy format' "$T/fd.err"
ok $? "-fda with a non-floppy image size is refused (exit 2)"
timeout 20 $EMU "$X86PC" -drive if=floppy,file=x,index=2 >/dev/null \
    2>"$T/fd2.err"
[ $? -eq 2 ] && grep -q 'index=2' "$T/fd2.err"
ok $? "-drive if=floppy,index=2 refused"
exit $fail
