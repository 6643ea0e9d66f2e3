# cmake -P run_case.cmake: configures tests/cmake/qt_free into BINARY_DIR with -DQT_IN=<QT_IN> and
# checks the outcome: EXPECT_FAIL (ON/OFF) and the regular expression EXPECT_OUTPUT.
foreach(var SOURCE_DIR BINARY_DIR GENERATOR CPC_CMAKE_DIR EXPECT_OUTPUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_case.cmake needs -D${var}=…")
  endif()
endforeach()
file(REMOVE_RECURSE ${BINARY_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BINARY_DIR} -G "${GENERATOR}"
                        -DCPC_CMAKE_DIR=${CPC_CMAKE_DIR} -DQT_IN=${QT_IN}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(EXPECT_FAIL AND result EQUAL 0)
  message(FATAL_ERROR "configure succeeded, expected it to fail:\n${all}")
elseif(NOT EXPECT_FAIL AND NOT result EQUAL 0)
  message(FATAL_ERROR "configure failed (${result}), expected it to succeed:\n${all}")
endif()
if(NOT all MATCHES "${EXPECT_OUTPUT}")
  message(FATAL_ERROR "output does not match '${EXPECT_OUTPUT}':\n${all}")
endif()
message(STATUS "as expected:\n${all}")
