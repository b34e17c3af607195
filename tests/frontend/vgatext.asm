; vgatext.asm -- test ROM for the display front end (tests/frontend/).
; Programs VGA text mode 3 by hand (there is no VGA BIOS), loads the
; 64-entry EGA palette into the DAC, loads a two-glyph font (0xDB = solid
; block, 0x20 = blank; every other glyph stays blank), fills the screen:
;   row 0, col 0: 0xDB attr 0x04 (red on black)      -> solid AA0000
;   row 0, col 1: 0x20 attr 0x1F (white on blue)     -> solid 0000AA
;   row 1, col 0: 0xDB attr 0x0E (yellow on black)   -> solid FFFF55
;   every other cell: 0x20 attr 0x20 (on green)      -> solid 00AA00
; writes "DONE" to port E9 and halts with interrupts disabled.
; Assembled with -DMODE13 (vga13.bin) it sets mode 13h (320x200, 256
; colours) instead: every pixel colour 2 (00AA00) except (0,0) and
; (319,199), colour 4 (AA0000).
; Assembled with nasm -f bin into a 64 KiB image mapped at F0000.
        bits 16
        org 0

%macro OUTB 2
        mov dx, %1
        mov al, %2
        out dx, al
%endmacro
%macro IDX 3                    ; index port, index, value
        mov dx, %1
        mov al, %2
        out dx, al
        inc dx
        mov al, %3
        out dx, al
%endmacro

start:
        cli
        cld
%ifdef MODE13
        OUTB 0x3C2, 0x63
%else
        OUTB 0x3C2, 0x67
%endif
        ; sequencer
        mov si, seq
        xor bx, bx
.seq:   IDX 0x3C4, bl, [cs:si+bx]
        inc bx
        cmp bx, 5
        jb .seq
        IDX 0x3D4, 0x11, 0x00   ; unprotect CR0-7
        mov si, crtc
        xor bx, bx
.crtc:  IDX 0x3D4, bl, [cs:si+bx]
        inc bx
        cmp bx, 25
        jb .crtc
        mov si, gr
        xor bx, bx
.gr:    IDX 0x3CE, bl, [cs:si+bx]
        inc bx
        cmp bx, 9
        jb .gr
        mov si, ar
        xor bx, bx
.ar:    mov dx, 0x3DA
        in al, dx
        mov dx, 0x3C0
        mov al, bl
        out dx, al
        mov al, [cs:si+bx]
        out dx, al
        inc bx
        cmp bx, 21
        jb .ar
        ; DAC: EGA palette, entries 0-63
        OUTB 0x3C8, 0
        xor cx, cx
.dac:   mov bl, cl              ; red = bit2*2A + bit5*15
        xor al, al
        test bl, 4
        jz .r1
        add al, 0x2A
.r1:    test bl, 0x20
        jz .r2
        add al, 0x15
.r2:    mov dx, 0x3C9
        out dx, al
        xor al, al
        test bl, 2
        jz .g1
        add al, 0x2A
.g1:    test bl, 0x10
        jz .g2
        add al, 0x15
.g2:    out dx, al
        xor al, al
        test bl, 1
        jz .b1
        add al, 0x2A
.b1:    test bl, 8
        jz .b2
        add al, 0x15
.b2:    out dx, al
        inc cx
        cmp cx, 64
        jb .dac
%ifdef MODE13
        mov ax, 0xA000
        mov es, ax
        xor di, di
        mov cx, 320 * 200
        mov al, 2
        rep stosb
        mov byte [es:0], 4
        mov byte [es:320 * 200 - 1], 4
%else
        ; font: plane 2 at A0000, 32 bytes per glyph
        IDX 0x3C4, 2, 0x04
        IDX 0x3C4, 4, 0x06
        IDX 0x3CE, 4, 0x02
        IDX 0x3CE, 5, 0x00
        IDX 0x3CE, 6, 0x04
        mov ax, 0xA000
        mov es, ax
        mov di, 0xDB * 32
        mov cx, 16
        mov al, 0xFF
        rep stosb
        IDX 0x3C4, 2, 0x03
        IDX 0x3C4, 4, 0x02
        IDX 0x3CE, 4, 0x00
        IDX 0x3CE, 5, 0x10
        IDX 0x3CE, 6, 0x0E
        ; text
        mov ax, 0xB800
        mov es, ax
        xor di, di
        mov cx, 80 * 25
        mov ax, 0x2020
        rep stosw
        mov word [es:0], 0x04DB
        mov word [es:2], 0x1F20
        mov word [es:160], 0x0EDB
        IDX 0x3D4, 0x0A, 0x20   ; cursor off
%endif
        mov dx, 0x3DA           ; video on (palette address source)
        in al, dx
        OUTB 0x3C0, 0x20
        mov si, done
        mov dx, 0xE9
.msg:   mov al, [cs:si]
        test al, al
        jz .halt
        out dx, al
        inc si
        jmp .msg
.halt:  hlt
        jmp .halt

%ifdef MODE13
seq:    db 0x03, 0x01, 0x0F, 0x00, 0x0E
crtc:   db 0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00
        db 0x00, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x0E, 0x8F, 0x28, 0x40, 0x96
        db 0xB9, 0xA3, 0xFF
gr:     db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF
ar:     db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A
        db 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00
%else
seq:    db 0x03, 0x00, 0x03, 0x00, 0x02
crtc:   db 0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D
        db 0x0E, 0x00, 0x00, 0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96
        db 0xB9, 0xA3, 0xFF
gr:     db 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x00, 0xFF
ar:     db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A
        db 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00
%endif
done:   db "DONE", 10, 0

        times 0xFFF0 - ($ - $$) db 0
        jmp 0xF000:start
        times 0x10000 - ($ - $$) db 0
