; Disk image for dma_smc: sector 0 holds "mov eax, 22222222h ; retf"
; (16-bit code), the rest of 1 MiB is zero.
    db 0x66, 0xB8, 0x22, 0x22, 0x22, 0x22, 0xCB
    times 1048576 - ($ - $$) db 0
