/*
 * uart.h - the console: polled output on QEMU virt's ns16550.
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

/* Writes s, waiting for the transmitter before each character. Not
 * serialized: the guest has one writer (the verdict). */
void uart_write(const char *s);

#endif /* GUEST_UART_H */
