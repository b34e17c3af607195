#!/bin/sh
# build-guest.sh -- builds the Linux test guest of x86pc from Debian packages.
#
# Usage: build-guest.sh [OUTDIR]          build (or reuse) the guest in OUTDIR
#        build-guest.sh --host-packages   print the Debian packages it needs
#                                         on the host (for CI's apt-get)
#
# OUTDIR defaults to tests/guests/linux/out under the current directory (the
# build directory when run by make).  Inputs, all from Debian's archive:
#   linux-image-<ABI>-686:i386   the kernel that linux-image-686:i386 (the
#                                non-PAE 686 flavour) currently depends on
#   busybox-static:i386          the whole user space
#   syslinux, syslinux-common, isolinux, xorriso, mtools  (host tools, installed
#                                with apt-get when run as root)
# plus our own bench.c (gcc -m32 -static), init and auto.sh.
#
# Produces in OUTDIR:
#   vmlinuz             the kernel
#   initramfs.cpio.gz   busybox, bench, the disk/CD drivers, /init
#   disk.img            32.5 MiB hard disk (CHS 66/16/63): syslinux MBR, one
#                       FAT16 partition
#                       (type 06, bootable, at 1 MiB) with syslinux, the
#                       kernel, the initramfs and syslinux.cfg
#   linux.iso           isolinux CD (El Torito, no emulation)
#   cmdline             the kernel command line used by both boot loaders
#   versions            the package versions that went in
# Everything is made without root privileges (mtools, syslinux --offset on
# the image file, xorriso, cpio -R 0:0); only apt-get needs root.
# OUTDIR/stamp records the package versions and a hash of this directory's
# inputs: when it matches, nothing is rebuilt.  Downloaded .deb files are
# kept in OUTDIR/debs.
#
# Exit status: 0 built or up to date, 77 cannot be built here (no apt, no
# i386 packages, no network, missing tools and not root), 1 a real failure.
set -eu

# Host packages (Debian names) the guest build needs; run as root, this
# script installs them itself.  gcc -m32 -static also needs the i386 libc:
# gcc-N-multilib for the host's gcc N (not "gcc-multilib", which Conflicts
# with the cross compilers .ci/run installs).  boot-test.sh needs
# qemu-system-x86 (which brings seabios) for its default emulator, and
# tests/bench/bench.py bochs, bochsbios and vgabios for Bochs.
LINUX_GUEST_HOST_PACKAGES="syslinux syslinux-common isolinux xorriso mtools cpio gzip python3"
multilib=
if command -v gcc >/dev/null 2>&1; then
    multilib=gcc-$(gcc -dumpversion | cut -d. -f1)-multilib
fi

if [ "${1:-}" = --host-packages ]; then
    echo "$LINUX_GUEST_HOST_PACKAGES $multilib"
    exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-tests/guests/linux/out}
mkdir -p "$out"
out=$(cd "$out" && pwd)

log() { echo "build-guest: $*"; }
skip() { echo "build-guest: SKIP: $*" >&2; exit 77; }
die() { echo "build-guest: ERROR: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }
apt_get() { apt-get -y -q -o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 "$@"; }

command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 ||
    skip "no apt-get/dpkg: the guest is built from Debian packages"

# ---------------------------------------------------------------- host tools
missing=
for t in syslinux:syslinux mcopy:mtools mformat:mtools xorriso:xorriso \
         cpio:cpio gzip:gzip dpkg-deb:dpkg gcc:gcc; do
    command -v "${t%%:*}" >/dev/null 2>&1 || missing="$missing ${t#*:}"
done
for f in /usr/lib/syslinux/mbr/mbr.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 \
         /usr/lib/ISOLINUX/isolinux.bin; do
    [ -f "$f" ] || missing="$missing syslinux-common isolinux"
done
# gcc -m32 -static needs the i386 libc (gcc-multilib pulls it in)
m32test=$out/m32test
printf 'int main(void) { return 0; }\n' >"$m32test.c"
if ! gcc -m32 -static -o "$m32test" "$m32test.c" >/dev/null 2>&1; then
    missing="$missing ${multilib:-gcc-multilib}"
fi
rm -f "$m32test" "$m32test.c"
if [ -n "$missing" ]; then
    if is_root; then
        log "installing host tools:$missing"
        # --no-remove: never trade an installed package for these
        apt_get install --no-install-recommends --no-remove \
            $LINUX_GUEST_HOST_PACKAGES $multilib ||
            skip "apt-get install $LINUX_GUEST_HOST_PACKAGES $multilib failed (no network?)"
    else
        skip "missing host tools:$missing; as root: apt-get install $LINUX_GUEST_HOST_PACKAGES $multilib"
    fi
fi

# ---------------------------------------------------------------- i386 archive
if ! dpkg --print-foreign-architectures | grep -qx i386 &&
   [ "$(dpkg --print-architecture)" != i386 ]; then
    is_root || skip "the i386 architecture is not enabled; as root: dpkg --add-architecture i386 && apt-get update"
    log "enabling the i386 architecture"
    dpkg --add-architecture i386
    apt_get update || true
fi
# The kernel the 686 meta package points at, e.g. linux-image-6.1.0-50-686.
kpkg_of() {
    apt-cache show linux-image-686:i386 2>/dev/null |
        sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*-686\)\( .*\)\{0,1\}$/\1/p' | head -n 1
}
kpkg=$(kpkg_of)
if [ -z "$kpkg" ] && is_root; then
    apt_get update || true
    kpkg=$(kpkg_of)
fi
[ -n "$kpkg" ] || skip "apt-cache knows no linux-image-686:i386 (apt-get update? network?)"
candidate() {
    apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | head -n 1
}
kver=$(candidate "$kpkg:i386")
bver=$(candidate busybox-static:i386)
[ -n "$kver" ] && [ "$kver" != "(none)" ] || skip "no candidate version of $kpkg:i386"
[ -n "$bver" ] && [ "$bver" != "(none)" ] || skip "no candidate version of busybox-static:i386"
sver=$(dpkg-query -W -f '${Version}' syslinux-common 2>/dev/null || echo unknown)
kabi=${kpkg#linux-image-}

inputs_hash=$(cat "$0" "$here/bench.c" "$here/init" "$here/auto.sh" | cksum | cut -d' ' -f1)
stamp="kernel=$kpkg:$kver busybox=$bver syslinux=$sver inputs=$inputs_hash"
if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$stamp" ] &&
   [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio.gz" ] &&
   [ -f "$out/disk.img" ] && [ -f "$out/linux.iso" ]; then
    log "up to date in $out ($kpkg $kver, busybox $bver)"
    exit 0
fi
rm -f "$out/stamp"
log "building in $out: $kpkg $kver, busybox-static $bver"

# ---------------------------------------------------------------- packages
debs=$out/debs
mkdir -p "$debs"
fetch() { # fetch PACKAGE VERSION -> path of the .deb
    f=$(ls "$debs/$1"_*.deb 2>/dev/null | while read -r d; do
            [ "$(dpkg-deb -f "$d" Version)" = "$2" ] && echo "$d"; done | head -n 1)
    if [ -z "$f" ]; then
        rm -f "$debs/$1"_*.deb
        (cd "$debs" && apt-get -q download "$1:i386=$2" >&2) ||
            skip "apt-get download $1:i386=$2 failed (no network?)"
        f=$(ls "$debs/$1"_*.deb | head -n 1)
    fi
    echo "$f"
}
kdeb=$(fetch "$kpkg" "$kver")
bdeb=$(fetch busybox-static "$bver")

work=$out/work
rm -rf "$work"
mkdir -p "$work"
dpkg-deb -x "$kdeb" "$work/kernel"
dpkg-deb -x "$bdeb" "$work/busybox"
cp "$work/kernel/boot/vmlinuz-$kabi" "$out/vmlinuz"
moddir=$work/kernel/lib/modules/$kabi

# ---------------------------------------------------------------- modules
# The drivers the tests need, with their dependencies first.  Debian's
# package has no modules.dep (depmod runs at install time), so the
# "depends=" field of each module's .modinfo section is read directly.
modfile() { # module name -> file (names use _ where file names may use -)
    f=$(find "$moddir/kernel" -name "$1.ko" | head -n 1)
    [ -n "$f" ] || f=$(find "$moddir/kernel" -name "$(echo "$1" | tr _ -).ko" | head -n 1)
    [ -n "$f" ] || f=$(find "$moddir/kernel" -name "$(echo "$1" | tr - _).ko" | head -n 1)
    echo "$f"
}
order=$work/modules.order
: >"$order"
add_module() { # add_module NAME: appends NAME after its dependencies
    grep -qx "$1" "$order" && return 0
    f=$(modfile "$1")
    [ -n "$f" ] || die "module $1 not found in $kpkg"
    deps=$(tr '\0' '\n' <"$f" | sed -n 's/^depends=//p' | head -n 1 | tr ',' ' ')
    for d in $deps; do add_module "$d"; done
    grep -qx "$1" "$order" || echo "$1" >>"$order"
}
# ATA: ata_piix (PCI PIIX IDE, as on QEMU's pc), pata_legacy (ISA ports
# 1F0/170 when no PCI IDE claimed them: x86pc without PCI); disks, CD-ROM;
# FAT with its code pages, ext2 (through ext4), ISO 9660.
for m in ata_piix pata_legacy ata_generic sd_mod sr_mod vfat nls_cp437 \
         nls_iso8859-1 nls_ascii ext4 isofs; do
    add_module "$m"
done

# ---------------------------------------------------------------- initramfs
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/proc" "$root/sys" \
    "$root/dev" "$root/mnt" "$root/tmp" "$root/root" "$root/lib/modules"
cp "$work/busybox/bin/busybox" "$root/bin/busybox"
for a in $("$work/busybox/bin/busybox" --list 2>/dev/null || true); do
    [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
# The host may not run the i386 busybox (non-x86 host): then link the
# applets the guest scripts use.
for a in sh ash init mount umount insmod mdev sed grep cat echo ls mkdir sync \
         poweroff reboot uname dmesg true false stty setsid cttyhack getty \
         sleep cp rm df mv touch; do
    [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
while read -r m; do
    cp "$(modfile "$m")" "$root/lib/modules/$m.ko"
done <"$order"
cp "$order" "$root/etc/modules.order"
cp "$here/init" "$root/init"
cp "$here/auto.sh" "$root/etc/auto.sh"
chmod 755 "$root/init" "$root/etc/auto.sh"
cat >"$root/etc/profile" <<'EOF'
export PATH=/bin:/sbin HOME=/root PS1='x86pc# '
stty cols 200 rows 50 2>/dev/null
cd /root
EOF
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
log "compiling bench.c (gcc -m32 -static)"
gcc -m32 -static -O2 -std=gnu11 -Wall -o "$root/bin/bench" "$here/bench.c" ||
    die "gcc -m32 -static bench.c failed"
# Reproducible archive: fixed owner, order and times.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -n -9 >"$out/initramfs.cpio.gz"

# ---------------------------------------------------------------- disk image
# 66 cylinders x 16 heads x 63 sectors (32.5 MiB: a whole number of
# cylinders, as Bochs wants for its geometry); one FAT16 partition from LBA
# 2048 to the end.
cmdline="console=ttyS0,115200 console=tty0 panic=-1"
echo "$cmdline" >"$out/cmdline"
cat >"$work/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  KERNEL /vmlinuz
  INITRD /initrd.gz
  APPEND $cmdline
EOF
sectors=$((66 * 16 * 63))
pstart=2048
psize=$((sectors - pstart))
img=$work/disk.img
rm -f "$img"
dd if=/dev/zero of="$img" bs=512 count=0 seek=$sectors 2>/dev/null
# MBR: syslinux's boot code (first 440 bytes), one bootable partition.
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc 2>/dev/null
byte() { printf "\\$(printf %03o $(($1 & 255)))"; }
le32() { byte "$1"; byte $(($1 >> 8)); byte $(($1 >> 16)); byte $(($1 >> 24)); }
chs() { # LBA -> 3 CHS bytes (16 heads, 63 sectors)
    c=$(($1 / (16 * 63))); h=$(($1 / 63 % 16)); s=$(($1 % 63 + 1))
    [ "$c" -gt 1023 ] && { c=1023; h=15; s=63; }
    byte "$h"; byte $((s | (c >> 2 & 0xC0))); byte "$c"
}
{
    byte 0x80; chs $pstart; byte 0x06; chs $((pstart + psize - 1))
    le32 $pstart; le32 $psize
} | dd of="$img" bs=1 seek=446 conv=notrunc 2>/dev/null
printf '\125\252' | dd of="$img" bs=1 seek=510 conv=notrunc 2>/dev/null
off=$((pstart * 512))
export MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=0
mformat -i "$img@@$off" -T $psize -h 16 -s 63 -H $pstart -v X86PCLINUX -N 86c0ffee :: ||
    die "mformat failed"
syslinux --offset $off --install "$img" || die "syslinux --install failed"
mcopy -i "$img@@$off" "$out/vmlinuz" ::/vmlinuz
mcopy -i "$img@@$off" "$out/initramfs.cpio.gz" ::/initrd.gz
mcopy -i "$img@@$off" "$work/syslinux.cfg" ::/syslinux.cfg
echo "x86pc linux test disk" >"$work/README.TXT"
mcopy -i "$img@@$off" "$work/README.TXT" ::/README.TXT
mv "$img" "$out/disk.img"
echo "$off" >"$out/disk.partoffset"

# ---------------------------------------------------------------- ISO
iso=$work/iso
mkdir -p "$iso/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$iso/isolinux/"
cp "$out/vmlinuz" "$iso/vmlinuz"
cp "$out/initramfs.cpio.gz" "$iso/initrd.gz"
cp "$work/syslinux.cfg" "$iso/isolinux/isolinux.cfg"
xorriso -as mkisofs -quiet -o "$out/linux.iso" -V X86PC_LINUX -r -J \
    -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$iso" ||
    die "xorriso failed"

{
    echo "kernel $kpkg $kver"
    echo "busybox-static $bver"
    echo "syslinux $sver"
    echo "modules $(tr '\n' ' ' <"$order")"
} >"$out/versions"
rm -rf "$work"
echo "$stamp" >"$out/stamp"
log "done: $(cd "$out" && ls -s vmlinuz initramfs.cpio.gz disk.img linux.iso | tr '\n' ' ')"
