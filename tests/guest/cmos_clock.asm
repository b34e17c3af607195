; cmos_clock -- the MC146818 RTC through ports 70h/71h under a deterministic
; clock: the update cycle (UIP), the rollover from 2020-02-29 23:59:59 to
; 2020-03-01 00:00:00 in BCD, a clock set in binary mode (SET held) rolling
; over from 2021-02-28 (no leap day), the periodic interrupt (IRQ8 on the
; slave 8259) counted over a fixed instruction loop and over one second
; between two update-ended interrupts, and the alarm interrupt (exact time
; and "don't care" fields).
;
; Every instruction takes 1024 ns of virtual time (-icount shift=10) and the
; clock starts at 2020-02-29 23:59:58, so all the output is exact.
; Checked on QEMU 7.2 with `-machine isapc -icount shift=10 -rtc
; base=2020-02-29T23:59:58,clock=vm` (clock=vm: QEMU's RTC otherwise follows
; host time; x86pc's always follows the virtual clock and takes no clock=):
; identical except "reg c after 0.8s at 2 Hz": QEMU runs its periodic timer
; only while PIE is set, so PF stays 0 (00); the MC146818A sets PF on every
; edge of the selected divider tap whatever PIE says (x86pc: 40).
; x86pc-flags: -icount shift=10 -rtc base=2020-02-29T23:59:58
%include "lib.inc"

TICKS       equ TEST_VARS       ; dword: periodic flags seen by the handler
UPDS        equ TEST_VARS+4     ; dword: update-ended flags seen
ALARMS      equ TEST_VARS+8     ; dword: alarm flags seen
LASTC       equ TEST_VARS+12    ; byte: register C read by the last IRQ8
ASEC        equ TEST_VARS+13    ; byte: seconds register at the last alarm
MODE        equ TEST_VARS+14    ; byte: 1 = counting periodic between updates
WINDOW      equ TEST_VARS+16    ; dword: periodic flags between two updates
SPURIOUS    equ TEST_VARS+20    ; dword: IRQ7/IRQ15

LOOPS       equ 250000          ; DEC + JNZ: 500,000 instructions

; CMOS_RD idx -> AL
%macro CMOS_RD 1
    mov al, %1
    out 0x70, al
    in al, 0x71
%endmacro
; CMOS_WR idx, value (clobbers AL)
%macro CMOS_WR 2
    mov al, %1
    out 0x70, al
    mov al, %2
    out 0x71, al
%endmacro

start:
    RM_INIT
    PRINT "cmos_clock", 10
    mov word [0x70*4], irq8_handler
    mov word [0x70*4+2], 0xF000
    mov word [0x0F*4], spurious_handler
    mov word [0x0F*4+2], 0xF000
    mov word [0x77*4], spurious_handler
    mov word [0x77*4+2], 0xF000

    ; PIC: master vectors 08-0F, slave 70-77, cascade on IR2.
    PIC_INIT 0xFB, 0xFE         ; only the cascade (IR2) and IRQ8

    ; --- power-on state of the control registers
    CMOS_RD 0x0A
    and al, 0x7F                ; UIP depends on the moment
    VAL8 "reg a", al
    CMOS_RD 0x0B
    VAL8 "reg b", al
    CMOS_RD 0x0D
    VAL8 "reg d", al
    CMOS_RD 0x0C                ; clear any flags

    ; --- BCD: wait for an update, then for the next one (the rollover)
    call wait_update
    PRINT "bcd      "
    call print_time
    call wait_update
    PRINT "rollover "
    call print_time
    ; UIP is clear right after an update, and again after reading the time
    CMOS_RD 0x0A
    and al, 0x80
    VAL8 "uip after update", al

    ; --- binary mode: set the clock with SET held
    CMOS_WR 0x0B, 0x86          ; SET, DM (binary), 24-hour
    CMOS_WR 0x00, 59
    CMOS_WR 0x02, 59
    CMOS_WR 0x04, 23
    CMOS_WR 0x06, 1             ; Sunday
    CMOS_WR 0x07, 28
    CMOS_WR 0x08, 2
    CMOS_WR 0x09, 21
    CMOS_WR 0x32, 20
    PRINT "set      "
    call print_time             ; SET held: registers read back as written
    CMOS_WR 0x0B, 0x06          ; run
    call wait_update
    PRINT "binary   "
    call print_time
    call wait_update
    PRINT "binary+1 "
    call print_time
    CMOS_WR 0x0B, 0x82          ; back to BCD, clock set to 2021-03-01
    CMOS_WR 0x00, 0x00          ; 00:00:00 again
    CMOS_WR 0x02, 0x00
    CMOS_WR 0x04, 0x00
    CMOS_WR 0x06, 0x02
    CMOS_WR 0x07, 0x01
    CMOS_WR 0x08, 0x03
    CMOS_WR 0x09, 0x21
    CMOS_WR 0x32, 0x20
    CMOS_WR 0x0B, 0x02
    PRINT "bcd set  "
    call print_time

    ; --- periodic interrupt at 1024 Hz counted over a fixed loop
    CMOS_WR 0x0A, 0x26          ; 32.768 kHz divider, RS=6: 1024 Hz
    CMOS_RD 0x0C
    mov dword [TICKS], 0
    CMOS_WR 0x0B, 0x42          ; PIE
    sti
    mov ecx, LOOPS
.spin:
    dec ecx
    jnz .spin
    cli
    CMOS_WR 0x0B, 0x02
    CMOS_RD 0x0C
    VAL32 "periodic loop ticks", [TICKS]

    ; --- periodic flags in the second between two update-ended IRQs
    mov dword [TICKS], 0
    mov dword [UPDS], 0
    mov byte [MODE], 1
    CMOS_RD 0x0C
    CMOS_WR 0x0B, 0x52          ; PIE + UIE
    sti
.sec:                           ; busy wait (QEMU drops ticks across HLT)
    cmp dword [UPDS], 2
    jb .sec
    cli
    CMOS_WR 0x0B, 0x02
    CMOS_RD 0x0C
    mov byte [MODE], 0
    VAL32 "periodic per second", [WINDOW]

    ; --- rate 2 Hz (RS=15): flags over a fixed loop, IRQ masked
    CMOS_WR 0x0A, 0x2F
    CMOS_RD 0x0C
    call wait_update
    CMOS_RD 0x0C                ; UF (and maybe PF) from this update
    mov ecx, 400000             ; 800,000 instructions: 0.82 s
.p2:
    dec ecx
    jnz .p2
    CMOS_RD 0x0C
    and al, 0x50                ; PF and UF, no IRQF (PIE/UIE off)
    VAL8 "reg c after 0.8s at 2 Hz", al

    ; --- alarm: 12:34:56 exactly, then every minute at second 58
    CMOS_WR 0x0A, 0x20          ; periodic off
    CMOS_WR 0x0B, 0x82          ; SET
    CMOS_WR 0x04, 0x12
    CMOS_WR 0x02, 0x34
    CMOS_WR 0x00, 0x53
    CMOS_WR 0x05, 0x12          ; alarm hour
    CMOS_WR 0x03, 0x34          ; alarm minute
    CMOS_WR 0x01, 0x56          ; alarm second
    CMOS_RD 0x0C
    mov dword [ALARMS], 0
    mov dword [UPDS], 0
    CMOS_WR 0x0B, 0x22          ; run, AIE
    sti
.al1:
    hlt
    cmp dword [ALARMS], 1
    jb .al1
    cli
    VAL8 "alarm reg c", [LASTC]
    VAL8 "alarm at sec", [ASEC]
    CMOS_WR 0x05, 0xC0          ; any hour
    CMOS_WR 0x03, 0xFF          ; any minute
    CMOS_WR 0x01, 0x58
    sti
.al2:
    hlt
    cmp dword [ALARMS], 2
    jb .al2
    cli
    VAL8 "alarm2 reg c", [LASTC]
    VAL8 "alarm2 at sec", [ASEC]
    CMOS_WR 0x0B, 0x02
    CMOS_RD 0x0C
    VAL8 "reg c after read", al
    PRINT "end      "
    call print_time

    VAL32 "spurious", [SPURIOUS]
    DONE

; wait_update: waits for UIP to rise, then to fall (the update is done).
wait_update:
    push ecx
    mov ecx, 2000000
.rise:
    CMOS_RD 0x0A
    test al, 0x80
    jnz .risen
    dec ecx
    jnz .rise
    PRINT "UIP never set", 10
    jmp .out
.risen:
    mov ecx, 2000000
.fall:
    CMOS_RD 0x0A
    test al, 0x80
    jz .out
    dec ecx
    jnz .fall
    PRINT "UIP stuck", 10
.out:
    pop ecx
    ret

; print_time: "CCYY-MM-DD hh:mm:ss dow=N" (register values in hex)
print_time:
    CMOS_RD 0x32
    HEX8 al
    CMOS_RD 0x09
    HEX8 al
    PRINT "-"
    CMOS_RD 0x08
    HEX8 al
    PRINT "-"
    CMOS_RD 0x07
    HEX8 al
    PRINT " "
    CMOS_RD 0x04
    HEX8 al
    PRINT ":"
    CMOS_RD 0x02
    HEX8 al
    PRINT ":"
    CMOS_RD 0x00
    HEX8 al
    PRINT " dow="
    CMOS_RD 0x06
    HEX8 al
    PRINT 10
    ret

irq8_handler:
    push ax
    CMOS_RD 0x0C
    mov [LASTC], al
    test al, 0x40
    jz .nopf
    inc dword [TICKS]
.nopf:
    test al, 0x10
    jz .nouf
    inc dword [UPDS]
    cmp byte [MODE], 1
    jne .nouf
    ; first update: start counting; second: the ticks since the first
    cmp dword [UPDS], 1
    jne .second
    mov dword [TICKS], 0
    jmp .nouf
.second:
    push eax
    mov eax, [TICKS]
    mov [WINDOW], eax
    pop eax
.nouf:
    test al, 0x20
    jz .noaf
    inc dword [ALARMS]
    CMOS_RD 0x00
    mov [ASEC], al
.noaf:
    mov al, 0x20
    out 0xA0, al
    out 0x20, al
    pop ax
    iret

spurious_handler:
    inc dword [SPURIOUS]
    iret

    ROM_END
