/*
 * ipi.h - the remote barrier by inter-processor interrupt (CLINT MSIP).
 */
#ifndef GUEST_IPI_H
#define GUEST_IPI_H

#include <stdint.h>

/* Returns once every other online hart has executed fence rw,rw in its
 * interrupt handler after this call began. */
void ipi_barrier(void);

/* The machine software interrupt handler's body (trap.c). */
void ipi_handle(void);

/* Barriers this hart sent; interrupts this hart handled. */
uint64_t ipi_sent(unsigned hart);
uint64_t ipi_handled(unsigned hart);
/* Microseconds this hart spent in ipi_barrier, sending and waiting. */
uint64_t ipi_wait_us(unsigned hart);

#endif /* GUEST_IPI_H */
