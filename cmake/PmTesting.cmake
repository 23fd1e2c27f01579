# pm_unit_test(<prefix> <name> <library> <label> [include dirs...]):
# a cmocka test from <name>.c, registered as <prefix>.<name> (labels "unit"
# and <label>) and, in unsanitized builds where valgrind exists, once more
# under memcheck as valgrind.<prefix>.<name> (label "valgrind": any error or
# leak fails it).
find_program(PM_VALGRIND_EXE valgrind)

function(pm_unit_test prefix name lib label)
  add_executable(${name} ${name}.c)
  target_link_libraries(${name} PRIVATE ${lib} PkgConfig::CMOCKA pm_warnings pm_defs)
  target_include_directories(${name} PRIVATE ${ARGN})
  add_test(NAME ${prefix}.${name} COMMAND ${name})
  set_tests_properties(${prefix}.${name} PROPERTIES LABELS "unit;${label}" TIMEOUT 120)
  if(PM_VALGRIND_EXE AND PM_SANITIZE STREQUAL "")
    add_test(NAME valgrind.${prefix}.${name}
      COMMAND ${PM_VALGRIND_EXE} --quiet --error-exitcode=99 --leak-check=full
        --errors-for-leak-kinds=definite,indirect,possible
        --show-leak-kinds=definite,indirect,possible $<TARGET_FILE:${name}>)
    set_tests_properties(valgrind.${prefix}.${name} PROPERTIES LABELS "valgrind" TIMEOUT 300)
  endif()
endfunction()

# pm_wrap_allocators(<target>): the test's malloc, calloc, aligned_alloc and
# free, and those of the static physmem libraries linked into it, go through
# lib/tests/pm_alloc_fail.h (counted, and failed on demand).
function(pm_wrap_allocators target)
  target_link_options(${target} PRIVATE
    "LINKER:--wrap=malloc,--wrap=calloc,--wrap=aligned_alloc,--wrap=free")
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/lib/tests)
endfunction()
