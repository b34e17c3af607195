/* IRQ lines as objects.
 *
 * A device that drives an interrupt line is given an IRQLine by the board
 * (devices/pc.c) and only ever calls irq_set/irq_raise/irq_lower/irq_pulse
 * on it; it never knows what the line is wired to.  The board points the
 * line at the interrupt controller input (or at a test's recorder).  A
 * zero-initialised IRQLine is a line wired to nothing. */
#ifndef X86PC_IRQ_H
#define X86PC_IRQ_H

typedef void (*IRQHandler)(void *opaque, int n, int level);

typedef struct IRQLine {
    IRQHandler fn; /* NULL: not connected */
    void *opaque;
    int n;         /* passed back to fn: e.g. the controller input number */
} IRQLine;

static inline IRQLine irq_line(IRQHandler fn, void *opaque, int n)
{
    IRQLine l;
    l.fn = fn;
    l.opaque = opaque;
    l.n = n;
    return l;
}
static inline void irq_set(const IRQLine *l, int level)
{
    if (l && l->fn)
        l->fn(l->opaque, l->n, level ? 1 : 0);
}
static inline void irq_raise(const IRQLine *l) { irq_set(l, 1); }
static inline void irq_lower(const IRQLine *l) { irq_set(l, 0); }
/* An edge: raise then lower (for edge-triggered inputs). */
static inline void irq_pulse(const IRQLine *l)
{
    irq_set(l, 1);
    irq_set(l, 0);
}
#endif
