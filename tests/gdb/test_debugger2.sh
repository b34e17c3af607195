#!/bin/bash
# Debugger extras (-debugger): ldsym and symbols, conditional breakpoints,
# u and x /i disassembly, n (step over REP), info tlb/tss/ldt/device,
# trace on/off, history and !N.  Runs tests/gdb/gdb_guest.asm.
. "$(dirname "$0")/common.sh"

printf '000f0090 T bp_here\n000f00c0 rep_here\nnot a symbol line\n00000000f00c2 t after_rep\n' >"$T/syms.map"
printf '%s' "ldsym $T/syms.map
b bp_here if eax==0x1234
b rep_here if ecx == 2048 && eax == 0 && edi>0xffff
b 0xf0000 if eax === 1
info break
c
r
u bp_here 2
u
x /2i rep_here
n
info break
info tlb 0xf00c2
trace on $T/tr
s 3
trace off
info tss
info ldt
info device pic
info device nope
info device ata
history
!5
!999
q
" | timeout 30 ${X86PC_EMU:-} "$X86PC" -bios "$T/guest.bin" -m 16 -display none \
    -debugger -S >"$T/out" 2>"$T/err"
rc=$?
ok "$rc" "session ends with q (status $rc)"
has() { # has DESCRIPTION EXTENDED-REGEX
    grep -Eq -- "$2" "$T/out"
    ok $? "$1"
}
has "ldsym loads nm-style and plain lines" 'loaded 3 symbols from'
has "b SYMBOL if COND" 'Breakpoint 1 at 0x000f0090 \(linear\) if eax==0x1234'
has "bad condition refused" "bad condition 'eax === 1'"
has "info break shows symbol and condition" '2 linear breakpoint at 0x000f00c0 <rep_here> if ecx == 2048 && eax == 0 && edi>0xffff'
has "false condition skipped, true one stops" '^<x86pc> \(0\) Breakpoint 2, next at 0008:000f00c0'
has "u labels symbols" '^<x86pc> bp_here:$'
has "u disassembles 32-bit code" '^000f0090: c7 05 00 07 00 00 11 11 mov dword ptr ds:0x700,0x11111111$'
has "u continues where it stopped" '^<x86pc> 000f009f: 90 +nop$'
has "x /2i" '^000f00c0: f3 ab +rep stos dword ptr es:\[edi\],eax$'
has "n steps over REP STOSD" '^<x86pc> next at 0008:000f00c2 \(linear 000f00c2\)'
has "counters in info tlb" 'TLB: hits [0-9]+ misses [0-9]+ flushes'
has "info tlb entry" 'supervisor TLB: linear 000f00c2 -> physical 000f00c2 \(validated: read( write)? execute\)'
has "trace on FILE" '^<x86pc> trace on$'
has "info tss decodes the TSS (reset state)" 'TR: sel=0x0000 base=0x00000000 limit=0x0000ffff type=11'
has "info ldt without an LDT" 'no LDT loaded'
has "info device pic" 'master PIC: irr=.. isr=.. imr=ff'
has "info device lists names" 'info device NAME: one of pic pit rtc ata vga'
has "info device ata" '^<x86pc> IDE0: master none, slave none, irq 0$'
has "history numbers the commands" '^ +5  info break$'
has "!5 reruns info break" '^<x86pc> info break$'
has "!999 is refused" '!999: no such command in the history'
grep -c '<rep_here>' "$T/out" | grep -q '^3$'
ok $? "!5 printed the breakpoint list again"
[ "$(wc -l <"$T/tr")" -eq 3 ] &&
    head -n 1 "$T/tr" | grep -Eq '^[0-9a-f]{16} 0008:000f00c2 000f00c2 c7050000010003100100 +mov dword ptr ds:0x10000,0x11003'
ok $? "trace on/off around s 3 wrote 3 lines"
[ "$fail" -eq 0 ] || sed 's/^/#   /' "$T/out" | head -120
echo "1..$n"
exit $fail
