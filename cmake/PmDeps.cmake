# Dependencies: Debian packages, found through pkg-config or CMake config.
# Nothing is vendored or downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(CK REQUIRED IMPORTED_TARGET ck)
pkg_check_modules(URCU_BP REQUIRED IMPORTED_TARGET liburcu-bp)
if(PM_BUILD_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()

# The riscv64 bare-metal cross toolchain (Debian: gcc-riscv64-unknown-elf):
# the freestanding checks for a weakly ordered CPU and the QEMU guest.
find_program(PM_RISCV_CC riscv64-unknown-elf-gcc)
find_program(PM_RISCV_NM riscv64-unknown-elf-nm)
if(NOT PM_RISCV_CC OR NOT PM_RISCV_NM)
  message(STATUS "physmem: riscv64-unknown-elf-gcc not found: no riscv64 freestanding checks "
                 "(apt-get install gcc-riscv64-unknown-elf, or run .ci/deps.sh)")
endif()
# Flags of every riscv64 freestanding build: RV64GC without Zbb (so the
# core's bit scans must not fall back to libgcc) and the medany code model
# a kernel linked at 0x80000000 needs.
set(PM_RISCV_ARCH_FLAGS -march=rv64gc -mabi=lp64d -mcmodel=medany)
