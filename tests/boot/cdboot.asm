; El Torito boot images for the BIOS boot test (tests/boot/run-boot-test.sh).
;
; Default: a no-emulation boot image of 4 virtual (512-byte) sectors that
; the BIOS loads to 0000:7C00 from the CD.  With -DFLOPPY: a 1.44 MB floppy
; image for floppy emulation; the BIOS loads its first sector, which loads
; sectors 2-4 through INT 13h drive 00h.  Sectors 199, 200 and 2879 of the floppy
; image hold: dword LBA, then byte i = (LBA * 7 + i) & 255.
;
; Both print "T: ..." lines on the debug console (port E9h) and end by
; writing 0 to isa-debug-exit (port 501h: exit status 1).
;
; Build: nasm -f bin [-DFLOPPY] -o IMAGE cdboot.asm

        cpu     686
        bits    16
        org     0x7C00

EXIT_PORT       equ     0x501
BUF             equ     0x1000

start:  jmp     0x0000:.go              ; CS:IP = 0000:7C00-based
.go:    cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        cld
        mov     [drive], dl
%ifdef FLOPPY
        mov     ax, 0x0203              ; sectors 2-4 (C/H/S 0/0/2) to 7E00h
        mov     bx, 0x7E00
        mov     cx, 0x0002
        xor     dh, dh
        int     0x13
        jc      .fail
%endif
        cmp     dword [end_magic], 0x21444E45           ; "END!"
        je      main
.fail:  mov     si, msg_fail
        call    puts
        jmp     exit
msg_fail:       db "T: image not loaded completely", 10, 0
drive:  db      0

; ---- output
puts:   lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     puts
.d:     ret
%macro PR 1
        call    pr_inline
        db      %1, 0
%endmacro
pr_inline:
        pop     si
        call    puts
        jmp     si
hex8:   push    ax
        shr     al, 4
        call    .n
        pop     ax
        push    ax
        call    .n
        pop     ax
        ret
.n:     and     al, 15
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
; " CF=c AH=hh" from the flags in [saved_fl] and AH
cfah:   push    ax
        PR      " CF="
        mov     al, [saved_fl]
        and     al, 1
        add     al, '0'
        out     0xE9, al
        PR      " AH="
        pop     ax
        push    ax
        mov     al, ah
        call    hex8
        pop     ax
        ret
saved_fl:       db 0
%macro INT13 0
        int     0x13
        pushf
        pop     word [flags_w]
        push    ax
        mov     al, [flags_w]
        mov     [saved_fl], al
        pop     ax
%endmacro
flags_w:        dw 0
exit:   mov     dx, EXIT_PORT
        xor     al, al
        out     dx, al
        cli
        hlt
        jmp     exit

%ifndef FLOPPY
        times   510 - ($ - $$) db 0
        dw      0xAA55
%else
        times   510 - ($ - $$) db 0
        dw      0xAA55
%endif

; ---------------------------------------------------------------- tests
main:   PR      "T: booted, DL="
        mov     al, [drive]
        call    hex8
        PR      `\n`
%ifndef FLOPPY
        ; INT 13h extensions on the CD
        PR      "T: AH=41h:"
        mov     ah, 0x41
        mov     bx, 0x55AA
        mov     dl, [drive]
        INT13
        push    bx
        call    cfah
        PR      " BX="
        pop     ax
        call    hex16
        PR      " CX&1="
        mov     al, cl
        and     al, 1
        call    hex8
        PR      `\n`

        PR      "T: AH=48h:"
        mov     si, dpt
        mov     word [si], 0x1A
        mov     ah, 0x48
        mov     dl, [drive]
        INT13
        call    cfah
        PR      " bytes/sector="
        mov     ax, [dpt + 24]
        call    hex16
        PR      `\n`

        ; sectors 16 (primary volume descriptor) and 17 (boot record)
        PR      "T: AH=42h LBA 16, 2 sectors:"
        mov     si, dap
        mov     word [si + 2], 2
        mov     dword [si + 4], BUF
        mov     dword [si + 8], 16
        mov     dword [si + 12], 0
        mov     ah, 0x42
        mov     dl, [drive]
        INT13
        call    cfah
        PR      " count="
        mov     ax, [dap + 2]
        call    hex16
        cmp     dword [BUF + 1], 'CD00'
        jne     .bad1
        cmp     dword [BUF + 2048 + 7], 'EL T'
        jne     .bad1
        PR      ` data ok\n`
        jmp     .t2
.bad1:  PR      ` data BAD\n`
.t2:
        ; boot catalog status
        PR      "T: El Torito AH=4B01h:"
        mov     si, spec
        mov     byte [si], 0x13
        mov     ax, 0x4B01
        mov     dl, [drive]
        INT13
        call    cfah
        PR      " size="
        mov     al, [spec]
        call    hex8
        PR      " media="
        mov     al, [spec + 1]
        call    hex8
        PR      " drive="
        mov     al, [spec + 2]
        call    hex8
        PR      " count="
        mov     ax, [spec + 14]
        call    hex16
        PR      `\n`
        ; read the boot image back (2048 bytes at its LBA): same as loaded
        PR      "T: AH=42h boot image:"
        mov     si, dap
        mov     word [si + 2], 1
        mov     dword [si + 4], BUF
        mov     eax, [spec + 4]
        mov     [si + 8], eax
        mov     ah, 0x42
        mov     dl, [drive]
        INT13
        call    cfah
        mov     si, 0x7C00              ; (the first bytes: code; the
        mov     di, BUF                 ; variables have changed since)
        mov     cx, 16
        repe cmpsb
        jne     .bad2
        mov     eax, [end_magic]
        cmp     eax, [BUF + 2044]
        jne     .bad2
        PR      ` same as loaded\n`
        jmp     .t3
.bad2:  PR      ` DIFFERENT\n`
.t3:    ; a segment-crossing read: 40 sectors to 1000:F000 (crosses 64 KiB)
        PR      "T: AH=42h 20 sectors to 1800:0000:"
        mov     si, dap
        mov     word [si + 2], 20
        mov     dword [si + 4], 0x18000000
        mov     dword [si + 8], 16
        mov     ah, 0x42
        mov     dl, [drive]
        INT13
        call    cfah
        push    es
        mov     ax, 0x1800
        mov     es, ax
        cmp     dword [es:1], 'CD00'
        pop     es
        jne     .bad3
        mov     si, dap                 ; LBA 32 again, alone
        mov     word [si + 2], 1
        mov     dword [si + 4], BUF
        mov     dword [si + 8], 32
        mov     ah, 0x42
        mov     dl, [drive]
        int     0x13
        jc      .bad3
        push    ds
        mov     ax, 0x2000              ; LBA 32 of the big read: 20000h
        mov     ds, ax
        xor     si, si
        mov     di, BUF
        mov     cx, 1024
        repe cmpsw
        pop     ds
        jne     .bad3
        PR      ` ok\n`
        jmp     .t4
.bad3:
        PR      ` BAD\n`
.t4:
%else
        PR      "T: AH=08h:"
        mov     ah, 0x08
        mov     dl, 0
        push    es
        INT13
        pop     es                      ; (AH=08h sets ES:DI)
        push    dx
        push    cx
        push    bx
        call    cfah
        PR      " BL="
        pop     ax
        call    hex8
        PR      " CX="
        pop     ax
        call    hex16
        PR      " DH="
        pop     ax
        mov     al, ah
        call    hex8
        PR      `\n`
        ; C/H/S 5/1/2 = LBA 199, 2 sectors (two CD sectors)
        PR      "T: AH=02h CHS 5/1/2 x2:"
        mov     ax, 0x0202
        mov     bx, BUF
        mov     cx, 0x0502
        mov     dx, 0x0100
        INT13
        push    ax
        call    cfah
        PR      " AL="
        pop     ax
        call    hex8
        mov     eax, 199
        mov     di, BUF
        call    check_sector
        jc      .bad
        mov     eax, 200
        mov     di, BUF + 512
        call    check_sector
        jc      .bad
        PR      ` data ok\n`
        jmp     .t2
.bad:   PR      ` data BAD\n`
.t2:    PR      "T: AH=02h C/H/S 79/1/18 (last):"
        mov     ax, 0x0201
        mov     bx, BUF
        mov     cx, 0x4F12
        mov     dx, 0x0100
        INT13
        call    cfah
        mov     eax, 2879
        mov     di, BUF
        call    check_sector
        jc      .bad2
        PR      ` data ok\n`
        jmp     .t3
.bad2:  PR      ` data BAD\n`
.t3:    PR      "T: AH=02h cylinder 80:"
        mov     ax, 0x0201
        mov     bx, BUF
        mov     cx, 0x5001
        mov     dx, 0x0000
        INT13
        call    cfah
        PR      `\n`
        PR      "T: AH=03h write:"
        mov     ax, 0x0301
        mov     bx, BUF
        mov     cx, 0x0001
        mov     dx, 0x0000
        INT13
        call    cfah
        PR      `\n`
        PR      "T: El Torito AH=4B01h:"
        mov     si, spec
        mov     byte [si], 0x13
        mov     ax, 0x4B01
        mov     dl, 0
        INT13
        call    cfah
        PR      " size="
        mov     al, [spec]
        call    hex8
        PR      " media="
        mov     al, [spec + 1]
        call    hex8
        PR      " drive="
        mov     al, [spec + 2]
        call    hex8
        PR      `\n`
        ; terminate the emulation: drive 00h is no longer the image
        PR      "T: El Torito AH=4B00h:"
        mov     si, spec
        mov     byte [si], 0x13
        mov     byte [si + 2], 0xFF
        mov     ax, 0x4B00
        mov     dl, 0
        INT13
        call    cfah
        PR      " drive="
        mov     al, [spec + 2]
        call    hex8
        PR      `\n`
        PR      "T: El Torito AH=02h C/H/S 5/1/2 after the termination:"
        mov     ax, 0x0201
        mov     bx, BUF
        mov     dword [bx], 0
        mov     cx, 0x0502
        mov     dx, 0x0100
        INT13
        PR      " CF="
        mov     al, [saved_fl]
        and     al, 1
        call    hex8
        PR      " data "
        cmp     dword [BUF], 199
        je      .still
        PR      `gone\n`
        jmp     .t4
.still: PR      `still there\n`
.t4:
%endif
        PR      `T: done\n`
        jmp     exit

%ifdef FLOPPY
; CF clear if the sector at DI is data sector EAX.
check_sector:
        cmp     [di], eax
        jne     .bad
        mov     bx, ax
        imul    bx, bx, 7
        add     bl, 4
        add     di, 4
        mov     cx, 508
.l:     cmp     [di], bl
        jne     .bad
        inc     di
        inc     bl
        loop    .l
        clc
        ret
.bad:   stc
        ret
%endif

dap:    db      0x10, 0
        dw      0
        dd      0, 0, 0
dpt:    times   0x1E db 0
spec:   times   0x13 db 0

        times   2048 - 4 - ($ - $$) db 0
end_magic:
        db      "END!"

%ifdef FLOPPY
        times   8 * 512 - ($ - $$) db 0
; data sectors 199, 200 and 2879 (the others are zero)
%macro DATASECT 1
        times   %1 * 512 - ($ - $$) db 0
        dd      %1
%assign i 4
%rep 508
        db      (%1 * 7 + i) & 255
%assign i i + 1
%endrep
%endmacro
        DATASECT 199
        DATASECT 200
        DATASECT 2879
%endif
