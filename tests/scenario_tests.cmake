# Every lesson under scenarios/ runs in ctest twice: its expectations (pagelab check) and its
# golden trace (pagelab trace --compare; PAGELAB_BLESS=1 ctest rewrites the .trace files).
# Every malformed scenario under tests/scenarios/bad/ must be refused with exit code 2 and the
# message its first line names ("# expect: LINE:COL: error: text").
file(GLOB PAGELAB_LESSONS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
list(REMOVE_ITEM PAGELAB_LESSONS ${PROJECT_SOURCE_DIR}/scenarios/course.yaml)  # the course index
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
                 "-DCONTAINS=silent-step.yaml:8:5: warning: step 2 (virtual_alloc) is silent|1 warning" -P ${PAGELAB_EXPECT_OUTPUT})

# The message catalogue: every marked message translated into zh and ru with the same placeholders.
add_test(NAME "i18n: every message is translated into zh and ru, with the English placeholders"
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/i18n/check_catalogue.py ${PROJECT_SOURCE_DIR})
