#!/usr/bin/env python3
"""gen_corpus.py - writes the hand-made seed corpus of fuzz-buddy and fuzz-smp.

    python3 stress/fuzz/gen_corpus.py [stress/fuzz/corpus]

Each seed is a short program in the targets' input format (see the comment
at the top of fuzz_buddy.c and fuzz_smp.c): a configuration, then opcodes
with their argument bytes. The seeds aim at one behaviour each (coalescing,
ENOMEM only after a drain, double frees, a page handed out twice...), so that
the fault tests (fault.*.fuzz) hit their fault in the corpus itself, before
any mutation. Rerunning the script rewrites the same files.
"""
import os
import struct
import sys


def u8(v):
    return struct.pack("<B", v & 0xFF)


def u16(v):
    return struct.pack("<H", v & 0xFFFF)


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


# fz_pick_npages: sel % 8 -> 0..2: 1 page; 3: 1 << (r % 10); 5: that + 1;
# 6: r % 601; 7: r & 1 ? 0 : 512 + r % 3.
def npages_one():
    return u8(0) + u16(0)


def npages_pow(order):
    return u8(3) + u16(order)


def npages_pow_plus1(order):
    return u8(5) + u16(order)


def npages_any(n):
    return u8(6) + u16(n)


def npages_zero():
    return u8(7) + u16(1)


def npages_big(extra):
    return u8(7) + u16(2 * extra)


# pick_addr kinds: 0 held, 1 interior, 2 misaligned, 3 below, 4 past the
# end, 5 recently freed, 6 wrong size, 7 any page, 8 any 64-bit address.
def addr(kind, r=0, size_sel=0, raw=None, count=None):
    b = u8(kind) + u16(r) + u8(size_sel)
    if kind == 8:
        b += u64(raw or 0)
    if size_sel % 4 == 3:
        b += u16(count or 0)
    return b


# ---- fuzz-buddy ---------------------------------------------------------------

def buddy_cfg(base, npages, flags=0, hot=False):
    """hot: the hot stack opted in (hot_max 16) from the start."""
    return u8(flags | (4 if hot else 0)) + u16(base) + u16(npages - 1)


class Buddy:
    def alloc(n):
        return u8(0) + n

    def free_held(idx=0, r2=0):
        return u8(4) + u16(idx) + u16(r2)

    def free_any(a):
        return u8(7) + a

    def alloc_frame(n):
        return u8(9) + n

    def free_frame(a, sel=0):
        return u8(10) + a + u8(sel)

    def bulk(order, count):
        return u8(11) + u8(order) + u8(count)

    def block_order(a):
        return u8(12) + a

    def hot_max(n):
        return u8(13) + u8((n % 33) << 1)

    def flush_hot():
        return u8(13) + u8(1)

    def stats():
        return u8(14) + u8(1)

    def reset():
        return u8(14) + u8(0)

    def reinit(cfg, stay_uninit=False):
        return u8(15) + u8(1 if stay_uninit else 0) + cfg


def buddy_seeds():
    B = Buddy
    s = {}
    # Mixed sizes on an odd base, freed in another order.
    p = buddy_cfg(1001, 1500)
    for o in (0, 3, 1, 5, 2, 0, 4, 0, 6):
        p += B.alloc(npages_pow(o))
    p += B.alloc(npages_any(37)) + B.alloc(npages_any(300))
    for i in (3, 0, 5, 1, 2, 0, 1, 0, 0, 0, 0):
        p += B.free_held(i, 7)
    p += B.stats()
    s["mixed-odd-base"] = p
    # Fill with single pages, free them all, then a 512-page block must fit:
    # needs every merge (no-coalesce is caught here).
    p = buddy_cfg(0, 128)
    p += B.bulk(0, 47) * 3
    p += B.free_held(0) * 128
    p += B.alloc(npages_pow(7)) * 2
    s["coalesce-full"] = p
    p = buddy_cfg(512, 512)
    p += B.alloc(npages_one()) * 4 + B.free_held(0) * 4 + B.alloc(npages_pow(9))
    s["coalesce-small"] = p
    # The same with the opt-in hot stack: the four pages stay hot, and the
    # 512-page block needs them merged first (no-hot-flush is caught here).
    p = buddy_cfg(512, 512, hot=True)
    p += B.alloc(npages_one()) * 4 + B.free_held(0) * 4 + B.alloc(npages_pow(9))
    s["coalesce-small-hot"] = p
    # The hot stack resized while pages come and go, flushed, switched off.
    p = buddy_cfg(64, 256)
    p += B.bulk(0, 40) + B.hot_max(8) + B.free_held(0) * 12 + B.alloc(npages_one()) * 3
    p += B.hot_max(2) + B.free_held(1) * 6 + B.hot_max(32) + B.free_held(2) * 20
    p += B.alloc(npages_pow(6)) + B.flush_hot() + B.alloc(npages_pow(7)) + B.hot_max(0)
    p += B.free_held(0) * 8 + B.stats()
    s["hot-resize"] = p
    # Bad frees of every kind.
    p = buddy_cfg(77, 600)
    p += B.alloc(npages_pow(3)) + B.alloc(npages_pow(4)) + B.alloc(npages_one())
    for a in (addr(1, 0), addr(1, 1, 0), addr(2, 0), addr(3, 5), addr(4, 3), addr(6, 0, 1),
              addr(6, 1, 3), addr(7, 200), addr(8, raw=0xFFFFFFFFFFFFF000),
              addr(0, 0, 3, count=0), addr(0, 0, 3, count=513), addr(0, 1, 3, count=3)):
        p += B.free_any(a)
    p += B.free_held(0) + B.free_any(addr(5, 0)) + B.free_any(addr(5, 0, 3, count=1))
    s["bad-frees"] = p
    # Double free, then the same block reallocated and freed properly.
    p = buddy_cfg(3, 64)
    p += B.alloc(npages_pow(2)) + B.free_held(0) + B.free_any(addr(5, 0))
    p += B.alloc(npages_pow(2)) + B.free_any(addr(5, 0)) + B.free_held(0)
    s["double-free"] = p
    # Allocation sizes at the edges.
    p = buddy_cfg(4096, 2048)
    p += B.alloc(npages_zero()) + B.alloc(npages_big(0)) + B.alloc(npages_big(1))
    p += B.alloc(npages_pow_plus1(8)) + B.alloc(npages_pow_plus1(9)) + B.alloc(npages_any(511))
    p += B.alloc(npages_any(600)) + B.alloc(npages_any(257)) + B.stats()
    s["sizes"] = p
    # Exhaustion: ENOMEM exactly when no aligned run is left.
    p = buddy_cfg(5, 100)
    p += B.alloc(npages_pow(5)) * 4 + B.alloc(npages_pow(2)) * 4 + B.alloc(npages_one()) * 6
    p += B.free_held(2) + B.alloc(npages_pow(5)) + B.alloc(npages_pow(4))
    s["exhaust"] = p
    # Bulk, including an order past the largest.
    p = buddy_cfg(9, 900)
    p += B.bulk(0, 40) + B.bulk(3, 20) + B.bulk(9, 3) + B.bulk(10, 5) + B.bulk(1, 47)
    p += B.free_held(1) * 8 + B.bulk(2, 47) + B.stats()
    s["bulk"] = p
    # Frames and block_order.
    p = buddy_cfg(2, 300)
    p += B.alloc_frame(npages_any(6)) + B.alloc_frame(npages_pow(4))
    p += B.block_order(addr(0, 0)) + B.block_order(addr(1, 1)) + B.block_order(addr(2, 0))
    p += B.block_order(addr(4, 0)) + B.block_order(addr(7, 150))
    p += B.free_frame(addr(0, 0)) + B.free_frame(addr(6, 0, 1)) + B.free_frame(addr(0, 0), 7)
    p += B.free_frame(addr(0, 0))
    s["frames"] = p
    # Reset, fini, calls on an uninitialized allocator, init again.
    p = buddy_cfg(10, 200)
    p += B.alloc(npages_pow(3)) + B.reset() + B.alloc(npages_pow(7)) + B.free_held(0)
    p += B.reinit(buddy_cfg(11, 150), stay_uninit=True)
    p += B.alloc(npages_one()) + B.free_any(addr(7, 3)) + B.bulk(0, 4) + B.stats()
    p += B.free_frame(addr(7, 3)) + B.block_order(addr(7, 1)) + B.reset()
    p += B.reinit(buddy_cfg(13, 333)) + B.alloc(npages_pow(5)) + B.stats()
    s["reinit"] = p
    # Above 2^40 pages, and ending at the top of the address space.
    p = buddy_cfg(0x1235, 700, flags=1)
    p += B.alloc(npages_pow(9)) + B.alloc(npages_pow(6)) + B.free_any(addr(4, 2))
    p += B.free_held(0) + B.stats()
    s["high-base"] = p
    p = buddy_cfg(3, 1000, flags=2)
    p += B.alloc(npages_pow(9)) + B.alloc(npages_one()) + B.free_any(addr(4, 0))
    p += B.free_any(addr(8, raw=0xFFFFFFFFFFFFF000)) + B.free_any(addr(8, raw=0xFFFFFFFFFFFFFFFF))
    p += B.free_held(0) + B.free_held(0)
    s["top-of-space"] = p
    # One page.
    p = buddy_cfg(1, 1)
    p += B.alloc(npages_one()) * 2 + B.free_held(0) + B.alloc(npages_pow(1))
    s["one-page"] = p
    # Largest region.
    p = buddy_cfg(1, 4096)
    p += B.alloc(npages_pow(9)) * 9 + B.free_held(3) + B.free_held(5) + B.alloc(npages_pow(9))
    s["large"] = p
    return s


# ---- fuzz-smp -------------------------------------------------------------------

def smp_cfg(ncpus, batch, high=0, nocache=False, strict=False, base=0, npages=256):
    high_sel = 255 if high == 0 else (high - 2 * batch) % 64
    flags = (3 if nocache else 0) | (4 if strict else 0)
    return (u8(ncpus - 1) + u8(batch - 1) + u8(high_sel) + u8(flags) + u16(base)
            + u16(npages - 1))


class Smp:
    def alloc1(cpu):
        return u8(0) + u8(cpu)

    def alloc(cpu, n):
        return u8(3) + u8(cpu) + n

    def alloc_order(cpu, order):
        return u8(4) + u8(cpu) + u8(order)

    def free_held(cpu, idx=0, r2=0):
        return u8(5) + u8(cpu) + u16(idx) + u16(r2)

    def free_any(cpu, a):
        return u8(8) + u8(cpu) + a

    def burst_alloc(cpu, n):
        return u8(9) + u8(cpu) + u8((n - 1) % 128)

    def burst_free(cpu, n):
        return u8(9) + u8(cpu) + u8(128 | ((n - 1) % 128))

    def drain_cpu(cpu):
        return u8(10) + u8(cpu)

    def drain_all():
        return u8(11)

    def bulk(cpu, count):
        return u8(12) + u8(cpu) + u8(count)

    def add_region(sel, r, r2):
        return u8(13) + u8(sel) + u16(r) + u8(r2)

    def stats():
        return u8(14)


def smp_seeds():
    S = Smp
    s = {}
    # Pages move between CPUs: allocated on one, freed on another, drained.
    p = smp_cfg(4, 4, base=1, npages=300)
    p += S.burst_alloc(0, 100) + S.burst_free(1, 60) + S.burst_free(2, 30) + S.stats()
    p += S.drain_cpu(1) + S.alloc_order(3, 5) + S.drain_all() + S.alloc_order(3, 7) + S.stats()
    s["cross-cpu"] = p
    # Every page handed out at least once, pfn 0, 64, 128... included:
    # double-handout is caught here.
    p = smp_cfg(2, 8, base=0, npages=256)
    p += S.burst_alloc(0, 128) * 2 + S.burst_free(0, 128) * 2 + S.burst_alloc(1, 128)
    s["handout-all"] = p
    # The last free pages sit in another CPU's magazine: an allocation must
    # drain them before PM_ENOMEM (no-enomem-drain is caught here).
    p = smp_cfg(2, 4, base=0, npages=16)
    p += S.alloc1(0) + S.burst_alloc(1, 20) + S.stats()
    s["enomem-needs-drain"] = p
    # A large block can only be built from pages cached on some CPU.
    p = smp_cfg(3, 8, base=64, npages=64)
    p += S.burst_alloc(0, 64) + S.burst_free(2, 64) + S.alloc_order(1, 6) + S.alloc_order(1, 0)
    s["order-needs-drain"] = p
    # Bulk up to exhaustion (after a drain).
    p = smp_cfg(2, 3, base=5, npages=90)
    p += S.alloc1(0) + S.bulk(1, 63) + S.bulk(1, 40) + S.burst_free(0, 20) + S.bulk(0, 10)
    s["bulk-exhaust"] = p
    # Drains that return pages (drop-on-drain is caught here).
    p = smp_cfg(2, 4, base=0, npages=64)
    p += S.burst_alloc(0, 10) + S.burst_free(0, 10) + S.drain_cpu(0) + S.stats()
    s["drain"] = p
    # Double free of a page still cached (no-double-free-check is caught
    # here), then bad frees of every kind, a bad CPU slot included.
    p = smp_cfg(2, 4, base=33, npages=128)
    p += S.alloc1(0) + S.alloc1(0) + S.free_held(0, 0) + S.free_any(1, addr(5, 0))
    p += S.free_any(0, addr(5, 0)) + S.alloc_order(1, 3) + S.free_any(0, addr(1, 1))
    p += S.free_any(1, addr(2, 0)) + S.free_any(0, addr(3, 0)) + S.free_any(0, addr(4, 0))
    p += S.free_any(0, addr(6, 0, 1)) + S.free_any(255, addr(0, 0))
    p += S.free_any(0, addr(0, 0, 3, count=0)) + S.free_any(0, addr(0, 0, 3, count=600))
    p += S.free_any(1, addr(8, raw=0x123456789000)) + S.alloc1(255) + S.bulk(255, 3)
    p += S.drain_cpu(255)
    s["bad-frees"] = p
    # Zones: adjacent (gap 0), with a gap, below the lowest; overlapping,
    # empty, unaligned and wrapping regions refused.
    p = smp_cfg(3, 2, base=1000, npages=100)
    p += S.add_region(0, 99, 0) + S.add_region(1, 200, 17) + S.add_region(3, 50, 5)
    p += S.add_region(4, 0x35, 3) + S.add_region(5, 0, 0) + S.add_region(6, 5, 0)
    p += S.add_region(7, 1, 2)
    p += S.burst_alloc(0, 127) + S.burst_alloc(1, 127) + S.alloc_order(2, 6)
    p += S.burst_free(2, 127) + S.drain_all() + S.alloc_order(0, 8) + S.stats()
    s["zones"] = p
    # No region at first but the initial one; allocations spanning zones.
    p = smp_cfg(1, 1, base=7, npages=1)
    p += S.alloc1(0) + S.alloc1(0) + S.add_region(0, 2, 0) + S.alloc1(0) + S.alloc_order(0, 1)
    p += S.free_held(0) + S.free_held(0) + S.alloc_order(0, 2) + S.stats()
    s["tiny"] = p
    # No per-CPU caches.
    p = smp_cfg(4, 8, nocache=True, base=3, npages=500)
    p += S.burst_alloc(0, 50) + S.bulk(2, 60) + S.alloc_order(1, 7) + S.burst_free(3, 80)
    p += S.free_any(0, addr(5, 0)) + S.free_any(1, addr(1, 2)) + S.drain_all() + S.stats()
    s["nocache"] = p
    # Strict frees, default high, big batch.
    p = smp_cfg(8, 16, strict=True, base=2, npages=1500)
    p += S.burst_alloc(7, 127) + S.burst_free(6, 127) + S.burst_alloc(5, 100)
    p += S.free_any(4, addr(5, 0)) + S.drain_cpu(6) + S.alloc_order(0, 9) + S.stats()
    s["strict"] = p
    # Every size on the general path.
    p = smp_cfg(2, 2, base=0, npages=2048)
    for o in range(10):
        p += S.alloc_order(o % 2, o)
    p += S.alloc(0, npages_zero()) + S.alloc(1, npages_big(0)) + S.alloc(0, npages_any(300))
    p += S.alloc(1, npages_pow_plus1(4))
    for i in range(8):
        p += S.free_held(i % 2, 0, i)
    p += S.stats()
    s["sizes"] = p
    # Depot traffic: many full magazines from one CPU, taken by another.
    p = smp_cfg(2, 2, high=6, base=0, npages=400)
    p += S.burst_alloc(0, 120) + S.burst_free(0, 120) + S.burst_alloc(1, 120) + S.stats()
    s["depot"] = p
    return s


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    for name, seeds in (("buddy", buddy_seeds()), ("smp", smp_seeds())):
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith("seed-"):
                os.remove(os.path.join(d, f))
        for k, v in seeds.items():
            with open(os.path.join(d, "seed-" + k), "wb") as f:
                f.write(v)
        print(f"{d}: {len(seeds)} seeds, {sum(len(v) for v in seeds.values())} bytes")


if __name__ == "__main__":
    main()
