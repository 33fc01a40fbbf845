#include "http/input.h"

#include <gtest/gtest.h>


#include "http/response.h"
#include "http/router.h"

namespace dataml::http {
namespace {

Request WithBody(std::string body) {
  Request r;
  r.body = std::move(body);
  return r;
}

TEST(InputTest, MalformedJsonIsJsonInvalid) {
  auto parsed = ParseJsonObject(WithBody("{oops"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(parsed.status().field_errors().at(0).type, "json_invalid");
  EXPECT_EQ(ParseJsonObject(WithBody("[1]")).status().field_errors().at(0).type, "model_attributes_type");
  EXPECT_TRUE(ParseJsonObject(WithBody(R"({"a":1})")).ok());
}

TEST(InputTest, JsonFieldsCollectEveryProblem) {
  nlohmann::json body = {{"name", 5}, {"count", "12"}, {"flag", "yes"}, {"list", 3}, {"long", "abcdef"}};
  FieldErrors errors;
  JsonFields f(body, {"body"}, errors);
  EXPECT_FALSE(f.String("name", true));
  EXPECT_EQ(f.Int("count", true), 12);  // lax: numeric strings are integers
  EXPECT_FALSE(f.Bool("flag", true));
  EXPECT_EQ(f.Array("list", true), nullptr);
  EXPECT_FALSE(f.String("long", true, 3));
  EXPECT_FALSE(f.String("absent", true));
  EXPECT_FALSE(f.String("optional", false));
  Status status = errors.ToStatus();
  ASSERT_EQ(status.field_errors().size(), 5u);
  std::vector<std::string> types;
  for (const auto& e : status.field_errors()) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"string_type", "bool_type", "list_type", "string_too_long", "missing"}));
  EXPECT_EQ(status.field_errors()[4].loc, (std::vector<std::string>{"body", "absent"}));
}

TEST(InputTest, IntegersTakeWholeFloatsAndRefuseWhatInt64CannotHold) {
  nlohmann::json body = nlohmann::json::parse(
      R"({"whole": 12.0, "half": 12.5, "big": 18446744073709551615, "huge": 1e300, "max": 9223372036854775807})");
  FieldErrors errors;
  JsonFields f(body, {"body"}, errors);
  EXPECT_EQ(f.Int("whole", true), 12);
  EXPECT_EQ(f.Int("max", true), std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(f.Int("half", true));
  EXPECT_FALSE(f.Int("big", true));  // not -1
  EXPECT_FALSE(f.Int("huge", true));
  Status status = errors.ToStatus();
  std::vector<std::string> types;
  for (const auto& e : status.field_errors()) types.push_back(e.type);
  EXPECT_EQ(types, (std::vector<std::string>{"int_from_float", "less_than_equal", "int_from_float"}));
}

TEST(InputTest, SortTakesAFieldAndADirection) {
  Request r;
  EXPECT_EQ(ReadSort(r)->field, "");  // the list's default order
  EXPECT_EQ(ReadSort(r)->direction, SortKey::Direction::kUnset);
  r.query = {{"order_by", "name"}};
  EXPECT_EQ(ReadSort(r)->field, "name");
  EXPECT_FALSE(ReadSort(r)->descending());
  r.query = {{"order_by", "name"}, {"order", "desc"}};
  EXPECT_TRUE(ReadSort(r)->descending());
  r.query = {{"order", "asc"}};
  EXPECT_EQ(ReadSort(r)->field, "");
  EXPECT_EQ(ReadSort(r)->direction, SortKey::Direction::kAscending);
  r.query = {{"order_by", "name"}, {"order", "down"}};
  auto rejected = ReadSort(r);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().field_errors().at(0).loc, (std::vector<std::string>{"query", "order"}));
  EXPECT_EQ(rejected.status().field_errors().at(0).type, "literal_error");
}

TEST(InputTest, PageBoundsAndIntParsing) {
  Request r;
  r.query = {{"skip", "5"}, {"limit", "1001"}};
  auto rejected = ReadPage(r);
  ASSERT_FALSE(rejected.ok());
  ASSERT_EQ(rejected.status().field_errors().size(), 1u);
  EXPECT_EQ(rejected.status().field_errors()[0].type, "less_than_equal");
  r.query = {{"skip", "5"}};
  EXPECT_EQ(ReadPage(r)->skip, 5);
  EXPECT_EQ(ReadPage(r)->limit, 100);

  r.path_params = {{"id", "12x"}};
  EXPECT_EQ(PathId(r, "id").status().field_errors().at(0).type, "int_parsing");
  r.path_params = {{"id", "42"}};
  EXPECT_EQ(*PathId(r, "id"), 42);
}

TEST(InputTest, HandlersPutWhereTheInputCameFromInFrontOfServiceLocations) {
  Status service = Status::Invalid({{{"email"}, "bad email", "value_error"},
                                    {{"hyperparameters", "max_depth"}, "too deep", "value_error"}});
  Status body = InBody(service);
  EXPECT_EQ(body.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(body.message(), service.message());
  ASSERT_EQ(body.field_errors().size(), 2u);
  EXPECT_EQ(body.field_errors()[0].loc, (std::vector<std::string>{"body", "email"}));
  EXPECT_EQ(body.field_errors()[0].msg, "bad email");
  EXPECT_EQ(body.field_errors()[0].type, "value_error");
  EXPECT_EQ(body.field_errors()[1].loc, (std::vector<std::string>{"body", "hyperparameters", "max_depth"}));
  EXPECT_EQ(InQuery(service).field_errors()[0].loc, (std::vector<std::string>{"query", "email"}));

  // Statuses without field errors are left as they are.
  Status not_found = InBody(Status::NotFound("User not found"));
  EXPECT_EQ(not_found.code(), StatusCode::kNotFound);
  EXPECT_EQ(not_found.message(), "User not found");
  EXPECT_TRUE(InQuery(Status::InvalidArgument("bad")).field_errors().empty());
  EXPECT_TRUE(InBody(Status::OK()).ok());
}

TEST(InputTest, MixedInputsAreLocatedByField) {
  Status upload = Status::Invalid({{{"dataset_name"}, "bad name", "value_error"},
                                   {{"files"}, "Field required", "missing"},
                                   {{"usage"}, "bad usage", "enum"}});
  Status located = InQueryOrBody(upload, {"dataset_name", "usage"});
  ASSERT_EQ(located.field_errors().size(), 3u);
  EXPECT_EQ(located.field_errors()[0].loc, (std::vector<std::string>{"query", "dataset_name"}));
  EXPECT_EQ(located.field_errors()[1].loc, (std::vector<std::string>{"body", "files"}));
  EXPECT_EQ(located.field_errors()[2].loc, (std::vector<std::string>{"query", "usage"}));
}

TEST(InputTest, ResultsKeepTheirValueAndLocateTheirError) {
  Result<int> value = InBody(Result<int>(7));
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 7);
  Result<std::string> error = InQuery(Result<std::string>(Status::Invalid({{{"name"}, "bad", "value_error"}})));
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.status().field_errors().at(0).loc, (std::vector<std::string>{"query", "name"}));
  Result<int> mixed = InQueryOrBody(Result<int>(Status::Invalid({{{"files"}, "bad", "missing"}})), {"usage"});
  EXPECT_EQ(mixed.status().field_errors().at(0).loc, (std::vector<std::string>{"body", "files"}));
  EXPECT_EQ(InBody(Result<int>(Status::Unauthenticated("no"))).status().code(), StatusCode::kUnauthenticated);
}

TEST(ResponseTest, ErrorsUseFastApiShapes) {
  Response plain = Response::Error(Status::NotFound("Template not found"));
  EXPECT_EQ(plain.status, 404);
  EXPECT_EQ(nlohmann::json::parse(plain.body), (nlohmann::json{{"detail", "Template not found"}}));

  Response invalid = Response::Error(Status::Invalid({{{"body", "template_schema", "2", "data_type"}, "bad", "enum"}}));
  EXPECT_EQ(invalid.status, 422);
  auto detail = nlohmann::json::parse(invalid.body)["detail"];
  EXPECT_EQ(detail[0]["loc"], (nlohmann::json{"body", "template_schema", 2, "data_type"}));

  Response unauth = Response::Error(Status::Unauthenticated("no"));
  EXPECT_EQ(unauth.status, 401);
  ASSERT_EQ(unauth.headers.size(), 1u);
  EXPECT_EQ(unauth.headers[0], (std::pair<std::string, std::string>{"WWW-Authenticate", "Bearer"}));
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPayloadTooLarge), 413);
  EXPECT_EQ(HttpStatusFor(StatusCode::kTooManyRequests), 429);
}

}  // namespace
}  // namespace dataml::http
