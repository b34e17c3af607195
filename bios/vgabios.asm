; x86pc VGA BIOS: an option ROM for the standard VGA with the Bochs VBE
; "DISPI" extension (QEMU's -vga std, PCI 1234:1111).
;
; Mapped at C0000h; the system BIOS calls C000:0003, which hooks INT 10h
; (and INT 6Dh), INT 1Fh/43h (fonts) and sets mode 3.
;
; INT 10h: 00h modes 00h-03h, 07h, 12h, 13h; 01h-03h, 05h-0Fh, 10h
; (palette), 11h (fonts), 12h BL=10h, 13h, 1Ah, 1Bh; 4Fxxh VBE 3.0
; (00h-0Ah; 0Ah returns "failed").  See vgabios-mode.inc, vgabios-text.inc,
;
; Holds no state of its own (the ROM is read-only): everything lives in the
; BIOS data area (40:49-40:66, 40:84-40:8A) and in the VGA/DISPI registers.
;
; Not done: CGA graphics modes 04h-06h, EGA modes 0Dh-11h, a sounding BEL
; (teletype BEL does nothing), the 40:A8 save pointer table, AH=0Bh
; BH=1 (CGA palettes), AH=10h subfunctions other than those listed in
; fn_palette, AH=12h other than BL=10h/34h/36h, AH=1Ch (returns AL=0),
; VBE 4F0Ah protected-mode interface (fails), DDC (4F15h: unsupported).
;
; The checksum byte (last byte of the image) is patched by the build
; (bios/bios.am).

        cpu     386
        bits    16
        org     0

%include "vgabios-defs.inc"

        db      0x55, 0xAA
        db      ROM_BLOCKS
        jmp     vga_init                ; offset 3
        times   0x18 - ($ - $$) db 0
        dw      pcir                    ; PCI data structure
        dw      0                       ; no PnP header
        times   0x1E - ($ - $$) db 0
        db      'IBM compatible x86pc VGA BIOS', 0
pcir:   db      'PCIR'
        dw      0x1234, 0x1111          ; vendor, device
        dw      0                       ; VPD
        dw      0x18                    ; structure length
        db      0                       ; revision
        db      0x00, 0x00, 0x03        ; class 030000h
        dw      ROM_BLOCKS              ; image length / 512
        dw      1                       ; code revision
        db      0                       ; x86 code
        db      0x80                    ; last image
        dw      0

oem_string:     db      'x86pc VGA BIOS (Bochs VBE DISPI)', 0
oem_vendor:     db      'x86pc', 0
oem_product:    db      'x86pc VGA', 0
oem_rev:        db      '1.0', 0

; ---------------------------------------------------------------- init
vga_init:
        push    ds
        push    es
        pushad
        xor     ax, ax
        mov     ds, ax
        mov     word [0x10 * 4], int10
        mov     [0x10 * 4 + 2], cs
        mov     word [0x6D * 4], int10
        mov     [0x6D * 4 + 2], cs
        mov     word [0x1F * 4], font8x8 + 128 * 8
        mov     [0x1F * 4 + 2], cs
        mov     word [0x43 * 4], font8x8
        mov     [0x43 * 4 + 2], cs
        mov     ax, BDA_SEG
        mov     ds, ax
        ; equipment list: 80x25 colour
        and     byte [BDA_EQUIP], 0xCF
        or      byte [BDA_EQUIP], 0x20
        mov     byte [BDA_EGA_INFO], 0x60       ; 256 KiB, emulation on
        mov     byte [BDA_EGA_SWITCH], 0xF9
        mov     byte [BDA_VGA_FLAGS], 0x51      ; 400 lines, VGA active
        mov     byte [BDA_DCC], 0x08
        mov     ax, 0x0003
        int     0x10
        popad
        pop     es
        pop     ds
        retf

; ---------------------------------------------------------------- INT 10h
int10:
        sti
        cld
        push    es
        push    ds
        pusha
        mov     bp, sp
        push    BDA_SEG
        pop     ds
        cmp     ah, 0x4F
        je      .vbe
        cmp     ah, NFUNC
        jae     .out
        movzx   si, ah
        add     si, si
        call    [cs:functab + si]
.out:   popa
        pop     ds
        pop     es
        iret
.vbe:   call    vbe_dispatch
        jmp     .out

functab:
        dw      fn_setmode, fn_cursor_shape, fn_set_cursor, fn_get_cursor
        dw      fn_lightpen, fn_set_page, fn_scroll_up, fn_scroll_down
        dw      fn_read_char, fn_write_char_attr, fn_write_char, fn_border
        dw      fn_write_pixel, fn_read_pixel, fn_teletype, fn_get_mode
        dw      fn_palette, fn_font, fn_altsel, fn_write_string
        dw      fn_nop, fn_nop, fn_nop, fn_nop
        dw      fn_nop, fn_nop, fn_dcc, fn_state
        dw      fn_savestate
NFUNC   equ     ($ - functab) / 2

fn_nop: ret

; AH=1Ch (save/restore video state): not supported, AL=0 says so.
fn_savestate:
        mov     byte [bp + R_AL], 0
        ret

fn_lightpen:
        mov     byte [bp + R_AH], 0
        ret

fn_get_mode:
        mov     al, [BDA_MODE]
        mov     ah, [BDA_EGA_INFO]
        and     ah, 0x80                        ; no-clear bit of last set
        or      al, ah
        mov     ah, [BDA_COLS]
        mov     [bp + R_AX], ax
        mov     al, [BDA_PAGE]
        mov     [bp + R_BH], al
        ret

%include "vgabios-mode.inc"
%include "vgabios-text.inc"
%include "vgabios-misc.inc"
%include "vgabios-vbe.inc"

        align   16
%include "vgabios-font.inc"

        ; checksum byte, patched by the build
        times   ((($ - $$) + 512) / 512) * 512 - 1 - ($ - $$) db 0
        db      0
rom_end:
ROM_BLOCKS      equ     (rom_end - $$) / 512
%if ROM_BLOCKS > 64
%error VGA BIOS larger than 32 KiB
%endif
