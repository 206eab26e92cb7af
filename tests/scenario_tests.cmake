# Every lesson under scenarios/ runs in ctest twice: its expectations (pagelab check) and its
# golden trace (pagelab trace --compare; PAGELAB_BLESS=1 ctest rewrites the .trace files).
# Every malformed scenario under tests/scenarios/bad/ must be refused with exit code 2 and the
# message its first line names ("# expect: LINE:COL: error: text").
file(GLOB PAGELAB_LESSONS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
foreach(lesson ${PAGELAB_LESSONS})
  get_filename_component(name ${lesson} NAME_WE)
  string(REGEX REPLACE "\\.yaml$" ".trace" golden ${lesson})
  add_test(NAME "lesson: ${name}" COMMAND pagelab check ${lesson})
  add_test(NAME "golden: ${name}" COMMAND pagelab trace ${lesson} --compare ${golden})
endforeach()

file(GLOB PAGELAB_BAD_SCENARIOS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/scenarios/bad/*.yaml)
foreach(bad ${PAGELAB_BAD_SCENARIOS})
  get_filename_component(name ${bad} NAME_WE)
  add_test(NAME "bad input: ${name}"
           COMMAND ${CMAKE_COMMAND} -DPAGELAB=$<TARGET_FILE:pagelab> -DFILE=${bad}
                   -P ${PROJECT_SOURCE_DIR}/tests/expect_error.cmake)
endforeach()
