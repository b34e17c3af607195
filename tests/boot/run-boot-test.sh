#!/bin/sh
# run-boot-test.sh -- the BIOS's boot paths, on x86pc and (for reference,
# when installed) on qemu-system-i386, with the x86pc BIOS and SeaBIOS:
#
#   cd-noemu   El Torito no-emulation boot (-cdrom, -boot d): cdboot.asm's
#              "T:" lines = cd-noemu.expected
#   cd-fdemu   El Torito floppy emulation (1.44 MB image): cd-fdemu.expected
#   fd         a real floppy drive (-fda, -boot a) with the floppy-emulation
#              image (QEMU; x86pc when it has -fda): fd.expected (the
#              El Torito lines left out)
#   order      -boot dc: without a CD (x86pc: no drive; QEMU: an empty
#              drive) the BIOS falls back to the hard disk; -boot d with
#              nothing to boot: "No bootable device" (x86pc only)
#   linux      -kernel linuxtest.bin (a fake bzImage) -initrd -append:
#              "L:" lines = linux.expected; x86pc BIOS "M:" lines (its
#              addresses) = linux-mem.expected
#   multiboot  -kernel mbtest.elf (Multiboot ELF) with two modules:
#              "B:" lines = multiboot.expected; x86pc BIOS "M:" lines =
#              multiboot-mem.expected; the same kernel as a flat binary with
#              the a.out kludge fields (mbtest-aout.bin; its name in the
#              command line line replaced): multiboot.expected
#
# Every run must end through isa-debug-exit with status 1.  Runs that
# cannot work are left out: SeaBIOS on x86pc has no -kernel support (QEMU
# adds option ROMs for that); our BIOS on QEMU gets QEMU's own, different,
# Multiboot layout.
#
# Environment: X86PC (default ./x86pc), BIOS_BIN (default bios/bios.bin),
# SEABIOS (default /usr/share/seabios/bios.bin, "none" to skip), QEMU
# (default qemu-system-i386, "none" to skip), NASM, XORRISO, LD,
# BOOT_TEST_TIMEOUT (seconds per run, default 60), BOOT_TEST_KEEP=1.
#
# Exit: 0 pass, 1 fail, 77 skip (no nasm), 99 hard error.
set -u

here=$(cd "$(dirname "$0")" && pwd)
nasm=${NASM:-nasm}
xorriso=${XORRISO:-xorriso}
ld=${LD:-ld}
tmo=${BOOT_TEST_TIMEOUT:-60}
x86pc=${X86PC:-./x86pc}
[ -x "$x86pc" ] || x86pc=$here/../../x86pc
case $x86pc in /*) ;; *) x86pc=$(pwd)/$x86pc ;; esac
bios=${BIOS_BIN:-}
if [ -z "$bios" ]; then
    for c in ./bios/bios.bin "$here/../../bios/bios.bin"; do
        if [ -f "$c" ]; then bios=$c; break; fi
    done
fi
case $bios in /*|'') ;; *) bios=$(pwd)/$bios ;; esac
seabios=${SEABIOS:-/usr/share/seabios/bios.bin}
[ -f "$seabios" ] || seabios=none
qemu=${QEMU:-qemu-system-i386}
if [ "$qemu" != none ] && ! command -v "$qemu" >/dev/null 2>&1; then
    echo "QEMU reference runs skipped ($qemu not found)"
    qemu=none
fi

if ! command -v "$nasm" >/dev/null 2>&1; then
    echo "run-boot-test: $nasm not found: skipped" >&2
    exit 77
fi
if [ ! -x "$x86pc" ] || [ -z "$bios" ] || [ ! -f "$bios" ]; then
    echo "run-boot-test: x86pc or bios/bios.bin not found" >&2
    exit 99
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/boot-test.XXXXXX") || exit 99
# shellcheck disable=SC2317 # called by the trap
cleanup() { if [ "${BOOT_TEST_KEEP:-0}" != 1 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
cd "$work" || exit 99

runner=
if command -v timeout >/dev/null 2>&1; then runner="timeout $tmo"; fi

# ---- images
mkdir -p noemu fdemu || exit 99
"$nasm" -f bin -o noemu/boot.bin "$here/cdboot.asm" &&
    "$nasm" -f bin -DFLOPPY -o fdemu/floppy.img "$here/cdboot.asm" &&
    "$nasm" -f bin -o hd.img "$here/hdboot.asm" &&
    "$nasm" -f bin -o linuxtest.bin "$here/linuxtest.asm" &&
    "$nasm" -f bin -o initrd.bin "$here/initrd.asm" &&
    "$nasm" -f bin -DAOUT -o mbtest-aout.bin "$here/mbtest.asm" || exit 99
printf 'module two\n' >mod2.txt || exit 99
have_iso=0
if command -v "$xorriso" >/dev/null 2>&1; then
    if "$xorriso" -as mkisofs -quiet -o noemu.iso -b boot.bin -no-emul-boot \
        -boot-load-size 4 noemu >xorriso.log 2>&1 &&
        "$xorriso" -as mkisofs -quiet -o fdemu.iso -b floppy.img fdemu \
            >>xorriso.log 2>&1; then
        have_iso=1
    else
        cat xorriso.log >&2
        exit 99
    fi
else
    echo "CD boot tests skipped ($xorriso not found)"
fi
have_mb=0
if "$nasm" -f elf32 -o mbtest.o "$here/mbtest.asm" &&
    "$ld" -m elf_i386 -N -Ttext=0x100000 -e _start -o mbtest.elf mbtest.o \
        >ld.log 2>&1; then
    have_mb=1
else
    echo "Multiboot test skipped (cannot link an i386 ELF with $ld)"
fi

# x86pc with a floppy controller (-fda)?
have_fda=0
if "$x86pc" --help 2>&1 | grep -q -e '-fda'; then
    have_fda=1
else
    echo "x86pc floppy boot tests skipped (no -fda)"
fi

fail=0
# run NAME EMU ROM STATUS ARGS...: NAME.out gets what went to port E9h;
# the exit status must be STATUS.
run() {
    name=$1 emu=$2 rom=$3 want=$4
    shift 4
    # shellcheck disable=SC2086 # $runner is a list
    $runner "$emu" -bios "$rom" -display none -debugcon "file:$name.out" \
        -serial null -m 128 -no-reboot \
        -device isa-debug-exit,iobase=0x501,iosize=2 "$@" \
        >"$name.stdout" 2>"$name.err" </dev/null
    status=$?
    if [ "$status" != "$want" ]; then
        echo "run-boot-test: $name: exit status $status, expected $want" >&2
        cat "$name.out" "$name.err" >&2
        fail=1
        return 1
    fi
    return 0
}

# check NAME PREFIX EXPECTED: the PREFIX lines of NAME.out = EXPECTED
check() {
    grep -a "^$2: " "$1.out" >"$1.$2" || true
    if ! diff -u "$3" "$1.$2" >"$1.$2.diff"; then
        echo "run-boot-test: $1: '$2:' lines differ from the expected:" >&2
        cat "$1.$2.diff" >&2
        fail=1
        return 1
    fi
    echo "ok: $1: '$2:' lines as expected"
}

# the emulator/BIOS pairs: x86pc+x86pc, x86pc+SeaBIOS, QEMU+x86pc, QEMU+SeaBIOS
pairs="x86pc:$x86pc:$bios"
[ "$seabios" != none ] && pairs="$pairs x86pc-seabios:$x86pc:$seabios"
[ "$qemu" != none ] && pairs="$pairs qemu:$qemu:$bios"
[ "$qemu" != none ] && [ "$seabios" != none ] &&
    pairs="$pairs qemu-seabios:$qemu:$seabios"

for p in $pairs; do
    tag=${p%%:*} rest=${p#*:}
    emu=${rest%%:*} rom=${rest#*:}
    if [ "$have_iso" = 1 ]; then
        for img in noemu fdemu; do
            if run "cd-$img-$tag" "$emu" "$rom" 1 -cdrom "$img.iso" -boot d; then
                check "cd-$img-$tag" T "$here/cd-$img.expected"
            fi
        done
    fi
    # a real floppy drive (-fda, -boot a): the floppy-emulation image's
    # tests (without the El Torito status call), and its AH=03h write of
    # sector 2879's data to sector 0 must land in the image
    if [ "$have_fda" = 1 ] || [ "${tag#qemu}" != "$tag" ]; then
        cp fdemu/floppy.img "fd-$tag.img" || exit 99
        case $tag in
        qemu*) set -- -drive "file=fd-$tag.img,format=raw,if=floppy" ;;
        *) set -- -fda "fd-$tag.img" ;;
        esac
        if run "fd-$tag" "$emu" "$rom" 1 "$@" -boot a; then
            grep -av 'El Torito' "fd-$tag.out" >"fd-$tag.out2"
            mv "fd-$tag.out2" "fd-$tag.out"
            check "fd-$tag" T "$here/fd.expected"
            got=$(od -An -tx1 -N8 "fd-$tag.img" | tr -d ' \n')
            if [ "$got" = 3f0b0000bdbebfc0 ]; then
                echo "ok: fd-$tag: AH=03h wrote sector 0 of the image"
            else
                echo "run-boot-test: fd-$tag: sector 0 of the image holds $got" >&2
                fail=1
            fi
        fi
    fi
    # -boot dc: no CD (x86pc) or an empty drive (QEMU): the hard disk
    if run "order-$tag" "$emu" "$rom" 1 -hda hd.img -boot dc; then
        check "order-$tag" T "$here/order.expected"
    fi
    case $tag in
    x86pc|qemu|qemu-seabios)
        if run "linux-$tag" "$emu" "$rom" 1 -kernel linuxtest.bin \
            -initrd initrd.bin -append "console=ttyS0 hello=world  x"; then
            check "linux-$tag" L "$here/linux.expected"
            [ "$tag" = x86pc ] && check "linux-$tag" M "$here/linux-mem.expected"
        fi
        ;;
    esac
    case $tag in
    x86pc|qemu-seabios)
        if [ "$have_mb" = 1 ] &&
            run "mb-$tag" "$emu" "$rom" 1 -kernel mbtest.elf \
                -initrd "initrd.bin arg1 arg2,mod2.txt" -append "hello world"; then
            check "mb-$tag" B "$here/multiboot.expected"
            [ "$tag" = x86pc ] && check "mb-$tag" M "$here/multiboot-mem.expected"
        fi
        # the same kernel as a flat binary with the a.out kludge fields
        if run "mbaout-$tag" "$emu" "$rom" 1 -kernel mbtest-aout.bin \
            -initrd "initrd.bin arg1 arg2,mod2.txt" -append "hello world"; then
            sed 's/^B: cmdline=\[mbtest-aout\.bin /B: cmdline=[mbtest.elf /' \
                "mbaout-$tag.out" >"mbaout-$tag.out2" &&
                mv "mbaout-$tag.out2" "mbaout-$tag.out"
            check "mbaout-$tag" B "$here/multiboot.expected"
        fi
        ;;
    esac
done

# Our BIOS's messages (x86pc): the boot order and its failures.
if grep -q '^Booting from CD-ROM: no CD-ROM drive$' order-x86pc.out &&
    grep -q '^Booting from Hard Disk\.\.\.$' order-x86pc.out; then
    echo "ok: order-x86pc: CD-ROM tried first, then the hard disk"
else
    echo "run-boot-test: order-x86pc: boot messages missing:" >&2
    cat order-x86pc.out >&2
    fail=1
fi
if [ "$qemu" != none ]; then
    if grep -q '^Boot failed: no disc in the CD-ROM drive$' order-qemu.out; then
        echo "ok: order-qemu: empty CD-ROM drive reported, then the hard disk"
    else
        echo "run-boot-test: order-qemu: no 'no disc' message" >&2
        fail=1
    fi
fi
# Nothing to boot: x86pc stops at the final HLT (status 0).
if run none-x86pc "$x86pc" "$bios" 0 -boot d; then
    if grep -q '^No bootable device$' none-x86pc.out; then
        echo "ok: none-x86pc: 'No bootable device'"
    else
        echo "run-boot-test: none-x86pc: no 'No bootable device' message" >&2
        cat none-x86pc.out >&2
        fail=1
    fi
fi
# A bad -kernel: a one-line error from x86pc.
if "$x86pc" -bios "$bios" -kernel hd.img >bad.out 2>&1; then
    echo "run-boot-test: x86pc accepted a non-kernel for -kernel" >&2
    fail=1
elif grep -q 'not a Linux (bzImage) or Multiboot kernel' bad.out; then
    echo "ok: x86pc: -kernel with a non-kernel file refused"
else
    echo "run-boot-test: -kernel non-kernel: unexpected message:" >&2
    cat bad.out >&2
    fail=1
fi
exit $fail
