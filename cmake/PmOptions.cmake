# Build options. Each is described in README.md, "Build options".
option(PM_STATS "Count allocator events (allocations, splits, refills...)" ON)
set(PM_DEBUG 0 CACHE STRING "Debug checks: 0 none, 1 cheap asserts, 2 also whole-structure checks")
set_property(CACHE PM_DEBUG PROPERTY STRINGS 0 1 2)
option(PM_WERROR "Treat warnings as errors in physmem's own targets" ON)
set(PM_SANITIZE "" CACHE STRING "Sanitizers: empty, address (ASan+UBSan) or thread (TSan)")
set_property(CACHE PM_SANITIZE PROPERTY STRINGS "" address thread)
option(PM_FAULT_INJECTION "Compile in run-time selectable faults (testing only, never release)" OFF)
option(PM_BUILD_TESTS "Build the cmocka unit tests" ON)
option(PM_BUILD_STRESS "Build the stress and fuzz harnesses" ON)
option(PM_BUILD_BENCH "Build the Google Benchmark suite (needs C++)" ON)
option(PM_BUILD_FUZZ "Build the libFuzzer targets (clang only)" OFF)

if(NOT PM_DEBUG MATCHES "^[012]$")
  message(FATAL_ERROR "PM_DEBUG must be 0, 1 or 2 (got '${PM_DEBUG}')")
endif()
if(PM_FAULT_INJECTION AND CMAKE_BUILD_TYPE STREQUAL "Release" AND PM_DEBUG EQUAL 0
   AND PM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PM_FAULT_INJECTION is for test builds, never a release build")
endif()
# libFuzzer comes with clang only: refuse rather than skip what was asked for.
if(PM_BUILD_FUZZ AND NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "PM_BUILD_FUZZ needs clang (libFuzzer, -fsanitize=fuzzer); "
                      "${CMAKE_C_COMPILER_ID} has none. Configure with -DCMAKE_C_COMPILER=clang "
                      "(the asan preset does), or with -DPM_BUILD_FUZZ=OFF.")
endif()
