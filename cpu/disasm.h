/* x86 disassembler (Intel syntax, in the style of objdump -M intel).
 *
 * Covers every instruction the CPU core executes: the one-byte and 0F
 * maps, x87 (D8-DF), MMX, SSE/SSE2 with their 66/F2/F3 forms and the
 * system instructions.  Lengths come from the CPU's own decoder
 * (decode_buf), so the disassembler and the CPU always agree on where an
 * instruction ends.  Output: lowercase mnemonic, a space, operands
 * separated by "," (no spaces), memory sizes as "dword ptr", segment
 * overrides as "es:[...]", a displacement-only address as "ds:0x1234",
 * relative branch targets as absolute addresses (masked to 16 bits with a
 * 16-bit operand size), immediates in hex.
 *
 * Not modelled: instructions the CPU does not implement (SSE3 and later,
 * 3DNow!, 64-bit forms) are reported invalid, like the CPU's #UD.  Symbol
 * lookup is left to the caller (see disasm_sym). */
#ifndef X86PC_DISASM_H
#define X86PC_DISASM_H
#include <stddef.h>
#include <stdint.h>

/* Disassembles the instruction at buf (n bytes available) located at
 * address eip (used for relative targets) in 16-bit (code32 = 0) or 32-bit
 * code.  Writes the text to out (always NUL-terminated if outlen > 0).
 * Returns the length in bytes (1..15), 0 for an undefined instruction (the
 * CPU raises #UD; out = "(bad)"), -1 if the bytes do not form a complete
 * instruction (too long, or more than n bytes needed). */
int disasm(const uint8_t *buf, int n, uint32_t eip, int code32, char *out,
           size_t outlen);

/* The same, for code in a segment with base cs_base: branch targets are
 * still printed as offsets (EIP values), symbols are looked up at
 * cs_base + target (linear addresses). */
int disasm_ex(const uint8_t *buf, int n, uint32_t eip, int code32,
              uint32_t cs_base, char *out, size_t outlen);

/* Optional symbol lookup for branch targets: when set, a resolved target
 * whose linear address lookup() names is printed as "0x1234 <name+0x4>"
 * (lookup returns 1 and fills name/off).  Not thread safe: one global hook. */
typedef int (*DisasmSymFn)(void *opaque, uint32_t addr, const char **name,
                           uint32_t *off);
void disasm_set_symbols(DisasmSymFn fn, void *opaque);
#endif
