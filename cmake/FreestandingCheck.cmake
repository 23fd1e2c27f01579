# FreestandingCheck.cmake - proves that sources build for a kernel: compiled
# with -ffreestanding -nostdlib -fno-builtin -O2 and linked into one
# relocatable object, they must leave no undefined symbol but the allowed
# ones (nm -u), and must include no header from the C library (only the
# compiler's own stddef.h/stdint.h/stdbool.h/stdatomic.h, and the headers
# ALLOWED_HEADERS names: Concurrency Kit's, for the SMP layer).
#
# Run by CTest (core.freestanding*, smp.freestanding*) as:
#   cmake -DCC=<compiler> -DCC_ID=<GNU|Clang> -DNM=<nm> -DSOURCES=<a.c;b.c>
#         -DINCLUDES=<dir;dir> -DDEFINES=<PM_DEBUG=0;...> -DWORK_DIR=<dir>
#         [-DARCH_FLAGS=<-march=rv64gc;...>] [-DAFTER_INCLUDES=<dir;dir>]
#         [-DALLOWED_HEADERS=<regex>] [-DALLOWED_UNDEFINED=<regex>]
#         -P FreestandingCheck.cmake
# AFTER_INCLUDES are searched after the compiler's own headers (-idirafter):
# /usr/include for CK, whose ck_pr.h then finds the compiler's stdint.h.
# ALLOWED_UNDEFINED matches the symbols an embedder supplies (the platform
# hooks, ^pm_plat_); every other undefined symbol fails the check.
# Sanitizer or coverage flags of the build are deliberately not passed: a
# kernel builds the core with its own flags, and they add runtime calls.
foreach(var CC NM SOURCES WORK_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "FreestandingCheck: -D${var}=... is required")
  endif()
endforeach()

set(flags ${ARCH_FLAGS} -std=c11 -O2 -ffreestanding -nostdlib -fno-builtin
  -fno-stack-protector -fno-asynchronous-unwind-tables -Wall -Wextra)
# GCC may turn zeroing/copying loops into memset/memcpy calls even with
# -ffreestanding (it expects the environment to provide them). GCC 12 at -O2
# and -O3 emits none for the core today, so the check runs without
# -fno-tree-loop-distribute-patterns and stays strict. Should a newer GCC
# emit them, that flag (what Linux builds such code with) belongs here,
# since a kernel taking this core would build it so too; CC_ID is passed for
# that.
foreach(dir IN LISTS INCLUDES)
  list(APPEND flags -I${dir})
endforeach()
foreach(dir IN LISTS AFTER_INCLUDES)
  list(APPEND flags -idirafter ${dir})
endforeach()
foreach(def IN LISTS DEFINES)
  list(APPEND flags -D${def})
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(objects)
set(problems "")
foreach(src IN LISTS SOURCES)
  get_filename_component(stem ${src} NAME_WE)
  set(obj ${WORK_DIR}/${stem}.o)
  execute_process(COMMAND ${CC} ${flags} -c ${src} -o ${obj}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "FreestandingCheck: compiling ${src} failed:\n${out}")
  endif()
  if(NOT out STREQUAL "")
    message(STATUS "${src}:\n${out}")
  endif()
  list(APPEND objects ${obj})
  # Every header it read must be ours or the compiler's, never libc's. The
  # preprocessor's line markers name the files really entered (a -M list
  # would also name those clang only probed with __has_include_next).
  execute_process(COMMAND ${CC} ${flags} -E ${src}
    RESULT_VARIABLE rc OUTPUT_VARIABLE pp ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "FreestandingCheck: preprocessing ${src} failed:\n${out}")
  endif()
  string(REGEX MATCHALL "\"/usr/(local/)?include/[^\"]+\"" libc_headers "${pp}")
  list(REMOVE_DUPLICATES libc_headers)
  foreach(h IN LISTS libc_headers)
    if(DEFINED ALLOWED_HEADERS AND h MATCHES "${ALLOWED_HEADERS}")
      continue()
    endif()
    string(APPEND problems "  ${src} includes C library header ${h}\n")
  endforeach()
endforeach()

set(rel ${WORK_DIR}/physmem_freestanding.o)
execute_process(COMMAND ${CC} -r -nostdlib -o ${rel} ${objects}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "FreestandingCheck: ${CC} -r failed:\n${out}")
endif()
execute_process(COMMAND ${NM} -u ${rel}
  RESULT_VARIABLE rc OUTPUT_VARIABLE undefined ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "FreestandingCheck: ${NM} -u failed:\n${err}")
endif()
string(REGEX MATCHALL "[^ \t\n]+\n" lines "${undefined}")
set(hooks "")
foreach(line IN LISTS lines)
  string(STRIP "${line}" sym)
  if(sym STREQUAL "" OR sym STREQUAL "U")
    continue()
  endif()
  if(DEFINED ALLOWED_UNDEFINED AND sym MATCHES "${ALLOWED_UNDEFINED}")
    list(APPEND hooks ${sym})
  else()
    string(APPEND problems "  undefined symbol (nm -u ${rel}): ${sym}\n")
  endif()
endforeach()
if(NOT problems STREQUAL "")
  message(FATAL_ERROR "FreestandingCheck: not freestanding:\n${problems}")
endif()
list(LENGTH hooks nhooks)
message(STATUS "FreestandingCheck: ${CC}: ${rel}: no undefined symbol but ${nhooks} allowed: ${hooks}")
