#!/bin/bash
# Command-line tests for x86pc: option validation, exit statuses, and short
# headless boots of the default BIOS and of tiny hand-made ROMs.  TAP output.
# Run from the build directory (make check does); X86PC overrides the binary.
set -u
X86PC=${X86PC:-./x86pc}
T=$(mktemp -d "${TMPDIR:-/tmp}/x86pc-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
n=0
fail=0

ok() { # ok COND-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fail=1
        if [ -s "$T/err" ]; then sed 's/^/#   stderr: /' "$T/err" | head -5; fi
    fi
}

# run ARGS...: runs x86pc with a time limit; sets rc, stdout in $T/out,
# stderr in $T/err.
run() {
    timeout 30 "$X86PC" "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
}

# usage_error DESCRIPTION PATTERN ARGS...: exit 2, exactly one stderr line
# "x86pc: ..." that matches PATTERN (fixed string), nothing on stdout.
usage_error() {
    local what=$1 pat=$2
    shift 2
    run "$@"
    [ "$rc" -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
        grep -q '^x86pc: ' "$T/err" && grep -qF -- "$pat" "$T/err" &&
        [ ! -s "$T/out" ]
    ok $? "$what (exit $rc)"
}

# mkrom FILE CODE: a 64 KiB ROM of 0xFF bytes with 16 zero bytes at offset
# 0xFFE0 (a null descriptor for LIDT) and CODE (printf escapes) at 0xFFF0,
# the reset vector.
mkrom() {
    {
        head -c 65504 /dev/zero | tr '\0' '\377'
        head -c 16 /dev/zero
        printf "$2"
        head -c 16 /dev/zero | tr '\0' '\377'
    } | head -c 65536 >"$1"
}

echo "1..34"

# --- help and version ------------------------------------------------------
run --help
missing=
for f in -m -bios -debugcon -postcode -serial -display -device -no-reboot \
    '-d ' --help --version isa-debug-exit iobase iosize -icount -rtc; do
    grep -qF -- "$f" "$T/out" || missing="$missing $f"
done
[ "$rc" -eq 0 ] && [ -z "$missing" ]
ok $? "--help exits 0 and lists every flag${missing:+ (missing:$missing)}"
run -h
[ "$rc" -eq 0 ] && grep -q '^Usage: x86pc' "$T/out"
ok $? "-h prints the usage"
run --version
[ "$rc" -eq 0 ] && grep -q '^x86pc [0-9]' "$T/out"
ok $? "--version exits 0"

# --- command-line errors ---------------------------------------------------
usage_error "unknown flag" "-frobnicate" -frobnicate
usage_error "malformed -m value" "-m" -m 12X
usage_error "-m out of range" "32 GiB" -m 33G
usage_error "-m without a value" "-m" -m
usage_error "missing -bios file" "$T/nonexistent.bin" -bios "$T/nonexistent.bin"
head -c 1000 /dev/zero >"$T/small.bin"
usage_error "-bios image of the wrong size" "64, 128 or 256 KiB" \
    -bios "$T/small.bin"
usage_error "bad -serial backend" "-serial" -serial tcp:1234
usage_error "bad -display" "-display" -display vnc
usage_error "unknown -device" "-device" -device e1000
usage_error "bad isa-debug-exit property" "iobase" \
    -device isa-debug-exit,iobase=0x10000
usage_error "isa-debug-exit overlapping COM1" "overlap" \
    -device isa-debug-exit,iobase=0x3f8
usage_error "unknown -d item" "-d" -d bogus

# --- the default BIOS --------------------------------------------------------
# (no disks: the BIOS ends with INT 18h, "No bootable device", CLI+HLT)
run -display none -debugcon stdio
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$T/out")" = 'x86pc BIOS' ] &&
    grep -qx 'No bootable device' "$T/out" &&
    grep -q '^x86pc: CPU halted with interrupts disabled at CS:EIP=F000:[0-9A-F]\{8\} after [0-9]* instructions$' "$T/err"
ok $? "default BIOS prints its banner on debugcon and halts (exit $rc)"

run -display none -serial "file:$T/com1.txt" -postcode "file:$T/post.bin" -d post
printf 'x86pc BIOS\r\n' >"$T/com1.want"
[ "$rc" -eq 0 ] && [ "$(head -n 1 "$T/com1.txt")" = "$(cat "$T/com1.want")" ] &&
    grep -q "^No bootable device$(printf '\r')\$" "$T/com1.txt" && [ ! -s "$T/out" ]
ok $? "default BIOS prints its banner on COM1 with CR LF"
printf '\001\002\003\004\005\006\007\010\011\012\013' >"$T/post.want"
cmp -s "$T/post.bin" "$T/post.want"
ok $? "-postcode file gets the raw POST bytes 01 ... 0B"
grep -qx 'x86pc: POST 01' "$T/err" && grep -qx 'x86pc: POST 0B' "$T/err"
ok $? "-d post logs POST codes to stderr"

run -serial none -serial stdio -debugcon null
[ "$rc" -eq 0 ] && [ ! -s "$T/out" ]
ok $? "-serial none leaves COM1 out (banner goes nowhere)"

# --- tiny ROMs ---------------------------------------------------------------
# mov al,0x10; mov dx,0x501; out dx,al; hlt
mkrom "$T/exit.bin" '\260\020\272\001\005\356\364'
run -bios "$T/exit.bin" -device isa-debug-exit
[ "$rc" -eq 33 ]
ok $? "isa-debug-exit: writing 0x10 exits with status 33 (got $rc)"
# same with iobase=0xf4: mov al,0x02; out 0xf4,al; hlt
mkrom "$T/exit2.bin" '\260\002\346\364\364'
run -bios "$T/exit2.bin" -device isa-debug-exit,iobase=0xf4,iosize=4
[ "$rc" -eq 5 ]
ok $? "isa-debug-exit,iobase=0xf4: writing 2 exits with status 5 (got $rc)"

# cs lidt [0xffe0] (limit 0); int3  -> #GP -> #DF -> triple fault
mkrom "$T/triple.bin" '\056\017\001\036\340\377\314'
run -bios "$T/triple.bin" -no-reboot
[ "$rc" -eq 3 ] && [ "$(wc -l <"$T/err")" -eq 1 ] &&
    grep -q '^x86pc: .*triple fault' "$T/err"
ok $? "-no-reboot: triple fault prints one line and exits 3 (got $rc)"

# mov al,1; out 0x92,al; hlt
mkrom "$T/reset.bin" '\260\001\346\222\364'
run -bios "$T/reset.bin" -no-reboot
[ "$rc" -eq 0 ] && grep -q 'reset' "$T/err"
ok $? "-no-reboot: port 0x92 reset request exits 0 (got $rc)"

# sti; hlt: nothing can ever interrupt, so x86pc gives up after ~1 s.
mkrom "$T/sti.bin" '\373\364'
run -bios "$T/sti.bin"
[ "$rc" -eq 0 ] && grep -q 'halted with interrupts enabled' "$T/err"
ok $? "STI; HLT with no interrupt source ends with exit 0 (got $rc)"

# --- clock options ------------------------------------------------------------
usage_error "-icount 11 rejected" "-icount '11'" -icount 11
usage_error "-icount shift=auto rejected" "shift=auto" -icount shift=auto
usage_error "-icount x rejected" "-icount 'x'" -icount x
usage_error "-rtc base=2024-02-30 rejected" "2024-02-30" -rtc base=2024-02-30
usage_error "-rtc base before 1970 rejected" "1969-12-31" -rtc base=1969-12-31
usage_error "-rtc clock=vm rejected" "unknown property 'clock=vm'" -rtc clock=vm
run -icount shift=3 -rtc base=2024-02-29T23:59:59 -debugcon stdio
[ "$rc" -eq 0 ] && grep -q 'halted with interrupts disabled' "$T/err"
ok $? "-icount shift=3 -rtc base=DATE: default BIOS runs (got $rc)"
run -icount 0 -rtc base=localtime
[ "$rc" -eq 0 ]
ok $? "-icount 0 -rtc base=localtime accepted (got $rc)"
run -rtc base=utc
[ "$rc" -eq 0 ]
ok $? "-rtc base=utc accepted (got $rc)"

exit $fail
