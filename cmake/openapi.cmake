# docs/openapi.yaml is the one source of the API description. At build time it
# becomes openapi.json (PyYAML, from Debian's python3-yaml) and then a C array
# compiled into yh_http, served by GET /api/v1/openapi.json (routes_core.c).
#
# Included from cmake/sources.cmake, it appends the generated file to
# YH_HTTP_SOURCES. Run as a script (cmake -DJSON=.. -DOUT=.. -P openapi.cmake)
# it writes that C file: bytes in hex, so no quoting or line-length limit can
# bite, and the JSON stays byte for byte what the converter produced.

if(CMAKE_SCRIPT_MODE_FILE)
  file(READ "${JSON}" hex HEX)
  string(LENGTH "${hex}" digits)
  math(EXPR bytes "${digits} / 2")
  # 16 bytes a line
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
  string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
  file(WRITE "${OUT}.tmp"
    "/* Generated from docs/openapi.yaml by cmake/openapi.cmake: do not edit. */\n"
    "#include <stddef.h>\n\n"
    "extern const char yh_openapi_json[];\n"
    "extern const size_t yh_openapi_json_len;\n\n"
    "const char yh_openapi_json[] = {\n${body}\n0x00 };\n"
    "const size_t yh_openapi_json_len = ${bytes};\n")
  file(RENAME "${OUT}.tmp" "${OUT}")
  return()
endif()

# Debian's interpreter first: python3-yaml (scripts/install-deps) belongs to it,
# while a python3 earlier on PATH (pyenv, a venv) may lack the module.
find_program(YH_PYTHON3 NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT YH_PYTHON3)
  find_program(YH_PYTHON3 NAMES python3)
endif()
if(NOT YH_PYTHON3)
  message(FATAL_ERROR "python3 not found: docs/openapi.yaml is converted with python3-yaml (run scripts/install-deps)")
endif()
execute_process(COMMAND ${YH_PYTHON3} -c "import yaml" RESULT_VARIABLE yh_pyyaml_rc OUTPUT_QUIET ERROR_QUIET)
if(NOT yh_pyyaml_rc EQUAL 0)
  message(FATAL_ERROR "${YH_PYTHON3} cannot import yaml: install python3-yaml (run scripts/install-deps)")
endif()

set(YH_OPENAPI_YAML ${CMAKE_CURRENT_SOURCE_DIR}/docs/openapi.yaml)
set(YH_OPENAPI_JSON ${CMAKE_BINARY_DIR}/generated/openapi.json)
set(YH_OPENAPI_C ${CMAKE_BINARY_DIR}/generated/openapi_json.c)

# safe_load only: plain data, no tags. A value JSON cannot hold (an unquoted
# date becomes a datetime.date) fails the conversion rather than passing as text.
add_custom_command(OUTPUT ${YH_OPENAPI_JSON}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND ${YH_PYTHON3} -c
    "import json, sys, yaml; doc = yaml.safe_load(open(sys.argv[1], encoding='utf-8')); out = open(sys.argv[2], 'w', encoding='utf-8'); json.dump(doc, out, ensure_ascii=False, separators=(',', ':')); out.close()"
    ${YH_OPENAPI_YAML} ${YH_OPENAPI_JSON}
  DEPENDS ${YH_OPENAPI_YAML}
  COMMENT "Converting docs/openapi.yaml to JSON"
  VERBATIM)
add_custom_command(OUTPUT ${YH_OPENAPI_C}
  COMMAND ${CMAKE_COMMAND} -DJSON=${YH_OPENAPI_JSON} -DOUT=${YH_OPENAPI_C} -P ${CMAKE_CURRENT_LIST_FILE}
  DEPENDS ${YH_OPENAPI_JSON} ${CMAKE_CURRENT_LIST_FILE}
  COMMENT "Embedding openapi.json"
  VERBATIM)
list(APPEND YH_HTTP_SOURCES ${YH_OPENAPI_C})
