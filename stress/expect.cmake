# expect.cmake - runs one command and passes only if it ends exactly as
# expected (cmake -P): the exit status AND a message in its output. A fault
# test says "the run must fail, and for this reason": a crash, a timeout or
# a failure of another check does not count as the fault being caught.
#
#   -DCMD=a|b|c   the command, '|'-separated
#   -DRC=n        the exit status it must end with (0 pass, 1 a failed
#                 pm-stress check, 2 bad usage, 66 a ThreadSanitizer report)
#   -DREGEX=re    what its output (stdout and stderr) must contain
#   -DWHAT=text   optional: what is proved, for the log
#
# The environment (TSAN_OPTIONS) comes from the test's ENVIRONMENT property.
if(NOT DEFINED CMD OR NOT DEFINED RC OR NOT DEFINED REGEX)
  message(FATAL_ERROR "expect.cmake: CMD, RC and REGEX are required")
endif()
string(REPLACE "|" ";" cmd "${CMD}")
string(REPLACE ";" " " shown "${cmd}")
message(STATUS "${shown}")
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(NOT "${rc}" STREQUAL "${RC}")
  message(FATAL_ERROR "exit status '${rc}', want ${RC} with /${REGEX}/: ${WHAT} NOT shown")
endif()
if(NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "exit status ${rc} as wanted, but no /${REGEX}/ in the output: "
                      "${WHAT} NOT shown (it ended for another reason)")
endif()
message(STATUS "exit status ${rc} and /${REGEX}/: ${WHAT} shown")
