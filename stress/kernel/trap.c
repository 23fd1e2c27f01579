/*
 * trap.c - the machine-mode trap vector (mtvec, direct mode).
 *
 * GCC's interrupt("machine") attribute saves what the handler uses and
 * returns with mret. The machine software interrupt is a remote barrier
 * (ipi.c). Anything else is fatal: a physmem PM_ASSERT (__builtin_trap is
 * ebreak: mcause 3), a stray access (mcause 5/7) or an illegal instruction
 * ends the run with a FAIL line that names the cause and the pc.
 */
#include <stdint.h>

#include "hw.h"
#include "ipi.h"
#include "verdict.h"

void guest_trap_entry(void) __attribute__((interrupt("machine"), aligned(4)));

static const char *cause_name(uint64_t cause)
{
    switch (cause) {
    case 0:
        return "instruction address misaligned";
    case 1:
        return "instruction access fault";
    case 2:
        return "illegal instruction";
    case 3:
        return "breakpoint (a physmem PM_ASSERT)";
    case 4:
        return "load address misaligned";
    case 5:
        return "load access fault";
    case 6:
        return "store address misaligned";
    case 7:
        return "store access fault";
    default:
        return "unexpected";
    }
}

void guest_trap_entry(void)
{
    uint64_t cause, epc, tval;

    __asm__ __volatile__("csrr %0, mcause" : "=r"(cause));
    if (cause == (HW_MCAUSE_INTERRUPT | HW_MCAUSE_MSI)) {
        ipi_handle();
        return;
    }
    __asm__ __volatile__("csrr %0, mepc" : "=r"(epc));
    __asm__ __volatile__("csrr %0, mtval" : "=r"(tval));
    verdict_fail("trap: mcause=0x%lx (%s) mepc=0x%lx mtval=0x%lx", (unsigned long)cause,
                 (cause & HW_MCAUSE_INTERRUPT) ? "interrupt" : cause_name(cause),
                 (unsigned long)epc, (unsigned long)tval);
}
