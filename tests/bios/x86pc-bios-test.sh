#!/bin/sh
# x86pc-bios-test.sh -- the BIOS boot-sector test (run-bios-test.sh) on
# x86pc itself: our BIOS and SeaBIOS (from Debian's seabios package, when
# installed) must both pass it on our machine model, keys typed through
# its monitor (sendkey) included.
here=$(cd "$(dirname "$0")" && pwd)
emu=${X86PC:-./x86pc}
[ -x "$emu" ] || emu=$here/../../x86pc
if [ ! -x "$emu" ]; then
    echo "x86pc-bios-test: no x86pc binary" >&2
    exit 99
fi
case $emu in /*) ;; *) emu=$(pwd)/$emu ;; esac
[ -f "${SEABIOS:-/usr/share/seabios/bios.bin}" ] || export SEABIOS=none
BIOS_TEST_EMU="${X86PC_EMU:+$X86PC_EMU }$emu" BIOS_TEST_HDA=-hda \
    BIOS_TEST_HDB=-hdb BIOS_TEST_KEYS=${BIOS_TEST_KEYS:-1} exec sh "$here/run-bios-test.sh"
