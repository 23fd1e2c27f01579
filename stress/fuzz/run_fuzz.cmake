# run_fuzz.cmake - one CTest run of a libFuzzer target (cmake -P).
#
#   -DFUZZER=path  the fuzzer binary
#   -DCORPUS=dir   the committed seed corpus (read only)
#   -DWORK=dir     scratch: emptied, then holds new inputs and artifacts
#   -DARGS=a|b|c   libFuzzer flags, '|'-separated
#   -DFAULT=name   optional: run with PM_FAULT=name. The run then "fails"
#                  (this script exits non-zero, for WILL_FAIL) only if the
#                  fuzzer reported a failure; a setup error (unknown fault,
#                  missing corpus) or a clean run exits 0 and the test fails.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
string(REPLACE "|" ";" args "${ARGS}")
if(NOT IS_DIRECTORY "${CORPUS}")
  message(FATAL_ERROR "no corpus at ${CORPUS}")
endif()
if(FAULT)
  set(ENV{PM_FAULT} "${FAULT}")
else()
  unset(ENV{PM_FAULT})
endif()
set(cmd "${FUZZER}" ${args} "-artifact_prefix=${WORK}/artifacts/" "${WORK}/corpus" "${CORPUS}")
string(REPLACE ";" " " shown "${cmd}")
if(FAULT)
  message(STATUS "PM_FAULT=${FAULT} ${shown}")
else()
  message(STATUS "${shown}")
endif()

if(NOT FAULT)
  execute_process(COMMAND ${cmd} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(GLOB crashes "${WORK}/artifacts/*")
    message(FATAL_ERROR "fuzzer failed (${rc}); replay with: ${FUZZER} ${crashes}")
  endif()
  return()
endif()

execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(rc EQUAL 0)
  message(STATUS "fault ${FAULT}: NOT caught (the fuzzer ran clean)")
elseif(out MATCHES "CHECK FAILED|ERROR: libFuzzer|ERROR: AddressSanitizer|runtime error")
  file(GLOB crashes "${WORK}/artifacts/*")
  message(FATAL_ERROR "fault ${FAULT}: caught (exit ${rc}); input: ${crashes}")
else()
  message(STATUS "fault ${FAULT}: the fuzzer failed (${rc}) but not on a check: setup error?")
endif()
