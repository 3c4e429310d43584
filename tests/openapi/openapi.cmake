# The API description (issue 8 §4), included from tests/CMakeLists.txt:
# a real validator (Redocly CLI, pinned in package-lock.json) lints
# docs/openapi.yaml and checks the served JSON is the document it read, and a
# C test checks the route tables and the description agree both ways.
add_executable(test_openapi_routes ${CMAKE_CURRENT_LIST_DIR}/test_openapi_routes.c)
target_include_directories(test_openapi_routes PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_link_libraries(test_openapi_routes PRIVATE yh_http yh_core ${CUNIT_LIB} PkgConfig::JANSSON)
add_test(NAME test_openapi_routes COMMAND test_openapi_routes)
set_tests_properties(test_openapi_routes PROPERTIES LABELS unit)

# YH_OPENAPI_JSON comes from cmake/openapi.cmake (built with yh_http).
add_test(NAME openapi_lint
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/lint.sh ${PROJECT_SOURCE_DIR}/docs/openapi.yaml ${YH_OPENAPI_JSON})
# the first run installs the linter with npm ci; later runs reuse it
set_tests_properties(openapi_lint PROPERTIES LABELS unit TIMEOUT 600)
