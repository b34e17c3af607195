/* 16550A UART.  See serial.h for what is and is not simulated.
 *
 * Register map (offset from base; DLAB = LCR bit 7):
 *   0  read: RBR (receive buffer)      write: THR      DLAB=1: DLL
 *   1  IER (interrupt enable, 4 bits)                  DLAB=1: DLM
 *   2  read: IIR (interrupt id)        write: FCR (FIFO control)
 *   3  LCR   4  MCR   5  LSR   6  MSR   7  SCR (scratch)
 *
 * Interrupt sources in priority order (IIR bits 3..1 / IER bit):
 *   0x06 receiver line status (overrun)          IER bit 2
 *   0x04 received data at the trigger level      IER bit 0
 *   0x0C character timeout (data below trigger)  IER bit 0
 *   0x02 THR empty                               IER bit 1
 *   0x00 modem status change                     IER bit 3
 * Because time is not simulated, the character timeout is reported as soon
 * as the FIFO holds data below its trigger level; drivers treat 0x0C and
 * 0x04 alike (read RBR until LSR.DR clears). */
#include "devices/serial.h"
#include "devices/snap.h"

#include <stdlib.h>

enum {
    IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MS = 0x08,
    IIR_NONE = 0x01, IIR_MS = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04,
    IIR_RLS = 0x06, IIR_TIMEOUT = 0x0C, IIR_FIFO = 0xC0,
    FCR_ENABLE = 0x01, FCR_CLR_RX = 0x02,
    LCR_DLAB = 0x80,
    MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08,
    MCR_LOOP = 0x10,
    LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40,
    MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08,
    MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80,
};

#define RX_FIFO_SIZE 16

struct SerialState {
    SerialOps ops;
    uint16_t base;
    uint16_t divisor;
    uint8_t ier, lcr, mcr, scr;
    uint8_t fcr;       /* FCR_ENABLE and the trigger bits 7..6 as written */
    uint8_t lsr_err;   /* sticky error bits of LSR (only OE happens here) */
    uint8_t msr;       /* status bits 7..4 and delta bits 3..0 */
    uint8_t rbr;       /* last byte read, returned when RBR is empty */
    int thr_ipending;  /* THRE interrupt latched, cleared by IIR read/THR write */
    int irq_level;
    uint8_t rx[RX_FIFO_SIZE];
    unsigned rx_head, rx_count;
};

static const uint8_t rx_trigger[4] = {1, 4, 8, 14};

static unsigned rx_capacity(const SerialState *s)
{
    return (s->fcr & FCR_ENABLE) ? RX_FIFO_SIZE : 1;
}

static uint8_t pending_iir(const SerialState *s)
{
    if ((s->ier & IER_RLS) && (s->lsr_err & LSR_OE))
        return IIR_RLS;
    if ((s->ier & IER_RDA) && s->rx_count) {
        if (!(s->fcr & FCR_ENABLE) || s->rx_count >= rx_trigger[s->fcr >> 6])
            return IIR_RDA;
        return IIR_TIMEOUT;
    }
    if ((s->ier & IER_THRE) && s->thr_ipending)
        return IIR_THRE;
    if ((s->ier & IER_MS) && (s->msr & 0x0F))
        return IIR_MS;
    return IIR_NONE;
}

static void update_irq(SerialState *s)
{
    /* On a PC the UART's INTR pin reaches the PIC only through the OUT2
     * gate; in loopback mode OUT2 is disconnected from the pin. */
    int level = pending_iir(s) != IIR_NONE && (s->mcr & MCR_OUT2) &&
                !(s->mcr & MCR_LOOP);
    if (level != s->irq_level) {
        s->irq_level = level;
        if (s->ops.irq)
            s->ops.irq(s->ops.opaque, level);
    }
}

/* Modem status inputs: asserted CTS/DSR/DCD normally (a connected, ready
 * host), or MCR's outputs wired back in loopback mode. */
static void update_msr(SerialState *s)
{
    uint8_t st;
    if (s->mcr & MCR_LOOP)
        st = ((s->mcr & MCR_RTS) ? MSR_CTS : 0) |
             ((s->mcr & MCR_DTR) ? MSR_DSR : 0) |
             ((s->mcr & MCR_OUT1) ? MSR_RI : 0) |
             ((s->mcr & MCR_OUT2) ? MSR_DCD : 0);
    else
        st = MSR_CTS | MSR_DSR | MSR_DCD;
    uint8_t old = s->msr & 0xF0, chg = old ^ st, delta = s->msr & 0x0F;
    if (chg & MSR_CTS)
        delta |= MSR_DCTS;
    if (chg & MSR_DSR)
        delta |= MSR_DDSR;
    if ((old & MSR_RI) && !(st & MSR_RI)) /* trailing edge of RI */
        delta |= MSR_TERI;
    if (chg & MSR_DCD)
        delta |= MSR_DDCD;
    s->msr = st | delta;
}

static void rx_clear(SerialState *s)
{
    s->rx_head = s->rx_count = 0;
}

static void rx_push(SerialState *s, uint8_t byte)
{
    if (s->rx_count >= rx_capacity(s)) {
        s->lsr_err |= LSR_OE; /* the new byte is lost */
    } else {
        s->rx[(s->rx_head + s->rx_count) % RX_FIFO_SIZE] = byte;
        s->rx_count++;
    }
    update_irq(s);
}

static uint32_t serial_read(void *opaque, uint16_t port, unsigned size)
{
    SerialState *s = opaque;
    uint8_t v = 0;
    switch ((uint16_t)(port - s->base) & 7) {
    case 0:
        if (s->lcr & LCR_DLAB)
            return s->divisor & 0xFF;
        if (s->rx_count) {
            s->rbr = s->rx[s->rx_head];
            s->rx_head = (s->rx_head + 1) % RX_FIFO_SIZE;
            s->rx_count--;
            update_irq(s);
        }
        return s->rbr;
    case 1:
        if (s->lcr & LCR_DLAB)
            return s->divisor >> 8;
        return s->ier;
    case 2:
        v = pending_iir(s);
        if (v == IIR_THRE) {
            s->thr_ipending = 0;
            update_irq(s);
        }
        return v | ((s->fcr & FCR_ENABLE) ? IIR_FIFO : 0);
    case 3:
        return s->lcr;
    case 4:
        return s->mcr;
    case 5:
        v = (s->rx_count ? LSR_DR : 0) | LSR_THRE | LSR_TEMT | s->lsr_err;
        if (s->lsr_err) {
            s->lsr_err = 0;
            update_irq(s);
        }
        return v;
    case 6:
        v = s->msr;
        if (s->msr & 0x0F) {
            s->msr &= 0xF0;
            update_irq(s);
        }
        return v;
    default:
        return s->scr;
    }
}

static void serial_write(void *opaque, uint16_t port, uint32_t val,
                         unsigned size)
{
    SerialState *s = opaque;
    uint8_t v = (uint8_t)val;
    switch ((uint16_t)(port - s->base) & 7) {
    case 0:
        if (s->lcr & LCR_DLAB) {
            s->divisor = (uint16_t)((s->divisor & 0xFF00) | v);
            return;
        }
        if (s->mcr & MCR_LOOP)
            rx_push(s, v);
        else if (s->ops.tx)
            s->ops.tx(s->ops.opaque, v);
        /* The byte left at once: THR is empty again. */
        s->thr_ipending = 1;
        update_irq(s);
        return;
    case 1:
        if (s->lcr & LCR_DLAB) {
            s->divisor = (uint16_t)((s->divisor & 0x00FF) | (v << 8));
            return;
        }
        /* Enabling the THRE interrupt while THR is empty raises it. */
        if ((v & IER_THRE) && !(s->ier & IER_THRE))
            s->thr_ipending = 1;
        else if (!(v & IER_THRE))
            s->thr_ipending = 0;
        s->ier = v & 0x0F;
        update_irq(s);
        return;
    case 2:
        if ((v ^ s->fcr) & FCR_ENABLE)
            rx_clear(s); /* toggling the enable resets both FIFOs */
        if (v & FCR_ENABLE) {
            if (v & FCR_CLR_RX)
                rx_clear(s);
            s->fcr = v & (FCR_ENABLE | 0xC0);
        } else {
            s->fcr = 0;
        }
        update_irq(s);
        return;
    case 3:
        s->lcr = v;
        return;
    case 4:
        s->mcr = v & 0x1F;
        update_msr(s);
        update_irq(s);
        return;
    case 5:
    case 6:
        return; /* LSR and MSR are read-only here (factory test writes) */
    default:
        s->scr = v;
        return;
    }
}

SerialState *serial_new(const SerialOps *ops)
{
    SerialState *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (ops)
        s->ops = *ops;
    serial_reset(s);
    return s;
}

void serial_free(SerialState *s)
{
    free(s);
}

int serial_register(SerialState *s, IOBus *bus, uint16_t base)
{
    if (iobus_register(bus, base, 8, IO_8, serial_read, serial_write, s) < 0)
        return -1;
    s->base = base;
    return 0;
}

void serial_reset(SerialState *s)
{
    s->divisor = 12; /* 9600 baud, a common power-on value */
    s->ier = s->lcr = s->mcr = s->scr = s->fcr = 0;
    s->lsr_err = 0;
    s->msr = MSR_CTS | MSR_DSR | MSR_DCD;
    s->rbr = 0;
    s->thr_ipending = 0;
    rx_clear(s);
    update_irq(s);
}

unsigned serial_can_receive(const SerialState *s)
{
    if (s->mcr & MCR_LOOP)
        return 0; /* SIN is disconnected in loopback mode */
    return rx_capacity(s) - s->rx_count;
}

void serial_receive(SerialState *s, uint8_t byte)
{
    if (s->mcr & MCR_LOOP)
        return;
    rx_push(s, byte);
}

int serial_irq_level(const SerialState *s)
{
    return s->irq_level;
}

/* ---- snapshots ---------------------------------------------------------- */
void serial_save(const SerialState *s, SnapWriter *w)
{
    snap_begin(w, "UART", 1);
    snap_put_u16(w, s->divisor);
    snap_put_u8(w, s->ier);
    snap_put_u8(w, s->lcr);
    snap_put_u8(w, s->mcr);
    snap_put_u8(w, s->scr);
    snap_put_u8(w, s->fcr);
    snap_put_u8(w, s->lsr_err);
    snap_put_u8(w, s->msr);
    snap_put_u8(w, s->rbr);
    snap_put_u8(w, (uint8_t)s->thr_ipending);
    snap_put_u8(w, (uint8_t)s->rx_head);
    snap_put_u8(w, (uint8_t)s->rx_count);
    snap_put_bytes(w, s->rx, RX_FIFO_SIZE);
}

int serial_load(SerialState *s, SnapReader *r)
{
    SerialState t = *s;
    snap_expect(r, "UART", 1);
    t.divisor = snap_get_u16(r);
    t.ier = snap_get_u8(r);
    t.lcr = snap_get_u8(r);
    t.mcr = snap_get_u8(r);
    t.scr = snap_get_u8(r);
    t.fcr = snap_get_u8(r);
    t.lsr_err = snap_get_u8(r);
    t.msr = snap_get_u8(r);
    t.rbr = snap_get_u8(r);
    t.thr_ipending = snap_get_u8(r);
    t.rx_head = snap_get_u8(r);
    t.rx_count = snap_get_u8(r);
    snap_get_bytes(r, t.rx, RX_FIFO_SIZE);
    /* Untrusted: indices in range, only bits the chip has. */
    snap_check(r, t.rx_head < RX_FIFO_SIZE && t.thr_ipending <= 1);
    snap_check(r, t.rx_count <= rx_capacity(&t));
    snap_check(r, (t.ier & 0xF0) == 0 && (t.mcr & 0xE0) == 0);
    if (r->err)
        return -1;
    *s = t;
    update_irq(s); /* re-drive the line from the loaded state */
    return 0;
}
