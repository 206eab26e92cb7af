# The emscripten build's dependencies (scripts/web.sh configures it with emcmake into build-web/):
# the same libraries as third_party/Dependencies.cmake, under the target names the rest of the
# build uses, made from Debian's packages:
#   - header-only fmt, nlohmann-json, CLI11, glm and stb's header from /usr/include, reached through
#     links in the build tree (the host's /usr/include itself must not be on emscripten's path);
#   - yaml-cpp and Dear ImGui (with its GLFW and OpenGL3 backends) compiled from Debian's source
#     packages, which scripts/web.sh unpacks into PAGELAB_WEB_SOURCES (build-web/src);
#   - GLFW and OpenGL ES 3 / WebGL 2 from emscripten itself (-sUSE_GLFW=3, -sFULL_ES3=1).
# Errors are C++ exceptions (yaml-cpp's, the scenario loader's): emscripten catches none by default.
# emscripten's JavaScript exception handling (-fexceptions): every call that may throw from a
# function with destructors goes through an invoke_* trampoline in JS. WebAssembly's own exception
# handling (-fwasm-exceptions) was never built and measured here, so it is not offered; the frame
# budget is met without it (docs/web.md, Frame time).
add_compile_options(-fexceptions)
add_link_options(-fexceptions)

set(PAGELAB_WEB_SOURCES "${CMAKE_BINARY_DIR}/src" CACHE PATH "Unpacked Debian source packages (imgui, yaml-cpp)")
foreach(dir imgui yaml-cpp)
  if(NOT EXISTS "${PAGELAB_WEB_SOURCES}/${dir}")
    message(FATAL_ERROR "${PAGELAB_WEB_SOURCES}/${dir} is missing: scripts/web.sh fetches Debian's source package")
  endif()
endforeach()

set(PAGELAB_WEB_INCLUDE "${CMAKE_BINARY_DIR}/host-headers")
file(MAKE_DIRECTORY "${PAGELAB_WEB_INCLUDE}")
foreach(h fmt nlohmann CLI glm stb/stb_image_write.h)
  get_filename_component(name "${h}" NAME)
  if(NOT EXISTS "/usr/include/${h}")
    message(FATAL_ERROR "/usr/include/${h} is missing: install libfmt-dev nlohmann-json3-dev libcli11-dev libglm-dev libstb-dev")
  endif()
  file(CREATE_LINK "/usr/include/${h}" "${PAGELAB_WEB_INCLUDE}/${name}" SYMBOLIC)
endforeach()

add_library(fmt::fmt INTERFACE IMPORTED)
set_target_properties(fmt::fmt PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${PAGELAB_WEB_INCLUDE}"
                      INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY)
add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
set_target_properties(nlohmann_json::nlohmann_json PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${PAGELAB_WEB_INCLUDE}")
add_library(CLI11::CLI11 INTERFACE IMPORTED)
set_target_properties(CLI11::CLI11 PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${PAGELAB_WEB_INCLUDE}")
add_library(glm::glm INTERFACE IMPORTED)
set_target_properties(glm::glm PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${PAGELAB_WEB_INCLUDE}")
set(STB_INCLUDE_DIR "${PAGELAB_WEB_INCLUDE}")

set(YAML_CPP_BUILD_TESTS OFF CACHE BOOL "" FORCE)
set(YAML_CPP_BUILD_TOOLS OFF CACHE BOOL "" FORCE)
set(YAML_CPP_BUILD_CONTRIB OFF CACHE BOOL "" FORCE)
set(YAML_CPP_INSTALL OFF CACHE BOOL "" FORCE)
set(YAML_BUILD_SHARED_LIBS OFF CACHE BOOL "" FORCE)
add_subdirectory("${PAGELAB_WEB_SOURCES}/yaml-cpp" "${CMAKE_BINARY_DIR}/yaml-cpp" EXCLUDE_FROM_ALL)

find_program(PAGELAB_MSGFMT msgfmt REQUIRED)
find_program(PAGELAB_XGETTEXT xgettext)
# The catalogues' characters (locale/glyphs.txt: the font atlas and the Chinese font's subset).
find_program(PAGELAB_MSGEXEC msgexec REQUIRED)

if(PAGELAB_UI)
  set(imgui "${PAGELAB_WEB_SOURCES}/imgui")
  add_library(pagelab_web_imgui STATIC
    ${imgui}/imgui.cpp ${imgui}/imgui_draw.cpp ${imgui}/imgui_tables.cpp ${imgui}/imgui_widgets.cpp
    ${imgui}/misc/cpp/imgui_stdlib.cpp
    ${imgui}/backends/imgui_impl_glfw.cpp ${imgui}/backends/imgui_impl_opengl3.cpp)
  target_include_directories(pagelab_web_imgui SYSTEM PUBLIC ${imgui} ${imgui}/misc/cpp)
  target_compile_options(pagelab_web_imgui PUBLIC -sUSE_GLFW=3)  # (a link setting; compiling only warns)
  target_link_options(pagelab_web_imgui PUBLIC -sUSE_GLFW=3 -sFULL_ES3=1 -sMIN_WEBGL_VERSION=2 -sMAX_WEBGL_VERSION=2)
  add_library(PkgConfig::IMGUI ALIAS pagelab_web_imgui)
  add_library(glfw INTERFACE IMPORTED)      # emscripten's GLFW port: in pagelab_web_imgui's flags
  add_library(OpenGL::GL INTERFACE IMPORTED)  # WebGL 2 through emscripten's GLES 3 emulation
endif()
