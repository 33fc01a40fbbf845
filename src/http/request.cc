#include "http/request.h"

namespace dataml::http {
namespace {

std::optional<std::string> First(const std::multimap<std::string, std::string>& values,
                                 const std::string& name) {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::optional<std::string> Request::Query(const std::string& name) const { return First(query, name); }
std::optional<std::string> Request::Form(const std::string& name) const { return First(form, name); }

std::optional<std::string> Request::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

}  // namespace dataml::http
