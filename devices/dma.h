/* The AT's two Intel 8237A DMA controllers and the 74LS612 page registers.
 *
 * Controller 1 (channels 0-3, 8-bit transfers, byte addresses) has its 16
 * registers at base8..base8+15; controller 2 (channels 4-7, 16-bit
 * transfers, word addresses) has them at base16 + 2*n (address line A0 is
 * not connected, so the odd ports alias the even ones).  Channel 4 is the
 * cascade input from controller 1: channels 0-3 only transfer while channel
 * 4 is unmasked (as a BIOS leaves it).  The page registers sit at
 * page_base+1..page_base+15 (0x81-0x8F): 0x87 ch0, 0x83 ch1, 0x81 ch2,
 * 0x82 ch3, 0x8F ch4 (unused, cascade), 0x8B ch5, 0x89 ch6, 0x8A ch7; the
 * others are plain read/write scratch registers.  page_base+0 (0x80) is NOT
 * registered: on the PC it is a spare page-register byte that no channel
 * uses, and the board keeps the POST-code device there (debugport.h), which
 * also reads back the last byte written, so guests see the same behaviour.
 *
 * Modelled: address/count registers through the byte-pointer flip-flop
 * (base and current values), command register (controller disable), mode
 * register (verify/write/read, auto-initialise, address decrement,
 * demand/single/block/cascade), single and all-channel mask registers (the
 * latter readable at +0xF as on later chipsets), request register and
 * status (TC bits 0-3 cleared by the read, request bits 4-7), master clear,
 * clear mask, temporary register (reads 0).  An 8-bit channel's address
 * wraps inside its 64 KiB page; a 16-bit channel moves words, the address
 * register counts words and wraps inside a 128 KiB page (page bit 0
 * ignored).  At terminal count the TC status bit is set and the channel is
 * either reloaded from its base registers (auto-initialise) or masked.
 *
 * Transfers are instantaneous: a device raises DREQ with dma_set_dreq();
 * whenever DREQ is high on an unmasked channel of an enabled controller
 * (now, or later when the guest unmasks it) the DMA calls the channel's
 * service function (the DACK), which moves data with dma_write_memory()
 * (device -> memory) / dma_read_memory() (memory -> device).  Demand,
 * single and block modes therefore behave alike: the device gets as many
 * bytes as it offers, up to terminal count.  A transfer whose direction does
 * not match the programmed mode still counts (verify moves nothing; a
 * write-mode channel hands a reading device 0xFF bytes).
 * Not modelled: memory-to-memory transfers (channel 0/1 with command bit
 * 0), DREQ/DACK polarity, priority rotation and timing, ISA bus masters on
 * a cascade channel, EISA high page registers. */
#ifndef X86PC_DMA_H
#define X86PC_DMA_H
#include <stddef.h>
#include <stdint.h>
#include "devices/bus.h"
#include "devices/snap.h"
#include "memory/mem.h"

typedef struct DMA DMA;

/* Called when DREQ is high on a channel that can transfer (the DACK).  The
 * device moves its data with dma_write_memory/dma_read_memory from here. */
typedef void (*DMAServiceFn)(void *opaque, unsigned ch);

DMA *dma_new(PhysMem *mem);
void dma_free(DMA *d);
/* Hardware reset: master clear of both controllers, page registers 0. */
void dma_reset(DMA *d);
/* Registers controller 1 at base8 (16 ports), controller 2 at base16 (32
 * ports) and page registers page_base+1..+15.  0, or -1 on a conflict. */
int dma_register(DMA *d, IOBus *bus, uint16_t base8, uint16_t base16,
                 uint16_t page_base);

/* Sets the service function of channel ch (0-7). */
void dma_set_service(DMA *d, unsigned ch, DMAServiceFn fn, void *opaque);
/* DREQ of channel ch.  Raising it on a channel that can transfer calls the
 * service function at once (and again whenever the guest unmasks it). */
void dma_set_dreq(DMA *d, unsigned ch, int level);
/* Whether channel ch can transfer now (unmasked, controller enabled, not a
 * cascade channel, and for 0-3 the cascade channel 4 unmasked). */
int dma_channel_ready(const DMA *d, unsigned ch);

/* Moves up to len bytes between buf and guest memory at the channel's
 * current address, stopping early at terminal count (then *tc = 1, else
 * 0; tc may be NULL) or when the channel cannot transfer.  For a 16-bit
 * channel len is rounded down to whole words.  Returns the bytes counted
 * (in verify mode: counted but not moved). */
size_t dma_write_memory(DMA *d, unsigned ch, const void *buf, size_t len,
                        int *tc);
size_t dma_read_memory(DMA *d, unsigned ch, void *buf, size_t len, int *tc);

/* Inspection (tests, debugging). */
uint32_t dma_channel_address(const DMA *d, unsigned ch); /* physical */
uint16_t dma_channel_count(const DMA *d, unsigned ch);   /* current count */
uint8_t dma_channel_mode(const DMA *d, unsigned ch);

void dma_save(const DMA *d, SnapWriter *w);
int dma_load(DMA *d, SnapReader *r);
#endif
