/*
 * uart.c - polled ns16550 output: wait for THRE (LSR bit 5), write THR.
 * QEMU's model needs no setup (no baud rate, no FIFO enable).
 */
#include "uart.h"

#include "hw.h"

#define UART_THR      0u
#define UART_LSR      5u
#define UART_LSR_THRE 0x20u

void uart_write(const char *s)
{
    for (; *s != '\0'; s++) {
        while ((hw_read8(HW_UART_BASE + UART_LSR) & UART_LSR_THRE) == 0)
            ;
        hw_write8(HW_UART_BASE + UART_THR, (uint8_t)*s);
    }
}
