/*
 * verdict.c - one verdict per boot. A compare-and-swap on `taken` picks the
 * hart that speaks; it formats the whole line into a buffer, writes it to
 * the UART in one go, and writes the sifive_test finisher: 0x5555 (QEMU
 * exits 0) or 1 << 16 | 0x3333 (QEMU exits 1). A hart that loses the race
 * parks with interrupts on, so a remote barrier already waiting on it is
 * still acknowledged while the winner prints.
 */
#include "verdict.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "config.h"
#include "fmt.h"
#include "hart.h"
#include "hw.h"
#include "uart.h"

#define VERDICT_LINE 512

static _Atomic unsigned taken; /* a word: a byte CAS would call libatomic */
static char line[VERDICT_LINE];

static _Noreturn void park(void)
{
    for (;;)
        hw_wfi();
}

static _Noreturn void power_off(bool pass)
{
    hw_fence();
    hw_write32(HW_TEST_BASE, pass ? HW_TEST_PASS : (1u << 16) | HW_TEST_FAIL);
    park();
}

static bool take(void)
{
    unsigned expected = 0;

    return atomic_compare_exchange_strong(&taken, &expected, 1);
}

void verdict_fail(const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (!take())
        park();
    n = fmt_format(line, sizeof(line), "physmem-guest: FAIL ");
    va_start(ap, fmt);
    n += fmt_vformat(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    fmt_format(line + n, sizeof(line) - n,
               " (mode=%s harts=%u seed=%lu fault=%s flags=0x%x hart=%u t=%lums)\n",
               config_mode_name(), hart_count(), (unsigned long)guest_config.seed,
               config_fault_name(), guest_config.flags, hart_id(), (unsigned long)hw_mtime_ms());
    uart_write(line);
    power_off(false);
}

void verdict_pass(const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (!take())
        park();
    n = fmt_format(line, sizeof(line),
                   "physmem-guest: PASS mode=%s harts=%u seed=%lu fault=%s flags=0x%x ",
                   config_mode_name(), hart_count(), (unsigned long)guest_config.seed,
                   config_fault_name(), guest_config.flags);
    va_start(ap, fmt);
    n += fmt_vformat(line + n, sizeof(line) - n, fmt, ap);
    va_end(ap);
    fmt_format(line + n, sizeof(line) - n, " boot-to-verdict-ms=%lu\n",
               (unsigned long)hw_mtime_ms());
    uart_write(line);
    power_off(true);
}
