#include "http/json_object_writer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>

#include "http/response.h"

namespace dataml::http {
namespace {

// The writer's text must be Response::Json's for the same object (keys added in sorted order).
void ExpectSameAsResponseJson(const std::string& name) {
  const int64_t id = std::numeric_limits<int64_t>::min();
  std::string written = JsonObjectWriter()
                            .Add("a_flag", false)
                            .Add("id", id)
                            .Add("name", name)
                            .Add("valid", true)
                            .Finish();
  nlohmann::json tree = {{"a_flag", false}, {"id", id}, {"name", name}, {"valid", true}};
  EXPECT_EQ(written, Response::Json(200, tree).body) << "for the string value " << nlohmann::json(name).dump();
}

TEST(JsonObjectWriterTest, WritesWhatResponseJsonWrites) {
  ExpectSameAsResponseJson("alice");
  ExpectSameAsResponseJson("");
  ExpectSameAsResponseJson("quote \" and backslash \\ and slash /");
  ExpectSameAsResponseJson(std::string("tab\t newline\n nul", 17) + '\0' + " del\x7f");
  ExpectSameAsResponseJson("Zoë 東京 😀");
  ExpectSameAsResponseJson("invalid \xff\xfe utf-8 \xc3");
}

TEST(JsonObjectWriterTest, AnEmptyObject) {
  EXPECT_EQ(JsonObjectWriter().Finish(), "{}");
  EXPECT_EQ(JsonObjectWriter().Add("n", int64_t{42}).Add("s", "x").Finish(), R"({"n":42,"s":"x"})");
}

}  // namespace
}  // namespace dataml::http
