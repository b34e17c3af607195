; pm_enter -- entering 32-bit protected mode (LGDT, CR0.PE, far JMP),
; loading data segments, running a 16-bit protected-mode code segment, and
; going back to real mode (keeping a 4 GiB FS limit: "unreal" mode).
%include "lib.inc"

SEL_HIGH  equ SEL_FIRST_FREE    ; data, base 200000, limit FFFF
HIGH_BASE equ 0x200000

start:
    RM_INIT
    PRINT "pm_enter", 10
    mov eax, cr0
    VAL32 "real cr0", eax           ; reset value: CD NW ET
    sidt [scratch]
    PRINT "real idtr="
    HEX16 [scratch]
    PRINT ":"
    HEX32 [scratch+2]
    PRINT 10

    PM_ENTER gdt_tmpl, gdt_tmpl_end
    ; ---- 32-bit protected mode, CPL 0 ----
    PRINT "in protected mode", 10
    mov eax, cr0
    VAL32 "cr0", eax
    xor eax, eax
    smsw ax
    VAL16 "smsw", ax
    sgdt [scratch]
    PRINT "gdtr="
    HEX16 [scratch]
    PRINT ":"
    HEX32 [scratch+2]
    sidt [scratch]
    PRINT " idtr="
    HEX16 [scratch]
    PRINT ":"
    HEX32 [scratch+2]
    PRINT 10
    mov eax, 0xFFFFFFFF
    str ax
    PRINT "tr="
    HEX16 ax
    sldt ax
    PRINT " ldtr="
    HEX16 ax
    mov ax, cs
    PRINT " cs="
    HEX16 ax
    mov ax, ds
    PRINT " ds="
    HEX16 ax
    mov ax, ss
    PRINT " ss="
    HEX16 ax
    PRINT 10

    ; 32-bit addressing: above 1 MiB through the flat DS, and through a
    ; segment whose base is 200000.
    mov dword [HIGH_BASE], 0xCAFEBABE
    mov dword [HIGH_BASE+4], 0x12345678
    mov ax, SEL_HIGH
    mov es, ax
    mov eax, [es:0]
    VAL32 "es:0", eax
    mov word [es:6], 0x9ABC         ; visible through the flat DS
    mov eax, [HIGH_BASE+4]
    VAL32 "flat 200004", eax

    ; descriptor cache as seen by LAR/LSL (accessed bits are preset)
    mov eax, 0xFFFFFFFF
    mov ecx, SEL_CODE32
    lar eax, ecx
    VAL32 "lar cs", eax
    mov ebx, SEL_HIGH
    lsl ebx, ebx
    VAL32 "lsl high", ebx
    mov ebx, SEL_DATA
    lsl ebx, ebx
    VAL32 "lsl data", ebx

    ; a 16-bit protected-mode code segment: default operand size 16
    mov ebx, esp
    jmp SEL_CODE16:code16
bits 16
code16:
    push ax                         ; 2 bytes in a 16-bit segment
    mov ecx, ebx
    sub ecx, esp
    pop ax
    push dword 0x11223344           ; 66-prefixed: 4 bytes
    mov edx, ebx
    sub edx, esp
    pop eax
    jmp dword SEL_CODE32:back32
bits 32
back32:
    push ax                         ; 66-prefixed in a 32-bit segment
    mov esi, ebx
    sub esi, esp
    pop ax
    PRINT "push sizes: code16 push ax="
    HEX8 cl
    PRINT " push dword="
    HEX8 dl
    PRINT " code32 push ax="
    HEX16 si
    PRINT 10

    ; leave FS with a flat 4 GiB descriptor for unreal mode
    mov ax, SEL_DATA
    mov fs, ax
    RM_RETURN
    ; ---- real mode again ----
    PRINT "back in real mode", 10
    mov eax, cr0
    VAL32 "cr0", eax
    mov ax, cs
    VAL16 "cs", ax
    mov esi, HIGH_BASE
    mov eax, [fs:esi]               ; FS keeps its 4 GiB cached limit
    VAL32 "unreal fs:[200000]", eax
    ; the IVT works again
    mov word [0x60*4], int60
    mov word [0x60*4+2], 0xF000
    mov ax, 1
    int 0x60
    VAL16 "int 60 returned", ax
    DONE

int60:
    PRINT "int 60 in real mode", 10
    add ax, 0x41
    iret

gdt_tmpl:
    STD_GDT
    DESC HIGH_BASE, 0xFFFF, ACC_DATA, FL_32     ; 38 SEL_HIGH
gdt_tmpl_end:

    ROM_END
