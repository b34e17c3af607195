; A hard disk boot sector for the boot order test: prints
; "T: booted from the hard disk, DL=hh" on port E9h and exits through
; isa-debug-exit (port 501h, status 1).  Build: nasm -f bin -o hd.img hdboot.asm
        cpu     386
        bits    16
        org     0x7C00
        jmp     0x0000:start
start:  xor     ax, ax
        mov     ds, ax
        mov     bl, dl
        mov     si, msg
.p:     lodsb
        test    al, al
        jz      .dl
        out     0xE9, al
        jmp     .p
.dl:    mov     al, bl
        shr     al, 4
        call    nib
        mov     al, bl
        call    nib
        mov     al, 10
        out     0xE9, al
        mov     dx, 0x501
        xor     al, al
        out     dx, al
        cli
        hlt
nib:    and     al, 15
        add     al, '0'
        cmp     al, '9'
        jbe     .o
        add     al, 7
.o:     out     0xE9, al
        ret
msg:    db      "T: booted from the hard disk, DL=", 0
        times   510 - ($ - $$) db 0
        dw      0xAA55
        times   1024 * 1024 - ($ - $$) db 0
