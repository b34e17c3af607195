#!/bin/sh
# /etc/auto.sh: the guest's fixed script for boot-test.sh's determinism mode
# (kernel parameter x86pc.auto=1).  Prints only what a deterministic machine
# reproduces exactly, then powers off.
echo "x86pc-linux: auto begin"
uname -a
grep -E '^(processor|vendor_id|cpu family|model|stepping|flags)' /proc/cpuinfo
cat /proc/interrupts
echo "x86pc-linux: dmesg begin"
dmesg
echo "x86pc-linux: dmesg end"
echo "x86pc-linux: auto end"
sync
poweroff
