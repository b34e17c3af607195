; BIOS boot-sector test: a hard disk image whose MBR the BIOS loads at
; 0000:7C00.  The MBR loads the rest of the program (sectors 1-15) with
; INT 13h AH=02h, then checks BIOS services and prints the results on the
; debug console (port E9h):
;   "T: ..." lines are the same with the x86pc BIOS and with SeaBIOS,
;   "M: ..." lines (memory map, sizes) are compared for the x86pc BIOS only.
; It ends by writing 0 to isa-debug-exit (port 501h).
;
; Data sectors at known LBAs hold: dword LBA, then byte i = (LBA * 7 + i).
; The image is padded with zeros to 16 MiB by the run script; a second,
; 200 GiB empty (sparse) disk is attached as drive 81h.  If byte 8191 of
; the image is 1, the test also reads seven keys typed by the run script.
;
; Build: nasm -f bin -o boottest.img boottest.asm

        cpu     686
        bits    16
        org     0x7C00

EXIT_PORT       equ     0x501
BUF             equ     0x1000          ; 0000:1000 data buffer (64 KiB max)

mbr:    cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        cld
        mov     [boot_drive], dl
        ; Load sectors 1..15 (C/H/S 0/0/2) to 7E00h.
        mov     ax, 0x020F
        mov     bx, 0x7E00
        mov     cx, 0x0002
        mov     dh, 0
        int     0x13
        jc      .fail
        cmp     al, 15
        jne     .fail
        cmp     dword [stage2_magic], 0x32475453        ; "STG2"
        jne     .fail
        jmp     stage2
.fail:  mov     si, msg_loadfail
.p:     lodsb
        test    al, al
        jz      .h
        out     0xE9, al
        jmp     .p
.h:     mov     dx, EXIT_PORT
        mov     al, 1
        out     dx, al
        cli
        hlt

msg_loadfail:   db "T: stage 2 load FAILED", 10, 0
boot_drive:     db 0

        times   0x1BE - ($ - $$) db 0   ; no partition table
        times   510 - ($ - $$) db 0
        dw      0xAA55

; ---------------------------------------------------------------- stage 2
stage2_magic:   dd 0x32475453

; Prints the string that follows the call.
%macro PRINT 1
        call    print_inline
        db      %1, 0
%endmacro

print_inline:
        push    bp
        mov     bp, sp
        push    si
        push    ax
        mov     si, [bp + 2]
.l:     lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     mov     [bp + 2], si
        pop     ax
        pop     si
        pop     bp
        ret

hex8:   push    ax
        shr     al, 4
        call    .n
        pop     ax
        push    ax
        call    .n
        pop     ax
        ret
.n:     and     al, 0x0F
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     out     0xE9, al
        ret
hex16:  xchg    al, ah
        call    hex8
        xchg    al, ah
        jmp     hex8
hex32:  ror     eax, 16
        call    hex16
        ror     eax, 16
        jmp     hex16

dec:    push    eax
        push    ecx
        push    edx
        mov     ecx, 10
        push    word 0xFFFF
.d1:    xor     edx, edx
        div     ecx
        push    dx
        test    eax, eax
        jnz     .d1
.d2:    pop     ax
        cmp     ax, 0xFFFF
        je      .d3
        add     al, '0'
        out     0xE9, al
        jmp     .d2
.d3:    pop     edx
        pop     ecx
        pop     eax
        ret

nl:     push    ax
        mov     al, 10
        out     0xE9, al
        pop     ax
        ret

; Prints "CF=x AH=hh" where CF comes from the saved flags word in BX.
show_status:
        push    ax
        PRINT   " CF="
        mov     al, bl
        and     al, 1
        add     al, '0'
        out     0xE9, al
        PRINT   " AH="
        pop     ax
        push    ax
        mov     al, ah
        call    hex8
        pop     ax
        ret

; Checks the sector at ES:DI against the pattern of LBA EAX.  Prints
; " data ok" or " data BAD".
check_sector:
        pushad
        cmp     [es:di], eax
        jne     .bad
        mov     dl, al
        imul    dx, dx, 7
        mov     bx, 4
.l:     mov     al, dl
        add     al, bl
        cmp     al, [es:di + bx]
        jne     .bad
        inc     bx
        cmp     bx, 512
        jb      .l
        PRINT   " data ok"
        popad
        ret
.bad:   PRINT   " data BAD"
        popad
        ret

; Disk address packet for AH=42h/43h.
dap:    db      0x10, 0
dap_cnt:dw      1
dap_buf:dw      BUF, 0
dap_lba:dq      0

stage2:
        PRINT   `T: stage 2 loaded by INT 13h AH=02h, boot drive `
        mov     al, [boot_drive]
        call    hex8
        call    nl

        ; ---- INT 12h, INT 11h
        int     0x12
        PRINT   "M: INT 12h: "
        movzx   eax, ax
        call    dec
        PRINT   ` KiB\n`

        ; ---- INT 13h AH=08h, 15h, 41h, 48h for 80h and 81h
        mov     dl, 0x80
        call    disk_info
        mov     dl, 0x81
        call    disk_info
        xor     ax, ax
        mov     es, ax

        ; ---- CHS reads
        mov     eax, 40                 ; C/H/S 0/0/41
        mov     cx, 41
        mov     dh, 0
        call    chs_read
        mov     eax, 2000               ; 2000 = (1*16 + 15)*63 + 47
        mov     cx, 0x0130              ; cylinder 1, sector 48
        mov     dh, 15
        call    chs_read
        ; bad sector number 0
        PRINT   "T: CHS read sector 0:"
        mov     ax, 0x0201
        mov     bx, BUF
        mov     cx, 0x0000
        mov     dx, 0x0080
        int     0x13
        pushf
        pop     bx
        call    show_status
        call    nl

        ; ---- LBA reads (AH=42h)
        mov     eax, 2000
        call    lba_read1
        mov     eax, 30000
        call    lba_read1
        PRINT   "T: AH=42h 3 sectors at LBA 30000:"
        mov     eax, 30000
        mov     cx, 3
        call    ext_read
        push    es
        xor     di, di
        mov     es, di
        mov     di, BUF
        mov     eax, 30000
        call    check_sector
        add     di, 512
        inc     eax
        call    check_sector
        add     di, 512
        inc     eax
        call    check_sector
        pop     es
        call    nl
        PRINT   "T: AH=42h past the end (LBA 32768):"
        mov     eax, 32768
        mov     cx, 1
        call    ext_read
        call    nl
        PRINT   "M: AH=42h past the end: count="
        mov     ax, [dap_cnt]
        call    hex16
        call    nl

        ; ---- write and read back (AH=43h, then AH=03h/02h)
        PRINT   "T: AH=43h write LBA 5000, read back:"
        mov     di, BUF                 ; fill BUF with the pattern of 5000
        mov     eax, 5000
        call    make_sector
        mov     eax, 5000
        mov     cx, 1
        mov     byte [ext_fn], 0x43
        call    ext_read
        mov     byte [ext_fn], 0x42
        call    clear_buf
        mov     eax, 5000
        mov     cx, 1
        call    ext_read
        xor     di, di
        mov     es, di
        mov     di, BUF
        mov     eax, 5000
        call    check_sector
        call    nl

        PRINT   "T: AH=03h write C/H/S 0/1/1 (LBA 63), read back:"
        mov     di, BUF
        mov     eax, 63
        call    make_sector
        mov     ax, 0x0301
        mov     bx, BUF
        mov     cx, 0x0001
        mov     dx, 0x0180
        int     0x13
        pushf
        pop     bx
        call    show_status
        call    clear_buf
        mov     eax, 63
        call    lba_read_quiet
        mov     di, BUF
        mov     eax, 63
        call    check_sector
        call    nl

        ; ---- INT 13h status, verify, seek
        mov     ax, 0x0201              ; fails: sector 0
        mov     bx, BUF
        xor     cx, cx
        mov     dx, 0x0080
        int     0x13
        mov     ah, 0x01
        mov     dl, 0x80
        int     0x13
        pushf
        pop     bx
        PRINT   "T: AH=01h after a failed call:"
        call    show_status
        call    nl
        mov     ah, 0x01
        mov     dl, 0x80
        int     0x13
        pushf
        pop     bx
        PRINT   "T: AH=01h again:"
        call    show_status
        call    nl
        PRINT   "T: AH=04h verify 2 sectors at C/H/S 1/2/3:"
        mov     ax, 0x0402
        mov     cx, 0x0103
        mov     dx, 0x0280
        int     0x13
        pushf
        pop     bx
        call    show_status
        PRINT   " AL="
        call    hex8
        call    nl
        PRINT   "T: AH=0Ch seek C/H/S 5/0/1:"
        mov     ah, 0x0C
        mov     cx, 0x0501
        mov     dx, 0x0080
        int     0x13
        pushf
        pop     bx
        call    show_status
        call    nl
        PRINT   "T: AH=44h verify LBA 100:"
        mov     eax, 100
        mov     cx, 1
        mov     byte [ext_fn], 0x44
        call    ext_read
        call    nl
        PRINT   "T: AH=47h seek LBA 100:"
        mov     eax, 100
        mov     cx, 1
        mov     byte [ext_fn], 0x47
        call    ext_read
        mov     byte [ext_fn], 0x42
        call    nl
        PRINT   "T: drive 82 AH=08h:"
        mov     ah, 0x08
        mov     dl, 0x82
        int     0x13
        pushf
        pop     bx
        call    show_status
        call    nl

        ; ---- LBA48: write and read back LBA 300000000 (> 2^28) of drive
        ; 81h (the script also checks the image file)
        PRINT   "T: drive 81 AH=43h/42h LBA 300000000:"
        mov     byte [ext_drive], 0x81
        mov     di, BUF
        mov     eax, 300000000
        call    make_sector
        mov     cx, 1
        mov     byte [ext_fn], 0x43
        call    ext_read
        mov     byte [ext_fn], 0x42
        call    clear_buf
        mov     eax, 300000000
        mov     cx, 1
        call    ext_read
        mov     di, BUF
        mov     eax, 300000000
        call    check_sector
        mov     byte [ext_drive], 0x80
        call    nl

        ; ---- INT 15h AH=87h: BUF -> 2 MiB -> BUF + 512
        PRINT   "T: INT 15h AH=87h to 2 MiB and back:"
        mov     di, BUF
        mov     eax, 777
        call    make_sector
        mov     eax, BUF
        mov     edx, 0x200000
        call    block_move
        mov     eax, 0x200000
        mov     edx, BUF + 512
        call    block_move
        mov     di, BUF + 512
        mov     eax, 777
        call    check_sector
        call    nl

        ; ---- INT 15h
        call    e820_map
        mov     ax, 0xE801
        int     0x15
        PRINT   "M: E801h: AX="
        call    hex16
        PRINT   " BX="
        mov     ax, bx
        call    hex16
        PRINT   " CX="
        mov     ax, cx
        call    hex16
        PRINT   " DX="
        mov     ax, dx
        call    hex16
        call    nl
        mov     ah, 0x88
        int     0x15
        PRINT   "T: INT 15h AH=88h: AX="
        call    hex16
        call    nl
        mov     ax, 0x2402
        int     0x15
        PRINT   "T: INT 15h AX=2402h: A20="
        call    hex8
        call    nl
        mov     ah, 0xC0
        int     0x15
        PRINT   "T: INT 15h AH=C0h: model "
        mov     al, [es:bx + 2]
        call    hex8
        call    nl
        xor     ax, ax
        mov     es, ax

        ; ---- INT 15h A20 on/off
        mov     ax, 0x2400
        int     0x15
        mov     ax, 0x2402
        int     0x15
        PRINT   "T: INT 15h AX=2400h, 2402h: A20="
        call    hex8
        mov     ax, 0x2401
        int     0x15
        mov     ax, 0x2402
        int     0x15
        PRINT   ", after 2401h: "
        call    hex8
        call    nl

        ; ---- INT 14h: COM1 initialised to 9600 8N1, status
        mov     ax, 0x00E3
        xor     dx, dx
        int     0x14
        PRINT   "T: INT 14h AH=00h COM1 9600 8N1: AX="
        call    hex16
        call    nl
        mov     ax, 0x0141              ; send 'A'
        xor     dx, dx
        int     0x14
        PRINT   "T: INT 14h AH=01h: AH="
        mov     al, ah
        call    hex8
        call    nl
        mov     ah, 0x03
        mov     dx, 3
        int     0x14
        PRINT   "M: INT 14h AH=03h COM4 (absent): AH="
        mov     al, ah
        call    hex8
        call    nl

        ; ---- INT 1Ah: set the RTC time and date, read them back
        mov     ah, 0x03
        mov     cx, 0x2259              ; 22:59:30
        mov     dx, 0x3000
        int     0x1A
        mov     ah, 0x05
        mov     cx, 0x2024              ; 2024-02-29
        mov     dx, 0x0229
        int     0x1A
        mov     ah, 0x04
        int     0x1A
        PRINT   "T: INT 1Ah AH=05h/04h: date "
        mov     ax, cx
        call    hex16
        mov     ax, dx
        call    hex16
        call    nl
        mov     ah, 0x02
        int     0x1A
        PRINT   "T: INT 1Ah AH=03h/02h: hour:min "
        mov     ax, cx
        call    hex16
        call    nl

        ; ---- INT 1Ah: ticks advance over an INT 15h AH=86h wait of 0.5 s
        mov     ah, 0x00
        int     0x1A
        mov     [t0], dx
        mov     [t0 + 2], cx
        mov     ah, 0x86
        mov     cx, 0x0007
        mov     dx, 0xA120              ; 500000 us
        int     0x15
        mov     ah, 0x00
        int     0x1A
        shl     ecx, 16
        mov     cx, dx
        sub     ecx, [t0]
        PRINT   "T: INT 1Ah ticks over a 0.5 s wait: "
        cmp     ecx, 4                  ; 9 expected; wide bounds for a
        jb      .tbad                   ; busy host
        cmp     ecx, 20
        ja      .tbad
        PRINT   `ok\n`
        jmp     .rtc
.tbad:  PRINT   "BAD "
        mov     eax, ecx
        call    dec
        call    nl
.rtc:   mov     ah, 0x02
        int     0x1A
        PRINT   "T: INT 1Ah AH=02h: "
        jc      .rbad
        mov     al, ch
        call    check_bcd
        mov     al, cl
        call    check_bcd
        mov     al, dh
        call    check_bcd
        cmp     ch, 0x24
        jae     .rbad
        PRINT   `BCD time ok\n`
        jmp     .date
.rbad:  PRINT   `BAD\n`
.date:  mov     ah, 0x04
        int     0x1A
        PRINT   "T: INT 1Ah AH=04h: century "
        mov     al, ch
        call    hex8
        call    nl

        ; ---- PCI BIOS
        mov     ax, 0xB101
        xor     edi, edi
        int     0x1A
        pushf
        push    bx
        push    ax
        PRINT   "T: PCI B101h: EDX="
        mov     eax, edx
        call    hex32
        pop     ax
        PRINT   " AX="
        call    hex16
        pop     ax
        PRINT   " BX="
        call    hex16
        pop     bx
        PRINT   " CF="
        mov     al, bl
        and     al, 1
        call    hex8
        call    nl
        mov     ax, 0xB102
        mov     cx, 0x7000              ; PIIX3 ISA bridge 8086:7000
        mov     dx, 0x8086
        xor     si, si
        int     0x1A
        PRINT   "T: PCI B102h 8086:7000: BX="
        mov     ax, bx
        call    hex16
        call    nl
        mov     ax, 0xB102
        mov     cx, 0x1234
        mov     dx, 0x5678
        xor     si, si
        int     0x1A
        PRINT   "T: PCI B102h 5678:1234: AH="
        mov     al, ah
        call    hex8
        call    nl
        mov     ax, 0xB103
        mov     ecx, 0x00010180         ; IDE, PIIX3 programming interface
        xor     si, si
        int     0x1A
        PRINT   "T: PCI B103h class 010180: BX="
        mov     ax, bx
        call    hex16
        call    nl
        mov     ax, 0xB10A
        xor     bx, bx
        xor     di, di
        int     0x1A
        PRINT   "T: PCI B10Ah 00:00.0 reg 0: ECX="
        mov     eax, ecx
        call    hex32
        call    nl
        mov     ax, 0xB109
        mov     bx, 0x0008
        mov     di, 0x000A
        int     0x1A
        PRINT   "T: PCI B109h 00:01.0 reg 0Ah: CX="
        mov     ax, cx
        call    hex16
        call    nl

        ; ---- INT 16h: store a key, peek, read
        mov     ah, 0x01
        int     0x16
        PRINT   "T: INT 16h AH=01h empty: ZF="
        mov     al, '0'
        jnz     .k1
        mov     al, '1'
.k1:    out     0xE9, al
        call    nl
        mov     ah, 0x05
        mov     cx, 0x1E61              ; 'a'
        int     0x16
        mov     ah, 0x01
        int     0x16
        PRINT   "T: INT 16h after AH=05h: peek AX="
        call    hex16
        mov     ah, 0x00
        int     0x16
        PRINT   " read AX="
        call    hex16
        call    nl
        mov     ah, 0x02
        int     0x16
        PRINT   "T: INT 16h AH=02h: "
        call    hex8
        call    nl
        mov     ah, 0x12
        int     0x16
        PRINT   "T: INT 16h AH=12h: "
        call    hex16
        call    nl
        mov     cx, 17                  ; fill the 15-key buffer
.fill:  push    cx
        mov     ah, 0x05
        mov     cx, 0x3062
        int     0x16
        pop     cx
        loop    .fill
        PRINT   "T: INT 16h AH=05h on a full buffer: AL="
        call    hex8
        call    nl
        mov     cx, 0
.drain: mov     ah, 0x11
        int     0x16
        jz      .drained
        mov     ah, 0x10
        int     0x16
        inc     cx
        jmp     .drain
.drained:
        PRINT   "T: keys in the buffer: "
        movzx   eax, cx
        call    dec
        call    nl

        ; ---- keyboard LEDs: Lock bits set in BDA 17h reach BDA 97h (the
        ; LED state; bit 7: no ACK) at the next INT 16h call
        push    es
        mov     ax, 0x40
        mov     es, ax
        or      byte [es:0x17], 0x60    ; Num Lock, Caps Lock on
        mov     ah, 0x01
        int     0x16
        PRINT   "T: BDA 97h (LEDs) after Num+Caps Lock and INT 16h: "
        mov     al, [es:0x97]
        and     al, 0x87
        call    hex8
        call    nl
        and     byte [es:0x17], ~0x60 & 0xFF
        or      byte [es:0x17], 0x10    ; Scroll Lock only
        mov     ah, 0x02
        int     0x16
        PRINT   "T: BDA 97h (LEDs) after Scroll Lock only and INT 16h: "
        mov     al, [es:0x97]
        and     al, 0x87
        call    hex8
        call    nl
        and     byte [es:0x17], ~0x10 & 0xFF
        mov     ah, 0x01
        int     0x16
        PRINT   "T: BDA 97h (LEDs) after no Lock and INT 16h: "
        mov     al, [es:0x97]
        and     al, 0x87
        call    hex8
        call    nl
        pop     es

        ; ---- keyboard (only when the run script types keys)
        cmp     byte [kbd_test], 1
        jne     .nokeys
        PRINT   `T: waiting for keys\n`
        mov     cx, 7
.key:   mov     ah, 0x10
        int     0x16
        PRINT   "T: INT 16h AH=10h: AX="
        call    hex16
        call    nl
        loop    .key
        mov     ah, 0x02
        int     0x16
        PRINT   "T: INT 16h AH=02h after the keys: "
        call    hex8
        call    nl
        push    es
        mov     ax, 0x40
        mov     es, ax
        PRINT   "T: INT 16h after the keys: BDA 97h (LEDs) "
        mov     al, [es:0x97]
        and     al, 0x87
        call    hex8
        call    nl
        pop     es
.nokeys:
        PRINT   `T: done\n`
        mov     dx, EXIT_PORT
        xor     al, al
        out     dx, al
        cli
        hlt

t0:     dd      0
ext_fn: db      0x42
ext_drive: db   0x80

; AH=[ext_fn] with CX sectors at LBA EAX to/from BUF; prints the status.
ext_read:
        push    eax
        mov     [dap_cnt], cx
        mov     [dap_lba], eax
        mov     dword [dap_lba + 4], 0
        mov     word [dap_buf], BUF
        mov     word [dap_buf + 2], 0
        mov     si, dap
        mov     dl, [ext_drive]
        mov     ah, [ext_fn]
        int     0x13
        pushf
        pop     bx
        call    show_status
        pop     eax
        ret

lba_read1:
        PRINT   "T: AH=42h LBA "
        call    dec
        PRINT   ":"
        mov     cx, 1
        call    ext_read
        push    es
        push    di
        xor     di, di
        mov     es, di
        mov     di, BUF
        call    check_sector
        pop     di
        pop     es
        jmp     nl

lba_read_quiet:
        mov     cx, 1
        push    eax
        mov     [dap_cnt], cx
        mov     [dap_lba], eax
        mov     dword [dap_lba + 4], 0
        mov     si, dap
        mov     dl, 0x80
        mov     ah, 0x42
        int     0x13
        pop     eax
        ret

; CHS read of one sector (CX, DH as for INT 13h) expected to be LBA EAX.
chs_read:
        PRINT   "T: AH=02h C/H/S read of LBA "
        call    dec
        PRINT   ":"
        push    eax
        mov     ax, 0x0201
        mov     bx, BUF
        mov     dl, 0x80
        int     0x13
        pushf
        pop     bx
        call    show_status
        PRINT   " AL="
        call    hex8
        pop     eax
        mov     di, BUF
        call    check_sector
        jmp     nl

; Fills the sector at DS:DI with the pattern of LBA EAX.
make_sector:
        pushad
        mov     [di], eax
        mov     dl, al
        imul    dx, dx, 7
        mov     bx, 4
.l:     mov     al, dl
        add     al, bl
        mov     [di + bx], al
        inc     bx
        cmp     bx, 512
        jb      .l
        popad
        ret

clear_buf:
        pushad
        mov     di, BUF
        mov     cx, 256 * 3
        xor     ax, ax
        rep stosw
        popad
        ret

check_bcd:
        push    ax
        and     al, 0x0F
        cmp     al, 9
        pop     ax
        ja      .bad
        cmp     al, 0x9F
        ja      .bad
        ret
.bad:   pop     ax                      ; drop the return address
        jmp     stage2.rbad

; INT 13h AH=08h, 15h, 41h, 48h for drive DL.
disk_info:
        push    dx
        PRINT   "T: drive "
        mov     al, dl
        call    hex8
        PRINT   " AH=08h:"
        mov     ah, 0x08
        xor     di, di
        int     0x13
        pushf
        pop     bx
        call    show_status
        PRINT   " cyl="
        movzx   eax, cl
        shl     ax, 2
        mov     al, ch
        inc     eax
        call    dec
        PRINT   " heads="
        movzx   eax, dh
        inc     eax
        call    dec
        PRINT   " spt="
        movzx   eax, cl
        and     al, 0x3F
        call    dec
        PRINT   " drives="
        movzx   eax, dl
        call    dec
        call    nl
        pop     dx
        push    dx
        PRINT   "T: drive "
        mov     al, dl
        call    hex8
        PRINT   " AH=15h:"
        mov     ah, 0x15
        int     0x13
        pushf
        pop     bx
        call    show_status
        PRINT   " sectors="
        shl     ecx, 16
        mov     cx, dx
        mov     eax, ecx
        call    dec
        call    nl
        pop     dx
        push    dx
        PRINT   "T: drive "
        mov     al, dl
        call    hex8
        PRINT   " AH=41h:"
        mov     ah, 0x41
        mov     bx, 0x55AA
        int     0x13
        push    bx
        pushf
        pop     bx
        call    show_status
        pop     ax
        PRINT   " BX="
        call    hex16
        PRINT   " CX bit 0="
        mov     al, cl
        and     al, 1
        call    hex8
        call    nl
        pop     dx
        push    dx
        PRINT   "T: drive "
        mov     al, dl
        call    hex8
        PRINT   " AH=48h:"
        mov     word [edd_buf], 0x1A
        mov     si, edd_buf
        mov     ah, 0x48
        int     0x13
        pushf
        pop     bx
        call    show_status
        PRINT   " sectors="
        mov     eax, [edd_buf + 16]
        call    dec
        PRINT   " bytes/sector="
        movzx   eax, word [edd_buf + 24]
        call    dec
        call    nl
        pop     dx
        ret

edd_buf: times 0x42 db 0

; INT 15h AH=87h: 512 bytes from linear EAX to linear EDX.  Prints the
; status.
block_move:
        push    es
        mov     di, gdt87 + 0x10
        call    set_desc
        mov     eax, edx
        mov     di, gdt87 + 0x18
        call    set_desc
        xor     ax, ax
        mov     es, ax
        mov     si, gdt87
        mov     cx, 256
        mov     ah, 0x87
        int     0x15
        pushf
        pop     bx
        call    show_status
        pop     es
        ret

; Data descriptor at DS:DI, base EAX, limit FFFFh.
set_desc:
        mov     word [di], 0xFFFF
        mov     [di + 2], ax
        shr     eax, 16
        mov     [di + 4], al
        mov     byte [di + 5], 0x93
        mov     byte [di + 6], 0
        mov     [di + 7], ah
        ret

gdt87:  times 48 db 0

; INT 15h E820h: the whole map.
e820_map:
        xor     ebx, ebx
        mov     di, e820_buf
.l:     mov     eax, 0xE820
        mov     ecx, 20
        mov     edx, 0x534D4150
        int     0x15
        jc      .err
        cmp     eax, 0x534D4150
        jne     .err
        PRINT   "M: E820 "
        mov     eax, [di + 4]
        call    hex32
        mov     eax, [di]
        call    hex32
        PRINT   " "
        mov     eax, [di + 12]
        call    hex32
        mov     eax, [di + 8]
        call    hex32
        PRINT   " "
        mov     eax, [di + 16]
        call    dec
        call    nl
        test    ebx, ebx
        jnz     .l
        ret
.err:   PRINT   `M: E820 error\n`
        ret

e820_buf: times 24 db 0

        times   16 * 512 - 1 - ($ - $$) db 0
kbd_test:
        db      0                       ; byte 8191 of the image: 1 = keys

; ---------------------------------------------------------------- data sectors
%macro DATASECTOR 1
        times   (%1) * 512 - ($ - $$) db 0
        dd      %1
%assign i 4
%rep 508
        db      ((%1) * 7 + i) & 0xFF
%assign i i + 1
%endrep
%endmacro

        DATASECTOR 40
        DATASECTOR 2000
        DATASECTOR 30000
        DATASECTOR 30001
        DATASECTOR 30002
