; x86pc default firmware: a placeholder until there is a real BIOS.
;
; A 64 KiB ROM mapped at F000:0000 (and at FFFF0000).  The CPU starts at
; F000:FFF0 with CS.base = FFFF0000; the far jump there reloads CS so that
; execution continues in the copy below 1 MiB.  The ROM needs no RAM: no
; stack, no variables.
;
; It writes POST code 01h to port 80h, prints a banner to the debug console
; (port E9h) and to COM1 (3F8h, 115200 8N1, polled), then halts with
; interrupts disabled.  Build: nasm -f bin -o bios.bin bios.asm

        cpu     386
        bits    16
        org     0

COM1            equ     0x3F8
DEBUGCON        equ     0xE9
POSTCODE        equ     0x80

; Sends BL to COM1 once THR is empty (or after 65535 polls).  Uses AL, CX, DX.
%macro SEND_BL 0
        mov     dx, COM1 + 5
        mov     cx, 0xFFFF
%%wait: in      al, dx
        test    al, 0x20
        loopz   %%wait
        mov     dx, COM1
        mov     al, bl
        out     dx, al
%endmacro

start:
        cli
        cld
        mov     al, 0x01
        out     POSTCODE, al
        mov     ax, cs
        mov     ds, ax

        ; Debug console: the banner, LF line ending.
        mov     si, banner
.dbg:   lodsb
        test    al, al
        jz      .uart
        out     DEBUGCON, al
        jmp     .dbg

        ; COM1: 115200 baud (divisor 1), 8 data bits, no parity, 1 stop bit,
        ; FIFOs on, interrupts off, DTR+RTS.
.uart:  mov     dx, COM1 + 3
        mov     al, 0x80                ; LCR: DLAB=1
        out     dx, al
        mov     dx, COM1 + 0
        mov     al, 1                   ; DLL
        out     dx, al
        inc     dx
        xor     al, al                  ; DLM
        out     dx, al
        mov     dx, COM1 + 3
        mov     al, 0x03                ; LCR: 8N1, DLAB=0
        out     dx, al
        mov     dx, COM1 + 1
        xor     al, al                  ; IER: no interrupts
        out     dx, al
        mov     dx, COM1 + 2
        mov     al, 0x07                ; FCR: enable and clear FIFOs
        out     dx, al
        mov     dx, COM1 + 4
        mov     al, 0x03                ; MCR: DTR, RTS
        out     dx, al

        ; Same text with CR LF line endings.  Each byte waits (bounded) for
        ; LSR.THRE so that a missing UART cannot hang the ROM.
        mov     si, banner
.ser:   lodsb
        test    al, al
        jz      .done
        cmp     al, 10
        jne     .put
        mov     bl, 13
        SEND_BL
        mov     al, 10
.put:   mov     bl, al
        SEND_BL
        jmp     .ser

.done:  mov     al, 0xFF
        out     POSTCODE, al
.halt:  cli
        hlt
        jmp     .halt

banner: db      "x86pc BIOS: no boot devices yet", 10, 0

        times   0xFFF0 - ($ - $$) db 0xFF
reset:  jmp     0xF000:start            ; F000:FFF0, the reset vector
        db      "06/01/25"              ; build-date slot at F000:FFF5
        times   0xFFFE - ($ - $$) db 0xFF
        db      0xFC                    ; model byte at F000:FFFE: AT
        db      0x00
