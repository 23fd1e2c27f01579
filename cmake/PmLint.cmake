# Lint: format-check (clang-format --dry-run against .clang-format), format
# (rewrites in place), and cppcheck (test lint.cppcheck: any warning fails).
find_program(CLANG_FORMAT_EXE NAMES clang-format clang-format-14)
if(CLANG_FORMAT_EXE)
  file(GLOB_RECURSE PM_FORMAT_SOURCES CONFIGURE_DEPENDS
    ${PROJECT_SOURCE_DIR}/lib/*.c ${PROJECT_SOURCE_DIR}/lib/*.h
    ${PROJECT_SOURCE_DIR}/percpu/*.c ${PROJECT_SOURCE_DIR}/percpu/*.h
    ${PROJECT_SOURCE_DIR}/stress/*.c ${PROJECT_SOURCE_DIR}/stress/*.h
    ${PROJECT_SOURCE_DIR}/bench/*.c ${PROJECT_SOURCE_DIR}/bench/*.h
    ${PROJECT_SOURCE_DIR}/bench/*.cc)
  add_custom_target(format-check
    COMMAND ${CLANG_FORMAT_EXE} --dry-run --Werror ${PM_FORMAT_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "clang-format --dry-run --Werror")
  add_custom_target(format
    COMMAND ${CLANG_FORMAT_EXE} -i ${PM_FORMAT_SOURCES}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  if(PM_BUILD_TESTS)
    add_test(NAME format-check
      COMMAND ${CLANG_FORMAT_EXE} --dry-run --Werror ${PM_FORMAT_SOURCES}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(format-check PROPERTIES LABELS "lint")
  endif()
endif()

find_program(CPPCHECK_EXE cppcheck)
if(CPPCHECK_EXE AND PM_BUILD_TESTS)
  # _Noreturn spelled as gcc's attribute: cppcheck 2.10 does not read C11's
  # keyword and would follow paths past stress_fail().
  set(PM_CPPCHECK_COMMAND ${CPPCHECK_EXE} --error-exitcode=1 --quiet --std=c11
    --enable=warning,performance,portability --inline-suppr
    -D__GNUC__ "-D_Noreturn=__attribute__((noreturn))"
    -DPM_DEBUG=1 -DPM_STATS=1 -DPM_FAULT_INJECTION=1
    -I${PROJECT_SOURCE_DIR}/lib/include -I${PROJECT_SOURCE_DIR}/percpu/include
    -I${PROJECT_SOURCE_DIR}/lib/src -I${PROJECT_SOURCE_DIR}/percpu/src
    lib/src percpu/src lib/tests lib/examples percpu/tests stress bench)
  add_custom_target(cppcheck COMMAND ${PM_CPPCHECK_COMMAND}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  add_test(NAME lint.cppcheck COMMAND ${PM_CPPCHECK_COMMAND}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(lint.cppcheck PROPERTIES LABELS "lint" TIMEOUT 300)
endif()
