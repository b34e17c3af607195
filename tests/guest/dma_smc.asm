; dma_smc -- a device's DMA write into code the CPU has already run must be
; seen by the next execution: code at 3000:0000 runs once, then the PIIX3
; IDE bus master (PCI 00:01.1, BAR4 set here) DMAs sector 0 of the disk
; over it (ATA READ DMA), and the code runs again.
; The disk image dma_smc_disk.img is built from dma_smc_disk.asm.
; x86pc-flags: -drive file=tests/guest/dma_smc_disk.img,if=ide,index=0,format=raw
%include "lib.inc"

BMIDE   equ 0xC000
PRD     equ 0x8000

%macro PCICFG_W32 2              ; devfn-register address, value
    mov eax, %1
    mov dx, 0xCF8
    out dx, eax
    mov eax, %2
    mov dx, 0xCFC
    out dx, eax
%endmacro

start:
    RM_INIT
    PRINT "dma_smc", 10
    ; code at 30000: mov eax, 11111111h ; retf
    mov byte [es:0], 0          ; ES=0 (RM_INIT)
    mov ax, 0x3000
    mov es, ax
    mov dword [es:0], 0x1111B866
    mov dword [es:4], 0xCB1111
    call 0x3000:0
    VAL32 "before DMA", eax

    ; PIIX3 IDE: BAR4 = C000, command = I/O + bus master
    PCICFG_W32 0x80000920, BMIDE
    PCICFG_W32 0x80000904, 0x0005
    ; PRD: one 512-byte entry to 30000, end of table
    mov dword [PRD], 0x30000
    mov dword [PRD + 4], 0x80000200
    mov dx, BMIDE + 4
    mov eax, PRD
    out dx, eax
    mov dx, BMIDE + 2
    mov al, 0x06                ; clear error and interrupt bits
    out dx, al
    mov dx, BMIDE
    mov al, 0x08                ; direction: device to memory
    out dx, al
    ; ATA READ DMA, LBA 0, 1 sector, master
    mov dx, 0x1F6
    mov al, 0xE0
    out dx, al
    mov dx, 0x1F2
    mov al, 1
    out dx, al
    mov dx, 0x1F3
    xor al, al
    out dx, al
    inc dx
    out dx, al
    inc dx
    out dx, al
    mov dx, 0x1F7
    mov al, 0xC8
    out dx, al
    mov dx, BMIDE
    mov al, 0x09                ; start
    out dx, al
    mov ecx, 1000000
.wait:
    mov dx, BMIDE + 2
    in al, dx
    test al, 4                  ; interrupt
    jnz .done
    dec ecx
    jnz .wait
    PRINT "DMA timeout", 10
.done:
    mov dx, BMIDE
    mov al, 0x08                ; stop
    out dx, al
    mov dx, BMIDE + 2
    in al, dx
    and al, 0x07
    VAL8 "bmide status", al
    mov dx, 0x1F7
    in al, dx
    VAL8 "ata status", al
    call 0x3000:0
    VAL32 "after DMA", eax
    DONE

    ROM_END
