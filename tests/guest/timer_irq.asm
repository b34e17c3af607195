; timer_irq -- the 8259 PIC pair and the 8254 PIT under a deterministic
; clock: IRQ0 from a 1 kHz rate generator counted during a fixed loop, HLT
; woken by the timer, and PIT channel 2 read back through the counter latch
; and port 0x61.
;
; Run with -icount shift=10 (every instruction takes 1024 ns of virtual
; time), so every number printed is exact and the same on every run.
; Checked on QEMU with `-machine isapc -icount shift=10` (the `pc` machine's
; local APIC keeps LINT0, the 8259's INT, masked until a BIOS programs it):
; identical output except "loop ticks=00000406" (x86pc 407: QEMU's
; instruction accounting differs slightly).
; x86pc-flags: -icount shift=10
%include "lib.inc"

TICKS       equ TEST_VARS       ; dword: IRQ0s taken
SPURIOUS    equ TEST_VARS+4     ; dword: IRQ7 (vector 0x0F) taken
HLTS        equ TEST_VARS+8     ; dword: HLT instructions left
T0          equ TEST_VARS+12    ; word: first channel 2 reading

PIT_COUNT   equ 1193            ; 1193182 / 1193 = 1000.15 Hz
LOOPS       equ 500000          ; DEC + JNZ: 1,000,000 instructions

start:
    RM_INIT
    PRINT "timer_irq", 10
    ; IVT: vector 08 (IRQ0) and 0F (spurious IRQ7)
    mov word [0x08*4], irq0_handler
    mov word [0x08*4+2], 0xF000
    mov word [0x0F*4], irq7_handler
    mov word [0x0F*4+2], 0xF000

    ; PIC: master vectors 08-0F, slave 70-77, cascade on IR2, 8086 mode.
    PIC_INIT 0xFE, 0xFF         ; only IRQ0
    in al, 0x21
    VAL8 "imr", al

    ; PIT channel 0: mode 2 (rate generator), LSB then MSB.
    mov al, 0x34
    out 0x43, al
    mov al, PIT_COUNT & 0xFF
    out 0x40, al
    mov al, PIT_COUNT >> 8
    out 0x40, al

    ; --- IRQ0s during a fixed instruction loop
    mov ecx, LOOPS
    sti
.spin:
    dec ecx
    jnz .spin
    cli
    PRINT "loop ticks="
    HEX32 [TICKS]
    PRINT 10

    ; --- HLT is woken by the timer: 50 HLTs, 50 ticks
    mov dword [TICKS], 0
    mov dword [HLTS], 0
    sti
.idle:
    hlt
    inc dword [HLTS]
    cmp dword [TICKS], 50
    jb .idle
    cli
    VAL32 "hlt count", [HLTS]
    VAL32 "hlt ticks", [TICKS]

    ; --- ISR empty again (every handler sent EOI), IRR readable
    mov al, 0x0B
    out 0x20, al
    in al, 0x20
    VAL8 "isr", al
    mov al, 0x0A
    out 0x20, al

    ; --- channel 2, mode 0, gate from port 0x61 bit 0
    mov al, 0x01                ; gate on, speaker off
    out 0x61, al
    mov al, 0xB0                ; ch2, LSB/MSB, mode 0
    out 0x43, al
    mov al, 0xFF
    out 0x42, al
    out 0x42, al                ; count FFFF: starts now
    mov al, 0x80                ; latch ch2
    out 0x43, al
    in al, 0x42
    mov ah, al
    in al, 0x42
    xchg al, ah
    mov [T0], ax
    mov cx, 100                 ; 200 instructions: ~205 us = ~244 ticks
.d1:
    dec cx
    jnz .d1
    mov al, 0x80
    out 0x43, al
    in al, 0x42
    mov ah, al
    in al, 0x42
    xchg al, ah
    mov bx, [T0]
    sub bx, ax
    VAL16 "ch2 elapsed", bx
    in al, 0x61
    and al, 0x20
    VAL8 "out2 counting", al

    mov al, 0xB0                ; count 100 (84 us)
    out 0x43, al
    mov al, 100
    out 0x42, al
    mov al, 0
    out 0x42, al
    in al, 0x61
    and al, 0x20
    VAL8 "out2 loaded", al
    mov cx, 100                 ; ~205 us
.d2:
    dec cx
    jnz .d2
    in al, 0x61
    and al, 0x20
    VAL8 "out2 expired", al
    ; read-back status of channel 2: OUT=1, null count 0, RW=3, mode 0
    mov al, 0xE8
    out 0x43, al
    in al, 0x42
    VAL8 "ch2 status", al

    VAL32 "spurious", [SPURIOUS]
    DONE

irq0_handler:
    inc dword [TICKS]
    push ax
    mov al, 0x20
    out 0x20, al
    pop ax
    iret

irq7_handler:
    inc dword [SPURIOUS]
    iret

    ROM_END
