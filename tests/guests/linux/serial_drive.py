#!/usr/bin/env python3
"""serial_drive.py -- drives the Linux test guest over its first serial port.

Runs an emulator command whose COM1 is `-serial stdio` (pipes, no pty), waits
for the guest's marker, types shell commands with echo-paced flow control
and checks what comes back.  Used by boot-test.sh and tests/bench/bench.sh;
plain Python 3, no pexpect.

    serial_drive.py [options] -- EMULATOR ARGS...

Modes:
  --mode shell   (default) the interactive checks: uname, /proc/cpuinfo,
                 /proc/interrupts (IRQ counts must rise for the timer, the
                 serial port and the IDE controller), mount the disk's FAT
                 partition, write --write-file, sync, dmesg scan, poweroff.
  --mode auto    the guest runs its own script (kernel parameter
                 x86pc.auto=1) and powers off; nothing is typed.
  --mode bench   wait for the shell, run the guest's bench program, power off.
  --mode sdl     (x86pc, with --connect and --monitor-log: COM1 over TCP,
                 the monitor on stdin/stdout) print two lines on tty1, the
                 VGA console, then the monitor's screendump and windowdump
                 must show exactly them (vga_check.py), power off.
In every mode the emulator must exit with status 0 after the guest's
poweroff.  --cpu x86pc adds the checks of /proc/cpuinfo against X86PC_CPUID
and of the TSC calibration; --disk-size/--cd-size those of the sizes of
sda and sr0 (dmesg and /sys/block).

Every byte the guest sends is copied to --log.  Times are reported as lines
"serial_drive: time MARK SECONDS" (seconds since the emulator started) for
the marks "ready" (the init marker), "prompt", "bench" and "exit".
Exit status 0 when every check passed, 1 otherwise, with one line per
failed check ("FAIL: ...").
"""

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

READY = b"X86PC-LINUX-READY"
PROMPT = b"x86pc# "
# Boot messages after which the guest will never reach its marker.
FATAL = (rb"This kernel requires the following features not present[^\n]*\n[^\n]*\n"
         rb"|Unable to boot - please use a kernel appropriate[^\n]*\n"
         rb"|Kernel panic - not syncing[^\n]*\n"
         rb"|Boot failed[^\n]*\n|No bootable device[^\n]*\n"
         rb"|Could not find kernel image[^\n]*\n")

# dmesg lines that mean the kernel is unhappy with the machine.
DMESG_BAD = [
    r"BUG:", r"Oops", r"WARNING:", r"Call Trace", r"Kernel panic", r"\bpanic\b(?!=)",
    r"soft lockup", r"hard LOCKUP", r"clocksource.*unstable",
    r"[Ss]purious", r"general protection", r"invalid opcode",
    r"irq \d+: nobody cared", r"lost interrupt", r"timeout.*ata|ata.*timeout",
    r"Unable to handle kernel", r"segfault",
]

# What /proc/cpuinfo must show on x86pc, derived from what its CPUID returns
# (cpu/system.c): Linux's name for every feature bit x86pc sets, plus the
# flags the kernel synthesises on any CPU that has CPUID.  The flags line
# must be exactly this set: a missing flag means the kernel did not see (or
# cleared) a feature x86pc claims, an extra one that something claims more.
X86PC_CPUID = {
    "vendor_id": "GenuineIntel",
    "model name": "x86pc virtual CPU",
    "cpu family": "6", "model": "13", "stepping": "8",
    # CPUID 1 EDX: bit -> Linux flag name
    "edx1": {0: "fpu", 2: "de", 3: "pse", 4: "tsc", 5: "msr", 6: "pae",
             8: "cx8", 11: "sep", 13: "pge", 15: "cmov", 19: "clflush",
             23: "mmx", 24: "fxsr", 25: "sse", 26: "sse2"},
    # CPUID 1 ECX
    "ecx1": {30: "rdrand"},
    # CPUID 80000001h EDX
    "edx81": {20: "nx"},
    # set by the kernel itself (X86_FEATURE_CPUID: the CPU has CPUID)
    "synthetic": ["cpuid"],
}


def x86pc_flags():
    t = X86PC_CPUID
    return (set(t["edx1"].values()) | set(t["ecx1"].values()) |
            set(t["edx81"].values()) | set(t["synthetic"]))


class Guest:
    def __init__(self, cmd, logpath, errpath, pace, connect=None,
                 monitor_log=None):
        """connect=None: COM1 is the emulator's stdin/stdout.  connect=PORT:
        COM1 is a TCP server on localhost:PORT that the emulator opens (Bochs
        "mode=socket-server", x86pc -serial tcp::PORT,server); its stdout
        then goes to errpath too, unless monitor_log is set: then the
        emulator's stdin/stdout is its monitor (x86pc -monitor stdio),
        written with monitor() and copied to monitor_log."""
        self.t0 = time.monotonic()
        self.log = open(logpath, "wb")
        self.err = open(errpath, "wb") if errpath else subprocess.DEVNULL
        self.sock = None
        if connect is None:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=self.err, bufsize=0, start_new_session=True)
            self._write = self._pipe_write
            self._read = lambda: os.read(self.proc.stdout.fileno(), 65536)
        else:
            mon = monitor_log is not None
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE if mon else subprocess.DEVNULL,
                stdout=subprocess.PIPE if mon else self.err,
                stderr=self.err if mon else subprocess.STDOUT,
                bufsize=0, start_new_session=True)
            deadline = time.monotonic() + 60
            while self.sock is None:
                try:
                    self.sock = socket.create_connection(("127.0.0.1", connect), 5)
                    self.sock.settimeout(None)
                except OSError:
                    if time.monotonic() > deadline or self.proc.poll() is not None:
                        break
                    time.sleep(0.2)
            self._write = self.sock.sendall if self.sock else self._pipe_write
            self._read = (lambda: self.sock.recv(65536)) if self.sock else (lambda: b"")
        self.buf = bytearray()
        self.pos = 0            # everything before pos has been consumed
        self.cond = threading.Condition()
        self.eof = False
        self.pace = pace
        self.mbuf = bytearray()     # the monitor's output
        self.mlog = None
        if connect is not None and monitor_log is not None:
            self.mlog = open(monitor_log, "wb")
            threading.Thread(target=self._mreader, daemon=True).start()
        threading.Thread(target=self._reader, daemon=True).start()

    def _mreader(self):
        while True:
            try:
                data = os.read(self.proc.stdout.fileno(), 65536)
            except OSError:
                data = b""
            with self.cond:
                if data:
                    self.mbuf += data
                    self.mlog.write(data)
                    self.mlog.flush()
                self.cond.notify_all()
            if not data:
                return

    def monitor(self, line, expect, timeout):
        """Types a monitor command; waits for regex `expect` (bytes) in the
        monitor output that follows; returns the match or None."""
        with self.cond:
            start = len(self.mbuf)
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        rx = re.compile(expect)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.mbuf, start)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    return None
                self.cond.wait(min(left, 0.5))

    def _reader(self):
        while True:
            try:
                data = self._read()
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.buf += data
                self.log.write(data)
                self.log.flush()
                self.cond.notify_all()

    def elapsed(self):
        return time.monotonic() - self.t0

    def expect(self, pattern, timeout):
        """Waits for regex `pattern` (bytes) after pos; returns the match
        (positions in self.buf) and moves pos past it, or None."""
        rx = re.compile(pattern, re.S)
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    return None
                self.cond.wait(min(left, 1.0))

    def send(self, text, echo_timeout=20.0):
        """Types text in small chunks, each one after the guest echoed the
        previous one (flow control that works with any UART model)."""
        data = text.encode()
        step = 8
        for i in range(0, len(data), step):
            chunk = data[i:i + step]
            try:
                self._write(chunk)
            except (BrokenPipeError, OSError):
                return False
            echo = chunk.replace(b"\n", b"")
            if echo and self.pace:
                # the echo of the chunk, possibly split by \r or escapes
                with self.cond:
                    deadline = time.monotonic() + echo_timeout
                    while echo not in self.buf[self.pos:]:
                        left = deadline - time.monotonic()
                        if left <= 0 or self.eof:
                            break
                        self.cond.wait(min(left, 0.5))
        return True

    def _pipe_write(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()


class Driver:
    def __init__(self, args):
        self.a = args
        self.fails = []
        self.g = None
        self.seq = 0

    def fail(self, msg):
        print("FAIL: " + msg, flush=True)
        self.fails.append(msg)

    def note(self, msg):
        print("serial_drive: " + msg, flush=True)

    def mark(self, name):
        self.note("time %s %.2f" % (name, self.g.elapsed()))

    def run(self, cmd, timeout=None):
        """Runs a shell command in the guest; returns (status, output) or
        (None, partial output) on a timeout."""
        timeout = timeout or self.a.cmd_timeout
        self.seq += 1
        n = self.seq
        # The quotes keep the typed (echoed) line from matching the markers.
        line = "echo @@B''EGIN%d@@; %s; echo @@E''ND%d@@ $?\n" % (n, cmd, n)
        self.g.send(line)
        if not self.g.expect(rb"@@BEGIN%d@@\r?\n" % n, timeout):
            self.fail("no answer to '%s' within %ds" % (cmd, timeout))
            return None, ""
        start = self.g.pos
        m = self.g.expect(rb"@@END%d@@ (\d+)" % n, timeout)
        if not m:
            out = self.g.buf[start:].decode("latin-1")
            self.fail("'%s' did not finish within %ds" % (cmd, timeout))
            return None, out
        out = self.g.buf[start:m.start()].decode("latin-1").replace("\r", "")
        return int(m.group(1)), out

    def boot(self):
        a = self.a
        self.g = Guest(a.cmd, a.log, a.stderr_log, not a.no_pace, a.connect,
                       a.monitor_log)
        m = self.g.expect(re.escape(READY) + b"|" + FATAL, a.boot_timeout)
        if m and m.group(0) != READY:
            what = b" ".join(m.group(0).split()).decode("latin-1")
            self.fail("the guest stopped during boot: %s" % what)
            return False
        if not m:
            if self.g.eof:
                self.fail("the emulator exited (status %s) before the guest's "
                          "marker %s" % (self.g.wait_exit(5), READY.decode()))
            else:
                self.fail("no marker %s within %ds (see %s)"
                          % (READY.decode(), a.boot_timeout, a.log))
            return False
        self.mark("ready")
        return True

    def prompt(self):
        if not self.g.expect(re.escape(PROMPT), self.a.cmd_timeout):
            # a shell that started before the marker was consumed
            self.g.send("\n", 0)
            if not self.g.expect(re.escape(PROMPT), self.a.cmd_timeout):
                self.fail("no shell prompt on ttyS0 within %ds"
                          % self.a.cmd_timeout)
                return False
        self.mark("prompt")
        return True

    @staticmethod
    def irq_counts(text):
        """/proc/interrupts -> {name: count} for IRQ lines (by device name)
        and the named rows (LOC, SPU, ...)."""
        counts = {}
        for line in text.splitlines():
            f = line.split()
            if len(f) < 2 or not f[0].endswith(":"):
                continue
            key = f[0][:-1]
            try:
                c = int(f[1])
            except ValueError:
                continue
            if key.isdigit():
                # "14:  123  IO-APIC 14-edge  ata_piix": every word after
                # the count (chip, pin, device names) becomes a key
                for nm in " ".join(f[2:]).replace(",", " ").split():
                    counts[nm] = counts.get(nm, 0) + c
                counts["irq" + key] = c
            else:
                counts[key] = c
        return counts

    def poweroff(self):
        self.g.send("poweroff\n")
        if not self.g.expect(rb"reboot: (Power down|System halted)",
                             self.a.cmd_timeout):
            self.fail("no 'reboot: Power down' after poweroff")
        self.check_exit()

    def check_exit(self):
        """After the guest's poweroff the emulator must end, with status 0."""
        st = self.g.wait_exit(self.a.cmd_timeout)
        if st is None:
            self.fail("the emulator did not exit after the guest powered off")
        else:
            self.note("emulator exit status %d" % st)
            if st != 0:
                self.fail("the emulator's exit status after poweroff is %d, "
                          "expected 0" % st)
        self.mark("exit")

    def quiet_console(self):
        """Kernel messages (e.g. 'random: crng init done') would land in the
        middle of command output on ttyS0: only emergencies go to the
        console from now on ('reboot: Power down' is one); dmesg keeps all."""
        self.run("dmesg -n 1")

    def shell_checks(self):
        a = self.a
        self.quiet_console()
        st, out = self.run("uname -a")
        if st != 0 or "Linux" not in out:
            self.fail("uname -a: %r" % out)
        elif a.kernel and a.kernel not in out:
            self.fail("uname -a: kernel %s expected, got %r" % (a.kernel, out))
        else:
            self.note("uname: " + out.strip())

        st, out = self.run("cat /proc/cpuinfo")
        if st != 0 or "processor" not in out or "vendor_id" not in out:
            self.fail("/proc/cpuinfo: %r" % out[:300])
        else:
            self.check_cpuinfo(out)

        if a.disk_size is not None or a.cd_size is not None:
            st, out = self.run("for d in sda sr0; do echo $d $(cat "
                               "/sys/block/$d/size 2>/dev/null); done")
            self.check_block_sizes(out)

        st, out1 = self.run("cat /proc/interrupts")
        c1 = self.irq_counts(out1)
        if st != 0 or not c1:
            self.fail("/proc/interrupts: %r" % out1[:300])

        # the disk: mount the FAT partition, write a file, read it back
        st, out = self.run("mount -t vfat /dev/sda1 /mnt && ls /mnt")
        if st != 0 or "VMLINUZ" not in out.upper():
            self.fail("mounting /dev/sda1: %r" % out[:400])
        if a.write_file:
            name, content = a.write_file.split("=", 1)
            st, out = self.run("echo %s >/mnt/%s && sync && cat /mnt/%s"
                               % (content, name, name))
            if st != 0 or content not in out:
                self.fail("writing /mnt/%s: %r" % (name, out))
        st, out = self.run("cat /mnt/vmlinuz | md5sum; umount /mnt", 300)
        if st != 0:
            self.fail("reading the kernel back from the disk: %r" % out)
        else:
            m = re.search(r"\b[0-9a-f]{32}\b", out)
            md5 = m.group(0) if m else ""
            self.note("vmlinuz on the disk: md5 " + md5)
            if a.vmlinuz_md5 and md5 != a.vmlinuz_md5:
                self.fail("vmlinuz read back through the guest's disk driver "
                          "has md5 %s, the host file %s" % (md5, a.vmlinuz_md5))
        self.run("sync")
        self.run("sleep 1")

        st, out2 = self.run("cat /proc/interrupts")
        c2 = self.irq_counts(out2)
        def delta(*names):
            return max((c2.get(n, 0) - c1.get(n, 0) for n in names), default=0)
        dt = delta("timer", "LOC")
        ds = delta("ttyS0", "serial")
        dd = delta("ata_piix", "pata_legacy", "ata_generic", "ide0", "irq14")
        self.note("IRQ deltas: timer/LOC +%d, ttyS0 +%d, IDE +%d" % (dt, ds, dd))
        if dt <= 0:
            self.fail("timer interrupts (IRQ 0 'timer' / LOC) did not rise")
        if ds <= 0:
            self.fail("ttyS0 interrupts did not rise")
        if dd <= 0:
            self.fail("IDE interrupts (IRQ 14) did not rise while using the disk")
        # spurious (APIC) and error (spurious 8259A / APIC error) counters
        for k in ("SPU", "ERR"):
            if c2.get(k, 0) > 0:
                self.fail("/proc/interrupts: %s = %d (spurious or erroneous "
                          "interrupts)" % (k, c2[k]))

        st, out = self.run("dmesg", 120)
        self.scan_dmesg(out)
        self.check_dmesg_facts(out)
        if a.dmesg_log:
            with open(a.dmesg_log, "w") as f:
                f.write(out)

    def check_cpuinfo(self, text):
        """Checks /proc/cpuinfo (or the auto script's grep of it) against
        X86PC_CPUID when --cpu x86pc; otherwise only reports it."""
        fields = {}
        for line in text.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                fields.setdefault(k.strip(), v.strip())
        for k in ("vendor_id", "model name", "flags"):
            if k in fields:
                self.note("cpuinfo: %s: %s" % (k, fields[k]))
        if self.a.cpu != "x86pc":
            return
        t = X86PC_CPUID
        for k in ("vendor_id", "model name", "cpu family", "model", "stepping"):
            if k not in fields:
                # the auto script greps only some fields
                if k == "model name" and "model" not in fields:
                    continue
                if k in ("vendor_id", "cpu family", "model", "stepping",
                         "model name"):
                    self.fail("/proc/cpuinfo has no '%s' line" % k)
                continue
            if fields[k] != t[k]:
                self.fail("/proc/cpuinfo %s is %r, x86pc's CPUID says %r"
                          % (k, fields[k], t[k]))
        if "flags" not in fields:
            self.fail("/proc/cpuinfo has no flags line")
            return
        got, want = set(fields["flags"].split()), x86pc_flags()
        if got != want:
            self.fail("/proc/cpuinfo flags differ from x86pc's CPUID: "
                      "missing [%s], unexpected [%s]"
                      % (" ".join(sorted(want - got)),
                         " ".join(sorted(got - want))))

    def check_block_sizes(self, text):
        """`sda N` / `sr0 N` lines (sizes in 512-byte sectors from
        /sys/block) against the image sizes."""
        sizes = {}
        for line in text.splitlines():
            f = line.split()
            if len(f) == 2 and f[1].isdigit():
                sizes[f[0]] = int(f[1])
        for dev, want in (("sda", self.a.disk_size), ("sr0", self.a.cd_size)):
            if want is None:
                continue
            # a CD's capacity is a whole number of 2048-byte blocks
            exp = (want // 2048 * 4) if dev == "sr0" else want // 512
            got = sizes.get(dev)
            if got is None:
                self.fail("/sys/block/%s/size: no such disk (%r)" % (dev, text))
            elif got != exp:
                self.fail("/sys/block/%s/size is %d sectors, the image has "
                          "%d bytes (%d sectors)" % (dev, got, want, exp))
            else:
                self.note("%s: %d sectors, as the image" % (dev, got))

    def check_dmesg_facts(self, text):
        """What dmesg must say: the IDE disk's size, the CD-ROM, the TSC
        calibration."""
        a = self.a
        if a.disk_size is not None:
            m = re.search(r"\[sda\] (\d+) 512-byte logical blocks", text)
            if not m:
                self.fail("dmesg: no '[sda] N 512-byte logical blocks' line")
            elif int(m.group(1)) != a.disk_size // 512:
                self.fail("dmesg: sda has %s sectors, the image %d"
                          % (m.group(1), a.disk_size // 512))
            else:
                self.note("dmesg: sda %s sectors, as the image" % m.group(1))
        if a.cd_size is not None:
            m = re.search(r"\[sr0\] scsi3-mmc drive[^\n]*", text)
            if not m:
                self.fail("dmesg: no '[sr0] scsi3-mmc drive' line (the "
                          "CD-ROM was not detected)")
            else:
                self.note("dmesg: " + m.group(0).strip())
        if a.cpu == "x86pc":
            m = re.search(r"tsc: (Detected [\d.]+ MHz processor|Refined TSC "
                          r"clocksource calibration: [\d.]+ MHz)", text)
            if not m:
                self.fail("dmesg: the TSC was not calibrated (no 'tsc: "
                          "Detected ... MHz' or 'Refined TSC')")
            else:
                self.note("dmesg: tsc: " + m.group(1))

    def sdl_checks(self):
        """The VGA console in an SDL window: prints two known lines on tty1
        (the VGA console), then the monitor's screendump (rendered from VGA
        memory) and windowdump (read back from the window) must both decode
        (vga_check.py, the VGA BIOS font from the source) to exactly these
        lines on an otherwise blank 80x25 screen."""
        a = self.a
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path.insert(0, here)
        sys.dont_write_bytecode = True
        import vga_check
        glyphs = vga_check.font_read(a.vga_font)
        self.quiet_console()
        nonce = "%08X" % (os.getpid() * 2654435761 & 0xFFFFFFFF)
        line1 = "X86PC-VGA %s ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789" % nonce
        line2 = "abcdefghijklmnopqrstuvwxyz !#%()*+,-./:=?@[]^_{}~"
        # clear tty1 and home the cursor, line 1 default colours, line 2
        # white on blue (SGR 37;44), then back to the defaults
        st, out = self.run("printf '\\033[0m\\033[H\\033[J%%s\\n\\033[37;44m%%s"
                           "\\033[0m\\n' '%s' '%s' >/dev/tty1" % (line1, line2))
        if st != 0:
            self.fail("writing to /dev/tty1: %r" % out)
            return
        ok = self.g.monitor("info display", rb"sdl: window[^\n]*", 30)
        if not ok:
            self.fail("monitor: 'info display' shows no SDL window")
            return
        self.note("monitor: " + ok.group(0).decode("latin-1").strip())
        for kind in ("screendump", "windowdump"):
            path = os.path.join(a.dump_dir, kind + ".png")
            probs = None
            # a window shows the frame of its last refresh: retry a few
            # times (the screen dump is exact at once)
            for attempt in range(8):
                try:
                    os.unlink(path)
                except OSError:
                    pass
                if not self.g.monitor("%s %s\ninfo status" % (kind, path),
                                      rb"running|paused|halted", 60):
                    self.fail("monitor: no answer to %s" % kind)
                    return
                try:
                    w, h, rows = vga_check.png_read(path)
                    screen = vga_check.decode(w, h, rows, glyphs)
                    probs = vga_check.check(screen, [line1, line2])
                    probs += self.check_colours(screen, line1, line2)
                except (OSError, ValueError) as e:
                    probs = ["%s: %s" % (path, e)]
                if not probs:
                    break
                self.note("%s attempt %d: %s" % (kind, attempt + 1, probs[0]))
                time.sleep(2)
            if probs:
                for p in probs:
                    self.fail("%s: %s" % (kind, p))
            else:
                self.note("%s: %dx%d, the VGA console shows the two lines "
                          "(%d attempt(s))" % (kind, w, h, attempt + 1))

    @staticmethod
    def check_colours(screen, line1, line2):
        """Line 1 light grey on black, line 2 white on blue."""
        probs = []
        def cells(row, n):
            return [c for c in screen[row][:n] if c.ch != " "]
        for c in cells(0, len(line1)):
            if c.paper != (0, 0, 0) or not (c.ink[0] == c.ink[1] == c.ink[2] > 0x80):
                probs.append("row 0: ink %s on %s, expected grey on black"
                             % (c.ink, c.paper))
                break
        for c in cells(1, len(line2)):
            r, g, b = c.paper
            if not (b > 0x80 and r < 0x40 and g < 0x40) or \
                    not (c.ink[0] == c.ink[1] == c.ink[2] > 0x80):
                probs.append("row 1: ink %s on %s, expected white on blue"
                             % (c.ink, c.paper))
                break
        return probs

    def scan_dmesg(self, text):
        bad = re.compile("|".join(DMESG_BAD))
        hits = [l for l in text.splitlines() if bad.search(l)]
        ignore = [re.compile(p) for p in self.a.dmesg_ignore]
        hits = [l for l in hits if not any(p.search(l) for p in ignore)]
        for l in hits[:20]:
            self.fail("dmesg: " + l.strip())
        if not text.strip():
            self.fail("dmesg is empty")

    def main(self):
        a = self.a
        try:
            if not self.boot():
                return 1
            if a.mode == "auto":
                if not self.g.expect(rb"x86pc-linux: auto end", a.cmd_timeout * 4):
                    self.fail("the guest's auto script did not finish")
                else:
                    m = re.search(rb"x86pc-linux: dmesg begin\r?\n(.*)"
                                  rb"x86pc-linux: dmesg end", self.g.buf, re.S)
                    if not m:
                        self.fail("no dmesg output from the auto script")
                    else:
                        dm = m.group(1).decode("latin-1").replace("\r", "")
                        self.scan_dmesg(dm)
                        self.check_dmesg_facts(dm)
                    m = re.search(rb"x86pc-linux: auto begin\r?\n(.*)"
                                  rb"x86pc-linux: dmesg begin", self.g.buf, re.S)
                    if m:
                        self.check_cpuinfo(m.group(1).decode("latin-1")
                                           .replace("\r", ""))
                if not self.g.expect(rb"reboot: (Power down|System halted)",
                                     a.cmd_timeout):
                    self.fail("no 'reboot: Power down' from the auto script")
                self.check_exit()
            else:
                if not self.prompt():
                    return 1
                if a.mode == "shell":
                    self.shell_checks()
                elif a.mode == "sdl":
                    self.sdl_checks()
                else:
                    st, out = self.run("bench %d" % a.bench_scale,
                                       a.bench_timeout)
                    for line in out.splitlines():
                        if line.startswith("bench:"):
                            print(line, flush=True)
                    if st != 0:
                        self.fail("the guest bench program failed (%s)" % st)
                    self.mark("bench")
                self.poweroff()
        finally:
            if self.g:
                self.g.kill()
        if self.fails:
            print("serial_drive: %d check(s) failed; serial log: %s"
                  % (len(self.fails), a.log), flush=True)
            return 1
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mode", choices=("shell", "auto", "bench", "sdl"),
                   default="shell")
    p.add_argument("--log", required=True, help="serial output copy")
    p.add_argument("--stderr-log", help="the emulator's stderr")
    p.add_argument("--dmesg-log")
    p.add_argument("--boot-timeout", type=int, default=300)
    p.add_argument("--cmd-timeout", type=int, default=120)
    p.add_argument("--bench-timeout", type=int, default=1800)
    p.add_argument("--bench-scale", type=int, default=1)
    p.add_argument("--kernel", help="kernel release uname must show")
    p.add_argument("--vmlinuz-md5", help="md5 /mnt/vmlinuz must have")
    p.add_argument("--write-file", help="NAME=CONTENT to write on the disk")
    p.add_argument("--dmesg-ignore", action="append", default=[],
                   help="regex of an expected dmesg line (repeatable)")
    p.add_argument("--connect", type=int, metavar="PORT",
                   help="COM1 is a TCP server the emulator opens on PORT")
    p.add_argument("--monitor-log", metavar="FILE",
                   help="with --connect: the emulator's stdin/stdout is its "
                   "monitor (x86pc -monitor stdio); its output goes to FILE")
    p.add_argument("--cpu", choices=("x86pc", "other"), default="other",
                   help="x86pc: /proc/cpuinfo must match X86PC_CPUID and the "
                   "TSC must be calibrated")
    p.add_argument("--disk-size", type=int, metavar="BYTES",
                   help="size of the IDE disk image (sda must match)")
    p.add_argument("--cd-size", type=int, metavar="BYTES",
                   help="size of the CD image (sr0 must match)")
    p.add_argument("--vga-font", metavar="INC",
                   help="--mode sdl: bios/vgabios-font.inc")
    p.add_argument("--dump-dir", metavar="DIR",
                   help="--mode sdl: where the screen dumps go")
    p.add_argument("--no-pace", action="store_true",
                   help="type without waiting for the echo")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    if a.cmd and a.cmd[0] == "--":
        a.cmd = a.cmd[1:]
    if not a.cmd:
        p.error("no emulator command")
    return Driver(a).main()


if __name__ == "__main__":
    sys.exit(main())
