# A golden transcript: `pagelab run --lang LANG --detail events LESSON` must print GOLDEN byte for
# byte (PAGELAB_BLESS=1 in the environment rewrites GOLDEN instead, for a change that is meant).
#   -DPAGELAB=path -DSOURCE=repository -DLESSON=scenarios/file.yaml -DLANG=zh|ru -DGOLDEN=file.txt
# (run from the repository, so the transcript names the lesson by the same relative path everywhere)
execute_process(COMMAND ${PAGELAB} run --lang ${LANG} --detail events ${LESSON} WORKING_DIRECTORY ${SOURCE}
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "pagelab run exited ${code}:\n${err}")
endif()
if("$ENV{PAGELAB_BLESS}" STREQUAL "1")
  file(WRITE ${GOLDEN} "${out}")
  message(STATUS "wrote ${GOLDEN}")
  return()
endif()
if(NOT EXISTS ${GOLDEN})
  message(FATAL_ERROR "${GOLDEN} does not exist (write it with PAGELAB_BLESS=1 ctest -R transcript)")
endif()
file(READ ${GOLDEN} want)
if(NOT out STREQUAL want)
  file(WRITE ${GOLDEN}.actual "${out}")
  execute_process(COMMAND diff -u ${GOLDEN} ${GOLDEN}.actual OUTPUT_VARIABLE d)
  file(REMOVE ${GOLDEN}.actual)
  message(FATAL_ERROR "the ${LANG} transcript differs from ${GOLDEN}:\n${d}")
endif()
