# Authoring and test reports (issue 21): the JSON Schemas editors use, `pagelab new`, JUnit and TAP
# reports, parallel and filtered checks, grading, `run --watch`.

# The committed schemas are what `pagelab schema` prints from the parser's tables: a parser change
# that the schema does not follow fails here (regenerate with the command the message names).
foreach(kind scenario course)
  if(kind STREQUAL "course")
    set(flag --course)
  else()
    set(flag "")
  endif()
  add_test(NAME "schema: docs/${kind}.schema.json is what pagelab schema ${flag} prints"
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;schema;${flag}" -DFILE=${PROJECT_SOURCE_DIR}/docs/${kind}.schema.json
                   "-DHINT=pagelab schema ${flag} --output docs/${kind}.schema.json"
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/compare_output.cmake)
endforeach()

# The schemas against a real JSON Schema validator (python3-jsonschema; skipped without it outside CI).
find_program(PAGELAB_PYTHON3 NAMES python3 HINTS /usr/bin NO_CACHE)
if(PAGELAB_PYTHON3)
  set(validate ${PAGELAB_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/schema/validate.py)
  add_test(NAME "schema: every lesson and the course index validate, and declare their schema on the first line"
           COMMAND ${validate} lessons ${PROJECT_SOURCE_DIR}/docs/scenario.schema.json ${PROJECT_SOURCE_DIR}/docs/course.schema.json
                   ${PROJECT_SOURCE_DIR}/scenarios)
  file(GLOB PAGELAB_VALID_TEST_SCENARIOS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/quiz/*.yaml
       ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/lint/*.yaml ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/grading/*.yaml
       ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/reports/*.yaml
       ${CMAKE_CURRENT_SOURCE_DIR}/ui/*.yaml)
  add_test(NAME "schema: the test scenarios validate"
           COMMAND ${validate} valid ${PROJECT_SOURCE_DIR}/docs/scenario.schema.json ${PAGELAB_VALID_TEST_SCENARIOS})
  add_test(NAME "schema: rejects every schema-level error of tests/scenarios/bad, where PageLab does, and accepts the rest"
           COMMAND ${validate} bad ${PROJECT_SOURCE_DIR}/docs/scenario.schema.json ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/bad)
  set_tests_properties("schema: every lesson and the course index validate, and declare their schema on the first line"
                       "schema: the test scenarios validate"
                       "schema: rejects every schema-level error of tests/scenarios/bad, where PageLab does, and accepts the rest"
                       PROPERTIES SKIP_RETURN_CODE 77)
endif()

set(PAGELAB_AUTHORING_CASES
  new-writes-a-lesson-that-checks-and-lints
  new-refuses-to-overwrite
  check-junit-report
  check-tap-report
  check-in-parallel-keeps-the-order
  check-filter-selects-by-path-or-title
  grade-right-and-wrong-students
  run-watch-reloads-shows-errors-in-place-and-recovers
)
foreach(case ${PAGELAB_AUTHORING_CASES})
  add_test(NAME "cli: ${case}" COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/authoring_test.sh $<TARGET_FILE:pagelab>
                                       ${PROJECT_SOURCE_DIR} ${case} "${PAGELAB_PYTHON3}")
endforeach()
