# Installing and packaging Yinhui (issue 8): systemd readiness, generated manual
# pages and bash completion, the install layout and the Debian package.
# Included at the end of CMakeLists.txt, after the targets exist.
#
#   cmake --install build [--prefix /usr]     binaries, migrations, man pages,
#                                             completion, unit file, docs
#   (cd build && cpack -G DEB)                yinhui_<version>_<arch>.deb
#
# Packages are built with -DYH_DEV_TREE=OFF (scripts/test-deb does): then the
# binaries look for migrations only where they are installed.

option(YH_DEV_TREE "Prefer the source tree's migrations/ (developer builds); OFF for packages" ON)
if(YH_DEV_TREE)
  target_compile_definitions(yh_warnings INTERFACE YH_DEV_TREE=1)
endif()

# sd_notify(READY=1 / STOPPING=1) for Type=notify; without libsystemd the daemon still runs.
pkg_check_modules(SYSTEMD IMPORTED_TARGET libsystemd)
if(SYSTEMD_FOUND)
  target_link_libraries(yinhuid PRIVATE PkgConfig::SYSTEMD)
  target_compile_definitions(yinhuid PRIVATE YH_HAVE_SYSTEMD=1)
else()
  message(STATUS "libsystemd not found: yinhuid will not notify systemd (install libsystemd-dev)")
endif()

# ---- generated from the programs themselves: one source, never out of step ----
set(YH_GEN_DIR ${CMAKE_CURRENT_BINARY_DIR}/gen)
file(MAKE_DIRECTORY ${YH_GEN_DIR})
set(YH_RUN_TO_FILE ${CMAKE_CURRENT_SOURCE_DIR}/cmake/run-to-file.cmake)
add_custom_command(OUTPUT ${YH_GEN_DIR}/yinhui.1
  COMMAND ${CMAKE_COMMAND} -DOUT=${YH_GEN_DIR}/yinhui.1 -DEXE=$<TARGET_FILE:yinhui>
          -DARG1=help -DARG2=--man -P ${YH_RUN_TO_FILE}
  DEPENDS yinhui ${YH_RUN_TO_FILE}
  COMMENT "Generating yinhui.1 (yinhui help --man)" VERBATIM)
add_custom_command(OUTPUT ${YH_GEN_DIR}/yinhuid.8
  COMMAND ${CMAKE_COMMAND} -DOUT=${YH_GEN_DIR}/yinhuid.8 -DEXE=$<TARGET_FILE:yinhuid>
          -DARG1=--man -P ${YH_RUN_TO_FILE}
  DEPENDS yinhuid ${YH_RUN_TO_FILE}
  COMMENT "Generating yinhuid.8 (yinhuid --man)" VERBATIM)
add_custom_command(OUTPUT ${YH_GEN_DIR}/yinhui.bash-completion
  COMMAND ${CMAKE_COMMAND} -DOUT=${YH_GEN_DIR}/yinhui.bash-completion -DEXE=$<TARGET_FILE:yinhui>
          -DARG1=help -DARG2=--completion -DARG3=bash -P ${YH_RUN_TO_FILE}
  DEPENDS yinhui ${YH_RUN_TO_FILE}
  COMMENT "Generating bash completion (yinhui help --completion bash)" VERBATIM)
add_custom_target(yh_docs ALL DEPENDS
  ${YH_GEN_DIR}/yinhui.1 ${YH_GEN_DIR}/yinhuid.8 ${YH_GEN_DIR}/yinhui.bash-completion)

# ---- install layout ----
set(YH_SYSTEMD_UNITDIR "lib/systemd/system" CACHE STRING "Where the unit file goes, relative to the prefix")
set(YH_UNIT_PATH "${CMAKE_INSTALL_PREFIX}/${YH_SYSTEMD_UNITDIR}/yinhuid.service")
set(YH_SBINDIR "${CMAKE_INSTALL_FULL_SBINDIR}")
set(YH_BINDIR "${CMAKE_INSTALL_FULL_BINDIR}")
set(YH_DOCDIR "${CMAKE_INSTALL_FULL_DOCDIR}")
configure_file(deploy/yinhuid.service.in ${YH_GEN_DIR}/yinhuid.service @ONLY)

install(FILES ${YH_GEN_DIR}/yinhui.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${YH_GEN_DIR}/yinhuid.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${YH_GEN_DIR}/yinhui.bash-completion
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME yinhui)
install(FILES ${YH_GEN_DIR}/yinhuid.service DESTINATION ${YH_SYSTEMD_UNITDIR})
install(FILES deploy/yinhui.conf.example deploy/nginx-yinhui.conf docs/operations.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
# a copy outside /usr/share/doc, which minimal systems exclude: postinst copies it to /etc
install(FILES deploy/yinhui.conf.example DESTINATION ${CMAKE_INSTALL_DATADIR}/yinhui)

# ---- Debian package: cpack -G DEB ----
set(CPACK_PACKAGE_NAME yinhui)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Yinhui")
set(CPACK_PACKAGE_CONTACT "Yinhui maintainers <yinhui-maint@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "retiree-service case management for a Veteran Cadres Bureau (银晖)")
set(CPACK_PACKAGE_DESCRIPTION
  "Care files, visits, subsidies and the annual self-evaluation of a Veteran Cadres Bureau:
the yinhui command-line tool and the yinhuid HTTP JSON API daemon over PostgreSQL.")
# The package holds what this build was configured for (paths compiled into the
# binaries and the unit file): configure packages with -DCMAKE_INSTALL_PREFIX=/usr.
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The exact library dependencies come from the binaries (dpkg-shlibdeps); the
# list below is the same set by name, for machines without dpkg-dev.
find_program(YH_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(YH_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libpq5, libjansson4, libuuid1, libsodium23, libmicrohttpd12, libxlsxwriter4, libunistring2, libsystemd0")
endif()
# pg_dump/pg_restore (db backup/restore) and the embedded cluster's server.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postgresql-15, postgresql-client-15")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nginx")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_CURRENT_SOURCE_DIR}/deploy/debian/postinst
  ${CMAKE_CURRENT_SOURCE_DIR}/deploy/debian/prerm
  ${CMAKE_CURRENT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_GENERATOR DEB)
include(CPack)
