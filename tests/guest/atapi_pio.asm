; atapi_pio -- the IDE channels driven by PIO, without a BIOS: the ATAPI
; CD-ROM on the secondary master (ports 170h-177h, 376h) through the PACKET
; protocol, and the ATA disk on the primary master (1F0h-1F7h, 3F6h).
;   CD: signature, ATA IDENTIFY aborted, IDENTIFY PACKET DEVICE (INTRQ seen
;   as IRQ15 in the slave 8259's IRR), TEST UNIT READY, REQUEST SENSE,
;   INQUIRY, READ CAPACITY, READ(10) of the primary volume descriptor
;   (sector 16: "CD001") and of several sectors with the byte-count limit,
;   a read past the end, eject/load with START STOP UNIT and what TEST UNIT
;   READY / REQUEST SENSE / GET EVENT STATUS NOTIFICATION report around it.
;   Disk: IDENTIFY DEVICE, READ SECTORS (LBA28), WRITE SECTORS + FLUSH
;   CACHE, re-read with READ SECTORS and READ SECTORS EXT (LBA48, HOB
;   registers), an LBA48 address beyond the disk.
; Images (built by make from nasm sources): atapi_disk.img (64 sectors,
; atapi_disk.asm), atapi_cd.iso (20 CD sectors with an ISO 9660 volume
; descriptor, atapi_cd.asm).  The disk runs with snapshot=on, so the image
; file is never changed.
; Checked on QEMU 7.2 (same -drive options) and Bochs 2.7: see README.md
; for the three lines where QEMU differs (ATAPI ABRT bit, media events
; after a guest eject/load, ABRT vs IDNF beyond the disk).
; x86pc-flags: -drive file=tests/guest/atapi_disk.img,if=ide,index=0,format=raw,snapshot=on -drive file=tests/guest/atapi_cd.iso,if=ide,index=2,media=cdrom,format=raw
%include "lib.inc"

BUF         equ 0x3000          ; PIO data buffer, 8 KiB
BUF_END     equ 0x5000
WBUF        equ 0x5000          ; write pattern, 1 KiB
TOTAL       equ TEST_VARS       ; word: bytes moved by the last command
NBLK        equ TEST_VARS+2     ; word: DRQ blocks of the last command
IR_CMD      equ TEST_VARS+4     ; byte: interrupt reason when the CDB is due
FSTAT         equ TEST_VARS+5     ; byte: final status
FERROR        equ TEST_VARS+6     ; byte: final error register
FREASON         equ TEST_VARS+7     ; byte: final interrupt reason

CD_BASE     equ 0x170
CD_CTL      equ 0x376
HD_BASE     equ 0x1F0
HD_CTL      equ 0x3F6

start:
    RM_INIT
    mov di, TEST_VARS
    mov cx, 16
    rep stosw
    mov byte [IR_CMD], 0xEE
    PRINT "atapi_pio", 10
    ; PIC: initialised, everything masked (IRR still records the lines)
    PIC_INIT 0xFF, 0xFF
    mov al, 0x0A                ; OCW3: read IRR
    out 0xA0, al

    ; ================================================= CD-ROM
    mov dx, CD_CTL
    mov al, 0x00                ; nIEN = 0: interrupts on
    out dx, al
    mov dx, CD_BASE + 6
    mov al, 0xA0                ; master
    out dx, al
    call cd_wait
    PRINT "cd signature "
    mov dx, CD_BASE + 2
    call print_4regs

    ; --- ATA IDENTIFY DEVICE is aborted by a packet device
    mov dx, CD_BASE + 7
    mov al, 0xEC
    out dx, al
    call cd_wait
    PRINT "cd ata identify: "
    call cd_final
    call print_final
    PRINT "  lba mid/high "
    mov dx, CD_BASE + 4
    in al, dx
    HEX8 al
    inc dx
    in al, dx
    HEX8 al
    PRINT 10

    ; --- IDENTIFY PACKET DEVICE
    mov dx, CD_BASE + 7
    mov al, 0xA1
    out dx, al
    call cd_wait
    and al, 0xC9
    VAL8 "identify packet status", al
    in al, 0xA0                 ; IRR (OCW3 above)
    and al, 0xC0
    VAL8 "slave irr (irq15 pending)", al
    mov di, BUF
    mov cx, 256
    mov dx, CD_BASE
    rep insw
    call cd_wait
    and al, 0xC9
    VAL8 "status after data", al
    mov dx, CD_BASE + 7         ; clears INTRQ
    in al, dx
    mov ax, [BUF]
    and ax, 0xDF03              ; protocol, device type, removable, CDB size
    VAL16 "word 0", ax
    mov ax, [BUF + 49*2]
    and ax, 0x0200              ; LBA supported
    VAL16 "word 49 lba", ax
    PRINT "model nonblank: "
    mov al, [BUF + 27*2 + 1]    ; first model character
    cmp al, ' '
    ja .mod_ok
    PRINT "no", 10
    jmp .mod_done
.mod_ok:
    PRINT "yes", 10
.mod_done:

    ; --- unit ready, sense, inquiry, capacity
    PRINT "test unit ready: "
    mov si, cdb_tur
    call atapi_cmd
    call print_final
    call request_sense

    PRINT "inquiry: "
    mov si, cdb_inquiry
    call atapi_cmd
    call print_final
    PRINT "  type="
    HEX8 [BUF]
    mov al, [BUF+1]
    and al, 0x80
    PRINT " rmb="
    HEX8 al
    PRINT 10

    PRINT "read capacity: "
    mov si, cdb_capacity
    call atapi_cmd
    call print_final
    PRINT "  last lba="
    call print_be32_buf0
    PRINT " block="
    mov si, BUF + 4
    call print_be32
    PRINT 10

    ; --- READ(10) of sector 16: the primary volume descriptor
    PRINT "read(10) 16: "
    mov si, cdb_read16
    call atapi_cmd
    call print_final
    call print_pvd

    ; --- three sectors (17-19), byte-count limit 2048
    PRINT "read(10) 17+3: "
    mov si, cdb_read17
    call atapi_cmd
    call print_final
    PRINT "  17: "
    HEX8 [BUF]
    mov si, BUF + 1
    mov cx, 5
    call print_chars
    PRINT " 18: "
    mov si, BUF + 2048
    mov cx, 8
    call print_chars
    PRINT " "
    HEX8 [BUF + 2048 + 2047]
    PRINT " 19: "
    mov si, BUF + 4096
    mov cx, 8
    call print_chars
    PRINT " "
    HEX8 [BUF + 4096 + 2047]
    PRINT 10

    ; --- the same sector 16 with a 512-byte limit: four DRQ blocks
    PRINT "read(10) 16 limit 512: "
    mov si, cdb_read16
    mov bx, 512
    call atapi_cmd_limit
    call print_final
    call print_pvd

    ; --- past the end of the disc: ILLEGAL REQUEST
    PRINT "read(10) 19+2: "
    mov si, cdb_read19x2
    call atapi_cmd
    call print_final
    call request_sense

    ; --- eject the tray
    PRINT "eject: "
    mov si, cdb_eject
    call atapi_cmd
    call print_final
    PRINT "tur (open): "
    mov si, cdb_tur
    call atapi_cmd
    call print_final
    call request_sense
    PRINT "read capacity (open): "
    mov si, cdb_capacity
    call atapi_cmd
    call print_final
    call request_sense
    call gesn

    ; --- load it again: the drive becomes ready after at most two reports
    PRINT "load: "
    mov si, cdb_load
    call atapi_cmd
    call print_final
    call gesn
    mov bp, 3
.tur_again:
    PRINT "tur (loaded): "
    mov si, cdb_tur
    call atapi_cmd
    call print_final
    test byte [FSTAT], 1
    jz .tur_ready
    call request_sense
    dec bp
    jnz .tur_again
.tur_ready:
    PRINT "read(10) 16 after load: "
    mov si, cdb_read16
    call atapi_cmd
    call print_final
    call print_pvd

    ; ================================================= ATA disk
    mov dx, HD_CTL
    mov al, 0x00
    out dx, al
    mov dx, HD_BASE + 6
    mov al, 0xE0                ; master, LBA
    out dx, al
    call hd_wait
    PRINT "hd signature "
    mov dx, HD_BASE + 2
    call print_4regs

    PRINT "identify device: "
    mov al, 0xEC
    call hd_cmd_in
    call print_final
    mov ax, [BUF]
    and ax, 0x8000              ; 0 = ATA device
    VAL16 "  word 0 bit 15", ax
    VAL32 "  lba28 sectors", [BUF + 60*2]
    mov ax, [BUF + 83*2]
    and ax, 0x0400
    VAL16 "  lba48 supported", ax
    VAL32 "  lba48 sectors", [BUF + 100*2]

    ; --- READ SECTORS, LBA28: sectors 3 and 4
    PRINT "read sectors 3+2: "
    mov ebx, 3
    mov cl, 2
    mov al, 0x20
    call hd_lba28
    call hd_cmd_in
    call print_final
    mov si, BUF
    call print_sect
    mov si, BUF + 512
    call print_sect
    PRINT 10

    ; --- WRITE SECTORS, LBA28: sectors 5 and 6 from a pattern
    mov di, WBUF
    xor ax, ax
.pat:
    mov bx, ax
    imul bx, bx, 37
    xor bl, bh
    mov [di], bl
    inc di
    inc ax
    cmp ax, 1024
    jb .pat
    mov byte [WBUF], 'W'
    mov byte [WBUF + 512], 'w'
    PRINT "write sectors 5+2: "
    mov ebx, 5
    mov cl, 2
    mov al, 0x30
    call hd_lba28
    call hd_cmd_out
    call print_final
    PRINT "flush cache: "
    mov dx, HD_BASE + 7
    mov al, 0xE7
    out dx, al
    call hd_wait
    call hd_final
    call print_final

    ; --- read back: LBA28, then LBA48 (READ SECTORS EXT, sectors 4-7)
    PRINT "read sectors 5+2: "
    mov ebx, 5
    mov cl, 2
    mov al, 0x20
    call hd_lba28
    call hd_cmd_in
    call print_final
    mov si, BUF
    call compare_wbuf
    PRINT "read sectors ext 4+4: "
    mov ebx, 4
    mov cl, 4
    xor ch, ch                  ; LBA bits 24-31 (HOB)
    call hd_lba48
    mov al, 0x24
    call hd_cmd_in
    call print_final
    mov si, BUF
    call print_sect
    mov si, BUF + 3*512
    call print_sect
    PRINT 10
    mov si, BUF + 512
    call compare_wbuf

    ; --- LBA48 address 0x01000004 (bit 24 only in a HOB register): beyond
    ; the disk, so it must fail rather than read sector 4
    PRINT "read sectors ext 1000004h: "
    mov ebx, 4
    mov cl, 1
    mov ch, 1
    call hd_lba48
    mov al, 0x24
    call hd_cmd_in
    call print_final

    DONE

; ---------------------------------------------------------------- CDBs
cdb_tur:        db 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
cdb_sense:      db 0x03, 0, 0, 0, 18, 0, 0, 0, 0, 0, 0, 0
cdb_inquiry:    db 0x12, 0, 0, 0, 36, 0, 0, 0, 0, 0, 0, 0
cdb_capacity:   db 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
cdb_read16:     db 0x28, 0, 0, 0, 0, 16, 0, 0, 1, 0, 0, 0
cdb_read17:     db 0x28, 0, 0, 0, 0, 17, 0, 0, 3, 0, 0, 0
cdb_read19x2:   db 0x28, 0, 0, 0, 0, 19, 0, 0, 2, 0, 0, 0
cdb_eject:      db 0x1B, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0
cdb_load:       db 0x1B, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0
cdb_gesn:       db 0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8, 0, 0, 0

; ---------------------------------------------------------------- CD helpers
; cd_wait: polls the alternate status until BSY is clear; AL = status.
cd_wait:
    push ecx
    push dx
    mov dx, CD_CTL
    mov ecx, 20000000           ; QEMU's block layer takes real time
.poll:
    in al, dx
    test al, 0x80
    jz .out
    dec ecx
    jnz .poll
    PRINT "cd: BSY timeout", 10
.out:
    pop dx
    pop ecx
    ret

; cd_final: records status/error/interrupt reason and clears INTRQ.
cd_final:
    mov dx, CD_BASE + 1
    in al, dx
    mov [FERROR], al
    mov dx, CD_BASE + 2
    in al, dx
    mov [FREASON], al
    mov dx, CD_BASE + 7
    in al, dx
    mov [FSTAT], al
    ret

; atapi_cmd: PACKET command with the 12-byte CDB at CS:SI, PIO data in
; (to BUF), byte-count limit 2048 (atapi_cmd_limit: BX).
atapi_cmd:
    mov bx, 2048
atapi_cmd_limit:
    mov word [TOTAL], 0
    mov word [NBLK], 0
    mov byte [IR_CMD], 0xEE
    mov dx, CD_BASE + 6
    mov al, 0xA0
    out dx, al
    call cd_wait
    mov dx, CD_BASE + 1
    xor al, al                  ; PIO
    out dx, al
    mov dx, CD_BASE + 4
    mov al, bl
    out dx, al
    inc dx
    mov al, bh
    out dx, al
    mov dx, CD_BASE + 7
    mov al, 0xA0
    out dx, al
    call cd_wait
    test al, 0x08
    jz .done                    ; no DRQ for the CDB: error
    mov dx, CD_BASE + 2
    in al, dx
    mov [IR_CMD], al
    mov cx, 6
    mov dx, CD_BASE
.cdb:
    cs lodsw
    out dx, ax
    loop .cdb
    mov di, BUF
.phase:
    call cd_wait
    test al, 0x08
    jz .done
    mov dx, CD_BASE + 4
    in al, dx
    mov cl, al
    inc dx
    in al, dx
    mov ch, al
    inc word [NBLK]
    add [TOTAL], cx
    mov ax, di
    add ax, cx
    jc .overflow
    cmp ax, BUF_END
    ja .overflow
    inc cx
    shr cx, 1
    mov dx, CD_BASE
    rep insw
    jmp .phase
.overflow:
    PRINT "cd: more data than the buffer holds", 10
    FAIL_EXIT
.done:
    jmp cd_final

; print_final: "st=.. err=.. ir=.. cmd-ir=.. n=.... blk=..\n" for a packet
; command (st masked to BSY DRDY DRQ ERR)
print_final:
    PRINT "st="
    mov al, [FSTAT]
    and al, 0xC9
    HEX8 al
    PRINT " err="
    mov al, 0
    test byte [FSTAT], 1
    jz .noerr
    mov al, [FERROR]
.noerr:
    HEX8 al
    PRINT " ir="
    mov al, [FREASON]
    and al, 3
    HEX8 al
    PRINT " cdb-ir="
    mov al, [IR_CMD]
    cmp al, 0xEE
    je .noir
    and al, 3
.noir:
    HEX8 al
    PRINT " n="
    HEX16 [TOTAL]
    PRINT " blk="
    HEX16 [NBLK]
    PRINT 10
    ret

request_sense:
    PRINT "  sense: "
    mov si, cdb_sense
    call atapi_cmd
    test byte [FSTAT], 1
    jz .ok
    call print_final
    ret
.ok:
    mov al, [BUF+2]
    and al, 0x0F
    HEX8 al
    PRINT "/"
    HEX8 [BUF+12]
    PRINT "/"
    HEX8 [BUF+13]
    PRINT 10
    ret

; gesn: GET EVENT STATUS NOTIFICATION (polled, media class)
gesn:
    PRINT "  gesn: "
    mov si, cdb_gesn
    call atapi_cmd
    test byte [FSTAT], 1
    jz .ok
    call print_final
    ret
.ok:
    PRINT "class="
    mov al, [BUF+2]
    HEX8 al
    PRINT " event="
    mov al, [BUF+4]
    and al, 0x0F
    HEX8 al
    PRINT " media="
    mov al, [BUF+5]
    and al, 0x03
    HEX8 al
    PRINT 10
    ret

; print_pvd: the volume descriptor in BUF
print_pvd:
    PRINT "  type="
    HEX8 [BUF]
    PRINT " id="
    mov si, BUF + 1
    mov cx, 5
    call print_chars
    PRINT " version="
    HEX8 [BUF+6]
    PRINT " volume="
    mov si, BUF + 40
    mov cx, 14
    call print_chars
    PRINT " size="
    HEX32 [BUF+80]
    PRINT 10
    ret

; print_chars: CX bytes at DS:SI as text (non-printable as '.')
print_chars:
    push ax
.next:
    lodsb
    cmp al, 0x20
    jb .dot
    cmp al, 0x7E
    jbe .put
.dot:
    mov al, '.'
.put:
    out DBG_PORT, al
    loop .next
    pop ax
    ret

print_be32_buf0:
    mov si, BUF
; print_be32: the big-endian dword at DS:SI
print_be32:
    mov eax, [si]
    bswap eax
    HEX32 eax
    ret

; print_4regs: the 4 task-file registers from port DX on (count, LBA
; low/mid/high)
print_4regs:
    mov cx, 4
.r:
    in al, dx
    HEX8 al
    PRINT " "
    inc dx
    loop .r
    PRINT 10
    ret

; ---------------------------------------------------------------- disk helpers
hd_wait:
    push ecx
    push dx
    mov dx, HD_CTL
    mov ecx, 20000000           ; QEMU's block layer takes real time
.poll:
    in al, dx
    test al, 0x80
    jz .out
    dec ecx
    jnz .poll
    PRINT "hd: BSY timeout", 10
.out:
    pop dx
    pop ecx
    ret

hd_final:
    mov dx, HD_BASE + 1
    in al, dx
    mov [FERROR], al
    mov byte [FREASON], 0
    mov dx, HD_BASE + 7
    in al, dx
    mov [FSTAT], al
    ret

; hd_lba28: task file for LBA EBX (28 bits), CL sectors
hd_lba28:
    push ax
    mov dx, HD_BASE + 2
    mov al, cl
    out dx, al
    inc dx
    mov al, bl
    out dx, al
    inc dx
    mov al, bh
    out dx, al
    inc dx
    mov eax, ebx
    shr eax, 16
    out dx, al
    inc dx
    shr ax, 8
    and al, 0x0F
    or al, 0xE0
    out dx, al
    pop ax
    ret

; hd_lba48: task file for LBA CH:EBX(23..0), CL sectors (HOB bytes first)
hd_lba48:
    mov dx, HD_BASE + 2
    xor al, al                  ; count 15:8
    out dx, al
    mov al, cl
    out dx, al
    inc dx
    mov al, ch                  ; LBA 31:24
    out dx, al
    mov al, bl
    out dx, al
    inc dx
    xor al, al                  ; LBA 39:32
    out dx, al
    mov al, bh
    out dx, al
    inc dx
    xor al, al                  ; LBA 47:40
    out dx, al
    mov eax, ebx
    shr eax, 16
    out dx, al
    inc dx
    mov al, 0x40                ; LBA, master
    out dx, al
    ret

; hd_cmd_in: issues command AL, reads 512-byte DRQ blocks into BUF
hd_cmd_in:
    mov word [TOTAL], 0
    mov word [NBLK], 0
    mov byte [IR_CMD], 0xEE
    mov dx, HD_BASE + 7
    out dx, al
    mov di, BUF
.blk:
    call hd_wait
    test al, 0x01
    jnz .done
    test al, 0x08
    jz .done
    cmp di, BUF_END - 512
    ja .done
    mov cx, 256
    mov dx, HD_BASE
    rep insw
    inc word [NBLK]
    add word [TOTAL], 512
    jmp .blk
.done:
    jmp hd_final

; hd_cmd_out: issues command AL, writes 512-byte DRQ blocks from WBUF
hd_cmd_out:
    mov word [TOTAL], 0
    mov word [NBLK], 0
    mov byte [IR_CMD], 0xEE
    mov dx, HD_BASE + 7
    out dx, al
    mov si, WBUF
.blk:
    call hd_wait
    test al, 0x01
    jnz .done
    test al, 0x08
    jz .done
    cmp si, WBUF + 1024
    jae .done
    mov cx, 256
    mov dx, HD_BASE
    rep outsw
    inc word [NBLK]
    add word [TOTAL], 512
    jmp .blk
.done:
    jmp hd_final

; print_sect: " SECT:n" for the disk sector at DS:SI
print_sect:
    PRINT " "
    mov cx, 4
    call print_chars
    PRINT ":"
    HEX32 [si]
    ret

; compare_wbuf: compares 1024 bytes at DS:SI with WBUF
compare_wbuf:
    mov di, WBUF
    mov cx, 1024
    repe cmpsb
    jne .bad
    PRINT "  matches the written data", 10
    ret
.bad:
    PRINT "  differs from the written data at "
    HEX16 di
    PRINT 10
    ret

    ROM_END
