# The window's tests (issue 6), run on a virtual display by run_ui_test.sh (skipped when xvfb-run
# is missing). Each built-in UI test drives the real window with injected input; see docs/ui.md.
set(PAGELAB_UI_TESTS
  step-controls
  pte-select
  frame-window
  breakpoints
  load-error
  classroom
  compare
  walk
  large-map
  mapped-file
  dirty-bit
  quiz
  quiz-off
  narrated-group
  course-picker
  live-reload
  story-15
  story-15-classroom
  strip-nt
  strip-nt-classroom
  strip-95
  strip-95-classroom
  regions-15
  region-marks-write-watch
  region-marks-lock
  regions-26-classroom
  story-lessons-nt
  story-lessons-nt-classroom
  story-lessons-95
  story-lessons-95-classroom
  tlb-02
  tlb-02-classroom
  failed-process
  compare-moments
  go-to
  event-filter
  export
  language
  language-classroom
  glossary
  glossary-panels
  glossary-split
  vmmap-summary-01
  vmmap-summary-15
  classroom-story
  classroom-story-1280
  frame-labels
  textures-08
  textures-large
  classroom-space-1280
  classroom-space-1920
  regions-1280-classroom
  event-kind-tooltip
  event-kind-tooltip-classroom
  clip-en-1280
  clip-en-1280-classroom
  clip-en-1920
  clip-en-1920-classroom
  clip-zh-1280
  clip-zh-1280-classroom
  clip-zh-1920
  clip-zh-1920-classroom
  clip-ru-1280
  clip-ru-1280-classroom
  clip-ru-1920
  clip-ru-1920-classroom
)
set(PAGELAB_UI_RUN ${CMAKE_CURRENT_SOURCE_DIR}/ui/run_ui_test.sh)
foreach(t ${PAGELAB_UI_TESTS})
  add_test(NAME "ui: ${t}" COMMAND ${PAGELAB_UI_RUN} -- $<TARGET_FILE:pagelab-ui> --ui-test ${t})
  if(t MATCHES "^clip-|^story-lessons|^textures-large|^classroom-space|^regions-1280")
    set_tests_properties("ui: ${t}" PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)  # 40 lessons x 4 moments; 13 lessons step by step
  else()
    set_tests_properties("ui: ${t}" PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
  endif()
endforeach()

# Every test the binary knows is registered above.
add_test(NAME "ui: every built-in test is registered"
         COMMAND ${CMAKE_COMMAND} -DPAGELAB_UI=$<TARGET_FILE:pagelab-ui> "-DREGISTERED=${PAGELAB_UI_TESTS}"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/ui/check_registered.cmake)

# --screenshot renders and exits with a PNG; --bench-frames runs (the figure is in docs/ui.md).
add_test(NAME "ui: screenshot"
         COMMAND ${PAGELAB_UI_RUN} --expect-png ${CMAKE_CURRENT_BINARY_DIR}/ui-screenshot.png --
                 $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/scenarios/01-demand-zero.yaml
                 --screenshot ${CMAKE_CURRENT_BINARY_DIR}/ui-screenshot.png --at 3 --size 1280x800)
add_test(NAME "ui: screenshot of an invalid scenario shows the error"
         COMMAND ${PAGELAB_UI_RUN} --expect-png ${CMAKE_CURRENT_BINARY_DIR}/ui-screenshot-error.png --expect-exit 2 --
                 $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/tests/scenarios/bad/unknown-key.yaml
                 --screenshot ${CMAKE_CURRENT_BINARY_DIR}/ui-screenshot-error.png --size 1280x800)
add_test(NAME "ui: screenshot of a quiz question (--at N --ask, --answers)"
         COMMAND ${PAGELAB_UI_RUN} --expect-png ${CMAKE_CURRENT_BINARY_DIR}/ui-screenshot-quiz.png --
                 $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/tests/scenarios/quiz/two-questions.yaml
                 --screenshot ${CMAKE_CURRENT_BINARY_DIR}/ui-screenshot-quiz.png --at 2 --answers 0x10000 --ask --size 1280x800)
# --screenshot never overwrites a file PageLab did not write; its own PNG (marked) it replaces.
add_test(NAME "ui: screenshot refuses to overwrite a user's file and replaces its own"
         COMMAND bash -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT; printf 'my notes' > $d/notes.png
                          ${PAGELAB_UI_RUN} --expect-exit 2 -- $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/scenarios/01-demand-zero.yaml --screenshot $d/notes.png --size 640x400
                          [ \"$(cat $d/notes.png)\" = 'my notes' ]
                          ${PAGELAB_UI_RUN} --expect-png $d/s.png -- $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/scenarios/01-demand-zero.yaml --screenshot $d/s.png --size 1280x800
                          ${PAGELAB_UI_RUN} -- $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/scenarios/01-demand-zero.yaml --screenshot $d/s.png --size 1280x800
                          ! ls -a $d | grep -q tmp-")
# The language chosen in the menu is written to the settings file and read at the next start-up;
# a settings file the window did not write is neither obeyed nor overwritten.
add_test(NAME "ui: the language chosen is remembered in the settings file"
         COMMAND bash -c "set -e; d=$(mktemp -d); trap 'rm -rf $d' EXIT
                          ${PAGELAB_UI_RUN} -- $<TARGET_FILE:pagelab-ui> --ui-test language --settings $d/s.yaml
                          grep -qx 'language: en' $d/s.yaml
                          sed -i 's/language: en/language: zh/' $d/s.yaml
                          ${PAGELAB_UI_RUN} -- $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/scenarios/01-demand-zero.yaml --bench-frames 1 --size 640x400 --settings $d/s.yaml | grep -q 'characters in 5 faces (zh,'
                          printf 'language: [' > $d/mine.yaml
                          ${PAGELAB_UI_RUN} -- $<TARGET_FILE:pagelab-ui> --ui-test language --settings $d/mine.yaml | grep -q 'warning: settings ignored'
                          [ \"$(cat $d/mine.yaml)\" = 'language: [' ]")
set_tests_properties("ui: the language chosen is remembered in the settings file" PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
# The bench smoke prints the frame-time figure (ctest -V shows it): medians and p95, PageLab's own
# CPU time vs the renderer's, standing still, cursor moving, mouse moving. It checks that the
# figure is printed, never a time (a benchmark, not a timed test).
add_test(NAME "ui: frame-time bench smoke"
         COMMAND ${PAGELAB_UI_RUN} -- $<TARGET_FILE:pagelab-ui> ${PROJECT_SOURCE_DIR}/scenarios/15-create-process-appinst.yaml
                 --bench-frames 20 --size 1920x1080)
set_tests_properties("ui: frame-time bench smoke" PROPERTIES
                     PASS_REGULAR_EXPRESSION "bench: cursor moving median [0-9.]+ ms/frame [(]p95 [0-9.]+[)]; own [0-9.]+ ms [(]p95 [0-9.]+[)], renderer [0-9.]+ ms")
set_tests_properties("ui: screenshot" "ui: screenshot of an invalid scenario shows the error" "ui: frame-time bench smoke"
                     "ui: screenshot of a quiz question (--at N --ask, --answers)"
                     "ui: screenshot refuses to overwrite a user's file and replaces its own"
                     PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
