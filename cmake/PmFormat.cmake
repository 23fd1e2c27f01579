# format-check: fails if any of our C sources differs from .clang-format.
# format: rewrites them in place.
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
