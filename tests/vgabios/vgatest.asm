; vgatest -- exercises the x86pc VGA BIOS (bios/vgabios.bin) from a test
; firmware image: calls the option ROM's entry C000:0003 itself, then INT 10h
; text services (mode set/get, BDA, teletype, write string, scroll, cursor,
; palette, fonts) read back from video memory and the VGA registers, the
; graphics modes 12h/13h (pixels, characters), and VBE (4F00 controller
; info, 4F01 mode info of 1024x768x32, 4F02 with LFB, pixels written through
; the LFB and read back through the banked window, DISPI registers, 4F03-09).
;
; On x86pc the board maps the ROM at C0000.  On QEMU (reference run, see
; run-vgabios-test.sh) C0000 is empty: this firmware then does what a system
; BIOS does -- puts the PCI VGA's BAR0 at E0000000 (x86pc's fixed LFB
; address), copies its expansion ROM to C0000 (i440FX PAM made writable) --
; silently, so that the output is the same on both.
;
; Build with -DHOLD to stop (HLT loop) in mode 3 with text on the screen
; instead of exiting, for a screenshot.
%include "lib.inc"

BUF     equ     0x2000          ; 512-byte buffers for VBE calls
MIB     equ     0x2400          ; ModeInfoBlock
SAVEBUF equ     0x2600
LFB     equ     0xE0000000

; INT 10h with a register dump on one line: "tag AX BX CX DX"
%macro SHOWREGS 1
        PRINT   %1, " ax="
        HEX16   ax
        PRINT   " bx="
        HEX16   bx
        PRINT   " cx="
        HEX16   cx
        PRINT   " dx="
        HEX16   dx
        PRINT   10
%endmacro

%macro DISPI 2                  ; prints "name=value" of DISPI register
        mov     dx, 0x1CE
        mov     ax, %2
        out     dx, ax
        inc     dx
        in      ax, dx
        PRINT   %1, "="
        HEX16   ax
        PRINT   " "
%endmacro

start:
        RM_INIT
        ; IVT: every vector to an IRET
        xor     di, di
        mov     cx, 256
.ivt:   mov     word [di], dflt_iret
        mov     word [di + 2], 0xF000
        add     di, 4
        loop    .ivt
        call    unreal
        call    qemu_rom_setup
        PRINT   "vgatest", 10

        ; ------------------------------------------------ the ROM header
        push    ds
        mov     ax, 0xC000
        mov     ds, ax
        mov     ax, [0]
        mov     bl, [2]
        pop     ds
        VAL16   "sig", ax
        cmp     bl, 64
        jbe     .szok
        PRINT   "ROM larger than 32 KiB", 10
.szok:  ; checksum over the whole image
        push    ds
        mov     ax, 0xC000
        mov     ds, ax
        movzx   cx, bl
        shl     cx, 9
        xor     si, si
        xor     al, al
.sum:   add     al, [si]
        inc     si
        loop    .sum
        pop     ds
        VAL8    "checksum", al

        ; ------------------------------------------------ init
        call    0xC000:0x0003
        mov     ax, [0x10 * 4 + 2]
        VAL16   "int10 seg", ax
        mov     ax, [0x6D * 4 + 2]
        VAL16   "int6d seg", ax

        mov     ah, 0x0F
        xor     cx, cx
        xor     dx, dx
        int     0x10
        SHOWREGS "get mode"

        ; BIOS data area
        PRINT   "bda:"
        mov     si, 0x449
.bda1:  PRINT   " "
        HEX8    [si]
        inc     si
        cmp     si, 0x467
        jb      .bda1
        PRINT   10, "bda:"
        mov     si, 0x484
.bda2:  PRINT   " "
        HEX8    [si]
        inc     si
        cmp     si, 0x48B
        jb      .bda2
        PRINT   10
        ; CRTC start/cursor/max scan line, misc output
        mov     dx, 0x3CC
        in      al, dx
        VAL8    "misc", al
        mov     cl, 0x09
        call    crtc_show
        mov     cl, 0x0A
        call    crtc_show
        mov     cl, 0x0B
        call    crtc_show
        PRINT   10

        ; ------------------------------------------------ teletype
        mov     si, hello
.tt:    mov     al, [cs:si]
        test    al, al
        jz      .ttd
        mov     ah, 0x0E
        mov     bx, 0x0007
        int     0x10
        inc     si
        jmp     .tt
.ttd:   mov     ah, 3
        xor     bh, bh
        int     0x10
        SHOWREGS "cursor"
        mov     cl, 0x0E
        call    crtc_show
        mov     cl, 0x0F
        call    crtc_show
        PRINT   10
        ; row 0 and row 1 as text, and two attributes
        mov     si, 0
        call    show_row
        mov     si, 160
        call    show_row
        push    es
        mov     ax, 0xB800
        mov     es, ax
        mov     al, [es:1]
        mov     ah, [es:161]
        pop     es
        VAL16   "attrs", ax

        ; ------------------------------------------------ write string
        push    cs
        pop     es
        mov     bp, str13
        mov     ax, 0x1301              ; move cursor
        mov     bx, 0x001E
        mov     cx, str13_len
        mov     dx, 0x0305
        int     0x10
        xor     ax, ax
        mov     es, ax
        mov     ah, 3
        xor     bh, bh
        int     0x10
        VAL16   "cursor13", dx
        mov     si, 3 * 160
        call    show_row
        mov     ah, 8                   ; read char at the cursor - 1
        xor     bh, bh
        mov     dx, 0x0306
        mov     ah, 2
        int     0x10
        mov     ah, 8
        int     0x10
        VAL16   "read char", ax

        ; AH=13h with character/attribute pairs, cursor not moved
        mov     bp, str13a
        push    cs
        pop     es
        mov     ax, 0x1302
        xor     bh, bh
        mov     cx, 3
        mov     dx, 0x0400
        int     0x10
        xor     ax, ax
        mov     es, ax
        mov     ah, 3
        int     0x10
        push    es
        mov     ax, 0xB800
        mov     es, ax
        mov     ax, [es:4 * 160]
        mov     bx, [es:4 * 160 + 2]
        mov     cx, [es:4 * 160 + 4]
        pop     es
        SHOWREGS "str13 attrs"

        ; ------------------------------------------------ 09h + scroll
        mov     ah, 2
        xor     bh, bh
        mov     dx, 0x0100
        int     0x10
        mov     ax, 0x0958
        mov     bx, 0x004F
        mov     cx, 3
        int     0x10
        mov     ax, 0x0601              ; up one line
        mov     bh, 0x1E
        xor     cx, cx
        mov     dx, 0x184F
        int     0x10
        push    es
        mov     ax, 0xB800
        mov     es, ax
        mov     ax, [es:0]
        mov     bx, [es:4]
        mov     cx, [es:6]
        mov     dx, [es:24 * 160]
        pop     es
        SHOWREGS "scroll up"
        mov     ax, 0x0702              ; down two lines in a window
        mov     bh, 0x2F
        mov     cx, 0x0000
        mov     dx, 0x0A02
        int     0x10
        push    es
        mov     ax, 0xB800
        mov     es, ax
        mov     ax, [es:0]
        mov     bx, [es:2 * 160]
        mov     cx, [es:2 * 160 + 6]
        mov     dx, [es:160 + 4]
        pop     es
        SHOWREGS "scroll down"

        ; ------------------------------------------------ teletype scroll
        mov     ah, 2
        xor     bh, bh
        mov     dx, 0x1800              ; last row
        int     0x10
        mov     ax, 0x0E41
        int     0x10
        mov     ax, 0x0E0A              ; LF on the last row scrolls
        int     0x10
        mov     ah, 3
        int     0x10
        push    es
        mov     ax, 0xB800
        mov     es, ax
        mov     ax, [es:23 * 160]
        mov     bx, [es:24 * 160]
        pop     es
        SHOWREGS "tty scroll"

        ; ------------------------------------------------ pages
        mov     ax, 0x0502
        int     0x10
        mov     ah, 0x0F
        int     0x10
        mov     al, [0x462]
        mov     bx, [0x44E]
        mov     cl, 0x0C
        call    crtc_show
        mov     cl, 0x0D
        call    crtc_show
        SHOWREGS "page 2"
        mov     ax, 0x0500
        int     0x10

        ; ------------------------------------------------ palette
        mov     ax, 0x1010
        mov     bx, 5
        mov     dh, 0x11
        mov     cx, 0x2233
        int     0x10
        mov     ax, 0x1015
        mov     bx, 5
        xor     cx, cx
        xor     dx, dx
        int     0x10
        SHOWREGS "dac 5"
        mov     ax, 0x1000
        mov     bx, 0x3A01
        int     0x10
        mov     ax, 0x1007
        mov     bx, 0x0001
        int     0x10
        SHOWREGS "palreg 1"
        mov     ax, 0x1003
        mov     bl, 0
        int     0x10
        mov     dx, 0x3DA
        in      al, dx
        mov     dx, 0x3C0
        mov     al, 0x30
        out     dx, al
        inc     dx
        in      al, dx
        VAL8    "ar10", al
        mov     ax, 0x1003
        mov     bl, 1
        int     0x10
        ; ------------------------------------------------ fonts
        mov     ax, 0x1130
        mov     bh, 6
        int     0x10
        mov     ax, es
        xor     bx, bx                  ; BX = 1: the table lies in the ROM
        cmp     bp, 0x8000 - 256 * 16
        ja      .fnt
        inc     bx
.fnt:   SHOWREGS "font 8x16"
        xor     ax, ax
        mov     es, ax
        ; glyph 'A' in plane 2 equals the ROM's 8x16 'A'
        call    font_check
        ; 8x8 font: 50 rows
        mov     ax, 0x1112
        mov     bl, 0
        int     0x10
        mov     al, [0x484]
        mov     bx, [0x485]
        mov     cx, [0x44C]
        mov     dx, 0x3D4
        push    ax
        mov     al, 9
        out     dx, al
        inc     dx
        in      al, dx
        mov     dl, al
        pop     ax
        SHOWREGS "8x8 rows"
        ; ------------------------------------------------ 12h, 1Ah, 1Bh
        mov     ah, 0x12
        mov     bl, 0x10
        int     0x10
        SHOWREGS "ega info"
        mov     ax, 0x1A00
        int     0x10
        SHOWREGS "dcc"
        mov     ax, 0x1B00
        xor     bx, bx
        mov     di, BUF
        int     0x10
        mov     bl, [BUF + 4]
        mov     cx, [BUF + 0x22]
        mov     dx, [BUF + 0x27]
        SHOWREGS "state"

        ; ------------------------------------------------ user font
        ; glyph 80h from RAM (ES:BP), then read back from plane 2
        mov     di, BUF
        mov     cx, 16
        mov     al, 0x11
.uf:    mov     [di], al
        add     al, 0x11
        inc     di
        loop    .uf
        mov     ax, 0x1100
        mov     bp, BUF
        mov     bx, 0x1000
        mov     cx, 1
        mov     dx, 0x80
        int     0x10
        call    plane2_on
        push    ds
        mov     ax, 0xA000
        mov     ds, ax
        mov     eax, [0x80 * 32]
        mov     ebx, [0x80 * 32 + 12]
        mov     ecx, [0x81 * 32]
        pop     ds
        call    plane2_off
        VAL32   "glyph80[0]", eax
        VAL32   "glyph80[12]", ebx
        VAL32   "glyph81[0]", ecx
        ; ------------------------------------------------ palette blocks
        mov     di, BUF
        mov     cx, 17
        mov     al, 0x3F
.pt:    mov     [di], al
        dec     al
        inc     di
        loop    .pt
        mov     ax, 0x1002              ; all palette registers + overscan
        mov     dx, BUF
        int     0x10
        mov     di, BUF + 0x40
        mov     cx, 17
        xor     al, al
        rep     stosb
        mov     ax, 0x1009
        mov     dx, BUF + 0x40
        int     0x10
        mov     eax, [BUF + 0x40]
        mov     ebx, [BUF + 0x40 + 12]
        mov     cl, [BUF + 0x40 + 16]
        VAL32   "palregs[0]", eax
        VAL32   "palregs[12]", ebx
        VAL8    "overscan", cl
        mov     ax, 0x1008
        int     0x10
        VAL8    "overscan 08", bh
        mov     dword [BUF], 0x0C0B0A01         ; DAC 20h-21h: 01 0A 0B, 0C 0D 0E
        mov     word [BUF + 4], 0x0E0D
        mov     ax, 0x1012
        mov     bx, 0x20
        mov     cx, 2
        mov     dx, BUF
        int     0x10
        mov     dword [BUF + 8], 0
        mov     word [BUF + 12], 0
        mov     ax, 0x1017
        mov     bx, 0x20
        mov     cx, 2
        mov     dx, BUF + 8
        int     0x10
        VAL32   "dacblk", [BUF + 8]
        VAL16   "dacblk+4", [BUF + 12]
        mov     ax, 0x101B              ; grey: (30*1+59*10+11*11+50)/100 = 7
        mov     bx, 0x20
        mov     cx, 1
        int     0x10
        mov     ax, 0x1015
        mov     bx, 0x20
        int     0x10
        SHOWREGS "grey 20"
        mov     ax, 0x0003              ; default palette back
        int     0x10

        ; ------------------------------------------------ modes 1 and 7
        mov     ax, 0x0001
        int     0x10
        mov     ah, 0x0F
        int     0x10
        mov     bx, [0x44C]
        mov     cl, 0x01
        call    crtc_show
        SHOWREGS "mode 1"
        mov     ax, 0x0007
        int     0x10
        mov     ax, 0x0E4D              ; 'M'
        int     0x10
        mov     ah, 0x0F
        int     0x10
        mov     bx, [0x463]
        mov     cx, [0x410]
        and     cx, 0x30
        push    es
        mov     dx, 0xB000
        mov     es, dx
        mov     dx, [es:0]
        pop     es
        SHOWREGS "mode 7"
        mov     dx, 0x3B4
        mov     al, 0x0F
        out     dx, al
        inc     dx
        in      al, dx
        VAL8    "mono cr0F", al
        mov     ax, 0x0083              ; mode 3, memory kept
        int     0x10
        mov     ah, 0x0F
        int     0x10
        push    es
        mov     bx, 0xB800
        mov     es, bx
        mov     bx, [es:0]
        pop     es
        mov     cx, [0x410]
        and     cx, 0x30
        mov     dl, [0x487]
        SHOWREGS "mode 83h"
        mov     ax, 0x0003
        int     0x10

        ; ------------------------------------------------ 12h/34h, 36h, 0Bh, 1Ch
        mov     ax, 0x1201              ; cursor emulation off
        mov     bl, 0x34
        int     0x10
        push    ax
        mov     ah, 1
        mov     cx, 0x0607
        int     0x10
        pop     ax
        mov     bl, [0x487]
        mov     cl, 0x0A
        call    crtc_show
        mov     cl, 0x0B
        call    crtc_show
        SHOWREGS "emul off"
        mov     ax, 0x1200
        mov     bl, 0x34
        int     0x10
        mov     ah, 1
        mov     cx, 0x0607
        int     0x10
        mov     ax, 0x1201              ; screen off
        mov     bl, 0x36
        int     0x10
        mov     dx, 0x3C4
        mov     al, 1
        out     dx, al
        inc     dx
        in      al, dx
        VAL8    "sr1 off", al
        mov     ax, 0x1200
        mov     bl, 0x36
        int     0x10
        mov     dx, 0x3C4
        mov     al, 1
        out     dx, al
        inc     dx
        in      al, dx
        VAL8    "sr1 on", al
        mov     ah, 0x0B                ; border yellow
        mov     bx, 0x000E
        int     0x10
        mov     ax, 0x1008
        int     0x10
        VAL8    "border", bh
        mov     ah, 0x0B
        mov     bx, 0x0000
        int     0x10
        mov     ax, 0x1C00
        mov     cx, 7
        int     0x10
        VAL8    "1c", al

        ; ------------------------------------------------ mode 13h
        mov     ax, 0x0013
        int     0x10
        mov     ah, 0x0F
        int     0x10
        SHOWREGS "mode 13h"
        mov     ax, 0x0C2A
        mov     cx, 10
        mov     dx, 20
        int     0x10
        mov     ax, 0x0D00
        int     0x10
        push    es
        mov     bx, 0xA000
        mov     es, bx
        mov     bl, [es:20 * 320 + 10]
        pop     es
        SHOWREGS "pixel 13h"
        mov     ax, 0x0A41              ; 'A' in colour 9 at (0, 1)
        mov     bx, 0x0009
        mov     cx, 1
        push    ax
        mov     ah, 2
        mov     dx, 0x0001
        int     0x10
        pop     ax
        int     0x10
        push    es
        mov     ax, 0xA000
        mov     es, ax
        xor     bx, bx                  ; pixels set in the cell: count
        xor     cx, cx
        mov     di, 8
.c13:   mov     al, [es:di]
        test    al, al
        jz      .c13n
        inc     bx
        mov     cl, al
.c13n:  inc     di
        mov     ax, di
        and     ax, 7
        jnz     .c13
        add     di, 320 - 8
        cmp     di, 8 * 320
        jb      .c13
        pop     es
        SHOWREGS "char 13h"
        mov     ah, 2                   ; read it back
        xor     bh, bh
        mov     dx, 0x0001
        int     0x10
        mov     ah, 8
        int     0x10
        VAL16   "read 13h", ax

        ; teletype LF on the last row scrolls the graphics screen
        mov     ax, 0x0C07
        mov     cx, 3
        mov     dx, 13
        int     0x10
        mov     ah, 2
        xor     bh, bh
        mov     dx, 0x1800
        int     0x10
        mov     ax, 0x0E0A
        int     0x10
        mov     ax, 0x0D00
        mov     cx, 3
        mov     dx, 5
        int     0x10
        mov     bx, ax
        mov     ax, 0x0D00
        mov     cx, 3
        mov     dx, 13
        int     0x10
        SHOWREGS "scroll 13h"
        ; ------------------------------------------------ mode 12h
        mov     ax, 0x0012
        int     0x10
        mov     ax, 0x0C05
        mov     cx, 101
        mov     dx, 479
        int     0x10
        mov     ax, 0x0D00
        int     0x10
        mov     bx, ax
        mov     ax, 0x0D00
        mov     cx, 100
        int     0x10
        SHOWREGS "pixel 12h"
        mov     ax, 0x0E42              ; teletype 'B' colour 14 at (0, 0)
        mov     bx, 0x000E
        int     0x10
        ; read plane 1 (colour 14 = planes 1,2,3) of the cell's 16 bytes
        mov     dx, 0x3CE
        mov     ax, 0x0104
        out     dx, ax
        push    es
        mov     ax, 0xA000
        mov     es, ax
        xor     bx, bx
        xor     di, di
        mov     cx, 16
.c12:   mov     al, [es:di]
        add     bl, al
        adc     bh, 0
        add     di, 80
        loop    .c12
        mov     ax, 0x0004
        mov     dx, 0x3CE
        out     dx, ax
        mov     al, [es:0]               ; plane 0: must be empty
        pop     es
        mov     ah, 3
        mov     cx, bx
        xor     bh, bh
        push    ax
        int     0x10
        pop     ax
        SHOWREGS "char 12h"
        mov     ah, 2
        xor     bh, bh
        xor     dx, dx
        int     0x10
        mov     ah, 8
        int     0x10
        VAL16   "read 12h", ax
        mov     ah, 2
        mov     dx, 0x0005
        int     0x10
        mov     ah, 8
        int     0x10
        VAL16   "read 12h blank", ax

        ; teletype LF on the last row scrolls the graphics screen
        mov     ax, 0x0C07
        mov     cx, 3
        mov     dx, 21
        int     0x10
        mov     ah, 2
        xor     bh, bh
        mov     dx, 0x1D00
        int     0x10
        mov     ax, 0x0E0A
        int     0x10
        mov     ax, 0x0D00
        mov     cx, 3
        mov     dx, 5
        int     0x10
        mov     bx, ax
        mov     ax, 0x0D00
        mov     cx, 3
        mov     dx, 21
        int     0x10
        SHOWREGS "scroll 12h"
        ; ------------------------------------------------ VBE
        mov     dword [BUF], 'VBE2'
        mov     ax, 0x4F00
        mov     di, BUF
        int     0x10
        VAL16   "4f00", ax
        PRINT   "sig="
        mov     eax, [BUF]
        call    print4
        PRINT   10
        VAL16   "version", [BUF + 4]
        VAL16   "memory64k", [BUF + 0x12]
        VAL32   "caps", [BUF + 0x0A]
        ; OEM string
        PRINT   "oem="
        lfs     si, [BUF + 6]
.oem:   mov     al, [fs:si]
        test    al, al
        jz      .oemd
        mov     [VARS + 0x80], al
        mov     byte [VARS + 0x81], 0
        push    si
        mov     si, VARS + 0x80
        call    ram_puts
        pop     si
        inc     si
        jmp     .oem
.oemd:  PRINT   10
        ; the mode list: count and whether 0x142 is there
        lfs     si, [BUF + 0x0E]
        xor     cx, cx
        xor     dx, dx
.ml:    mov     ax, [fs:si]
        cmp     ax, 0xFFFF
        je      .mld
        cmp     ax, 0x142
        jne     .mln
        inc     dx
.mln:   inc     cx
        add     si, 2
        cmp     cx, 200
        jb      .ml
.mld:   mov     ax, [BUF + 0x0E + 2]
        sub     ax, 0                   ; segment must be ours (ES)
        SHOWREGS "modes"

        ; 4F01 for 1024x768x32
        mov     ax, 0x4F01
        mov     cx, 0x142
        mov     di, MIB
        int     0x10
        VAL16   "4f01", ax
        VAL16   "attr", [MIB + 0x00]
        VAL8    "winA", [MIB + 0x02]
        VAL16   "gran", [MIB + 0x04]
        VAL16   "winseg", [MIB + 0x08]
        VAL16   "bpl", [MIB + 0x10]
        VAL16   "xres", [MIB + 0x12]
        VAL16   "yres", [MIB + 0x14]
        VAL8    "bpp", [MIB + 0x19]
        VAL8    "model", [MIB + 0x1B]
        VAL8    "pages", [MIB + 0x1D]
        VAL32   "masks", [MIB + 0x1F]
        VAL32   "masks2", [MIB + 0x23]
        VAL32   "lfb", [MIB + 0x28]
        VAL16   "linbpl", [MIB + 0x32]
        mov     ax, 0x4F01              ; an unknown mode fails
        mov     cx, 0x1FF
        int     0x10
        VAL16   "4f01 bad", ax

        ; 4F02 1024x768x32 with LFB
        mov     ax, 0x4F02
        mov     bx, 0x4142
        int     0x10
        VAL16   "4f02", ax
        mov     ax, 0x4F03
        int     0x10
        SHOWREGS "4f03"
        DISPI   "xres", 1
        DISPI   "yres", 2
        DISPI   "bpp", 3
        DISPI   "enable", 4
        DISPI   "bank", 5
        DISPI   "vwidth", 6
        PRINT   10
        ; pixels through the LFB (unreal mode, FS = 4 GiB flat)
        xor     ax, ax
        mov     fs, ax
        mov     edi, LFB
        mov     dword [fs:edi], 0x00FF8040
        mov     dword [fs:edi + 4 * 1023], 0x00123456
        mov     dword [fs:edi + 767 * 4096 + 4 * 1023], 0x00ABCDEF
        mov     dword [fs:edi + 0x10010], 0x00C0FFEE
        mov     eax, [fs:edi]
        VAL32   "lfb[0]", eax
        mov     eax, [fs:edi + 767 * 4096 + 4 * 1023]
        VAL32   "lfb[last]", eax
        ; the same memory through the banked window
        mov     ax, 0x4F05
        xor     bx, bx
        mov     dx, 1
        int     0x10
        VAL16   "4f05", ax
        mov     ax, 0x4F05
        mov     bx, 0x0100
        int     0x10
        VAL16   "bank", dx
        push    es
        mov     ax, 0xA000
        mov     es, ax
        mov     eax, [es:0x10]
        pop     es
        VAL32   "win[10010]", eax
        mov     ax, 0x4F05
        xor     bx, bx
        xor     dx, dx
        int     0x10
        push    es
        mov     ax, 0xA000
        mov     es, ax
        mov     eax, [es:4 * 1023]
        pop     es
        VAL32   "win[ffc]", eax
        ; 4F06 scan line
        mov     ax, 0x4F06
        mov     bl, 1
        int     0x10
        SHOWREGS "4f06 get"
        mov     ax, 0x4F06
        mov     bl, 0
        mov     cx, 1280
        int     0x10
        SHOWREGS "4f06 set"
        DISPI   "vwidth", 6
        PRINT   10
        mov     ax, 0x4F06
        mov     bl, 0
        mov     cx, 1024
        int     0x10
        ; 4F07 display start
        mov     ax, 0x4F07
        xor     bx, bx
        mov     cx, 8
        mov     dx, 100
        int     0x10
        mov     ax, 0x4F07
        mov     bx, 1
        int     0x10
        SHOWREGS "4f07"
        DISPI   "xoff", 8
        DISPI   "yoff", 9
        PRINT   10
        mov     ax, 0x4F07
        xor     bx, bx
        xor     cx, cx
        xor     dx, dx
        int     0x10
        ; 4F08 DAC width
        mov     ax, 0x4F08
        mov     bx, 0x0800
        int     0x10
        SHOWREGS "4f08"
        ; 4F09 palette (8-bit now)
        mov     dword [BUF], 0x00C08040         ; B=40 G=80 R=C0
        mov     ax, 0x4F09
        xor     bl, bl
        mov     cx, 1
        mov     dx, 7
        mov     di, BUF
        int     0x10
        mov     dword [BUF + 4], 0xFFFFFFFF
        mov     ax, 0x4F09
        mov     bl, 1
        mov     cx, 1
        mov     dx, 7
        mov     di, BUF + 4
        int     0x10
        VAL16   "4f09", ax
        VAL32   "pal7", [BUF + 4]
        mov     ax, 0x4F08
        mov     bx, 0x0600
        int     0x10
        ; 4F04 state sizes
        mov     ax, 0x4F04
        xor     dl, dl
        mov     cx, 0x000A
        int     0x10
        SHOWREGS "4f04"
        mov     ax, 0x4F04
        xor     dl, dl
        mov     cx, 0x000F
        int     0x10
        VAL16   "4f04 hw", ax
        ; save the SVGA state, go to mode 3, restore it
        mov     ax, 0x4F04
        mov     dl, 1
        mov     cx, 0x000A
        mov     bx, SAVEBUF
        int     0x10
        mov     ax, 0x0003
        int     0x10
        DISPI   "enable", 4
        mov     ax, 0x4F04
        mov     dl, 2
        mov     cx, 0x000A
        mov     bx, SAVEBUF
        int     0x10
        DISPI   "enable", 4
        DISPI   "xres", 1
        PRINT   10
        xor     ax, ax
        mov     fs, ax
        mov     edi, LFB
        mov     eax, [fs:edi + 767 * 4096 + 4 * 1023]
        VAL32   "lfb kept", eax
        mov     ax, 0x4F0A
        int     0x10
        VAL16   "4f0a", ax
        ; 4F00 for a VBE 1.x caller: 256 bytes, strings in ROM
        mov     dword [BUF], 0
        mov     dword [BUF + 0x100], 0x12345678
        mov     ax, 0x4F00
        mov     di, BUF
        int     0x10
        mov     bx, [BUF + 8]                   ; OEM string segment
        mov     ecx, [BUF + 0x100]
        mov     dx, [BUF + 0x10]                ; mode list segment
        SHOWREGS "4f00 v1"
        VAL32   "after block", ecx
        ; 4F02 keeping memory (bit 15), without the LFB bit
        mov     ax, 0x4F02
        mov     bx, 0x8142
        int     0x10
        mov     ax, 0x4F03
        int     0x10
        xor     cx, cx
        xor     dx, dx
        SHOWREGS "4f03 nolfb"
        xor     ax, ax
        mov     fs, ax
        mov     edi, LFB
        mov     eax, [fs:edi + 767 * 4096 + 4 * 1023]
        VAL32   "lfb kept2", eax
        ; 4F05 on an invalid window fails
        mov     ax, 0x4F05
        mov     bx, 0x0001
        xor     dx, dx
        int     0x10
        VAL16   "4f05 winB", ax
        ; the far window function
        mov     bx, 0
        mov     dx, 2
        call    far [MIB + 0x0C]
        VAL16   "winfunc", ax
        mov     ax, 0x4F05
        mov     bx, 0x0100
        int     0x10
        VAL16   "bank", dx
        ; a VBE mode with the 8-bit (packed pixel) 640x480 mode, then
        ; back to text through 4F02
        mov     ax, 0x4F02
        mov     bx, 0x0101
        int     0x10
        VAL16   "4f02 101", ax
        DISPI   "bpp", 3
        DISPI   "enable", 4
        PRINT   10
        mov     ax, 0x4F02
        mov     bx, 0x0003
        int     0x10
        VAL16   "4f02 3", ax
        DISPI   "enable", 4
        PRINT   10
        mov     ah, 0x0F
        xor     cx, cx
        xor     dx, dx
        int     0x10
        SHOWREGS "mode"

        ; final screen: text for the screenshot
        mov     si, final
.fin:   mov     al, [cs:si]
        test    al, al
        jz      .find
        mov     ah, 0x0E
        mov     bx, 0x0007
        int     0x10
        inc     si
        jmp     .fin
.find:  mov     si, 160
        call    show_row
%ifdef HOLD
        sti
.hold:  hlt
        jmp     .hold
%endif
        DONE

; ---------------------------------------------------------------- helpers
dflt_iret:
        iret

; prints CRTC register CL as "crNN=VV "
crtc_show:
        push    ax
        push    dx
        mov     dx, 0x3D4
        mov     al, cl
        out     dx, al
        inc     dx
        in      al, dx
        PRINT   "cr"
        HEX8    cl
        PRINT   "="
        HEX8    al
        PRINT   " "
        pop     dx
        pop     ax
        ret

; prints the 20 characters at B800:SI (text row) between quotes
show_row:
        push    es
        push    ax
        push    cx
        push    si
        mov     ax, 0xB800
        mov     es, ax
        PRINT   "row '"
        mov     cx, 20
.l:     mov     al, [es:si]
        cmp     al, 0x20
        jae     .p
        mov     al, '.'
.p:     mov     [VARS + 0x80], al
        mov     byte [VARS + 0x81], 0
        push    si
        mov     si, VARS + 0x80
        call    ram_puts
        pop     si
        add     si, 2
        loop    .l
        PRINT   "'", 10
        pop     si
        pop     cx
        pop     ax
        pop     es
        ret

; prints the zero-terminated string at DS:SI (DS = 0)
ram_puts:
        push    ax
        push    si
.l:     mov     al, [si]
        test    al, al
        jz      .d
        out     0xE9, al
        inc     si
        jmp     .l
.d:     pop     si
        pop     ax
        ret

; prints EAX as 4 characters
print4:
        push    eax
        push    cx
        mov     cx, 4
.l:     out     0xE9, al
        shr     eax, 8
        loop    .l
        pop     cx
        pop     eax
        ret

; compares the 16 bytes of glyph 'A' in plane 2 (block 0) with the ROM's
; 8x16 font (ES:BP from 1130h, BH=6)
font_check:
        push    es
        mov     ax, 0x1130
        mov     bh, 6
        int     0x10
        mov     si, bp
        add     si, 'A' * 16
        ; plane 2 readable at A0000
        mov     dx, 0x3C4
        mov     ax, 0x0402
        out     dx, ax
        mov     ax, 0x0704
        out     dx, ax
        mov     dx, 0x3CE
        mov     ax, 0x0204
        out     dx, ax
        mov     ax, 0x0005
        out     dx, ax
        mov     ax, 0x0406
        out     dx, ax
        push    ds
        mov     ax, 0xA000
        mov     ds, ax
        mov     di, 'A' * 32
        xor     bx, bx                  ; mismatches
        xor     dx, dx                  ; ink bits (non-empty glyph)
        mov     cx, 16
.l:     mov     al, [di]
        cmp     al, [es:si]
        je      .s
        inc     bx
.s:     or      dl, al
        inc     si
        inc     di
        loop    .l
        pop     ds
        ; text addressing back
        mov     dx, 0x3C4
        mov     ax, 0x0302
        out     dx, ax
        mov     ax, 0x0304
        out     dx, ax
        mov     dx, 0x3CE
        mov     ax, 0x0004
        out     dx, ax
        mov     ax, 0x1005
        out     dx, ax
        mov     ax, 0x0E06
        out     dx, ax
        pop     es
        VAL16   "font A mismatches", bx
        ret

; plane 2 at A0000 (font access) and back to text addressing
plane2_on:
        push    ax
        push    dx
        mov     dx, 0x3C4
        mov     ax, 0x0402
        out     dx, ax
        mov     ax, 0x0704
        out     dx, ax
        mov     dx, 0x3CE
        mov     ax, 0x0204
        out     dx, ax
        mov     ax, 0x0005
        out     dx, ax
        mov     ax, 0x0406
        out     dx, ax
        pop     dx
        pop     ax
        ret
plane2_off:
        push    ax
        push    dx
        mov     dx, 0x3C4
        mov     ax, 0x0302
        out     dx, ax
        mov     ax, 0x0304
        out     dx, ax
        mov     dx, 0x3CE
        mov     ax, 0x0004
        out     dx, ax
        mov     ax, 0x1005
        out     dx, ax
        mov     ax, 0x0E06
        out     dx, ax
        pop     dx
        pop     ax
        ret

; Unreal mode: FS with a 4 GiB limit.
unreal:
        cli
        lgdt    [cs:gdt_desc]
        mov     eax, cr0
        or      al, 1
        mov     cr0, eax
        jmp     .pm
.pm:    mov     bx, 0x08
        mov     fs, bx
        and     al, 0xFE
        mov     cr0, eax
        jmp     .rm
.rm:    xor     bx, bx
        mov     fs, bx
        ret

        align   8
gdt:    dq      0
        dq      0x00CF92000000FFFF      ; flat 4 GiB data
gdt_desc:
        dw      gdt_desc - gdt - 1
        dd      0xF0000 + gdt

; QEMU: no ROM at C0000 yet: set up the PCI VGA and copy its ROM.
qemu_rom_setup:
        push    es
        mov     ax, 0xC000
        mov     es, ax
        cmp     word [es:0], 0xAA55
        pop     es
        je      .r
        mov     dx, 0xCF8
        mov     eax, 0x80000000
        out     dx, eax
        in      eax, dx
        cmp     eax, 0x80000000
        jne     .r
        mov     ebx, 0x80000000
.scan:  mov     eax, ebx
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        in      eax, dx
        cmp     eax, 0x11111234
        je      .found
        add     ebx, 0x800
        cmp     ebx, 0x80010000
        jb      .scan
        ret
.found: lea     eax, [ebx + 0x10]       ; BAR0 = LFB
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, LFB
        out     dx, eax
        lea     eax, [ebx + 0x30]       ; ROM BAR
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        mov     eax, 0xFEB00001
        out     dx, eax
        lea     eax, [ebx + 0x04]       ; memory + I/O decoding
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        in      ax, dx
        or      ax, 3
        out     dx, ax
        ; i440FX PAM1/PAM2 (C0000-CFFFF): RAM read/write
        mov     eax, 0x80000058
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFE
        mov     al, 0x33
        out     dx, al
        inc     dx
        out     dx, al
        ; copy 64 KiB
        xor     ax, ax
        mov     fs, ax
        mov     esi, 0xFEB00000
        mov     edi, 0xC0000
        mov     ecx, 0x4000
.cp:    mov     eax, [fs:esi]
        mov     [fs:edi], eax
        add     esi, 4
        add     edi, 4
        dec     ecx
        jnz     .cp
        lea     eax, [ebx + 0x30]       ; ROM BAR off
        mov     dx, 0xCF8
        out     dx, eax
        mov     dx, 0xCFC
        xor     eax, eax
        out     dx, eax
.r:     ret

hello:  db      'Hello', 13, 10, 'VGA', 7, 'X', 8, 'Y', 0
str13:  db      'string13'
str13_len equ   $ - str13
str13a: db      'a', 0x1A, 'b', 0x2B, 'c', 0x3C
final:  db      13, 10, 'x86pc VGA BIOS test: mode 3 text OK', 0

        ROM_END
