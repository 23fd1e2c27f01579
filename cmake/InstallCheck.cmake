# InstallCheck.cmake - installs a build tree into a private prefix and builds
# and runs lib/tests/consumer against it, the way an outside project would.
#
#   MODE=find_package  configure the consumer with find_package(physmem) and
#                      CMAKE_PREFIX_PATH=<prefix>, build it, run its programs:
#                      on the static libraries, on the shared ones, and the
#                      SMP library alone (consumer/CMakeLists.txt)
#   MODE=pkg_config    compile consumer/main.c with
#                      pkg-config --cflags --libs physmem [physmem-smp] (the
#                      shared libraries), and consumer/smp_only.c with
#                      pkg-config --libs physmem-smp and --as-needed
#
# The prefix is private, outside every system path: each program finds the
# shared libraries through its own runpath (-Wl,-rpath, or CMake's build
# rpath) and runs with LD_LIBRARY_PATH unset, so libphysmem_smp.so must find
# libphysmem_core.so through its own runpath ($ORIGIN) as an installed
# package would have to.
#
# Run by CTest (tests install.find_package, install.pkg_config) as
#   cmake -DMODE=... -DBUILD_DIR=<build tree> -DCONSUMER_DIR=<dir>
#         -DWORK_DIR=<private dir> -DCC=<compiler> [-DC_FLAGS=...]
#         [-DSAN_FLAGS=...] [-DBUILD_TYPE=...] [-DGENERATOR=...]
#         [-DMAKE_PROGRAM=...] [-DPKG_CONFIG=...] -P InstallCheck.cmake
# Everything it writes is under WORK_DIR, so the two tests and any other may
# run in parallel. SAN_FLAGS are the build's sanitizer flags: an instrumented
# library needs an instrumented program.
foreach(var MODE BUILD_DIR CONSUMER_DIR WORK_DIR CC)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "InstallCheck: -D${var}=... is required")
  endif()
endforeach()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "InstallCheck: ${what} failed (${rc}):\n${ARGN}\n${out}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# 1. cmake --install into the private prefix.
set(config_args)
if(BUILD_TYPE)
  set(config_args --config ${BUILD_TYPE})
endif()
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args})

file(GLOB_RECURSE config_file ${prefix}/*/physmemConfig.cmake)
file(GLOB_RECURSE pc_file ${prefix}/*/pkgconfig/physmem.pc)
if(NOT config_file OR NOT pc_file)
  message(FATAL_ERROR "InstallCheck: no physmemConfig.cmake or physmem.pc under ${prefix}")
endif()
get_filename_component(pc_dir ${pc_file} DIRECTORY)
get_filename_component(libdir ${pc_dir} DIRECTORY)
# The SMP library is part of the package only if it was built and installed.
file(GLOB smp_lib ${libdir}/libphysmem_smp.*)
if(smp_lib)
  set(have_smp TRUE)
else()
  set(have_smp FALSE)
endif()
message(STATUS "InstallCheck: installed into ${prefix} (libdir ${libdir}, SMP: ${have_smp})")

set(exe ${WORK_DIR}/consumer)
if(MODE STREQUAL "find_package")
  # 2a. An outside CMake project: find_package(physmem) and physmem::core.
  set(gen_args)
  if(GENERATOR)
    list(APPEND gen_args -G ${GENERATOR})
  endif()
  if(MAKE_PROGRAM)
    list(APPEND gen_args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
  endif()
  if(BUILD_TYPE)
    list(APPEND gen_args -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
  endif()
  run("configuring the consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build
    ${gen_args} -DCMAKE_C_COMPILER=${CC} "-DCMAKE_C_FLAGS=${C_FLAGS} ${SAN_FLAGS}"
    "-DCMAKE_EXE_LINKER_FLAGS=${SAN_FLAGS}" -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
  # It must have found this prefix, not some other installed physmem.
  file(STRINGS ${WORK_DIR}/build/CMakeCache.txt found_dir REGEX "^physmem_DIR:")
  if(NOT found_dir MATCHES "${prefix}")
    message(FATAL_ERROR "InstallCheck: find_package found the wrong physmem: ${found_dir}")
  endif()
  run("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build ${config_args})
  set(programs consumer consumer_shared)
  if(have_smp)
    list(APPEND programs smp_only_shared)
  endif()
  foreach(p IN LISTS programs)
    file(GLOB_RECURSE found ${WORK_DIR}/build/${p} ${WORK_DIR}/build/${p}.exe)
    if(NOT found)
      message(FATAL_ERROR "InstallCheck: the consumer project built no ${p}")
    endif()
    list(GET found 0 exe_${p})
  endforeach()
  set(exe ${exe_consumer})
  set(exe_shared ${exe_consumer_shared})
  if(have_smp)
    set(exe_smp_only ${exe_smp_only_shared})
  endif()
elseif(MODE STREQUAL "pkg_config")
  # 2b. A plain compiler command line from pkg-config.
  if(NOT PKG_CONFIG)
    find_program(PKG_CONFIG pkg-config REQUIRED)
  endif()
  set(modules physmem)
  set(defs)
  if(have_smp)
    list(APPEND modules physmem-smp)
    set(defs -DCONSUMER_HAVE_SMP=1)
  endif()
  set(pc_env ${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${pc_dir}")
  # The .pc files find their prefix from their own location (pcfiledir), so
  # an install under any --prefix works without redefining anything.
  run("pkg-config --cflags --libs" ${pc_env} ${PKG_CONFIG} --cflags --libs ${modules})
  string(STRIP "${run_output}" pc_flags)
  message(STATUS "InstallCheck: pkg-config --cflags --libs ${modules}: ${pc_flags}")
  if(NOT pc_flags MATCHES "-I${prefix}/" OR NOT pc_flags MATCHES "-L${prefix}/")
    message(FATAL_ERROR "InstallCheck: pkg-config flags do not point into ${prefix}: ${pc_flags}")
  endif()
  separate_arguments(pc_list UNIX_COMMAND "${pc_flags}")
  separate_arguments(cflags_list UNIX_COMMAND "${C_FLAGS} ${SAN_FLAGS}")
  separate_arguments(ldflags_list UNIX_COMMAND "${SAN_FLAGS}")
  # -L<prefix>/lib -lphysmem_core: the shared library, as a linker picks it
  run("compiling the consumer" ${CC} -std=c11 ${cflags_list} ${defs}
    ${CONSUMER_DIR}/main.c -o ${exe} ${pc_list} ${ldflags_list} -Wl,-rpath,${libdir})
  set(exe_shared "")
  if(have_smp)
    set(exe_smp_only ${WORK_DIR}/smp_only)
    run("pkg-config --cflags --libs physmem-smp" ${pc_env} ${PKG_CONFIG} --cflags --libs
      physmem-smp)
    string(STRIP "${run_output}" smp_flags)
    separate_arguments(smp_list UNIX_COMMAND "${smp_flags}")
    run("compiling smp_only.c" ${CC} -std=c11 ${cflags_list} ${CONSUMER_DIR}/smp_only.c
      -o ${exe_smp_only} -Wl,--as-needed ${smp_list} ${ldflags_list}
      -Wl,--enable-new-dtags -Wl,-rpath,${libdir})
  endif()
else()
  message(FATAL_ERROR "InstallCheck: MODE must be find_package or pkg_config, not '${MODE}'")
endif()

# 3. Run them, with no LD_LIBRARY_PATH: OK, and SMP OK when the package has
# the SMP library.
function(run_program what exe)
  run("running ${what}" ${CMAKE_COMMAND} -E env --unset=LD_LIBRARY_PATH ${exe})
  set(run_output "${run_output}" PARENT_SCOPE)
endfunction()

foreach(e exe exe_shared)
  if("${${e}}" STREQUAL "")
    continue()
  endif()
  run_program("the consumer" ${${e}})
  if(NOT run_output MATCHES "(^|\n)OK\n")
    message(FATAL_ERROR "InstallCheck: ${${e}} did not print OK:\n${run_output}")
  endif()
  if(have_smp AND NOT run_output MATCHES "SMP OK\n")
    message(FATAL_ERROR "InstallCheck: ${${e}} did not use physmem-smp:\n${run_output}")
  endif()
  message(STATUS "InstallCheck: ${MODE}: ${${e}}: ${run_output}")
endforeach()
if(have_smp)
  # It must depend on the SMP library alone, or it would prove nothing.
  find_program(READELF readelf)
  if(READELF)
    run("readelf -d" ${READELF} -d ${exe_smp_only})
    if(run_output MATCHES "libphysmem_core" OR NOT run_output MATCHES "libphysmem_smp")
      message(FATAL_ERROR "InstallCheck: ${exe_smp_only} should need libphysmem_smp and not "
                          "libphysmem_core:\n${run_output}")
    endif()
  endif()
  run_program("the SMP-only consumer" ${exe_smp_only})
  if(NOT run_output MATCHES "SMP-ONLY OK\n")
    message(FATAL_ERROR "InstallCheck: ${exe_smp_only} did not print SMP-ONLY OK:\n${run_output}")
  endif()
  message(STATUS "InstallCheck: ${MODE}: ${exe_smp_only}: ${run_output}")
endif()
