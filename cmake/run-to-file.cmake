# cmake -DOUT=FILE -DEXE=PROGRAM [-DARG1=..] [-DARG2=..] [-DARG3=..] -P run-to-file.cmake
# Runs PROGRAM ARG1 ARG2 ARG3 and writes its standard output to FILE, replacing FILE only
# when the program succeeds (no shell redirection: works with every generator).
# A sanitizer build's leak check is not what a documentation step should fail on.
set(ENV{ASAN_OPTIONS} "detect_leaks=0")
execute_process(COMMAND ${EXE} ${ARG1} ${ARG2} ${ARG3}
  OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE ${OUT}.tmp)
  message(FATAL_ERROR "${EXE} ${ARG1} ${ARG2} ${ARG3} failed: ${rc}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
