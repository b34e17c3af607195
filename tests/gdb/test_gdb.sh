#!/bin/bash
# Drives Debian's gdb against x86pc -S -gdb tcp::PORT running
# tests/gdb/gdb_guest.asm: registers at the reset vector, a software and a
# hardware breakpoint, single step, memory read/write, a write watchpoint
# on an unaligned 2-byte range (stop after the writing instruction, right
# address), a read watchpoint, paging (an unmapped address fails, a mapped
# one reads through the page tables), the guest's exit.  Skips (77)
# without gdb.
. "$(dirname "$0")/common.sh"
command -v gdb >/dev/null 2>&1 || skip "gdb not found"

port=$(free_port)
start_x86pc -S -gdb "tcp::$port"
cat >"$T/cmds" <<GDB
set confirm off
set pagination off
target remote :$port
info registers eip cs eflags
break *0xf0080
continue
p/x \$eax
stepi
p/x \$eax
p/x \$pc
x/2xb 0xf0080
hbreak *0xf0090
continue
set {int}0x800 = 0x12345678
x/wx 0x800
watch *(unsigned short*)0x706
continue
p/x \$pc
x/wx 0x704
delete
break *0xf0150
continue
p/x \$cr0 & 0x80000001
x/wx 0x300000
x/wx 0x708
delete
rwatch *(int*)0x710
continue
p/x \$pc
delete
set {int}0x710 = 1
continue
GDB
# One -ex per line: unlike a -x script, an error does not end the run.
args=()
while IFS= read -r line; do args+=(-ex "$line"); done <"$T/cmds"
timeout 60 gdb -batch -nx "${args[@]}" >"$T/gdb.out" 2>&1
echo "# gdb exit status $?"
sed 's/^/#   /' "$T/gdb.out"
wait_x86pc 10
ok "$rc" "x86pc exits with status 0 after the guest halts (rc $rc)"

has() { # has DESCRIPTION EXTENDED-REGEX
    grep -Eq -- "$2" "$T/gdb.out"
    ok $? "$1"
}
has "eip at the reset vector" '^eip +0xfff0 '
has "cs at the reset vector" '^cs +0xf000 '
has "breakpoint at 0xf0080 hit" '^Breakpoint 1, 0x000f0080'
has "eax before the step" '^\$1 = 0x1234$'
has "eax after stepi" '^\$2 = 0x1235$'
has "pc after stepi" '^\$3 = 0xf0081$'
has "memory under a breakpoint reads unchanged" '^0xf0080:[[:space:]]+0x40[[:space:]]+0x40$'
has "hardware breakpoint hit" '^(Hardware assisted )?[Bb]reakpoint 2, 0x000f0090'
has "memory write and read back" '^0x800:[[:space:]]+0x12345678$'
has "write watchpoint reports the new value" '^New value = 57005$'
has "write watchpoint stops after the writing instruction" '^\$4 = 0xf00aa$'
has "the watched write was done" '^0x704:[[:space:]]+0xdeadbeef$'
has "paging is on at 0xf0150" '^\$5 = 0x80000001$'
has "unmapped linear address cannot be read" 'Cannot access memory at address 0x300000'
has "mapped linear address reads through paging" '^0x708:[[:space:]]+0x22222222$'
has "read watchpoint hit" '^Hardware read watchpoint [0-9]+: \*\(int\*\)0x710'
has "read watchpoint stops after the reading instruction" '^\$6 = 0xf0157$'
has "guest exit reported to gdb" 'exited normally'
echo "1..$n"
exit $fail
