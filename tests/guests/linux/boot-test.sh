#!/bin/sh
# boot-test.sh -- boots the Linux test guest (build-guest.sh) in an emulator
# and drives its shell over COM1 (serial_drive.py).
#
# Usage: boot-test.sh [CONFIG...]
#   default: disk kernel cdrom seabios snapshot, plus determinism and sdl
#   for x86pc; "all" = every configuration
# Configurations:
#   disk         disk.img as IDE primary master, the emulator's own firmware
#                (syslinux MBR -> FAT partition -> syslinux -> Linux)
#   kernel       -kernel vmlinuz -initrd initramfs.cpio.gz -append CMDLINE
#                (disk attached for the disk checks); skipped when the
#                emulator has no -kernel option
#   cdrom        linux.iso as the CD-ROM (isolinux, El Torito no-emulation),
#                -boot d, disk attached
#   seabios      like disk, with -bios SeaBIOS (Debian's seabios package)
#   snapshot     like disk with -snapshot: the file the guest writes must NOT
#                reach the image, which must stay byte-identical
#   determinism  two boots with -icount and a fixed -rtc base; the guest runs
#                a fixed script (x86pc.auto=1) and powers off; the two serial
#                logs must be identical.  Meant for x86pc: QEMU TCG is not
#                deterministic even with -icount (its disk I/O completes in
#                host threads), so it is in the default set only for x86pc.
#   sdl          like disk, with -display sdl under Xvfb (xvfb-run), COM1
#                over TCP and x86pc's monitor on stdio: after two known
#                lines are printed on tty1 (the VGA console), `screendump`
#                (rendered from VGA memory) and `windowdump` (read back from
#                the SDL window) must both show exactly them, decoded cell by
#                cell with the VGA BIOS font (vga_check.py).  x86pc only;
#                skipped without xvfb-run or an SDL build.
# In the shell configurations the checks are (serial_drive.py --mode shell):
# the init marker, a shell prompt on ttyS0, `uname -a` shows the packaged
# kernel release, /proc/cpuinfo, /proc/interrupts counts rising for the
# timer (IRQ 0 or the local APIC timer), ttyS0 and the IDE controller,
# mount /dev/sda1 (vfat), write a file, sync, read the kernel back, dmesg has
# none of BUG:/Oops/WARNING:/Call Trace/panic/soft lockup/clocksource
# unstable/spurious/..., poweroff (ACPI) ends the emulator with status 0;
# then the host reads the written file from the image with mtools.  For
# x86pc also (serial_drive.py --cpu x86pc): /proc/cpuinfo equals what
# x86pc's CPUID claims (the table X86PC_CPUID in serial_drive.py), dmesg
# shows the TSC calibrated, and the disk (sda) and CD (sr0) have the sizes
# of their images (dmesg and /sys/block).
#
# Clock: x86pc boots every configuration with -icount (LINUX_X86PC_CLOCK,
# default "-icount shift=5": 32 ns per instruction, ~31 MIPS of guest
# time).  In host-time mode the TSC counts instructions but the PIT, the
# ACPI PM timer and jiffies follow the host clock: on a loaded host the
# kernel's clocksource watchdog then sees the TSC drift against them and
# marks it unstable ("clocksource: ... unstable"), a failure that depends on
# the machine's load.  With -icount every clock is a function of the
# instruction count, so that cannot happen, and a halted CPU jumps to its
# next timer event, so idle time costs no wall time.  LINUX_X86PC_CLOCK=
# (empty) boots in host time.
#
# Environment:
#   LINUX_EMU           emulator command (default qemu-system-i386; or x86pc)
#   LINUX_EMU_FLAGS     extra emulator options
#   LINUX_GUEST_DIR     the guest (default tests/guests/linux/out; built
#                       with build-guest.sh if missing or stale)
#   LINUX_MEM           guest RAM in MiB (default 256)
#   LINUX_BOOT_TIMEOUT  seconds to the init marker (default 300 for QEMU,
#                       1200 for anything else: an interpreter is slower)
#   LINUX_CMD_TIMEOUT   seconds per shell command (default 120)
#   LINUX_DET_FLAGS     determinism options (default: -icount shift=7 and
#                       -rtc base=2024-01-01T00:00:00, in the emulator's syntax)
#   LINUX_X86PC_CLOCK   x86pc's clock in the other configurations (above)
#   LINUX_KEEP=DIR      keep logs and disk copies in DIR
#   X86PC_EMU           command prefix for a cross-built emulator
# Exit: 0 all run configurations passed, 1 a failure, 77 nothing could run
# (no guest: no network/apt; no emulator).  The last line is
# "check-linux: N passed, N failed, N skipped".
set -u

here=$(cd "$(dirname "$0")" && pwd)
emu=${LINUX_EMU:-qemu-system-i386}
guest=${LINUX_GUEST_DIR:-tests/guests/linux/out}
mem=${LINUX_MEM:-256}
boot_tmo=${LINUX_BOOT_TIMEOUT:-}
cmd_tmo=${LINUX_CMD_TIMEOUT:-120}
configs=${*:-}
[ "$configs" = all ] && configs="disk kernel cdrom seabios snapshot determinism sdl"

say() { echo "boot-test: $*"; }

if ! command -v "$emu" >/dev/null 2>&1; then
    say "SKIP: emulator '$emu' not found (set LINUX_EMU)"
    echo "check-linux: 0 passed, 0 failed, 1 skipped"
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    say "SKIP: python3 is needed for the serial driver"
    exit 77
fi
for t in mtype mcopy; do
    command -v $t >/dev/null 2>&1 || { say "SKIP: mtools missing"; exit 77; }
done

sh "$here/build-guest.sh" "$guest"
rc=$?
if [ $rc -eq 77 ]; then
    say "SKIP: the guest cannot be built here (see above)"
    echo "check-linux: 0 passed, 0 failed, 1 skipped"
    exit 77
elif [ $rc -ne 0 ]; then
    say "FAIL: building the guest failed (status $rc)"
    echo "check-linux: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
guest=$(cd "$guest" && pwd)
kernel=$(sed -n 's/^kernel linux-image-\([^ ]*\) .*/\1/p' "$guest/versions")
cmdline=$(cat "$guest/cmdline")
disk_size=$(wc -c <"$guest/disk.img" | tr -d ' ')
iso_size=$(wc -c <"$guest/linux.iso" | tr -d ' ')
off=$(cat "$guest/disk.partoffset")
vmlinuz_md5=
command -v md5sum >/dev/null 2>&1 &&
    vmlinuz_md5=$(md5sum <"$guest/vmlinuz" | cut -d' ' -f1)

# What kind of emulator: QEMU takes a few options x86pc does not.
kind=x86pc
case $("$emu" --version 2>/dev/null | head -n 1) in *QEMU*) kind=qemu ;; esac
emu_help=$("$emu" --help 2>/dev/null || "$emu" -h 2>/dev/null)
has_opt() { echo "$emu_help" | grep -q -- "^ *$1[ ,]"; }
# An interpreter needs far longer than QEMU's TCG (Bochs: ~130 s to the
# marker on a 2026 laptop-class core).
[ -n "$boot_tmo" ] || { if [ $kind = qemu ]; then boot_tmo=300; else boot_tmo=1200; fi; }
if [ -z "$configs" ]; then
    configs="disk kernel cdrom seabios snapshot"
    [ $kind = x86pc ] && configs="$configs determinism sdl"
fi
base="-m $mem -display none -serial stdio -no-reboot"
clock=
[ $kind = qemu ] && base="$base -monitor none -accel tcg"
[ $kind = x86pc ] && clock=${LINUX_X86PC_CLOCK--icount shift=5}
cpu=other
[ $kind = x86pc ] && cpu=x86pc
if [ $kind = qemu ]; then
    det=${LINUX_DET_FLAGS:--icount shift=7,sleep=off,align=off -rtc base=2024-01-01T00:00:00,clock=vm}
else
    det=${LINUX_DET_FLAGS:--icount shift=7 -rtc base=2024-01-01T00:00:00}
fi
seabios=
for f in /usr/share/seabios/bios.bin /usr/share/qemu/bios.bin; do
    [ -f "$f" ] && { seabios=$f; break; }
done

if [ -n "${LINUX_KEEP:-}" ]; then
    tmp=$LINUX_KEEP
    mkdir -p "$tmp"
else
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-boot.XXXXXX") || exit 1
    trap 'rm -rf "$tmp"' EXIT
fi
say "emulator: $emu ($kind); guest: $guest (kernel $kernel); logs: $tmp"

npass=0 nfail=0 nskip=0
pass() { say "PASS $1"; npass=$((npass + 1)); }
fail() { say "FAIL $1: $2"; nfail=$((nfail + 1)); }
skipc() { say "SKIP $1: $2"; nskip=$((nskip + 1)); }

# drive NAME MODE EMULATOR-ARGS...: runs serial_drive.py; status in $?.
# $drive_opts: more serial_drive.py options (word list); $pre: a command
# prefix (xvfb-run); $base_args: replaces $base when set.
drive_opts='' pre='' base_args=''
drive() {
    name=$1 mode=$2
    shift 2
    say "run $name: $emu ${base_args:-$base} ${LINUX_EMU_FLAGS:-} $*"
    # shellcheck disable=SC2086 # X86PC_EMU and LINUX_EMU_FLAGS are word lists
    python3 "$here/serial_drive.py" --mode "$mode" --log "$tmp/$name.serial" \
        --stderr-log "$tmp/$name.stderr" --dmesg-log "$tmp/$name.dmesg" \
        --boot-timeout "$boot_tmo" --cmd-timeout "$cmd_tmo" \
        --kernel "$kernel" ${write:+--write-file "$write"} \
        ${vmlinuz_md5:+--vmlinuz-md5 "$vmlinuz_md5"} --cpu $cpu \
        --disk-size "$disk_size" $drive_opts \
        -- $pre ${X86PC_EMU:-} "$emu" ${base_args:-$base} ${LINUX_EMU_FLAGS:-} "$@"
    st=$?
    if [ $st -ne 0 ]; then
        say "--- last lines of the serial log ($tmp/$name.serial):"
        tail -n 15 "$tmp/$name.serial" | tr -d '\r' | sed 's/^/  | /'
        if [ -s "$tmp/$name.monitor" ]; then
            say "--- monitor output:"
            tail -n 10 "$tmp/$name.monitor" | sed 's/^/  | /'
        fi
        if [ -s "$tmp/$name.stderr" ]; then
            say "--- emulator stderr:"
            tail -n 10 "$tmp/$name.stderr" | sed 's/^/  | /'
        fi
    fi
    return $st
}

# file_on_disk IMG NAME: prints the file's content from the image (mtools)
file_on_disk() {
    MTOOLS_SKIP_CHECK=1 mtype -i "$1@@$off" "::/$2" 2>/dev/null | tr -d '\r'
}

# shell_config NAME SNAPSHOT ARGS...: a shell run with a fresh disk copy,
# then the host-side check of the written file.
shell_config() {
    name=$1 snap=$2
    shift 2
    img=$tmp/$name.img
    cp "$guest/disk.img" "$img"
    fname=T$(date +%H%M%S).TXT
    content=x86pc-$name-$$
    write="$fname=$content"
    if [ "$snap" = 1 ]; then set -- "$@" -snapshot; fi
    # shellcheck disable=SC2086 # a word list
    set -- "$@" $clock
    if ! drive "$name" shell \
        -drive "file=$img,format=raw,if=ide,index=0,media=disk" "$@"; then
        fail "$name" "guest checks failed (serial log $tmp/$name.serial)"
        return
    fi
    got=$(file_on_disk "$img" "$fname")
    if [ "$snap" = 1 ]; then
        if [ -n "$got" ]; then
            fail "$name" "the file written under -snapshot reached the image"
        elif ! cmp -s "$img" "$guest/disk.img"; then
            fail "$name" "the image changed under -snapshot"
        else
            pass "$name"
        fi
    elif [ "$got" != "$content" ]; then
        fail "$name" "the host reads '$got' from ::/$fname in the image, expected '$content'"
    else
        say "$name: the host reads ::/$fname from the image: '$got'"
        pass "$name"
    fi
    [ -n "${LINUX_KEEP:-}" ] || rm -f "$img"
}

# free_port: prints a TCP port nobody listens on now
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# sdl_config: the disk boot in an SDL window under Xvfb; COM1 over TCP, the
# monitor on stdio; screendump and windowdump must show the VGA console.
sdl_config() {
    if [ $kind != x86pc ]; then
        skipc sdl "x86pc's monitor (screendump, windowdump) is needed"; return
    fi
    if ! command -v xvfb-run >/dev/null 2>&1; then
        skipc sdl "xvfb-run not found (packages xvfb and xauth)"; return
    fi
    # an x86pc built without SDL2 rejects -display sdl while parsing options
    if ! ${X86PC_EMU:-} "$emu" -display sdl --version >/dev/null 2>&1; then
        skipc sdl "$emu was built without SDL2"; return
    fi
    img=$tmp/sdl.img
    cp "$guest/disk.img" "$img"
    port=$(free_port)
    mkdir -p "$tmp/sdl-dumps"
    # Xvfb's errors go to sdl.xvfb
    pre="xvfb-run -a -e $tmp/sdl.xvfb"
    drive_opts="--connect $port --monitor-log $tmp/sdl.monitor --vga-font $here/../../../bios/vgabios-font.inc --dump-dir $tmp/sdl-dumps"
    # shellcheck disable=SC2086
    base_args="-m $mem -display sdl -serial tcp::$port,server -monitor stdio -no-reboot $clock"
    if drive sdl sdl -drive "file=$img,format=raw,if=ide,index=0,media=disk" -boot c; then
        pass sdl
    else
        fail sdl "the VGA console check failed (logs $tmp/sdl.*)"
    fi
    drive_opts='' pre='' base_args=''
    [ -n "${LINUX_KEEP:-}" ] || rm -f "$img"
}

for c in $configs; do
    write=
    case $c in
        disk)
            shell_config disk 0 -boot c ;;
        snapshot)
            shell_config snapshot 1 -boot c ;;
        seabios)
            if [ -z "$seabios" ]; then
                skipc seabios "no SeaBIOS image (Debian package seabios)"
            else
                shell_config seabios 0 -bios "$seabios" -boot c
            fi ;;
        kernel)
            if has_opt -kernel; then
                shell_config kernel 0 -kernel "$guest/vmlinuz" \
                    -initrd "$guest/initramfs.cpio.gz" -append "$cmdline"
            else
                skipc kernel "$emu has no -kernel option (no direct Linux boot yet)"
            fi ;;
        cdrom)
            drive_opts="--cd-size $iso_size"
            shell_config cdrom 0 -cdrom "$guest/linux.iso" -boot d
            drive_opts= ;;
        sdl)
            sdl_config ;;
        determinism)
            # A disk whose syslinux.cfg adds x86pc.auto=1, booted twice.
            img=$tmp/det.img
            cp "$guest/disk.img" "$img"
            sed 's/^\(  APPEND .*\)$/\1 x86pc.auto=1/' >"$tmp/det.cfg" <<EOF
$(MTOOLS_SKIP_CHECK=1 mtype -i "$img@@$off" ::/syslinux.cfg | tr -d '\r')
EOF
            MTOOLS_SKIP_CHECK=1 mcopy -o -i "$img@@$off" "$tmp/det.cfg" ::/syslinux.cfg
            ok=1
            for i in 1 2; do
                # shellcheck disable=SC2086
                drive "det$i" auto -snapshot $det \
                    -drive "file=$img,format=raw,if=ide,index=0,media=disk" || ok=0
            done
            if [ $ok = 0 ]; then
                fail determinism "a boot failed"
            elif ! cmp -s "$tmp/det1.serial" "$tmp/det2.serial"; then
                fail determinism "the two serial logs differ:"
                diff "$tmp/det1.serial" "$tmp/det2.serial" | tr -d '\r' | head -n 20 | sed 's/^/  | /'
            else
                say "determinism: both serial logs are identical ($(wc -c <"$tmp/det1.serial") bytes)"
                pass determinism
            fi ;;
        *)
            fail "$c" "unknown configuration (disk kernel cdrom seabios snapshot determinism)" ;;
    esac
done

echo "check-linux: $npass passed, $nfail failed, $nskip skipped"
if [ $nfail -gt 0 ]; then exit 1; fi
if [ $npass -eq 0 ]; then exit 77; fi
exit 0
