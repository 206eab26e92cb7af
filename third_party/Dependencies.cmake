# Finds PageLab's dependencies among Debian 12's packages (third_party/setup.sh installs them).
# Nothing is downloaded or vendored.
find_package(PkgConfig REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG QUIET)
if(NOT CLI11_FOUND)
  find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  set_target_properties(CLI11::CLI11 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${CLI11_INCLUDE_DIR}")
endif()
find_package(nlohmann_json REQUIRED)
# GNU gettext's tools compile the message catalogues (po/*.po -> locale/LANG/LC_MESSAGES/pagelab.mo);
# the runtime is glibc's libintl.
find_program(PAGELAB_MSGFMT msgfmt REQUIRED)
find_program(PAGELAB_MSGEXEC msgexec REQUIRED)
find_program(PAGELAB_XGETTEXT xgettext)

if(PAGELAB_UI)
  # Debian's libimgui-dev (1.86) ships a pkg-config file; its GLFW/OpenGL3 backends are in libimgui.
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
  find_package(glfw3 REQUIRED)
  find_package(OpenGL REQUIRED)
  find_package(glm REQUIRED)
  find_path(STB_INCLUDE_DIR stb_image_write.h PATHS /usr/include/stb REQUIRED)
endif()

if(PAGELAB_TESTS)
  find_package(Catch2 2 REQUIRED)
  include(Catch)
endif()
