#include "http/url.h"

#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/params_view.hpp>

namespace dataml::http {
namespace {

// HTML forms and most clients encode spaces as '+'.
boost::urls::encoding_opts PlusAsSpace() {
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  return options;
}

std::multimap<std::string, std::string> Decode(const boost::urls::params_view& params) {
  std::multimap<std::string, std::string> out;
  for (const auto& param : params) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
    out.emplace(param.key, param.value);
  }
  return out;
}

}  // namespace

Result<ParsedTarget> ParseTarget(std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return Status::BadRequest("Malformed request target");
  ParsedTarget parsed;
  parsed.path = url->path();
  if (url->has_query()) parsed.query = Decode(url->params(PlusAsSpace()));
  return parsed;
}

std::multimap<std::string, std::string> ParseFormBody(std::string_view body) {
  // params_view's constructor throws on a malformed query: check it first.
  if (!boost::urls::parse_query(body)) return {};
  return Decode(boost::urls::params_view(body, PlusAsSpace()));
}

}  // namespace dataml::http
