#!/bin/bash
# The built-in debugger (-debugger): commands piped to x86pc running
# tests/gdb/gdb_guest.asm, output checked; Ctrl-C (SIGINT) while running
# enters it; q and end of input quit; option errors.
. "$(dirname "$0")/common.sh"

# run_dbg "COMMANDS" ARGS...: x86pc -debugger with the commands on stdin.
run_dbg() {
    local cmds=$1
    shift
    printf '%s' "$cmds" | timeout 30 ${X86PC_EMU:-} "$X86PC" -bios "$T/guest.bin" \
        -m 16 -display none -debugger "$@" >"$T/out" 2>"$T/err"
    rc=$?
}
has() { # has DESCRIPTION EXTENDED-REGEX
    grep -Eq -- "$2" "$T/out"
    ok $? "$1"
}

run_dbg 'r
b 0xf0090
c
x /2wx 0x700
s
x /1wx 0x700
watch w 0x706 2
c

info break
d 1
d 2
sreg
creg
dreg
info gdt
x /1bx 0010:f0090
x /1bx 0030:0
lb
b 0xf0150
c
pb 0xf0157
c
info break
page 0x300000
page 0x708
xp /4bx 0x708
x /1wx 0x400000
x/2hx 0x704
set eax = 0x42
r
writemem '"$T"'/mem.bin 0x700 16
setpmem 0x710 4 1
d 3
d 4
c
' -S -magic-break
ok "$rc" "session ends with status 0 when the guest halts (rc $rc)"
sed 's/^/#   /' "$T/out" | head -80
has "stopped at the reset vector" '^\(0\) Stopped, next at f000:0000fff0 \(linear fffffff0\): ea'
has "r shows registers" 'edx: 0x000006d8'
has "linear breakpoint hit" 'Breakpoint 1, next at 0008:000f0090'
has "memory before the store" '^<x86pc> 0x00000700: 0x00000000 0x00000000$'
has "s steps one instruction" 'next at 0008:000f009a'
has "memory after the store" '^<x86pc> 0x00000700: 0x11111111$'
has "write watchpoint after the writing instruction" 'Watchpoint 2: write at 00000706, next at 0008:000f00aa'
has "empty line repeats c; magic breakpoint" '^<x86pc> \(0\) Magic breakpoint, next at 0008:000f00b3'
has "info break lists both" '2 write watchpoint at 0x00000706 len 2'
has "sreg" 'cs  : sel=0x0008 base=0x00000000 limit=0xffffffff ar=0xc09b'
has "creg" 'cr0: 0x60000011 PE'
has "dreg" 'dr7: 0x00000400'
has "info gdt decodes the code segment" 'GDT\[0x01\] = 00cf9a000000ffff: code readable base=0x00000000 limit=0xffffffff dpl=0 32-bit'
has "SEG:OFF through a protected-mode descriptor" '^<x86pc> 0x000f0090: 0xc7$'
has "selector beyond the GDT limit is refused" "bad address '0030:0'"
has "lb without an address lists (none left)" '^<x86pc> no breakpoints or watchpoints$'
has "physical breakpoint hit" 'Breakpoint 4, next at 0008:000f0157 .*: 74 f7'
has "page walk: not present" 'linear 00300000: not mapped'
has "page walk: PTE and translation" 'linear 00000708 -> physical 00000708'
has "xp reads physical memory" '0x00000708: 0x22 0x22 0x22 0x22'
has "x of an unmapped address" '0x00400000: not mapped'
has "x/2hx" '0x00000704: 0xbeef 0xdead'
has "set eax" 'eax: 0x00000042'
printf '\021\021\021\021\357\276\255\336\042\042\042\042\001\000\000\000' >"$T/want"
# (0x710 is still 0 when writemem runs: compare the first 12 bytes)
cmp -s -n 12 "$T/want" "$T/mem.bin"
ok $? "writemem saved linear memory"

# Ctrl-C while running enters the debugger
mkfifo "$T/in"
${X86PC_EMU:-} "$X86PC" -bios "$T/guest.bin" -m 16 -display none -debugger \
    <"$T/in" >"$T/out" 2>"$T/err" &
pid=$!
exec 3>"$T/in"
sleep 0.5
kill -INT "$pid"
t=0
while ! grep -q 'Stopped' "$T/out" && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
printf 'setpmem 0x710 4 1\nc\n' >&3
exec 3>&-
wait_x86pc 20
ok "$rc" "Ctrl-C session ends with status 0 (rc $rc)"
has "Ctrl-C stops in the spin loop" '\(0\) Stopped, next at 0008:000f015'

# Ctrl-C at the prompt is ignored
rm -f "$T/in"
mkfifo "$T/in"
${X86PC_EMU:-} "$X86PC" -bios "$T/guest.bin" -m 16 -display none -debugger -S \
    <"$T/in" >"$T/out" 2>"$T/err" &
pid=$!
exec 3>"$T/in"
t=0
while ! grep -q 'Stopped' "$T/out" && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
kill -INT "$pid"
sleep 0.3
printf 'r\nq\n' >&3
exec 3>&-
wait_x86pc 20
ok "$rc" "Ctrl-C at the prompt does not end x86pc (rc $rc)"
has "the prompt still takes commands after Ctrl-C" 'eip: 0x0000fff0'

run_dbg 'q
' -S
ok "$rc" "q quits with status 0 (rc $rc)"
run_dbg '' -S
ok "$rc" "end of input quits with status 0 (rc $rc)"
run_dbg 'bogus
x /2qx 0
b nowhere
q
' -S
grep -q "unknown command 'bogus'" "$T/out" && grep -q "bad format" "$T/out" &&
    grep -q "bad address 'nowhere'" "$T/out"
ok $? "bad commands are reported"

usage() { # usage DESCRIPTION ARGS...
    local what=$1
    shift
    timeout 10 "$X86PC" -bios "$T/guest.bin" "$@" >/dev/null 2>"$T/err" </dev/null
    [ $? -eq 2 ] && grep -q '^x86pc: ' "$T/err"
    ok $? "$what"
}
usage "-S alone is a usage error" -S
usage "-magic-break alone is a usage error" -magic-break
usage "-gdb and -debugger together" -gdb tcp::1 -debugger
usage "-gdb with a bad port" -gdb tcp::99999
usage "-gdb with garbage" -gdb foo
usage "-debugger with -serial stdio" -debugger -serial stdio
echo "1..$n"
exit $fail
