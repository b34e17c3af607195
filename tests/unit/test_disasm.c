/* Unit tests for the disassembler (cpu/disasm.c): a golden table of
 * hand-checked encodings (texts cross-checked with the SDM and objdump -M
 * intel), invalid and truncated input, the symbol hook, and length
 * agreement with the CPU decoder over a systematic sweep, and validity
 * agreement with the CPU itself: every one-byte and 0F opcode with each
 * ModRM byte and no/66/F2/F3 prefix is executed once in real mode, and
 * the disassembler must call it invalid exactly when the CPU raises #UD.
 * Runs on any host (no x86 tools needed).  TAP output. */
#include <stdio.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/disasm.h"
#include "memory/mem.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

typedef struct Golden {
    int code32;
    uint32_t eip;
    const char *hex;
    const char *text;
} Golden;

static const Golden golden[] = {
    /* one-byte map, 32-bit */
    {1, 0, "8b0420", "mov eax,dword ptr [eax+eiz*1]"},
    {1, 0, "8b0534120000", "mov eax,dword ptr ds:0x1234"},
    {1, 0, "268b0534120000", "mov eax,dword ptr es:0x1234"},
    {1, 0, "a134120000", "mov eax,ds:0x1234"},
    {1, 0, "26a134120000", "mov eax,es:0x1234"},
    {1, 0, "8b83fcffffff", "mov eax,dword ptr [ebx-0x4]"},
    {1, 0, "8d442404", "lea eax,[esp+0x4]"},
    {1, 0, "8b4c8b10", "mov ecx,dword ptr [ebx+ecx*4+0x10]"},
    {1, 0, "a5", "movs dword ptr es:[edi],dword ptr ds:[esi]"},
    {1, 0, "f3ab", "rep stos dword ptr es:[edi],eax"},
    {1, 0, "f3a6", "repz cmps byte ptr ds:[esi],byte ptr es:[edi]"},
    {1, 0, "26a4", "movs byte ptr es:[edi],byte ptr es:[esi]"},
    {1, 0, "83c0ff", "add eax,0xffffffff"},
    {1, 0, "6aff", "push 0xffffffff"},
    {1, 0x1000, "e800000000", "call 0x1005"},
    {1, 0x1000, "ebfe", "jmp 0x1000"},
    {1, 0x1000, "0f84f0ffffff", "je 0xff6"},
    {1, 0, "9a112233445566", "call 0x6655:0x44332211"},
    {1, 0, "ff18", "call fword ptr [eax]"},
    {1, 0, "ff10", "call dword ptr [eax]"},
    {1, 0, "c60001", "mov byte ptr [eax],0x1"},
    {1, 0, "66c7000100", "mov word ptr [eax],0x1"},
    {1, 0, "8cd8", "mov eax,ds"},
    {1, 0, "8c18", "mov word ptr [eax],ds"},
    {1, 0, "c8100001", "enter 0x10,0x1"},
    {1, 0, "d7", "xlat byte ptr ds:[ebx]"},
    {1, 0, "e410", "in al,0x10"},
    {1, 0, "ec", "in al,dx"},
    {1, 0, "6c", "ins byte ptr es:[edi],dx"},
    {1, 0, "f00100", "lock add dword ptr [eax],eax"},
    {1, 0, "d1e0", "shl eax,1"},
    {1, 0, "d3f8", "sar eax,cl"},
    {1, 0, "c1e004", "shl eax,0x4"},
    {1, 0, "f7d8", "neg eax"},
    {1, 0, "f6c180", "test cl,0x80"},
    {1, 0, "66f7c13412", "test cx,0x1234"},
    {1, 0, "98", "cwde"},
    {1, 0, "6698", "cbw"},
    {1, 0, "9c", "pushf"},
    {1, 0, "669c", "pushfw"},
    {1, 0, "cf", "iret"},
    {1, 0, "cd10", "int 0x10"},
    {1, 0, "cc", "int3"},
    {1, 0, "f390", "pause"},
    {1, 0, "87db", "xchg ebx,ebx"},
    {1, 0, "c20400", "ret 0x4"},
    {1, 0, "3e7400", "ds je 0x3"},
    /* 0F map and system instructions */
    {1, 0, "0f0100", "sgdt [eax]"},
    {1, 0, "0f00d8", "ltr ax"},
    {1, 0, "0f20c0", "mov eax,cr0"},
    {1, 0, "0f22d8", "mov cr3,eax"},
    {1, 0, "0f23c0", "mov dr0,eax"},
    {1, 0, "0fb600", "movzx eax,byte ptr [eax]"},
    {1, 0, "0fbf00", "movsx eax,word ptr [eax]"},
    {1, 0, "0fa4c003", "shld eax,eax,0x3"},
    {1, 0, "0fc708", "cmpxchg8b qword ptr [eax]"},
    {1, 0, "0fa0", "push fs"},
    {1, 0, "0fc8", "bswap eax"},
    {1, 0, "0f1f440000", "nop dword ptr [eax+eax*1+0x0]"},
    {1, 0, "0f0b", "ud2"},
    {1, 0, "0f34", "sysenter"},
    {1, 0, "0f4fc1", "cmovg eax,ecx"},
    {1, 0, "0f95c0", "setne al"},
    /* x87 */
    {1, 0, "d8c1", "fadd st,st(1)"},
    {1, 0, "dcc1", "fadd st(1),st"},
    {1, 0, "dcec", "fsub st(4),st"},
    {1, 0, "dee9", "fsubp st(1),st"},
    {1, 0, "d938", "fnstcw word ptr [eax]"},
    {1, 0, "dd30", "fnsave [eax]"},
    {1, 0, "db28", "fld tbyte ptr [eax]"},
    {1, 0, "df28", "fild qword ptr [eax]"},
    {1, 0, "dfe0", "fnstsw ax"},
    {1, 0, "d9e8", "fld1"},
    {1, 0, "dae9", "fucompp"},
    {1, 0, "dbe3", "fninit"},
    /* MMX / SSE / SSE2 */
    {1, 0, "0f1000", "movups xmm0,xmmword ptr [eax]"},
    {1, 0, "660f1000", "movupd xmm0,xmmword ptr [eax]"},
    {1, 0, "f30f1000", "movss xmm0,dword ptr [eax]"},
    {1, 0, "f20f1000", "movsd xmm0,qword ptr [eax]"},
    {1, 0, "0f6f00", "movq mm0,qword ptr [eax]"},
    {1, 0, "660f6f00", "movdqa xmm0,xmmword ptr [eax]"},
    {1, 0, "0fae00", "fxsave [eax]"},
    {1, 0, "0faef8", "sfence"},
    {1, 0, "0f71d003", "psrlw mm0,0x3"},
    {1, 0, "660f73f803", "pslldq xmm0,0x3"},
    {1, 0, "0fc2c100", "cmpeqps xmm0,xmm1"},
    {1, 0, "0fc2c108", "cmpps xmm0,xmm1,0x8"},
    {1, 0, "f20f2cc0", "cvttsd2si eax,xmm0"},
    {1, 0, "0f2dc0", "cvtps2pi mm0,xmm0"},
    {1, 0, "660fd6c0", "movq xmm0,xmm0"},
    {1, 0, "f30fd6c0", "movq2dq xmm0,mm0"},
    {1, 0, "0fc5c001", "pextrw eax,mm0,0x1"},
    {1, 0, "660fc4c001", "pinsrw xmm0,eax,0x1"},
    {1, 0, "0f12c1", "movhlps xmm0,xmm1"},
    {1, 0, "0f60c1", "punpcklbw mm0,mm1"},
    {1, 0, "0f6000", "punpcklbw mm0,dword ptr [eax]"},
    {1, 0, "660fefc0", "pxor xmm0,xmm0"},
    /* 16-bit code */
    {0, 0, "8b07", "mov ax,word ptr [bx]"},
    {0, 0, "8b4602", "mov ax,word ptr [bp+0x2]"},
    {0, 0, "8b40fe", "mov ax,word ptr [bx+si-0x2]"},
    {0, 0, "a13412", "mov ax,ds:0x1234"},
    {0, 0, "668b07", "mov eax,dword ptr [bx]"},
    {0, 0, "678b00", "mov ax,word ptr [eax]"},
    {0, 0xFFF0, "eb20", "jmp 0x12"},
    {0, 0x100, "e8fdff", "call 0x100"},
    {0, 0, "ea5b0000f0", "jmp 0xf000:0x5b"},
    {0, 0, "f3a4", "rep movs byte ptr es:[di],byte ptr ds:[si]"},
    {0, 0, "60", "pusha"},
    {0, 0, "6660", "pushad"},
    {0, 0, "e300", "jcxz 0x2"},
    {0, 0, "67e300", "jecxz 0x3"},
    {0, 0, "c4 1e 34 12", "les bx,dword ptr ds:0x1234"},
    {0, 0, "0f0116 0010", "lgdt ds:0x1000"},
    {0, 0, "cb", "retf"},
};

static int parse_hex(const char *h, uint8_t *b)
{
    int n = 0;
    while (*h) {
        unsigned v;
        if (*h == ' ') {
            h++;
            continue;
        }
        if (sscanf(h, "%2x", &v) != 1)
            break;
        b[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

static uint32_t io_rd(void *o, uint16_t p, unsigned s)
{
    (void)o; (void)p; (void)s;
    return 0xFFFFFFFFu;
}
static void io_wr(void *o, uint16_t p, uint32_t v, unsigned s)
{
    (void)o; (void)p; (void)v; (void)s;
}
static int ack(void *o)
{
    (void)o;
    return 8;
}

/* Executes b (at 2000:0100, real mode, CR4.OSFXSR on, DS=ES=FS=GS=1000,
 * SS:SP=3000:FFF0, every IVT vector v pointing at a HLT at 0000:4000+2v)
 * and tells whether the CPU raised #UD at the instruction. */
static int cpu_raises_ud(PhysMem *pm, CPUState *c, const uint8_t *b)
{
    CPUSeg cs;
    cpu_reset(c);
    for (int v = 0; v < 256; v++) {
        phys_write(pm, (uint64_t)v * 4, 0x4000 + (uint64_t)v * 2, 2);
        phys_write(pm, (uint64_t)v * 4 + 2, 0, 2);
        phys_write(pm, 0x4000 + (uint64_t)v * 2, 0xF4, 1);
    }
    for (int j = 0; j < 16; j++)
        phys_write(pm, 0x20100 + (uint64_t)j, b[j], 1);
    cpu_set_cr_raw(c, 4, 0x600);
    cpu_set_seg_real(c, S_CS, 0x2000);
    cpu_set_eip(c, 0x100);
    cpu_set_seg_real(c, S_DS, 0x1000);
    cpu_set_seg_real(c, S_ES, 0x1000);
    cpu_set_seg_real(c, S_FS, 0x1000);
    cpu_set_seg_real(c, S_GS, 0x1000);
    cpu_set_seg_real(c, S_SS, 0x3000);
    cpu_set_reg(c, R_ESP, 0xFFF0);
    cpu_step(c); /* the instruction, or the exception and its HLT */
    cpu_get_seg(c, S_CS, &cs);
    /* in the #UD handler, with the faulting (not the next) IP pushed:
     * INT 6 does not count */
    return cs.sel == 0 && cpu_get_eip(c) == 0x4000 + 6 * 2 + 1 &&
           phys_read(pm, 0x3FFEA, 2) == 0x100 && phys_read(pm, 0x3FFEC, 2) == 0x2000;
}

/* Encodings where validity legitimately differs from a real-mode run:
 * LLDT..VERW, LAR, LSL and ARPL raise #UD in real mode only; UD2 is a
 * defined instruction that always raises it. */
static int real_mode_ud(const uint8_t *b)
{
    int k = b[0] == 0x66 || b[0] == 0xF2 || b[0] == 0xF3;
    if (b[k] == 0x63)
        return 1;
    if (b[k] != 0x0F)
        return 0;
    return (b[k + 1] == 0x00 && ((b[k + 2] >> 3) & 7) <= 5) || b[k + 1] == 0x02 ||
           b[k + 1] == 0x03 || b[k + 1] == 0x0B;
}

static int sym(void *opaque, uint32_t addr, const char **name, uint32_t *off)
{
    (void)opaque;
    if (addr >= 0x1000 && addr < 0x1100) {
        *name = "start";
        *off = addr - 0x1000;
        return 1;
    }
    return 0;
}

int main(void)
{
    char t[160], msg[300];
    uint8_t b[32];
    unsigned k;

    for (k = 0; k < sizeof golden / sizeof *golden; k++) {
        const Golden *g = &golden[k];
        int n = parse_hex(g->hex, b);
        int r = disasm(b, n, g->eip, g->code32, t, sizeof t);
        snprintf(msg, sizeof msg, "%d-bit %s: \"%s\" (got \"%s\", len %d)",
                 g->code32 ? 32 : 16, g->hex, g->text, t, r);
        ok(r == n && !strcmp(t, g->text), msg);
    }

    /* invalid, incomplete, tiny buffers */
    {
        b[0] = 0x0F; b[1] = 0x38; b[2] = 0; b[3] = 0;
        ok(disasm(b, 4, 0, 1, t, sizeof t) == 0 && !strcmp(t, "(bad)"),
           "0F 38 (not implemented) is invalid");
        b[0] = 0xF0; b[1] = 0x90;
        ok(disasm(b, 2, 0, 1, t, sizeof t) == 0, "LOCK NOP is invalid");
        b[0] = 0x8D; b[1] = 0xC0;
        ok(disasm(b, 2, 0, 1, t, sizeof t) == 0, "LEA with a register operand is invalid");
        b[0] = 0x0F; b[1] = 0xC2; b[2] = 0xC1;
        ok(disasm(b, 3, 0, 1, t, sizeof t) == -1, "truncated CMPPS (imm missing) is -1");
        memset(b, 0x66, 16);
        ok(disasm(b, 16, 0, 1, t, sizeof t) == -1, "16 prefixes: longer than 15 bytes is -1");
        b[0] = 0xB8; b[1] = 1; b[2] = 2; b[3] = 3; b[4] = 4;
        ok(disasm(b, 5, 0, 1, t, 8) == 5 && strlen(t) == 7,
           "output truncated to the buffer, NUL-terminated");
        ok(disasm(b, 5, 0, 1, t, 0) == 5, "outlen 0 is allowed");
    }

    /* symbols */
    disasm_set_symbols(sym, NULL);
    b[0] = 0xE8; b[1] = 0x0B; b[2] = 0; b[3] = 0; b[4] = 0;
    disasm(b, 5, 0x1000, 1, t, sizeof t);
    ok(!strcmp(t, "call 0x1010 <start+0x10>"), "branch target named by the symbol hook");
    b[0] = 0xEB; b[1] = 0xFE;
    disasm(b, 2, 0x1000, 1, t, sizeof t);
    ok(!strcmp(t, "jmp 0x1000 <start>"), "symbol at offset 0");
    disasm_set_symbols(NULL, NULL);

    /* lengths always agree with the CPU decoder */
    {
        static const uint8_t pf[] = {0, 0x66, 0x67, 0xF2, 0xF3, 0x26};
        long checked = 0, mism = 0;
        for (int code32 = 0; code32 < 2; code32++)
            for (int two = 0; two < 2; two++)
                for (int op = 0; op < 256; op++)
                    for (unsigned p = 0; p < sizeof pf; p++)
                        for (int m = 0; m < 256; m++) {
                            int n = 0, l, d;
                            if (pf[p])
                                b[n++] = pf[p];
                            if (two)
                                b[n++] = 0x0F;
                            b[n++] = (uint8_t)op;
                            b[n++] = (uint8_t)m;
                            while (n < 15)
{ b[n] = (uint8_t)(0x11 * n); n++; }
                            l = cpu_insn_length(b, 15, code32);
                            d = disasm(b, 15, 0, code32, t, sizeof t);
                            checked++;
                            /* valid text: same length; invalid: the CPU
                             * may still decode a length (runtime #UD) */
                            if (d > 0 && d != l)
                                mism++;
                            if (l <= 0 && d > 0)
                                mism++;
                        }
        snprintf(msg, sizeof msg, "%ld encodings: disasm length == cpu_insn_length (%ld off)",
                 checked, mism);
        ok(mism == 0, msg);
    }
    /* validity == the CPU's #UD, executing every encoding once */
    {
        PhysMem *pm = phys_new(1 << 20, PHYS_LAYOUT_FLAT);
        CPUHost h = {NULL, io_rd, io_wr, ack, NULL};
        CPUState *c = cpu_new(pm, &h);
        static const uint8_t pf[4] = {0, 0x66, 0xF2, 0xF3};
        long cases = 0, mism = 0, mode = 0;
        cpu_set_no_reboot(c, 1);
        for (int two = 0; two < 2; two++)
            for (int op = 0; op < 256; op++)
                for (int p = 0; p < 4; p++)
                    for (int m = 0; m < 256; m++) {
                        int k = 0, d, ud;
                        if (!two && (op == 0x0F || op == 0x26 || op == 0x2E || op == 0x36 ||
                                     op == 0x3E || (op >= 0x64 && op <= 0x67) ||
                                     op == 0xF0 || op == 0xF2 || op == 0xF3))
                            continue; /* prefixes */
                        memset(b, 0, sizeof b);
                        if (pf[p])
                            b[k++] = pf[p];
                        if (two)
                            b[k++] = 0x0F;
                        b[k++] = (uint8_t)op;
                        b[k++] = (uint8_t)m;
                        d = disasm(b, 15, 0x100, 0, t, sizeof t);
                        ud = cpu_raises_ud(pm, c, b);
                        cases++;
                        if ((d <= 0) == ud)
                            continue;
                        if (ud && d > 0 && real_mode_ud(b)) {
                            mode++;
                            continue;
                        }
                        if (mism++ < 20)
                            printf("# %s: %02x %02x %02x %02x disasm %d \"%s\"\n",
                                   ud ? "CPU #UD, disasm valid" : "CPU runs it, disasm invalid",
                                   b[0], b[1], b[2], b[3], d, t);
                    }
        snprintf(msg, sizeof msg,
                 "%ld encodings run in real mode: disasm invalid <=> CPU #UD "
                 "(%ld real-mode-only #UD, %ld other)",
                 cases, mode, mism);
        ok(mism == 0 && cases > 400000, msg);
        cpu_free(c);
        phys_free(pm);
    }
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
