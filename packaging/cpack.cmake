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
# The Chinese page is the same generator run in Chinese: the command table's
# texts through the freshly compiled zh_CN catalog (packaging/po).
set(FC_MAN_ZH_COMMANDS)
set(FC_MAN_ZH_OUTPUTS)
set(FC_MAN_ZH_DEPENDS)
if(TARGET translations)
    # the target orders the build; the catalog source reruns the page when a
    # translation changes
    set(FC_MAN_ZH_DEPENDS translations ${CMAKE_SOURCE_DIR}/packaging/po/zh_CN.po)
    set(FC_MAN_ZH_OUTPUTS ${FC_GEN_DIR}/zh_CN/fieldcheck.1 ${FC_GEN_DIR}/zh_CN/fieldcheck.1.gz)
    set(FC_MAN_ZH_COMMANDS
        COMMAND ${CMAKE_COMMAND} -E make_directory ${FC_GEN_DIR}/zh_CN
        COMMAND ${CMAKE_COMMAND} -E env FIELDCHECK_CONFIG=${FC_GEN_DIR}/empty-config
            FIELDCHECK_LOCALEDIR=${CMAKE_BINARY_DIR}/locale
            $<TARGET_FILE:fieldcheck> help --man zh > ${FC_GEN_DIR}/zh_CN/fieldcheck.1
        COMMAND ${GZIP_EXECUTABLE} -9 -n -c ${FC_GEN_DIR}/zh_CN/fieldcheck.1
            > ${FC_GEN_DIR}/zh_CN/fieldcheck.1.gz)
else()
    message(WARNING "msgfmt not found: the Chinese manual page is not built")
endif()
add_custom_command(OUTPUT ${FC_GEN_DIR}/fieldcheck.1 ${FC_GEN_DIR}/fieldcheck.1.gz
        ${FC_GEN_DIR}/fieldcheck.bash-completion ${FC_GEN_DIR}/config ${FC_MAN_ZH_OUTPUTS}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FC_GEN_DIR}
    # An empty FIELDCHECK_CONFIG file: the outputs show defaults in English,
    # whatever the build machine's own settings and locale are.
    COMMAND ${CMAKE_COMMAND} -E touch ${FC_GEN_DIR}/empty-config
    COMMAND ${CMAKE_COMMAND} -E env FIELDCHECK_CONFIG=${FC_GEN_DIR}/empty-config
        $<TARGET_FILE:fieldcheck> help --man > ${FC_GEN_DIR}/fieldcheck.1
    COMMAND ${GZIP_EXECUTABLE} -9 -n -c ${FC_GEN_DIR}/fieldcheck.1 > ${FC_GEN_DIR}/fieldcheck.1.gz
    ${FC_MAN_ZH_COMMANDS}
    COMMAND $<TARGET_FILE:fieldcheck> help --bash-completion
        > ${FC_GEN_DIR}/fieldcheck.bash-completion
    COMMAND ${CMAKE_COMMAND} -E env FIELDCHECK_CONFIG=${FC_GEN_DIR}/empty-config
        $<TARGET_FILE:fieldcheck> config list --sample > ${FC_GEN_DIR}/config
    DEPENDS fieldcheck ${FC_MAN_ZH_DEPENDS}
    COMMENT "Generating the manual pages, bash completion and sample configuration"
    VERBATIM)

# Debian policy 12.3: documentation under /usr/share/doc is compressed
# (gzip -9n, reproducible), except the copyright file. The changelog is the
# Debian changelog of a non-native package (version <upstream>-<revision>).
set(FC_DOCS README.md docs/packaging.md docs/user-guide-zh.md docs/user-guide-en.md
    docs/mission-format.md docs/csv-import.md docs/bundle-format.md docs/identifiers.md)
set(FC_DOC_GZ)
foreach(doc ${FC_DOCS})
    get_filename_component(name ${doc} NAME)
    add_custom_command(OUTPUT ${FC_GEN_DIR}/doc/${name}.gz
        COMMAND ${CMAKE_COMMAND} -E make_directory ${FC_GEN_DIR}/doc
        COMMAND ${GZIP_EXECUTABLE} -9 -n -c ${CMAKE_SOURCE_DIR}/${doc} > ${FC_GEN_DIR}/doc/${name}.gz
        DEPENDS ${CMAKE_SOURCE_DIR}/${doc} VERBATIM)
    list(APPEND FC_DOC_GZ ${FC_GEN_DIR}/doc/${name}.gz)
endforeach()
add_custom_command(OUTPUT ${FC_GEN_DIR}/doc/changelog.Debian.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${FC_GEN_DIR}/doc
    COMMAND ${GZIP_EXECUTABLE} -9 -n -c ${CMAKE_SOURCE_DIR}/packaging/debian/changelog
        > ${FC_GEN_DIR}/doc/changelog.Debian.gz
    DEPENDS ${CMAKE_SOURCE_DIR}/packaging/debian/changelog VERBATIM)
add_custom_target(fieldcheck_docs ALL DEPENDS ${FC_GEN_DIR}/fieldcheck.1.gz
    ${FC_GEN_DIR}/fieldcheck.bash-completion ${FC_GEN_DIR}/config ${FC_MAN_ZH_OUTPUTS}
    ${FC_DOC_GZ} ${FC_GEN_DIR}/doc/changelog.Debian.gz)

install(FILES ${FC_GEN_DIR}/fieldcheck.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
if(FC_MAN_ZH_OUTPUTS)
    install(FILES ${FC_GEN_DIR}/zh_CN/fieldcheck.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/zh_CN/man1)
endif()
install(FILES ${FC_GEN_DIR}/fieldcheck.bash-completion
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions RENAME fieldcheck)
install(FILES ${FC_GEN_DIR}/config DESTINATION ${FC_SYSCONFIG_DIR})
install(FILES ${FC_DOC_GZ} ${FC_GEN_DIR}/doc/changelog.Debian.gz packaging/debian/copyright
    DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES packaging/fieldcheck.desktop DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/applications)
install(FILES packaging/fieldcheck.svg
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/icons/hicolor/scalable/apps)
# Each override carries its reason in the file (docs/packaging.md, "lintian").
install(FILES packaging/debian/lintian-overrides
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides RENAME fieldcheck)

# The package version is <project version>-<Debian revision>; the newest
# entry of packaging/debian/changelog must name exactly that version, or the
# package would say one thing in its control file and another in its changelog.
set(FC_DEB_REVISION 1 CACHE STRING "Debian revision of the package version")
set(FC_MAINTAINER "fieldcheck maintainers <maintainers@fieldcheck.org>" CACHE STRING
    "Maintainer field of the .deb (name <address>)")
file(STRINGS ${CMAKE_SOURCE_DIR}/packaging/debian/changelog fc_changelog_head LIMIT_COUNT 1)
if(NOT fc_changelog_head MATCHES "^fieldcheck \\(${PROJECT_VERSION}-${FC_DEB_REVISION}\\) ")
    message(FATAL_ERROR "packaging/debian/changelog starts with '${fc_changelog_head}', but the "
        "package version is ${PROJECT_VERSION}-${FC_DEB_REVISION}: add a changelog entry")
endif()

set(CPACK_PACKAGE_NAME fieldcheck)
set(CPACK_PACKAGE_VENDOR "fieldcheck")
set(CPACK_PACKAGE_CONTACT "${FC_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "offline field inspection tool for medical insurance fund supervision")
# The package installs where the binary expects its files; the source
# tarball keeps its plain layout (packaging/cpack-project.cmake).
set(FC_PACKAGE_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/cpack-project.cmake)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${FC_DEB_REVISION})
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libpq is loaded with dlopen() only by `hq --db-url postgresql://`, so
# dpkg-shlibdeps cannot see it: it is stated here, as a recommendation (apt
# installs it by default; a field laptop may go without it, and the program
# then says to install libpq5). 9.2~beta3 is the oldest libpq5 with every
# symbol core/hq/hqdb_pg.c resolves (PQsetSingleRowMode, per its symbols file).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion, libpq5 (>= 9.2~beta3)")
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
