; fdc_dma -- the 8237A DMA controller and the 82077AA floppy controller
; programmed directly (no BIOS): reset, SENSE INTERRUPT after reset, the
; disk-change bit, RECALIBRATE/SEEK, READ DATA of sector 1 and of two
; sectors with a multi-track end of cylinder into RAM through DMA channel 2
; (terminal count), READ ID, VERSION and an invalid opcode.  The image is
; tests/guest/fdc_disk.img (built from fdc_disk.asm).
;
; Interrupts stay off: completion is polled through the MSR, and IRQ6 is
; checked once through the master PIC's IRR.  Checked on QEMU 7.2
; (qemu-system-i386 -fda, same flags): see README.md.
; x86pc-flags: -fda tests/guest/fdc_disk.img
%include "lib.inc"

FDC_DOR     equ 0x3F2
FDC_MSR     equ 0x3F4
FDC_FIFO    equ 0x3F5
FDC_DIR     equ 0x3F7
BUF         equ 0x10000             ; DMA target (page 1)
RESULTS     equ TEST_VARS           ; 10 bytes

start:
    RM_INIT
    PRINT "fdc_dma", 10

    ; PIC: initialised, every input masked (IRR still records requests).
    PIC_INIT 0xFF, 0xFF

    ; DMA: master clear of both controllers, channel 4 cascade, unmasked.
    xor al, al
    out 0x0D, al
    out 0xDA, al
    mov al, 0xC0
    out 0xD6, al
    xor al, al
    out 0xD4, al

    ; FDC reset through the DOR, then enable (motor A, DMA/IRQ, drive 0).
    mov al, 0x08
    mov dx, FDC_DOR
    out dx, al
    mov al, 0x1C
    out dx, al
    call wait_rqm
    mov al, 0x0A                    ; OCW3: read IRR
    out 0x20, al
    in al, 0x20
    and al, 0x40
    PRINT "reset irq6="
    HEX8 al
    PRINT 10
    mov cx, 4
.sense:
    call sense_int
    PRINT "sense st0="
    HEX8 [RESULTS]
    PRINT 10
    loop .sense

    mov si, cmd_specify
    call send_cmd
    mov al, 0x00                    ; CCR: 500 kbit/s
    mov dx, FDC_DIR
    out dx, al
    in al, dx
    and al, 0x80
    PRINT "dir before seek="
    HEX8 al
    PRINT 10

    mov si, cmd_recal
    call send_cmd
    call wait_rqm
    call sense_int
    PRINT "recal st0="
    HEX8 [RESULTS]
    PRINT " pcn="
    HEX8 [RESULTS+1]
    PRINT 10

    ; READ DATA (0,0,1): one sector, TC at its end.
    mov cx, 511
    call dma_setup
    mov si, cmd_read1
    call send_cmd
    call result7
    PRINT "read 0/0/1:"
    call print7
    PRINT "data:"
    mov si, 0
    mov cx, 17
    call dump
    PRINT 10

    ; SEEK to cylinder 2, head 1; the disk-change bit is now clear.
    mov si, cmd_seek
    call send_cmd
    call wait_rqm
    call sense_int
    PRINT "seek st0="
    HEX8 [RESULTS]
    PRINT " pcn="
    HEX8 [RESULTS+1]
    mov dx, FDC_DIR
    in al, dx
    and al, 0x80
    PRINT " dir="
    HEX8 al
    PRINT 10

    ; MT READ of (2,1,17) and (2,1,18): TC after the last sector of the
    ; cylinder -> C+1, H toggled, R=1.
    mov cx, 1023
    call dma_setup
    mov si, cmd_read2
    call send_cmd
    call result7
    PRINT "read 2/1/17-18:"
    call print7
    in al, 0x08                     ; DMA status: TC of channel 2
    and al, 0x0F
    PRINT "dma status="
    HEX8 al
    PRINT 10
    PRINT "sector a:"
    mov si, 0
    mov cx, 6
    call dump
    PRINT 10
    PRINT "sector b:"
    mov si, 0x200
    mov cx, 6
    call dump
    PRINT 10

    ; READ ID on head 0 (R depends on the rotation: not printed).
    mov si, cmd_readid
    call send_cmd
    call result7
    PRINT "readid st0="
    HEX8 [RESULTS]
    PRINT " c="
    HEX8 [RESULTS+3]
    PRINT " h="
    HEX8 [RESULTS+4]
    PRINT " n="
    HEX8 [RESULTS+6]
    PRINT 10

    mov si, cmd_version
    call send_cmd
    call read_byte
    PRINT "version="
    HEX8 al
    PRINT 10
    mov si, cmd_bad
    call send_cmd
    call read_byte
    PRINT "invalid="
    HEX8 al
    PRINT 10
    mov dx, FDC_MSR
    in al, dx
    PRINT "msr="
    HEX8 al
    PRINT 10
    DONE

; ---- helpers
; waits for RQM (MSR bit 7)
wait_rqm:
    push ax
    push dx
    mov dx, FDC_MSR
.w: in al, dx
    test al, 0x80
    jz .w
    pop dx
    pop ax
    ret

; sends the command at CS:SI (length byte first)
send_cmd:
    push ax
    push cx
    push dx
    mov cl, [cs:si]
    xor ch, ch
    inc si
.next:
    mov dx, FDC_MSR
.w: in al, dx
    and al, 0xC0
    cmp al, 0x80
    jne .w
    mov al, [cs:si]
    inc si
    mov dx, FDC_FIFO
    out dx, al
    loop .next
    pop dx
    pop cx
    pop ax
    ret

; reads one result byte into AL (waits for RQM|DIO)
read_byte:
    push dx
    mov dx, FDC_MSR
.w: in al, dx
    and al, 0xC0
    cmp al, 0xC0
    jne .w
    mov dx, FDC_FIFO
    in al, dx
    pop dx
    ret

sense_int:
    push ax
    push si
    mov si, cmd_sense
    call send_cmd
    call read_byte
    mov [RESULTS], al
    call read_byte
    mov [RESULTS+1], al
    pop si
    pop ax
    ret

result7:
    push ax
    push bx
    xor bx, bx
.r: call read_byte
    mov [RESULTS+bx], al
    inc bx
    cmp bx, 7
    jne .r
    pop bx
    pop ax
    ret

print7:
    push bx
    xor bx, bx
.p: PRINT " "
    HEX8 [RESULTS+bx]
    inc bx
    cmp bx, 7
    jne .p
    PRINT 10
    pop bx
    ret

; prints CX bytes at BUF+SI
dump:
    push ax
    push es
    mov ax, BUF >> 4
    mov es, ax
.d: PRINT " "
    HEX8 [es:si]
    inc si
    loop .d
    pop es
    pop ax
    ret

; DMA channel 2: single mode, write (device -> memory), BUF, CX+1 bytes
dma_setup:
    push ax
    mov al, 0x06                    ; mask channel 2
    out 0x0A, al
    out 0x0C, al                    ; clear flip-flop
    mov al, 0x46
    out 0x0B, al
    mov al, BUF & 0xFF
    out 0x04, al
    mov al, (BUF >> 8) & 0xFF
    out 0x04, al
    mov al, BUF >> 16
    out 0x81, al
    mov al, cl
    out 0x05, al
    mov al, ch
    out 0x05, al
    mov al, 0x02                    ; unmask channel 2
    out 0x0A, al
    pop ax
    ret

cmd_sense:   db 1, 0x08
cmd_specify: db 3, 0x03, 0xDF, 0x02
cmd_recal:   db 2, 0x07, 0x00
cmd_seek:    db 3, 0x0F, 0x04, 2
cmd_read1:   db 9, 0x46, 0x00, 0, 0, 1, 2, 18, 0x1B, 0xFF
cmd_read2:   db 9, 0xC6, 0x04, 2, 1, 17, 2, 18, 0x1B, 0xFF
cmd_readid:  db 2, 0x4A, 0x00
cmd_version: db 1, 0x10
cmd_bad:     db 1, 0x1F

    ROM_END
