#!/usr/bin/env python3
"""bench.py -- runs the same workloads on x86pc, Bochs and QEMU TCG and
reports wall times side by side (`make bench`).  Never asserts timings.

    bench.py [--emus x86pc,bochs,qemu] [--workloads mmu,linux] [--repeat N]

Workloads
  mmu    tests/bench/mmu.bin (mmu.asm) as the firmware: protected mode,
         paging, 4096 pages round robin, INVLPG, REP MOVSD, CR3 reloads.
         Wall time of the whole emulator run; the checksum it prints is
         compared between emulators (a mismatch is reported: one of them
         is wrong).
  linux  the Linux guest (tests/guests/linux, built by build-guest.sh when
         possible) booted from its disk image with the emulator's own
         firmware: wall time to the init marker, then the guest's bench
         program (integer loop, memcpy, syscalls, fork+exec: the times are
         the guest's own clock) and the wall time of that part.  An emulator
         that cannot boot it yet is skipped with a note.

Columns: wall seconds and the ratio to x86pc's time (x86pc = 1.00; 0.50
means that emulator needed half of x86pc's time).  For x86pc, when it
supports `-d stats` (stderr lines "x86pc: stats: key=value ..."), also
instructions per second and the TLB and icache hit rates; for Bochs the
instruction count comes from its final "(0).[TICKS]" line (1 tick per
instruction at the default setting); that count also gives every
emulator's MIPS on the mmu ROM, which runs the same instructions
everywhere.

Environment: X86PC (default ./x86pc), BOCHS (bochs), QEMU
(qemu-system-i386), BENCH_MMU_ROM (tests/bench/mmu.bin), LINUX_GUEST_DIR
(tests/guests/linux/out), BENCH_TIMEOUT (seconds per run, default 600),
BENCH_LINUX_SCALE (bench program scale, default 1), BENCH_KEEP=DIR (logs).
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.dirname(os.path.dirname(HERE))
LINUX_DIR = os.path.join(SRCDIR, "tests", "guests", "linux")

BOCHS_DATA = "/usr/share/bochs"


def parse_stats(text):
    """x86pc's `-d stats` output: every 'x86pc: stats: k=v k=v' line on
    stderr, merged into one dict of ints (non-numeric values kept as str)."""
    stats = {}
    for line in text.splitlines():
        m = re.match(r"\s*x86pc: stats:\s*(.*)$", line)
        if not m:
            continue
        for kv in m.group(1).split():
            if "=" not in kv:
                continue
            k, v = kv.split("=", 1)
            try:
                stats[k] = int(v, 0)
            except ValueError:
                try:
                    stats[k] = float(v)
                except ValueError:
                    stats[k] = v
    return stats


def describe_stats(stats, wall):
    """Human summary of the stats dict: MIPS and hit rates."""
    out = []
    insns = stats.get("insns")
    if isinstance(insns, int) and wall > 0:
        out.append("insns=%d (%.1f MIPS)" % (insns, insns / wall / 1e6))
    for what in ("tlb", "icache"):
        h, m = stats.get(what + "_hits"), stats.get(what + "_misses")
        if isinstance(h, int) and isinstance(m, int) and h + m > 0:
            out.append("%s hit rate %.2f%%" % (what, 100.0 * h / (h + m)))
    shown = {"insns", "tlb_hits", "tlb_misses", "icache_hits", "icache_misses"}
    rest = ["%s=%s" % (k, v) for k, v in stats.items() if k not in shown]
    if rest:
        out.append(" ".join(rest))
    return "; ".join(out)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Bench:
    def __init__(self, args):
        self.a = args
        self.rows = []      # (workload, emulator, wall or None, note)
        keep = os.environ.get("BENCH_KEEP")
        if keep:
            os.makedirs(keep, exist_ok=True)
            self.tmp = keep
        else:
            self.tmpobj = tempfile.TemporaryDirectory(prefix="x86pc-bench.")
            self.tmp = self.tmpobj.name
        self.timeout = int(os.environ.get("BENCH_TIMEOUT", "600"))
        self.x86pc = os.environ.get("X86PC", "./x86pc")
        self.bochs = os.environ.get("BOCHS", "bochs")
        self.qemu = os.environ.get("QEMU", "qemu-system-i386")

    # ------------------------------------------------------------ helpers
    def have(self, emu):
        prog = {"x86pc": self.x86pc, "bochs": self.bochs, "qemu": self.qemu}[emu]
        return shutil.which(prog) is not None or os.access(prog, os.X_OK)

    def x86pc_stats_flags(self):
        try:
            r = subprocess.run([self.x86pc, "-d", "help"], capture_output=True,
                               text=True, timeout=20)
            text = r.stdout + r.stderr
        except (OSError, subprocess.TimeoutExpired):
            return []
        return ["-d", "stats"] if re.search(r"^\s*stats\b", text, re.M) else []

    def row(self, workload, emu, wall, note=""):
        self.rows.append((workload, emu, wall, note))
        w = "%.2f s" % wall if wall is not None else "-"
        print("bench: %-14s %-6s %10s  %s" % (workload, emu, w, note), flush=True)

    def bochsrc(self, path, rom=None, disk=None, megs=64, port=None):
        vga = os.path.join(self.tmp, "novga.bin")
        if rom:
            with open(vga, "wb") as f:
                f.write(bytes(32768))
        lines = [
            "megs: %d" % megs,
            "romimage: file=%s" % (rom or os.path.join(BOCHS_DATA, "BIOS-bochs-latest")),
            "vgaromimage: file=%s" % (vga if rom else
                                      os.path.join(BOCHS_DATA, "VGABIOS-lgpl-latest")),
            'display_library: rfb, options="timeout=0"',
            "port_e9_hack: enabled=1",
            "log: %s.log" % path,
            "panic: action=fatal", "error: action=report",
            "info: action=ignore", "debug: action=ignore",
            "speaker: enabled=0",
            "sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy",
        ]
        if rom:
            lines.append("cpu: model=pentium, reset_on_triple_fault=0")
        else:
            # a P6 with CMOV and an FPU (the 686 kernel needs both); the guest
            # clock follows host time so the guest's bench times mean seconds
            lines += [
                "cpu: model=p3_katmai, ips=50000000, reset_on_triple_fault=0",
                "clock: sync=realtime, time0=local",
                "ata0-master: type=disk, path=%s, mode=flat, cylinders=66, "
                "heads=16, spt=63" % disk,
                "boot: disk",
                "com1: enabled=1, mode=socket-server, dev=localhost:%d" % port,
            ]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(path + ".rc", "w") as f:
            f.write("c\n")

    # ------------------------------------------------------------ mmu
    def mmu(self, emus):
        rom = os.path.abspath(os.environ.get("BENCH_MMU_ROM", "tests/bench/mmu.bin"))
        if not os.path.exists(rom):
            print("bench: mmu: %s missing (make tests/bench/mmu.bin)" % rom)
            return
        sums = {}
        base = {}
        for emu in emus:
            if not self.have(emu):
                self.row("mmu", emu, None, "skipped: not installed")
                continue
            best = None
            for _ in range(self.a.repeat):
                r = self.mmu_once(emu, rom)
                if r is None:
                    break
                wall, out, note = r
                if best is None or wall < best[0]:
                    best = (wall, out, note)
            if best is None:
                continue
            wall, out, note = best
            m = re.search(r"sum=([0-9A-F]{8})", out)
            if not m or "done" not in out:
                self.row("mmu", emu, wall, "FAILED: no sum/done in the output: %r"
                         % out[-200:])
                continue
            sums[emu] = m.group(1)
            base[emu] = wall
            self.row("mmu", emu, wall, ("sum=%s " % m.group(1)) + note)
        if len(set(sums.values())) > 1:
            print("bench: WARNING: the mmu checksums differ between emulators: %s"
                  " (one of them computes wrongly)" % sums)
        self.ratios("mmu", base)
        # The ROM executes the same instructions everywhere: Bochs' count
        # gives every emulator's rate (start-up time included).
        n = getattr(self, "mmu_insns", None)
        if n and len(set(sums.values())) == 1:
            print("bench: %-14s MIPS from Bochs' count of %d instructions: %s"
                  % ("mmu", n, ", ".join("%s %.1f" % (e, n / w / 1e6)
                                         for e, w in base.items() if w > 0)),
                  flush=True)

    def mmu_once(self, emu, rom):
        common = ["-bios", rom, "-m", "64", "-display", "none", "-debugcon",
                  "stdio", "-device", "isa-debug-exit,iobase=0x501,iosize=2",
                  "-no-reboot"]
        cwd = None
        if emu == "x86pc":
            cmd = [self.x86pc] + common + self.x86pc_stats_flags()
        elif emu == "qemu":
            cmd = [self.qemu, "-accel", "tcg", "-monitor", "none"] + common
        else:
            cwd = os.path.join(self.tmp, "bochs-mmu")
            os.makedirs(cwd, exist_ok=True)
            rc = os.path.join(cwd, "bochsrc")
            self.bochsrc(rc, rom=rom)
            cmd = [self.bochs, "-q", "-f", rc, "-rc", rc + ".rc"]
        t0 = time.monotonic()
        try:
            r = subprocess.run(cmd, capture_output=True, text=True,
                               errors="replace", timeout=self.timeout,
                               stdin=subprocess.DEVNULL, cwd=cwd)
        except subprocess.TimeoutExpired:
            self.row("mmu", emu, None, "FAILED: timed out after %ds" % self.timeout)
            return None
        wall = time.monotonic() - t0
        note = ""
        if emu == "x86pc":
            note = describe_stats(parse_stats(r.stderr), wall)
        elif emu == "bochs":
            ticks = re.findall(r"^\(0\)\.\[(\d+)\]", r.stdout, re.M)
            if ticks:
                n = int(ticks[-1])
                self.mmu_insns = n
                note = "insns=%d (%.1f MIPS incl. start-up)" % (n, n / wall / 1e6)
        return wall, r.stdout, note

    # ------------------------------------------------------------ linux
    def linux(self, emus):
        guest = os.path.abspath(os.environ.get("LINUX_GUEST_DIR",
                                               "tests/guests/linux/out"))
        st = subprocess.run(["sh", os.path.join(LINUX_DIR, "build-guest.sh"),
                             guest]).returncode
        if st != 0:
            print("bench: linux: skipped, the guest cannot be built here "
                  "(build-guest.sh status %d)" % st)
            return
        with open(os.path.join(guest, "versions")) as f:
            kernel = re.search(r"^kernel linux-image-(\S+)", f.read(), re.M).group(1)
        boot, part = {}, {}
        for emu in emus:
            if not self.have(emu):
                self.row("linux-boot", emu, None, "skipped: not installed")
                continue
            img = os.path.join(self.tmp, "linux-%s.img" % emu)
            shutil.copyfile(os.path.join(guest, "disk.img"), img)
            log = os.path.join(self.tmp, "linux-%s.serial" % emu)
            drv = [sys.executable, os.path.join(LINUX_DIR, "serial_drive.py"),
                   "--mode", "bench", "--log", log,
                   "--stderr-log", log.replace(".serial", ".stderr"),
                   "--kernel", kernel,
                   "--boot-timeout", str(self.timeout),
                   "--bench-timeout", str(self.timeout * 3),
                   "--bench-scale", os.environ.get("BENCH_LINUX_SCALE", "1")]
            drive = "file=%s,format=raw,if=ide,index=0,media=disk" % img
            common = ["-m", "256", "-display", "none", "-serial", "stdio",
                      "-no-reboot", "-drive", drive, "-boot", "c"]
            if emu == "x86pc":
                cmd = drv + ["--", self.x86pc] + common + self.x86pc_stats_flags()
            elif emu == "qemu":
                cmd = drv + ["--", self.qemu, "-accel", "tcg",
                             "-monitor", "none"] + common
            else:
                port = free_port()
                rc = os.path.join(self.tmp, "bochsrc-linux")
                self.bochsrc(rc, disk=img, megs=256, port=port)
                cmd = drv + ["--connect", str(port), "--",
                             self.bochs, "-q", "-f", rc, "-rc", rc + ".rc"]
            r = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
            out = r.stdout
            times = dict((k, float(v)) for k, v in
                         re.findall(r"serial_drive: time (\w+) ([\d.]+)", out))
            fails = re.findall(r"^FAIL: (.*)$", out, re.M)
            if "ready" not in times:
                why = fails[0] if fails else "no marker"
                where = ("log %s" % log if os.environ.get("BENCH_KEEP")
                         else "BENCH_KEEP=DIR keeps the logs")
                self.row("linux-boot", emu, None,
                         "skipped: cannot boot the Linux guest yet: %s (%s)"
                         % (why, where))
                continue
            boot[emu] = times["ready"]
            stats = ""
            if emu == "x86pc":
                try:
                    with open(log.replace(".serial", ".stderr"), errors="replace") as f:
                        stats = describe_stats(parse_stats(f.read()),
                                               times.get("exit", times["ready"]))
                except OSError:
                    pass
            self.row("linux-boot", emu, times["ready"],
                     "to the init marker" + ("; " + stats if stats else ""))
            if "bench" in times and "prompt" in times:
                part[emu] = times["bench"] - times["prompt"]
                guest_parts = re.findall(r"^bench: (int|memcpy|syscall|forkexec|total) "
                                         r"([\d.]+) s", out, re.M)
                self.row("linux-bench", emu, part[emu], "guest clock: " +
                         ", ".join("%s %s s" % p for p in guest_parts))
            for f in fails:
                print("bench: note: %s: %s" % (emu, f))
        self.ratios("linux-boot", boot)
        self.ratios("linux-bench", part)

    def ratios(self, workload, walls):
        if "x86pc" not in walls or walls["x86pc"] <= 0:
            return
        ref = walls["x86pc"]
        print("bench: %-14s time relative to x86pc: %s" % (workload, ", ".join(
            "%s %.2f" % (e, w / ref) for e, w in walls.items())), flush=True)


def self_test():
    """Checks the parsers on fixed text (`bench.py --self-test`, run by
    make check as tests/bench/test-bench-parse.sh).  Returns 0 or 1."""
    fails = 0

    def check(what, got, want):
        nonlocal fails
        ok = got == want
        print("%s %s: got %r%s" % ("ok  " if ok else "FAIL", what, got,
                                   "" if ok else ", want %r" % (want,)))
        fails += not ok

    err = ("some other line\n"
           "x86pc: stats: insns=1000000 tlb_hits=900 tlb_misses=100\n"
           "x86pc: stats: icache_hits=3 icache_misses=1 mode=fast ratio=0.5 bad\n"
           "  x86pc: stats: irqs=0x10\n"
           "x86pc: statsX: insns=5\n")
    st = parse_stats(err)
    check("stats keys", sorted(st), sorted(["insns", "tlb_hits", "tlb_misses",
                                           "icache_hits", "icache_misses",
                                           "mode", "ratio", "irqs"]))
    check("insns", st.get("insns"), 1000000)
    check("hex value", st.get("irqs"), 16)
    check("float value", st.get("ratio"), 0.5)
    check("text value", st.get("mode"), "fast")
    check("summary", describe_stats(st, 2.0),
          "insns=1000000 (0.5 MIPS); tlb hit rate 90.00%; "
          "icache hit rate 75.00%; mode=fast ratio=0.5 irqs=16")
    check("no stats", parse_stats("x86pc: warning: foo\n"), {})
    check("empty summary", describe_stats({}, 1.0), "")
    return 1 if fails else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--emus", default=os.environ.get("BENCH_EMUS", "x86pc,bochs,qemu"))
    p.add_argument("--workloads", default=os.environ.get("BENCH_WORKLOADS", "mmu,linux"))
    p.add_argument("--repeat", type=int, default=1,
                   help="runs per emulator for mmu; the fastest counts")
    a = p.parse_args()
    emus = [e for e in a.emus.split(",") if e]
    for e in emus:
        if e not in ("x86pc", "bochs", "qemu"):
            p.error("unknown emulator %s" % e)
    b = Bench(a)
    print("bench: %s; emulators %s" % (time.strftime("%Y-%m-%d %H:%M:%S"),
                                       ", ".join(emus)), flush=True)
    for w in a.workloads.split(","):
        if w == "mmu":
            b.mmu(emus)
        elif w == "linux":
            b.linux(emus)
        elif w:
            p.error("unknown workload %s" % w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
