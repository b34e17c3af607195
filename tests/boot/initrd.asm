; Test data for the direct kernel boot tests: 70000 bytes, dword i =
; (i * 2654435761) mod 2^32.  Build: nasm -f bin -o initrd.bin initrd.asm
%assign i 0
%rep 17500
        dd      (i * 2654435761) & 0xFFFFFFFF
%assign i i + 1
%endrep
