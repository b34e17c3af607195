; vgaboot -- hard-disk image whose boot sector reports, on port E9, what the
; system BIOS (bios/bios.bin) left on the screen through the VGA BIOS:
; the INT 10h vector's segment, the video mode, and text row 0 read from
; B8000 (the BIOS banner "x86pc BIOS" printed with INT 10h AH=0Eh).  Then
; it prints a line with INT 10h AH=13h and reads it back.  Report lines
; start with "S: " (the BIOS writes its own messages to E9 too).
; Exits through isa-debug-exit (port 501).  Image: one cylinder (16 heads,
; 63 sectors).
        bits    16
        org     0x7C00

start:  cli
        xor     ax, ax
        mov     ds, ax
        mov     ss, ax
        mov     sp, 0x7C00
        sti
        cld
        mov     si, m_vec
        call    puts
        mov     ax, [0x10 * 4 + 2]
        call    hex16
        mov     si, m_mode
        call    puts
        mov     ah, 0x0F
        int     0x10
        call    hex16
        mov     si, m_row
        call    puts
        xor     si, si
        call    row
        ; INT 10h AH=13h at row 10 and read back
        push    cs
        pop     es
        mov     bp, m_str
        mov     ax, 0x1301
        mov     bx, 0x001F
        mov     cx, m_str_len
        mov     dx, 0x0A00
        int     0x10
        mov     si, m_row
        call    puts
        mov     si, 10 * 160
        call    row
        mov     si, m_attr
        call    puts
        push    ds
        mov     ax, 0xB800
        mov     ds, ax
        mov     al, [10 * 160 + 1]
        pop     ds
        xor     ah, ah
        call    hex16
        mov     al, 10
        out     0xE9, al
        mov     dx, 0x501
        xor     al, al
        out     dx, al
.h:     hlt
        jmp     .h

; prints the 24 characters of text at B800:SI, then a quote
row:    push    ds
        mov     ax, 0xB800
        mov     ds, ax
        mov     cx, 24
.l:     lodsw
        cmp     al, 0x20
        jae     .p
        mov     al, '.'
.p:     out     0xE9, al
        loop    .l
        pop     ds
        mov     al, "'"
        out     0xE9, al
        ret

puts:   lodsb
        test    al, al
        jz      .r
        out     0xE9, al
        jmp     puts
.r:     ret

hex16:  mov     cx, 4
.l:     rol     ax, 4
        push    ax
        and     al, 15
        add     al, '0'
        cmp     al, '9'
        jbe     .d
        add     al, 7
.d:     out     0xE9, al
        pop     ax
        loop    .l
        ret

m_vec:  db      10, 'S: int10 segment=', 0
m_mode: db      10, 'S: mode=', 0
m_row:  db      10, "S: row '", 0
m_attr: db      10, 'S: attr=', 0
m_str:  db      'written by INT 10h/13h'
m_str_len equ   $ - m_str

        times   510 - ($ - $$) db 0
        dw      0xAA55
        times   16 * 63 * 512 - ($ - $$) db 0
