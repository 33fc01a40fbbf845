# Turns a text file into a C++ source defining dataml::http::OpenApiDocument().
file(READ ${INPUT} CONTENT HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${CONTENT}")
file(WRITE ${OUTPUT}
  "// Generated from api/openapi.json by cmake/embed_text.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace dataml::http {\n"
  "static const char kOpenApi[] = {${BYTES}};\n"
  "std::string_view OpenApiDocument() { return {kOpenApi, sizeof(kOpenApi)}; }\n"
  "}  // namespace dataml::http\n")
