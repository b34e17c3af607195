/* Shared pieces of the MMX (cpu/mmx.c) and SSE/SSE2 (cpu/sse.c) code. */
#ifndef X86PC_SIMD_H
#define X86PC_SIMD_H
#include <stdint.h>

struct CPUState;
struct Insn;

/* 64-bit lane arithmetic (mmx.c): bits = lane width. */
uint64_t simd_lanewise(uint64_t a, uint64_t b, int bits, int op);
/* kind: 0 logical right, 1 arithmetic right, 2 left */
uint64_t simd_shift(uint64_t a, uint64_t count, int bits, int kind);
/* a's lanes then b's lanes narrowed from `from` bits, signed or unsigned
 * saturation */
uint64_t simd_pack(uint64_t a, uint64_t b, int from, int unsig);
/* interleave the low (high = 0) or high 32 bits of a and b */
uint64_t simd_unpack(uint64_t a, uint64_t b, int bits, int high);
/* One 64-bit half of a lanewise integer op (0F opcode byte); returns 0 if
 * op is not one.  For shifts b is the count. */
int simd_half(unsigned op, uint64_t a, uint64_t b, uint64_t *res);

/* sse.c: the 66/F2/F3 forms of the MMX opcodes, and the SSE opcodes. */
void sse_int_op(struct CPUState *c, struct Insn *i);
void op_sse(struct CPUState *c, struct Insn *i);

/* RCPPS (rsqrt = 0) / RSQRTPS (rsqrt = 1) of one binary32 lane, with the
 * recorded silicon tables of sse_approx.c. */
uint32_t sse_rcp_approx(uint32_t a, int rsqrt);
extern const uint16_t sse_rcp_tab[4096];
extern const uint16_t sse_rsqrt_tab[8192];
#endif
