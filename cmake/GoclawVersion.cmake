# Generates goclaw/core/version.h with the project version and the git commit (when built from
# a git checkout), so `goclaw version` can say exactly what was built.
find_package(Git QUIET)
set(GOCLAW_GIT_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE GOCLAW_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE git_rc)
  if(NOT git_rc EQUAL 0)
    set(GOCLAW_GIT_COMMIT "unknown")
  endif()
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/version.h.in
               ${PROJECT_BINARY_DIR}/src/goclaw/core/version.h @ONLY)
