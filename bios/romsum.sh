#!/bin/sh
# romsum.sh FILE -- sets the last byte of the option ROM image FILE so that
# all its bytes add up to 0 (mod 256), the checksum a BIOS checks before
# calling the ROM.  POSIX sh + od + awk + dd.
set -e
f=${1:?usage: romsum.sh FILE}
size=$(wc -c <"$f")
sum=$(od -An -v -tu1 "$f" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 256 }')
last=$(tail -c 1 "$f" | od -An -tu1 | tr -d ' ')
v=$(( (512 - sum + last) % 256 ))
# shellcheck disable=SC2059 # the format is the octal escape itself
printf "\\$(printf %03o "$v")" |
    dd of="$f" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
