# The web console (web/: React, TypeScript, Vite), built into DATAML_CONSOLE_DIR, which `dataml
# serve` loads at start and serves at / (docs/console.md). The build runs again only when one of
# its inputs changed; the globs are re-read at every build, so new source files count too.
option(DATAML_CONSOLE "Build the web console with npm (part of the default target)" ON)

if(NOT DATAML_CONSOLE)
  return()
endif()
find_program(NPM_EXECUTABLE npm)
if(NOT NPM_EXECUTABLE)
  message(WARNING "npm not found: the web console is not built, and the server answers / with 404 "
                  "(install Node.js and npm, then run scripts/setup.sh)")
  return()
endif()

set(DATAML_WEB_DIR ${CMAKE_SOURCE_DIR}/web)
# Recursive globs only inside these folders: web/ also holds node_modules. e2e/ and
# playwright.config.ts are in the build's type check (tsconfig.json includes them).
file(GLOB_RECURSE DATAML_CONSOLE_INPUTS CONFIGURE_DEPENDS
  ${DATAML_WEB_DIR}/src/* ${DATAML_WEB_DIR}/public/* ${DATAML_WEB_DIR}/scripts/* ${DATAML_WEB_DIR}/e2e/*)
# Written by the build itself (npm run gen:api, from api/openapi.json, which is an input below).
list(FILTER DATAML_CONSOLE_INPUTS EXCLUDE REGEX "/web/src/api/schema\\.d\\.ts$")
# A plain glob of the top files, so that one not there yet is no missing dependency.
file(GLOB DATAML_CONSOLE_TOP_INPUTS CONFIGURE_DEPENDS
  ${DATAML_WEB_DIR}/index.html ${DATAML_WEB_DIR}/vite.config.ts ${DATAML_WEB_DIR}/tsconfig*.json
  ${DATAML_WEB_DIR}/playwright.config.ts ${DATAML_WEB_DIR}/package.json ${DATAML_WEB_DIR}/package-lock.json)

# The touch leaves the output newer than every input, whatever files the build rewrote.
add_custom_command(
  OUTPUT ${DATAML_CONSOLE_DIR}/index.html
  COMMAND ${CMAKE_COMMAND} -E env DATAML_CONSOLE_OUT=${DATAML_CONSOLE_DIR} ${NPM_EXECUTABLE} run build
  COMMAND ${CMAKE_COMMAND} -E touch ${DATAML_CONSOLE_DIR}/index.html
  WORKING_DIRECTORY ${DATAML_WEB_DIR}
  DEPENDS ${DATAML_CONSOLE_INPUTS} ${DATAML_CONSOLE_TOP_INPUTS} ${OPENAPI_JSON}
  COMMENT "Building the web console into ${DATAML_CONSOLE_DIR} (npm run build)"
  USES_TERMINAL
  VERBATIM)
add_custom_target(console ALL DEPENDS ${DATAML_CONSOLE_DIR}/index.html)
