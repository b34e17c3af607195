; PS/2 mouse BIOS test: a hard disk whose MBR the BIOS boots.  It loads
; the rest with INT 13h AH=02h and drives the mouse through INT 15h
; AX=C200h-C207h (reset, type, init, rate, resolution, status, scaling,
; handler, enable/disable, invalid requests), prints "U:" lines on port E9h,
; then prints "U: waiting for the mouse" and waits (at most ~10 s) for 4
; packets, which the run script makes with the monitor commands
;   mouse_move 5 -3, mouse_button 3 (left+right), mouse_button 0, mouse_move -2 4
; The installed handler records the four words on its stack (0, Y, X,
; status from SP+4 up); the lines show them, then the test disables the
; mouse, resets it once more and exits through isa-debug-exit (port 501h,
; status 1).
;
; Build: nasm -f bin -o mousetest.img mousetest.asm

        cpu     686
        bits    16
        org     0x7C00

EXIT_PORT       equ     0x501
NSECT           equ     8
MAXPK           equ     8

mbr:    cli
        xor     ax, ax
        mov     ds, ax
        mov     es, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        cld
        mov     ax, 0x0200 | NSECT
        mov     bx, 0x7E00
        mov     cx, 0x0002
        mov     dh, 0
        int     0x13
        jc      .fail
        cmp     dword [stage2_magic], 0x32475453
        jne     .fail
        jmp     stage2
.fail:  mov     si, msg_loadfail
        call    puts
        jmp     exit

puts:   lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     puts
.d:     ret

exit:   mov     dx, EXIT_PORT
        mov     al, 0
        out     dx, al
        cli
        hlt

msg_loadfail:   db "U: stage 2 load FAILED", 10, 0

        times   510 - ($ - $$) db 0
        dw      0xAA55

stage2_magic:   dd 0x32475453

%macro PRINT 1
        call    print_inline
        db      %1, 0
%endmacro

print_inline:
        pop     si
        push    ax
.l:     lodsb
        test    al, al
        jz      .d
        out     0xE9, al
        jmp     .l
.d:     pop     ax
        push    si
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

; INT 15h with AX, BX given; prints " CF=xx AH=xx" of the result and keeps
; the returned registers.
%macro C2 2
        mov     ax, %1
        mov     bx, %2
        int     0x15
        call    cfah
%endmacro

cfah:   pushf
        push    ax
        setc    al
        PRINT   " CF="
        call    hex8
        PRINT   " AH="
        pop     ax
        push    ax
        mov     al, ah
        call    hex8
        pop     ax
        popf
        ret

stage2:
        PRINT   "U: C201h reset:"
        C2      0xC201, 0
        PRINT   " BX="
        mov     ax, bx
        call    hex16
        PRINT   `\n`

        PRINT   "U: C204h type:"
        C2      0xC204, 0x5500
        PRINT   " BH="
        mov     al, bh
        call    hex8
        PRINT   `\n`

        PRINT   "U: C205h init, 3-byte packets:"
        C2      0xC205, 0x0300
        PRINT   `\n`
        PRINT   "U: C205h init, 9-byte packets:"
        C2      0xC205, 0x0900
        PRINT   `\n`

        PRINT   "U: C206h status after init:"
        call    status

        PRINT   "U: C202h rate 200/s:"
        C2      0xC202, 0x0600
        PRINT   `\n`
        PRINT   "U: C202h BH=7:"
        C2      0xC202, 0x0700
        PRINT   `\n`
        PRINT   "U: C203h resolution 8/mm:"
        C2      0xC203, 0x0300
        PRINT   `\n`
        PRINT   "U: C203h BH=4:"
        C2      0xC203, 0x0400
        PRINT   `\n`
        PRINT   "U: C206h status:"
        call    status

        PRINT   "U: C206h BH=2 scaling 2:1:"
        C2      0xC206, 0x0200
        PRINT   `\n`
        PRINT   "U: C206h status:"
        call    status
        PRINT   "U: C206h BH=1 scaling 1:1:"
        C2      0xC206, 0x0100
        PRINT   `\n`
        PRINT   "U: C206h status:"
        call    status

        PRINT   "U: C208h:"
        C2      0xC208, 0
        PRINT   `\n`
        PRINT   "U: C207h remove handler:"
        push    es
        xor     bx, bx
        mov     es, bx
        mov     ax, 0xC207
        int     0x15
        call    cfah
        pop     es
        PRINT   `\n`
        PRINT   "U: C200h enable without a handler:"
        C2      0xC200, 0x0100
        PRINT   `\n`

        PRINT   "U: C207h install handler:"
        mov     ax, 0xC207
        mov     bx, handler             ; ES = 0
        int     0x15
        call    cfah
        PRINT   `\n`
        PRINT   "U: C200h BH=2:"
        C2      0xC200, 0x0200
        PRINT   `\n`
        PRINT   "U: C200h enable:"
        C2      0xC200, 0x0100
        PRINT   `\n`
        PRINT   "U: C206h status:"
        call    status
        PRINT   "U: C204h type (enabled):"
        C2      0xC204, 0x5500
        PRINT   " BH="
        mov     al, bh
        call    hex8
        PRINT   `\n`

        PRINT   `U: waiting for the mouse\n`
        sti
        push    ds
        mov     ax, 0x40
        mov     ds, ax
        mov     ebx, [0x6C]
        pop     ds
.wait:  cmp     word [npk], 4
        jae     .got
        hlt
        push    ds
        mov     ax, 0x40
        mov     ds, ax
        mov     eax, [0x6C]
        pop     ds
        sub     eax, ebx
        cmp     eax, 182                ; ~10 s
        jb      .wait
.got:   ; (a little longer, to catch extra packets)
        mov     cx, 20
.w2:    hlt
        loop    .w2
        cli
        mov     cx, [npk]
        xor     di, di
.pk:    jcxz    .pkd
        PRINT   "U: packet: status "
        mov     ax, [pk + di]
        call    hex16
        PRINT   " X "
        mov     ax, [pk + di + 2]
        call    hex16
        PRINT   " Y "
        mov     ax, [pk + di + 4]
        call    hex16
        PRINT   " word "
        mov     ax, [pk + di + 6]
        call    hex16
        PRINT   `\n`
        add     di, 8
        dec     cx
        jmp     .pk
.pkd:   PRINT   "U: packets: "
        mov     ax, [npk]
        call    hex16
        PRINT   `\n`
        sti

        PRINT   "U: C200h disable:"
        C2      0xC200, 0x0000
        PRINT   `\n`
        PRINT   "U: C206h status:"
        call    status
        PRINT   "U: C201h reset:"
        C2      0xC201, 0
        PRINT   " BX="
        mov     ax, bx
        call    hex16
        PRINT   `\n`
        PRINT   `U: done\n`
        mov     dx, EXIT_PORT
        mov     al, 0
        out     dx, al
        cli
        hlt

; C206h BH=0: prints CF, AH, BL (status), CL (resolution), DL (rate).
status: mov     ax, 0xC206
        xor     bx, bx
        xor     cx, cx
        xor     dx, dx
        int     0x15
        call    cfah
        PRINT   " BL="
        mov     al, bl
        call    hex8
        PRINT   " CL="
        mov     al, cl
        call    hex8
        PRINT   " DL="
        mov     al, dl
        call    hex8
        PRINT   `\n`
        ret

; The mouse handler (far call): records the 4 words above the return
; address.
handler:
        push    bp
        mov     bp, sp
        push    ds
        push    ax
        push    bx
        xor     ax, ax
        mov     ds, ax
        mov     bx, [npk]
        cmp     bx, MAXPK
        jae     .x
        shl     bx, 3
        mov     ax, [bp + 12]
        mov     [pk + bx], ax
        mov     ax, [bp + 10]
        mov     [pk + bx + 2], ax
        mov     ax, [bp + 8]
        mov     [pk + bx + 4], ax
        mov     ax, [bp + 6]
        mov     [pk + bx + 6], ax
        inc     word [npk]
.x:     pop     bx
        pop     ax
        pop     ds
        pop     bp
        retf

npk:    dw      0
pk:     times   MAXPK * 4 dw 0

        times   (NSECT + 1) * 512 - ($ - $$) db 0
