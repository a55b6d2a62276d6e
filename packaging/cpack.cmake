# Install rules and CPack settings for the Debian package (cpack -G DEB) and
# the source tarball (cpack --config CPackSourceConfig.cmake, or
# `cmake --build build --target package_source`). Included once from the top
# CMakeLists.txt after the fieldcheck target is defined.
#
# The man page, the bash completion and the sample /etc/fieldcheck/config are
# generated at build time by the binary from its own command and settings
# tables, so whatever commands exist at build time are documented.
#
# Configure with -DCMAKE_INSTALL_PREFIX=/usr for a package: the binary has
# the locale directory compiled in, and Debian packages install under /usr.
include(GNUInstallDirs)

set(FC_GEN_DIR ${CMAKE_BINARY_DIR}/generated)
set(FC_SYSCONFIG_DIR ${CMAKE_INSTALL_FULL_SYSCONFDIR}/fieldcheck)
# The binary reads the system file from where the package installs it.
target_compile_definitions(fc_core PRIVATE FC_SYSCONFIG="${FC_SYSCONFIG_DIR}/config")

find_program(GZIP_EXECUTABLE gzip REQUIRED)
add_custom_command(OUTPUT ${FC_GEN_DIR}/fieldcheck.1 ${FC_GEN_DIR}/fieldcheck.1.gz
        ${FC_GEN_DIR}/fieldcheck.bash-completion ${FC_GEN_DIR}/config
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FC_GEN_DIR}
    COMMAND $<TARGET_FILE:fieldcheck> help --man > ${FC_GEN_DIR}/fieldcheck.1
    COMMAND ${GZIP_EXECUTABLE} -9 -n -c ${FC_GEN_DIR}/fieldcheck.1 > ${FC_GEN_DIR}/fieldcheck.1.gz
    COMMAND $<TARGET_FILE:fieldcheck> help --bash-completion
        > ${FC_GEN_DIR}/fieldcheck.bash-completion
    # An empty FIELDCHECK_CONFIG file: the sample shows defaults, whatever
    # the build machine's own settings are.
    COMMAND ${CMAKE_COMMAND} -E touch ${FC_GEN_DIR}/empty-config
    COMMAND ${CMAKE_COMMAND} -E env FIELDCHECK_CONFIG=${FC_GEN_DIR}/empty-config
        $<TARGET_FILE:fieldcheck> config list --sample > ${FC_GEN_DIR}/config
    DEPENDS fieldcheck
    COMMENT "Generating the man page, bash completion and sample configuration"
    VERBATIM)
add_custom_target(fieldcheck_docs ALL DEPENDS ${FC_GEN_DIR}/fieldcheck.1.gz
    ${FC_GEN_DIR}/fieldcheck.bash-completion ${FC_GEN_DIR}/config)

install(FILES ${FC_GEN_DIR}/fieldcheck.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${FC_GEN_DIR}/fieldcheck.bash-completion
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions RENAME fieldcheck)
install(FILES ${FC_GEN_DIR}/config DESTINATION ${FC_SYSCONFIG_DIR})
install(FILES README.md docs/packaging.md docs/user-guide-zh.md
    DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME fieldcheck)
set(CPACK_PACKAGE_VENDOR "fieldcheck")
set(CPACK_PACKAGE_CONTACT "fieldcheck maintainers <fieldcheck@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "offline field inspection tool for medical insurance fund supervision")
# The package installs where the binary expects its files; the source
# tarball keeps its plain layout (packaging/cpack-project.cmake).
set(FC_PACKAGE_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/cpack-project.cmake)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY on the Description line and
# indents these lines itself; a line holding only "." separates paragraphs.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "fieldcheck supports night bed checks, pharmacy stock reconciliation and
flight inspections on a laptop without network: a terminal UI for USB
barcode scanners, a scriptable command line, a tamper-evident SQLite event
log and signed, encrypted bundles for headquarters.
.
医保基金监管现场检查工具：夜间查床、药店进销存核对、飞行检查，离线可用。")
# /etc/fieldcheck/config is a conffile: an administrator's edits survive upgrades.
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "${FC_SYSCONFIG_DIR}/config\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/debian/conffiles)

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME fieldcheck-${PROJECT_VERSION})
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/\\\\.git$" "/build[^/]*/" "\\\\.tmp$"
    "compile_commands\\\\.json$")
set(CPACK_GENERATOR DEB)

include(CPack)
