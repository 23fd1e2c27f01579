# cmake --install: headers, static and shared libraries, physmemConfig.cmake
# (targets physmem::core, physmem::core_shared, physmem::smp,
# physmem::smp_shared) and physmem.pc / physmem-smp.pc for pkg-config.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/lib/include/physmem DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(PM_HAVE_SMP)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/percpu/include/physmem
          DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
set(PM_INSTALL_TARGETS physmem_core physmem_core_shared)
if(PM_HAVE_SMP)
  list(APPEND PM_INSTALL_TARGETS physmem_smp physmem_smp_shared)
endif()
install(TARGETS ${PM_INSTALL_TARGETS}
        EXPORT physmemTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT physmemTargets NAMESPACE physmem::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/physmem)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/physmemConfig.cmake.in
  ${PROJECT_BINARY_DIR}/physmemConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/physmem)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/physmemConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/physmemConfig.cmake
        ${PROJECT_BINARY_DIR}/physmemConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/physmem)
# The .pc files locate the prefix from their own directory (pcfiledir).
file(RELATIVE_PATH PM_PC_RELPREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
configure_file(${PROJECT_SOURCE_DIR}/cmake/physmem.pc.in ${PROJECT_BINARY_DIR}/physmem.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/physmem.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(PM_HAVE_SMP)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/physmem-smp.pc.in ${PROJECT_BINARY_DIR}/physmem-smp.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/physmem-smp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
