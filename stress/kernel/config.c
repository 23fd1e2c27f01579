/*
 * config.c - the settings QEMU's loader device left at HW_CONFIG_BASE
 * (config.h): seven little-endian 64-bit words, checked and copied once by
 * hart 0 before the other harts run. The region and boot memory never
 * cover that page (hw.h), so the words stay readable for the whole run.
 */
#include "config.h"

#include <physmem/fault.h>
#include <physmem/smp.h>

#include "hart.h"
#include "hw.h"
#include "verdict.h"

#define CONFIG_WORDS 7

struct guest_config guest_config = {
    .seed = 1, .mode = GUEST_MODE_IPI, .fault = 0, .scale = 1, .harts = 4};

void config_read(void)
{
    const volatile uint64_t *w = (const volatile uint64_t *)HW_CONFIG_BASE;
    uint64_t v[CONFIG_WORDS];

    for (unsigned i = 0; i < CONFIG_WORDS; i++)
        v[i] = w[i];
    if (v[0] != CONFIG_MAGIC)
        return;
    guest_config.from_loader = true;
    if (v[1] != 0)
        guest_config.seed = v[1];
    if (v[2] > GUEST_MODE_FENCE)
        verdict_fail("config: mode word %lu (0 ipi, 1 fence)", (unsigned long)v[2]);
    guest_config.mode = (enum guest_mode)v[2];
    if (v[3] >> PM_NR_FAULTS)
        verdict_fail("config: fault mask 0x%lx", (unsigned long)v[3]);
    guest_config.fault = (unsigned)v[3];
    if (v[4] > 1000)
        verdict_fail("config: scale %lu (1..1000)", (unsigned long)v[4]);
    if (v[4] != 0)
        guest_config.scale = (unsigned)v[4];
    if (v[5] > GUEST_MAX_HARTS)
        verdict_fail("config: %lu harts (1..%u)", (unsigned long)v[5], GUEST_MAX_HARTS);
    if (v[5] != 0)
        guest_config.harts = (unsigned)v[5];
    if (v[6] & ~(uint64_t)(PM_SMP_NOCACHE | PM_SMP_STRICT_FREE | PM_SMP_NO_MEMBARRIER))
        verdict_fail("config: flags 0x%lx (PM_SMP_NOCACHE, _STRICT_FREE, _NO_MEMBARRIER)",
                     (unsigned long)v[6]);
    guest_config.flags = (unsigned)v[6];
}

const char *config_mode_name(void)
{
    return guest_config.mode == GUEST_MODE_FENCE ? "fence" : "ipi";
}

const char *config_fault_name(void)
{
    unsigned m = guest_config.fault;

    if (m == 0)
        return "none";
    if ((m & (m - 1)) != 0)
        return "several";
    for (unsigned i = 0; i < PM_NR_FAULTS; i++) {
        if (m == 1u << i)
            return pm_fault_name(i);
    }
    return "unknown";
}
