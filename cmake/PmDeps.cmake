# Dependencies: Debian packages, found through pkg-config or CMake config.
# Nothing is vendored or downloaded.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(CK REQUIRED IMPORTED_TARGET ck)
pkg_check_modules(URCU_BP REQUIRED IMPORTED_TARGET liburcu-bp)
if(PM_BUILD_TESTS)
  pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)
endif()
