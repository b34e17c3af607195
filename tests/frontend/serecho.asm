; serecho.asm -- test ROM for -nographic (tests/frontend/nographic.sh).
; Prints "READY" on COM1, then for every byte received prints it as two
; hex digits and a space; after receiving 'q' it prints "BYE" and halts
; with interrupts disabled.  Polls the UART (no interrupts).
        bits 16
        org 0
COM1    equ 0x3F8

start:
        cli
        mov si, ready
        call puts
.next:  mov dx, COM1 + 5
.wait:  in al, dx
        test al, 1
        jz .wait
        mov dx, COM1
        in al, dx
        mov bl, al
        shr al, 4
        call hexdig
        mov al, bl
        and al, 0x0F
        call hexdig
        mov al, ' '
        call putc
        cmp bl, 'q'
        jne .next
        mov si, bye
        call puts
.halt:  hlt
        jmp .halt

hexdig: add al, '0'
        cmp al, '9'
        jbe putc
        add al, 'A' - '9' - 1
putc:   push dx
        push ax
        mov dx, COM1 + 5
.w:     in al, dx
        test al, 0x20
        jz .w
        pop ax
        mov dx, COM1
        out dx, al
        pop dx
        ret

puts:   mov al, [cs:si]
        test al, al
        jz .done
        call putc
        inc si
        jmp puts
.done:  ret

ready:  db "READY", 13, 10, 0
bye:    db 13, 10, "BYE", 13, 10, 0

        times 0xFFF0 - ($ - $$) db 0
        jmp 0xF000:start
        times 0x10000 - ($ - $$) db 0
