# Every lesson under scenarios/ runs in ctest twice: its expectations (pagelab check) and its
# golden trace (pagelab trace --compare; PAGELAB_BLESS=1 ctest rewrites the .trace files).
# Every malformed scenario under tests/scenarios/bad/ must be refused with exit code 2 and the
# message its first line names ("# expect: LINE:COL: error: text").
function(pagelab_checked_and_golden check_prefix golden_prefix)
  foreach(file ${ARGN})
    get_filename_component(name ${file} NAME_WE)
    string(REGEX REPLACE "\\.yaml$" ".trace" golden ${file})
    add_test(NAME "${check_prefix}: ${name}" COMMAND pagelab check ${file})
    add_test(NAME "${golden_prefix}: ${name}" COMMAND pagelab trace ${file} --compare ${golden})
  endforeach()
endfunction()
file(GLOB PAGELAB_LESSONS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
list(REMOVE_ITEM PAGELAB_LESSONS ${PROJECT_SOURCE_DIR}/scenarios/course.yaml)  # the course index
pagelab_checked_and_golden(lesson golden ${PAGELAB_LESSONS})

# The Windows fidelity rules (docs/fidelity.md): each scenario under tests/scenarios/fidelity/ states
# Windows' answers as expectations and keeps a golden trace beside it, like a lesson.
file(GLOB PAGELAB_FIDELITY CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/scenarios/fidelity/*.yaml)
pagelab_checked_and_golden(fidelity "fidelity golden" ${PAGELAB_FIDELITY})

file(GLOB PAGELAB_BAD_SCENARIOS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/scenarios/bad/*.yaml)
foreach(bad ${PAGELAB_BAD_SCENARIOS})
  get_filename_component(name ${bad} NAME_WE)
  add_test(NAME "bad input: ${name}"
           COMMAND ${CMAKE_COMMAND} -DPAGELAB=$<TARGET_FILE:pagelab> -DFILE=${bad}
                   -P ${PROJECT_SOURCE_DIR}/tests/expect_error.cmake)
endforeach()

# The course commands: quiz with scripted and typed answers, course listing.
set(PAGELAB_QUIZ ${PROJECT_SOURCE_DIR}/tests/scenarios/quiz/two-questions.yaml)
set(PAGELAB_EXPECT_OUTPUT ${PROJECT_SOURCE_DIR}/tests/expect_output.cmake)
add_test(NAME "cli: quiz, every answer right, exits 0"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;quiz;${PAGELAB_QUIZ};--answers;65536,b" -DCODE=0
                 "-DCONTAINS=Your answer: 0x10000 (65536) - right.|Your answer: b) a demand-zero fault - right.|Score: 2 of 2 questions right."
                 -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: quiz, one answer wrong, exits 1 and reveals the right one"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;quiz;${PAGELAB_QUIZ};--answers;0x10000,d" -DCODE=1
                 "-DCONTAINS=not quite: the answer is b) a demand-zero fault.|Why: The page is committed but was never touched|Score: 1 of 2 questions right."
                 -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: quiz reads typed answers and asks again after a non-answer"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;quiz;${PAGELAB_QUIZ};--answers;0x10000" -DCODE=0
                 -DINPUT=${PROJECT_SOURCE_DIR}/tests/scenarios/quiz/answers-with-a-typo.txt
                 "-DCONTAINS='z' is not one of the choices (answer a-d or 1-4)|Score: 2 of 2 questions right."
                 -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: quiz refuses more answers than questions"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;quiz;${PAGELAB_QUIZ};--answers;1,2,3" -DCODE=2
                 "-DCONTAINS=--answers gives 3 answers" -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: run prints questions with their answers"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;run;${PAGELAB_QUIZ}" -DCODE=0
                 "-DCONTAINS=Question: Which page fault does the first read take?|Answer: b) a demand-zero fault" -P ${PAGELAB_EXPECT_OUTPUT})

# Every lesson is narrated and in the course (pagelab lint), and the course lists in order.
add_test(NAME "lint: every lesson step is told, every question checked, every lesson in the course"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;lint;${PROJECT_SOURCE_DIR}/scenarios" -DCODE=0
                 "-DCONTAINS=0 warnings" -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: course lists the chapters and lessons in order"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;course;${PROJECT_SOURCE_DIR}/scenarios/course.yaml" -DCODE=0
                 "-DCONTAINS=(40 lessons in 8 chapters)|Chapter 1. The x86 machinery|Chapter 8. Windows 95 and NT side by side|40. " -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: lint reports a silent step and exits 1"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;lint;${PROJECT_SOURCE_DIR}/tests/scenarios/lint/silent-step.yaml" -DCODE=1
                 "-DCONTAINS=silent-step.yaml:17:5: warning: step 2 (virtual_alloc) is silent|1 warning" -P ${PAGELAB_EXPECT_OUTPUT})

# The message catalogue: every marked message translated into zh and ru with the same placeholders.
add_test(NAME "i18n: every message is translated into zh and ru, with the English placeholders"
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/i18n/check_catalogue.py ${PROJECT_SOURCE_DIR})
add_test(NAME "lint: a text missing its zh or ru translation is reported with file, line and language"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;lint;--lang;en;${PROJECT_SOURCE_DIR}/tests/scenarios/lint/missing-translation.yaml" -DCODE=1
                 "-DCONTAINS=missing-translation.yaml:3:3: warning: the title has no Russian (ru) translation|missing-translation.yaml:10:10: warning: the narration (say) has no Chinese (zh) translation|missing-translation.yaml:10:10: warning: the narration (say) has no Russian (ru) translation|1 file linted, 3 warnings"
                 -P ${PAGELAB_EXPECT_OUTPUT})

add_test(NAME "lint: a file's declared languages are the ones it is asked to translate into"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;lint;--lang;en;${PROJECT_SOURCE_DIR}/tests/scenarios/lint/declared-languages.yaml" -DCODE=1
                 "-DCONTAINS=declared-languages.yaml:10:10: warning: the narration (say) has no Chinese (zh) translation|1 file linted, 1 warning"
                 -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "lint: the fidelity scenarios are narrated (English only, declared)"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;lint;--lang;en;${PROJECT_SOURCE_DIR}/tests/scenarios/fidelity" -DCODE=0
                 "-DCONTAINS=0 warnings" -P ${PAGELAB_EXPECT_OUTPUT})

# `pagelab diff` and `pagelab state --format csv|windbg` of two lessons each, against golden files
# in tests/golden/ (PAGELAB_BLESS=1 ctest -R golden-output rewrites them).
set(PAGELAB_GOLDEN_OUTPUT ${PROJECT_SOURCE_DIR}/tests/golden_output.cmake)
function(pagelab_golden_output name golden)
  add_test(NAME "golden-output: ${name}"
           COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;${ARGN}" -DGOLDEN=${PROJECT_SOURCE_DIR}/tests/golden/${golden}
                   -DWORKDIR=${PROJECT_SOURCE_DIR} -P ${PAGELAB_GOLDEN_OUTPUT})
endfunction()
pagelab_golden_output("diff 22 steps 4 to 11" diff-22-two-instances-copy-on-write.txt
                      diff scenarios/22-two-instances-copy-on-write.yaml --from 4 --to 11)
pagelab_golden_output("diff 28 start to a label, json" diff-28-reverse-a-file-through-a-view.json
                      diff scenarios/28-reverse-a-file-through-a-view.yaml --from start --to "first swap" --format json)
pagelab_golden_output("state 22 csv" state-22-two-instances-copy-on-write-at-11.csv
                      state scenarios/22-two-instances-copy-on-write.yaml --at 11 --format csv)
pagelab_golden_output("state 22 windbg" state-22-two-instances-copy-on-write-at-11.windbg.txt
                      state scenarios/22-two-instances-copy-on-write.yaml --at 11 --format windbg)
pagelab_golden_output("state 34 csv" state-34-mapped-file-under-memory-pressure-at-15.csv
                      state scenarios/34-mapped-file-under-memory-pressure.yaml --at 15 --format csv)
pagelab_golden_output("state 34 windbg" state-34-mapped-file-under-memory-pressure-at-15.windbg.txt
                      state scenarios/34-mapped-file-under-memory-pressure.yaml --at 15 --format windbg)

# Bad moments are invalid input: exit 2 and a sentence naming what was given.
set(PAGELAB_DIFF_LESSON ${PROJECT_SOURCE_DIR}/scenarios/28-reverse-a-file-through-a-view.yaml)
add_test(NAME "cli: diff refuses an unknown label"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;diff;${PAGELAB_DIFF_LESSON};--from;1;--to;second swap" -DCODE=2
                 "-DCONTAINS=pagelab: error: --to second swap: not a step number, a label of this scenario, event:N, start or end"
                 -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: diff refuses --from after --to"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;diff;${PAGELAB_DIFF_LESSON};--from;first swap;--to;3" -DCODE=2
                 "-DCONTAINS=pagelab: error: --from first swap comes after --to 3 (step 8 is later than step 3): give the earlier moment first"
                 -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: diff refuses a step or event out of range"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;diff;${PAGELAB_DIFF_LESSON};--from;0;--to;99" -DCODE=2
                 "-DCONTAINS=pagelab: error: --to 99: the scenario has" -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: diff refuses an event out of range"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;diff;${PAGELAB_DIFF_LESSON};--from;event:999999;--to;end" -DCODE=2
                 "-DCONTAINS=pagelab: error: --from event:999999: the run has" -P ${PAGELAB_EXPECT_OUTPUT})
add_test(NAME "cli: diff of a moment with itself says so"
         COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:pagelab>;diff;${PAGELAB_DIFF_LESSON};--from;event:5;--to;event:5" -DCODE=0
                 "-DCONTAINS=No difference." -P ${PAGELAB_EXPECT_OUTPUT})

# A real third-party DLL (Debian's mingw-w64 libgcc_s_dw2-1.dll) loaded by its full path and by
# its base name: the fixture is fetched into the build tree, and the test is skipped (exit 77)
# only when the package cannot be had.
add_test(NAME "thirdparty: libgcc_s_dw2-1.dll by full path"
         COMMAND ${PROJECT_SOURCE_DIR}/tests/thirdparty_dll.sh $<TARGET_FILE:pagelab> ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set_tests_properties("thirdparty: libgcc_s_dw2-1.dll by full path" PROPERTIES SKIP_RETURN_CODE 77)
