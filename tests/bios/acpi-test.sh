#!/bin/sh
# acpi-test.sh -- the firmware-tables test (acpitest.asm) on x86pc and, when
# installed, on qemu-system-i386, both with this BIOS.
#
# The test disk's program checks the ACPI tables, SMBIOS, the PCI set-up and
# the PM block from the guest (see acpitest.asm) and ends with an ACPI S5
# power-off.  Per run this script checks:
#   - exit status 0 (the power-off), and on x86pc the message
#     "guest powered off (ACPI S5)" on stderr;
#   - the guest's "A:" lines equal acpitest.expected;
#   - the DSDT's length in RAM equals bios/dsdt.aml's;
#   - with iasl and perl: the tables the guest dumped ("X:" lines) go
#     through `iasl -d` without a checksum complaint, the FADT's disassembly
#     shows the PM blocks, SCI 9 and SMI_CMD B2h, the DSDT differs from
#     bios/dsdt.aml only in its checksum and the patched TOLM value, and its
#     disassembly compiles again;
#   - with acpiexec (acpica-tools, like iasl): the DSDT's methods run in
#     ACPICA's interpreter (see acpiexec_check).
# QEMU runs with its default devices (an e1000 NIC with I/O, memory and ROM
# BARs next to the VGA's three), x86pc with its own.
#
# Environment:
#   X86PC        x86pc binary (default ./x86pc, else the one in the tree)
#   X86PC_EMU    a command prefix for it (e.g. qemu-aarch64 -L ...)
#   QEMU         qemu-system-i386 command (default qemu-system-i386;
#                "none" skips the QEMU run)
#   BIOS_BIN     the BIOS (default bios/bios.bin of the build)
#   NASM, IASL, ACPIEXEC  tools (default nasm, iasl, acpiexec; without
#                iasl the host-side table checks are skipped)
#   ACPI_TEST_TIMEOUT  seconds per run (default 60)
#   ACPI_TEST_KEEP=1   keep the work directory
# Exit: 0 pass, 1 fail, 77 skip (no nasm), 99 hard error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
nasm=${NASM:-nasm}
iasl=${IASL:-iasl}
acpiexec=${ACPIEXEC:-acpiexec}
tmo=${ACPI_TEST_TIMEOUT:-60}
x86pc=${X86PC:-./x86pc}
[ -x "$x86pc" ] || x86pc=$here/../../x86pc
qemu=${QEMU:-qemu-system-i386}
bios=${BIOS_BIN:-}
if [ -z "$bios" ]; then
    for c in ./bios/bios.bin "$here/../../bios/bios.bin"; do
        if [ -f "$c" ]; then bios=$c; break; fi
    done
fi

if ! command -v "$nasm" >/dev/null 2>&1; then
    echo "acpi-test: $nasm not found: skipped" >&2
    exit 77
fi
if [ -z "$bios" ] || [ ! -f "$bios" ]; then
    echo "acpi-test: BIOS image not found (set BIOS_BIN)" >&2
    exit 99
fi
aml=$(dirname "$bios")/dsdt.aml
host_tools=1
if ! command -v "$iasl" >/dev/null 2>&1 || ! command -v perl >/dev/null 2>&1; then
    echo "acpi-test: no iasl or perl: host-side table checks skipped"
    host_tools=0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/acpi-test.XXXXXX") || exit 99
# shellcheck disable=SC2317 # called by the trap
cleanup() { if [ "${ACPI_TEST_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

if ! "$nasm" -f bin -o "$work/test.img" "$here/acpitest.asm"; then
    echo "acpi-test: cannot assemble acpitest.asm" >&2
    exit 99
fi
truncate -s 1M "$work/test.img" || exit 99

runner=
if command -v timeout >/dev/null 2>&1; then runner="timeout $tmo"; fi

# host_check NAME: iasl on the tables NAME's guest dumped.
host_check() {
    d=$work/$1.tables
    mkdir -p "$d" || return 1
    grep '^X: ' "$work/$1.out" | while read -r _ sig hex; do
        printf '%s\n' "$hex" | perl -ne 'chomp; print pack("H*", $_)' \
            >"$d/$sig.dat"
    done
    for t in RSDT FACP FACS DSDT; do
        if [ ! -s "$d/$t.dat" ]; then
            echo "acpi-test: $1: the guest dumped no $t" >&2
            return 1
        fi
    done
    (cd "$d" && for t in RSDT FACP FACS DSDT; do
        "$iasl" -d "$t.dat" || exit 1
    done) >"$d/iasl.log" 2>&1 || {
        echo "acpi-test: $1: iasl -d failed:" >&2
        cat "$d/iasl.log" >&2
        return 1
    }
    if grep -i 'incorrect checksum' "$d/iasl.log" "$d"/*.dsl >&2; then
        echo "acpi-test: $1: iasl reports a bad checksum" >&2
        return 1
    fi
    for f in 'SCI Interrupt : 0009' 'SMI Command Port : 000000B2' \
        'ACPI Enable Value : F1' 'PM1A Event Block Address : 00000600' \
        'PM1A Control Block Address : 00000604' \
        'PM Timer Block Address : 00000608' \
        'GPE0 Block Address : 0000AFE0' 'GPE0 Block Length : 04' \
        '32-bit PM Timer (V1) : 0'; do
        if ! sed 's/  */ /g' "$d/FACP.dsl" | grep -q "$f"; then
            echo "acpi-test: $1: FADT disassembly lacks '$f'" >&2
            return 1
        fi
    done
    # The DSDT in RAM is bios/dsdt.aml but for the checksum (byte 9) and
    # the 4 bytes of TOLM's value (after "TOLM" and the DWord prefix).
    if [ -f "$aml" ]; then
        tolm=$(perl -e 'local $/; my $d = <STDIN>;
            my $i = index($d, "TOLM\x0c"); print $i < 0 ? -1 : $i + 5' <"$aml")
        bad=$(cmp -l "$d/DSDT.dat" "$aml" 2>&1 | while read -r off _ _; do
            o=$((off - 1))
            if [ "$o" != 9 ] && { [ "$o" -lt "$tolm" ] || [ "$o" -gt $((tolm + 3)) ]; }; then
                echo "$o"
            fi
        done)
        if [ "$tolm" -lt 0 ] || [ -n "$bad" ]; then
            echo "acpi-test: $1: the DSDT in RAM differs from $aml at: $bad" >&2
            return 1
        fi
    fi
    if ! (cd "$d" && "$iasl" -vw 3168 DSDT.dsl) >"$d/recompile.log" 2>&1; then
        echo "acpi-test: $1: the disassembled DSDT does not compile:" >&2
        cat "$d/recompile.log" >&2
        return 1
    fi
    echo "ok: $1: iasl -d: RSDT, FADT, FACS, DSDT checksums and FADT fields; DSDT = dsdt.aml + TOLM"
    if command -v "$acpiexec" >/dev/null 2>&1; then
        acpiexec_check "$1" || return 1
    fi
}

# acpiexec_check NAME: runs control methods of the guest's DSDT in ACPICA's
# interpreter (operation regions are simulated in memory there): PCI0._CRS
# (the PCI hole from TOLM), the link devices' _SRS/_CRS/_DIS/_STA round
# trips through the PIRQ register fields, \_S5.
acpiexec_check() {
    d=$work/$1.tables
    (cd "$d" && "$acpiexec" -b 'evaluate \_SB.PCI0._CRS;
        evaluate \_SB.LNKC._SRS (23 00 08 18 79 00); evaluate \_SB.LNKC._CRS;
        evaluate \_SB.LNKC._STA; evaluate \_SB.LNKC._DIS;
        evaluate \_SB.LNKC._STA; evaluate \_SB.LNKC._CRS;
        evaluate \_SB.LNKA._PRS; evaluate \_S5' DSDT.dat) \
        >"$d/acpiexec.log" 2>&1
    # the evaluations' results, in order, one per line
    sed -n '/^Evaluating/,$p' "$d/acpiexec.log" |
        grep -E -e '^ *\[(Buffer|Integer|Package)\]' -e 'Error|failed' \
        >"$d/acpiexec.res"
    # PCI0._CRS ends with the hole: min = TOLM, max FEBFFFFF, length
    top=$(sed -n 's/^A: DSDT: \\_SB.PCI0.TOLM \([0-9A-F]*\) .*/\1/p' "$work/$1.out")
    le() { printf '%s' "$1" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4 \3 \2 \1/'; }
    len=$(printf '%08X' $((0xFEC00000 - 0x$top)))
    want_hole="$(le "$top") FF FF BF FE 00 00 00 00 $(le "$len") 79 00"
    crs=$(sed -n '/^Evaluation of \\_SB.PCI0._CRS returned/,/^$/p' "$d/acpiexec.log" |
        sed -n 's/^ *[0-9A-F]\{4\}: \(\([0-9A-F][0-9A-F] \)*[0-9A-F][0-9A-F]\).*/\1/p' |
        tr '\n' ' ')
    case $crs in
    *"$want_hole"*) ;;
    *)
        echo "acpi-test: $1: acpiexec: PCI0._CRS does not end with the hole $want_hole: $crs" >&2
        return 1
        ;;
    esac
    cat >"$d/acpiexec.want" <<'EOF'
  [Buffer] Length 6E = 
  [Buffer] Length 06 =     0000: 23 00 08 18 79 00                                // #...y.
  [Integer] = 000000000000000B
  [Integer] = 0000000000000009
  [Buffer] Length 06 =     0000: 23 00 00 18 79 00                                // #...y.
  [Buffer] Length 06 =     0000: 23 20 0C 18 79 00                                // # ..y.
  [Package] Contains 4 Elements:
    [Integer] = 0000000000000000
    [Integer] = 0000000000000000
    [Integer] = 0000000000000000
    [Integer] = 0000000000000000
EOF
    norm() { sed -e 's#//.*##' -e 's/  */ /g' -e 's/ *$//' "$1"; }
    norm "$d/acpiexec.want" >"$d/acpiexec.want.n"
    norm "$d/acpiexec.res" >"$d/acpiexec.res.n"
    if ! diff -u "$d/acpiexec.want.n" "$d/acpiexec.res.n" >&2; then
        echo "acpi-test: $1: acpiexec results differ (log: $d/acpiexec.log)" >&2
        return 1
    fi
    echo "ok: $1: acpiexec: PCI0._CRS hole from TOLM, link _SRS/_CRS/_DIS/_STA/_PRS, \\_S5"
}

# run NAME COMMAND...: boots the test disk; checks status and lines.
run() {
    name=$1
    shift
    cp "$work/test.img" "$work/$name.img" || return 99
    # shellcheck disable=SC2086 # $runner is a list
    $runner "$@" -bios "$bios" -display none \
        -debugcon "file:$work/$name.out" -serial null -m 128 -no-reboot \
        -device isa-debug-exit,iobase=0x501,iosize=2 \
        $(disk_args "$name") >"$work/$name.stdout" 2>"$work/$name.err" \
        </dev/null
    status=$?
    rc=0
    if [ "$status" != 0 ]; then
        echo "acpi-test: $name: exit status $status, expected 0 (ACPI power-off)" >&2
        rc=1
    fi
    case $name in
    x86pc)
        if grep -q 'guest powered off (ACPI S5)' "$work/$name.err"; then
            echo "ok: $name: guest powered off (ACPI S5)"
        else
            echo "acpi-test: $name: no power-off message on stderr" >&2
            rc=1
        fi
        ;;
    esac
    grep '^A: ' "$work/$name.out" >"$work/$name.A"
    if diff -u "$here/acpitest.expected" "$work/$name.A" >"$work/$name.diff"; then
        echo "ok: $name: 'A:' lines as expected"
    else
        echo "acpi-test: $name: 'A:' lines differ from the expected:" >&2
        cat "$work/$name.diff" >&2
        rc=1
    fi
    if [ -f "$aml" ]; then
        want=$(wc -c <"$aml" | tr -d ' ')
        got=$(sed -n 's/^I: DSDT length //p' "$work/$name.out")
        if [ "$got" = "$want" ]; then
            echo "ok: $name: DSDT length $got = bios/dsdt.aml"
        else
            echo "acpi-test: $name: DSDT length '$got', dsdt.aml has $want" >&2
            rc=1
        fi
    fi
    if [ "$host_tools" = 1 ]; then
        host_check "$name" || rc=1
    fi
    if [ "$rc" != 0 ]; then
        echo "--- $name: guest output:" >&2
        grep -v '^X: ' "$work/$name.out" >&2
        cat "$work/$name.err" >&2
    fi
    return $rc
}

disk_args() {
    case $1 in
    qemu) echo "-drive file=$work/$1.img,format=raw,if=ide,index=0" ;;
    *) echo "-hda $work/$1.img" ;;
    esac
}

fail=0
if [ -x "$x86pc" ]; then
    # shellcheck disable=SC2086 # $X86PC_EMU is a command prefix
    run x86pc ${X86PC_EMU:-} "$x86pc" || fail=1
else
    echo "acpi-test: no x86pc binary" >&2
    exit 99
fi
if [ "$qemu" = none ]; then
    echo "QEMU run skipped (QEMU=none)"
elif ! command -v "${qemu%% *}" >/dev/null 2>&1; then
    echo "QEMU run skipped ($qemu not found)"
else
    # shellcheck disable=SC2086 # $qemu may carry options
    run qemu $qemu || fail=1
fi
exit $fail
