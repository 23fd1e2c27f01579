# pm_warnings: warnings and definitions for physmem's own targets only.
add_library(pm_warnings INTERFACE)
target_compile_options(pm_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wconversion -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wpointer-arith -Wvla>)
if(CMAKE_C_COMPILER_ID MATCHES "Clang")
  target_compile_options(pm_warnings INTERFACE
    $<$<COMPILE_LANGUAGE:C>:-Wthread-safety -Wthread-safety-beta>)
endif()
if(PM_WERROR)
  target_compile_options(pm_warnings INTERFACE $<$<COMPILE_LANGUAGE:C>:-Werror>)
endif()

# pm_defs: the configuration every physmem translation unit is built with.
add_library(pm_defs INTERFACE)
target_compile_definitions(pm_defs INTERFACE
  PM_DEBUG=${PM_DEBUG}
  PM_STATS=$<BOOL:${PM_STATS}>
  PM_FAULT_INJECTION=$<BOOL:${PM_FAULT_INJECTION}>)

# Sanitizers apply to everything built here, tests and harnesses included.
if(PM_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(PM_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT PM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PM_SANITIZE must be empty, address or thread")
endif()
