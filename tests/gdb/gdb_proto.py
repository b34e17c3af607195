#!/usr/bin/env python3
"""Raw GDB remote-protocol test of x86pc's stub (run by test_gdb_proto.sh).

Starts x86pc -S -gdb tcp::PORT with tests/gdb/gdb_guest.asm (environment:
X86PC, GUEST, optional X86PC_EMU prefix) and speaks the protocol directly:
acks and checksums, qSupported, target.xml, registers, breakpoints that
never show in memory reads, stepping, watchpoints with their stop
replies, E14 for unmapped paged addresses, qRcmd, Ctrl-C, no-ack mode,
the exit packet, detach and kill.  TAP output; exit 1 on any failure."""
import os
import shlex
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

X86PC = os.environ.get("X86PC", "./x86pc")
GUEST = os.environ["GUEST"]
EMU = shlex.split(os.environ.get("X86PC_EMU", ""))

n = 0
failed = 0


def ok(cond, what, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    if not cond:
        failed += 1
        if detail:
            print("#   " + str(detail))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def checksum(data):
    return sum(data) & 0xFF


class Conn:
    def __init__(self, port):
        deadline = time.time() + 20
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), 2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.s.settimeout(20)
        self.buf = b""
        self.noack = False

    def byte(self):
        if not self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError("connection closed")
            self.buf = d
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def raw(self, data):
        self.s.sendall(data)

    def send(self, payload, bad_sum=False):
        if isinstance(payload, str):
            payload = payload.encode("latin-1")
        cs = checksum(payload) ^ (0x55 if bad_sum else 0)
        self.raw(b"$" + payload + b"#" + b"%02x" % cs)

    def ack(self):
        """Next non-packet byte (+ or -)."""
        return self.byte()

    def recv(self):
        """Next packet payload (unescaped); checks its checksum; acks."""
        while True:
            b = self.byte()
            if b == b"$":
                break
            if self.noack is False and b in (b"+",):
                continue
        body = b""
        while True:
            b = self.byte()
            if b == b"#":
                break
            body += b
        cs = int(self.byte() + self.byte(), 16)
        assert cs == checksum(body), "bad checksum from stub"
        if not self.noack:
            self.raw(b"+")
        out = b""
        i = 0
        while i < len(body):
            if body[i:i + 1] == b"}":
                out += bytes([body[i + 1] ^ 0x20])
                i += 2
            else:
                out += body[i:i + 1]
                i += 1
        return out.decode("latin-1")

    def cmd(self, payload):
        self.send(payload)
        if not self.noack:
            a = self.ack()
            assert a == b"+", "expected + ack, got %r" % a
        return self.recv()


def start(host=""):
    port = free_port()
    p = subprocess.Popen(EMU + [X86PC, "-bios", GUEST, "-m", "16",
                                "-display", "none", "-S", "-gdb",
                                "tcp:%s:%d" % (host, port)],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    return p, Conn(port)


def le32(hexstr):
    return int.from_bytes(bytes.fromhex(hexstr), "little")


def main():
    p, c = start()
    try:
        session1(c)
    except Exception as e:  # a protocol failure is a test failure
        ok(False, "session 1 completed", repr(e))
    try:
        rc = p.wait(15)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = "timeout"
    ok(rc == 0, "x86pc exit status 0 after the guest halted", rc)

    # detach: breakpoints go, the guest runs on and halts by itself
    p, c = start()
    try:
        c.cmd("Z0,f0150,1")
        r = c.cmd("c")
        ok(r.startswith("T05") and le32(c.cmd("p8")) == 0xF0150,
           "session 2: at the spin loop", r)
        ok(c.cmd("M710,4:01000000") == "OK", "session 2: write the go flag")
        ok(c.cmd("D") == "OK", "D answers OK")
        rc = p.wait(15)
        ok(rc == 0, "after D the guest ran to its end (status 0)", rc)
    except Exception as e:
        p.kill()
        ok(False, "session 2 completed", repr(e))

    # kill (and the tcp:HOST:PORT spelling); before it, in real mode at
    # reset: segment registers through P, and a step over a faulting
    # instruction stops at the handler's first instruction
    p, c = start("127.0.0.1")
    try:
        ok(c.cmd("M0,4:00060000") == "OK", "IVT[0] = 0000:0600")
        ok(c.cmd("M600,1:90") == "OK" and c.cmd("M500,2:f7f1") == "OK",
           "handler nop at 0x600, div cx at 0x500")
        ok(c.cmd("Pa=00000000") == "OK" and c.cmd("Pb=00000000") == "OK",
           "P sets cs and ss in real mode")
        ok(c.cmd("P8=00050000") == "OK" and c.cmd("P1=00000000") == "OK" and
           c.cmd("P4=00700000") == "OK", "P sets eip, ecx, esp")
        r = c.cmd("vCont;s")
        ok(r.startswith("T05"), "step over div by zero", r)
        ok(le32(c.cmd("p8")) == 0x600 and le32(c.cmd("pa")) == 0,
           "stopped at the #DE handler's first instruction (0000:0600)")
        r = c.cmd("m6ffa,6")
        ok(r == "00050000" + "0200",
           "the #DE frame: IP=0500 CS=0000 FLAGS=0002", r)
        c.send("k")
        rc = p.wait(15)
        ok(rc == 0, "k ends x86pc cleanly (status 0)", rc)
    except Exception as e:
        p.kill()
        ok(False, "session 3 completed", repr(e))

    print("1..%d" % n)
    return 1 if failed else 0


def session1(c):
    # A packet with a bad checksum is NAKed, a good one ACKed.
    c.send("qC", bad_sum=True)
    ok(c.ack() == b"-", "bad checksum answered with -")
    r = c.cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
    feats = r.split(";")
    for f in ("qXfer:features:read+", "swbreak+", "hwbreak+",
              "vContSupported+"):
        ok(f in feats, "qSupported has " + f, r)
    ok(any(f.startswith("PacketSize=") for f in feats), "qSupported has PacketSize", r)

    # target.xml in small chunks: m...m...l
    xml = ""
    off = 0
    kinds = []
    while True:
        r = c.cmd("qXfer:features:read:target.xml:%x,%x" % (off, 0x200))
        kinds.append(r[0])
        xml += r[1:]
        off += len(r) - 1
        if r[0] == "l" or len(kinds) > 100:
            break
    ok(kinds[-1] == "l" and set(kinds[:-1]) <= {"m"} and len(kinds) > 1,
       "target.xml arrives as m chunks ending with l", kinds)
    try:
        root = ET.fromstring(xml)
        feats = [f.get("name") for f in root.iter("feature")]
        regs = [r.get("name") for r in root.iter("reg")]
    except ET.ParseError as e:
        feats, regs = [], []
        ok(False, "target.xml is well-formed", e)
    ok("org.gnu.gdb.i386.core" in feats, "target.xml has the i386 core feature")
    ok(regs[:16] == ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                     "eip", "eflags", "cs", "ss", "ds", "es", "fs", "gs"],
       "core registers in gdb's order", regs[:16])
    ok(c.cmd("qXfer:features:read:other.xml:0,100").startswith("E"),
       "unknown annex is an error")

    r = c.cmd("?")
    ok(r.startswith("T05") and "thread:01;" in r, "? gives a T05 stop reply", r)
    ok(c.cmd("qAttached") == "1", "qAttached")
    ok(c.cmd("qC") == "QC01", "qC")
    ok(c.cmd("qfThreadInfo") == "m01" and c.cmd("qsThreadInfo") == "l",
       "one thread")
    ok(c.cmd("Hg0") == "OK" and c.cmd("Hc-1") == "OK", "H packets")
    ok(c.cmd("vMustReplyEmpty") == "", "unknown v packet gets empty reply")

    g = c.cmd("g")
    ok(len(g) == 2 * (16 * 4 + 8 * 10 + 8 * 4 + 8 * 16 + 4 + 4 * 4),
       "g has all registers", len(g))
    ok(le32(g[64:72]) == 0xFFF0 and le32(g[80:88]) == 0xF000,
       "g: eip=fff0 cs=f000 at reset", (g[64:72], g[80:88]))
    ok(le32(c.cmd("p8")) == 0xFFF0, "p8 is eip")
    ok(le32(c.cmd("p29")) == 0x60000010, "p29 is cr0 (reset value)")
    ok(c.cmd("P0=78563412") == "OK" and le32(c.cmd("p0")) == 0x12345678,
       "P0 then p0 round trip")
    ok(c.cmd("P0=00000000") == "OK", "P0 restore")
    ok(c.cmd("p99").startswith("E"), "p of a bad register number is an error")

    # Z0 never shows in memory
    ok(c.cmd("Z0,f0080,1") == "OK", "Z0 at f0080")
    ok(c.cmd("mf0080,2") == "4040", "m under a Z0 breakpoint shows the code")
    r = c.cmd("vCont?")
    ok(r.startswith("vCont") and ";c" in r and ";s" in r, "vCont? lists c and s", r)
    r = c.cmd("vCont;c")
    ok(r.startswith("T05") and "swbreak:;" in r and "thread:01;" in r,
       "breakpoint stop reply has swbreak", r)
    ok(le32(c.cmd("p8")) == 0xF0080, "stopped at f0080")
    ok(c.cmd("z0,f0080,1") == "OK", "z0")
    r = c.cmd("vCont;s:1")
    ok(r.startswith("T05") and "swbreak" not in r, "step stop reply", r)
    ok(le32(c.cmd("p8")) == 0xF0081, "stepped to f0081")
    r = c.cmd("s")
    ok(le32(c.cmd("p8")) == 0xF0082, "s steps again")
    ok(c.cmd("Z1,f0090,1") == "OK", "Z1 at f0090")
    r = c.cmd("c")
    ok("hwbreak:;" in r and le32(c.cmd("p8")) == 0xF0090,
       "hardware breakpoint stop reply has hwbreak", r)
    ok(c.cmd("z1,f0090,1") == "OK", "z1")

    # memory writes, hex and binary (with bytes that must be escaped)
    ok(c.cmd("M800,4:78563412") == "OK" and c.cmd("m800,4") == "78563412",
       "M then m")
    c.send(b"X804,4:" + b"}]}\x03}\x04}\x0a")  # 7d 23 24 2a escaped
    ok(c.ack() == b"+" and c.recv() == "OK", "X with escaped binary")
    ok(c.cmd("m804,4") == "7d23242a", "X data read back")
    ok(c.cmd("X804,0:") == "OK", "zero-length X probe")

    # write watchpoint: 2 bytes at 0x706, hit by the dword store at 0x704
    ok(c.cmd("Z2,706,2") == "OK", "Z2 at 706 len 2")
    r = c.cmd("c")
    ok(r.startswith("T05") and "watch:706;" in r,
       "write watch stop reply names 706", r)
    ok(le32(c.cmd("p8")) == 0xF00AA, "stopped after the writing instruction")
    ok(c.cmd("m704,4") == "efbeadde", "the write is done")
    ok(c.cmd("z2,706,2") == "OK", "z2")

    # access watchpoint on the flag the spin loop reads (after paging on)
    ok(c.cmd("Z4,710,4") == "OK", "Z4 at 710")
    r = c.cmd("c")
    ok("awatch:710;" in r, "access watch stop reply", r)
    ok(le32(c.cmd("p8")) == 0xF0157, "stopped after the cmp")
    ok(c.cmd("z4,710,4") == "OK", "z4")
    ok(c.cmd("Z2,710,3").startswith("E"), "watch length 3 is refused")

    # paging: unmapped addresses answer E14, mapped ones read through
    ok(le32(c.cmd("p29")) & 0x80000000 != 0, "cr0 (p29) has PG")
    ok(c.cmd("m300000,4") == "E14", "m of a not-present page is E14")
    ok(c.cmd("m400000,4") == "E14", "m of an unmapped page table is E14")
    ok(c.cmd("M300000,1:00") == "E14", "M to a not-present page is E14")
    ok(c.cmd("m2ffffc,8") == "00000000", "partial read stops at the hole")
    ok(c.cmd("m708,4") == "22222222", "mapped read through the page tables")

    # qRcmd: monitor commands, output as O packets
    c.send("qRcmd," + b"creg".hex())
    assert c.ack() == b"+"
    r = c.recv()
    text = bytes.fromhex(r[1:]).decode() if r.startswith("O") else ""
    ok("cr0:" in text and "PG" in text, "monitor creg output", text)
    ok(c.recv() == "OK", "qRcmd ends with OK")
    c.send("qRcmd," + b"info gdt".hex())
    c.ack()
    r = c.recv()
    text = bytes.fromhex(r[1:]).decode() if r.startswith("O") else ""
    ok("code readable base=0x00000000" in text, "monitor info gdt", text)
    c.recv()

    # Ctrl-C while running
    c.send("vCont;c")
    ok(c.ack() == b"+", "vCont;c acked")
    time.sleep(0.3)
    c.raw(b"\x03")
    r = c.recv()
    ok(r.startswith("T02") and "thread:01;" in r, "Ctrl-C stops with T02", r)
    pc = le32(c.cmd("p8"))
    ok(0xF0150 <= pc < 0xF0160, "stopped in the spin loop", hex(pc))

    # no-ack mode
    ok(c.cmd("QStartNoAckMode") == "OK", "QStartNoAckMode")
    c.noack = True
    c.send("qC")
    ok(c.byte() == b"$", "no + after QStartNoAckMode")
    c.buf = b"$" + c.buf
    ok(c.recv() == "QC01", "reply in no-ack mode")

    # let the guest finish: W00
    ok(c.cmd("M710,4:01000000") == "OK", "set the go flag")
    r = c.cmd("c")
    ok(r == "W00", "exit packet W00", r)


if __name__ == "__main__":
    sys.exit(main())
