# Read by cpack for each generator: binary packages install under the
# configured prefix (/usr for Debian); the source tarball gets no prefix.
if(CPACK_GENERATOR STREQUAL "DEB")
    set(CPACK_PACKAGING_INSTALL_PREFIX "${FC_PACKAGE_PREFIX}")
endif()
