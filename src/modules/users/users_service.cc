#include "modules/users/users_service.h"

#include <regex>

#include "core/clock.h"
#include "core/password_hash.h"
#include "core/text.h"
#include "core/field_errors.h"

namespace dataml::users {
namespace {

constexpr size_t kMaxNameLength = 100;

bool ValidEmail(const std::string& email) {
  static const std::regex kPattern(
      R"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$)");
  return email.size() <= 254 && std::regex_match(email, kPattern);
}

bool ValidUsername(const std::string& username) {
  if (username.size() < 3 || username.size() > 64) return false;
  return std::none_of(username.begin(), username.end(),
                      [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

void CheckName(const std::optional<std::string>& value, const char* field, FieldErrors& errors) {
  if (value && (value->size() > kMaxNameLength || HasControlCharacters(*value))) {
    errors.Add({field}, "Must be at most 100 characters without control characters",
               "value_error");
  }
}

}  // namespace

Status UsersService::CheckPasswordPolicy(const std::string& password, const std::string& username,
                                         std::vector<std::string> loc) {
  bool has_letter = std::any_of(password.begin(), password.end(), [](unsigned char c) { return std::isalpha(c); });
  bool has_digit = std::any_of(password.begin(), password.end(), [](unsigned char c) { return std::isdigit(c); });
  std::string problem;
  if (password.size() < 8 || password.size() > 128) {
    problem = "Password must be 8 to 128 characters long";
  } else if (!has_letter || !has_digit) {
    problem = "Password must contain at least one letter and one digit";
  } else if (ToLowerAscii(password) == ToLowerAscii(username)) {
    problem = "Password must not be the user name";
  }
  if (problem.empty()) return Status::OK();
  return Status::Invalid({{std::move(loc), problem, "value_error"}});
}

Status UsersService::ValidateNewUser(const CreateUserInput& in) {
  FieldErrors errors;
  if (!ValidUsername(in.username)) {
    errors.Add({"username"}, "Username must be 3 to 64 characters without spaces or control characters",
               "value_error");
  }
  if (!ValidEmail(in.email)) {
    errors.Add({"email"}, "value is not a valid email address", "value_error");
  }
  CheckName(in.first_name, "first_name", errors);
  CheckName(in.last_name, "last_name", errors);
  errors.Merge(CheckPasswordPolicy(in.password, in.username, {"password"}));
  return errors.ToStatus();
}

Result<User> UsersService::Create(const Principal& caller, const CreateUserInput& input) {
  CreateUserInput in = input;
  DATAML_ASSIGN_OR_RETURN(in.tenant_id, tenants_.ResolveTenant(caller, input.tenant_id));
  in.is_superuser = false;
  return CreateUnchecked(in);
}

Result<User> UsersService::CreateUnchecked(const CreateUserInput& input) {
  CreateUserInput in = input;
  in.email = ToLowerAscii(Trim(in.email));
  DATAML_RETURN_NOT_OK(ValidateNewUser(in));
  DATAML_RETURN_NOT_OK(tenants_.Get(in.tenant_id).status());
  DATAML_ASSIGN_OR_RETURN(bool username_taken, repo_.UsernameTaken(in.username));
  if (username_taken) return Status::AlreadyExists("A user with this username already exists");
  DATAML_ASSIGN_OR_RETURN(bool email_taken, repo_.EmailTaken(in.email, 0));
  if (email_taken) return Status::AlreadyExists("A user with this email already exists");
  DATAML_ASSIGN_OR_RETURN(std::string hash, HashPassword(in.password));
  NewUser row{in.tenant_id, in.username, in.email, in.first_name, in.last_name, hash, in.is_superuser};
  return repo_.Insert(row);
}

Result<User> UsersService::Get(const Principal& caller, int64_t user_id) {
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.FindById(user_id));
  if (!found || (!caller.is_superuser && found->user.tenant_id != caller.tenant_id)) {
    return Status::NotFound("User not found");
  }
  return found->user;
}

Result<UserList> UsersService::List(const std::string& tenant_id, int64_t skip, int64_t limit,
                                    const SortKey& sort) {
  UserList out;
  DATAML_ASSIGN_OR_RETURN(out.users, repo_.List(tenant_id, skip, limit, sort));
  DATAML_ASSIGN_OR_RETURN(out.count, repo_.Count(tenant_id));
  return out;
}

Result<User> UsersService::Update(const Principal& caller, bool caller_manages_users,
                                  int64_t user_id, const UserChanges& input) {
  DATAML_ASSIGN_OR_RETURN(User target, Get(caller, user_id));
  bool self = target.id == caller.user_id;
  if (!self && !caller_manages_users) {
    return Status::PermissionDenied("Missing permission: can_manage_users");
  }
  if (target.is_superuser && !caller.is_superuser) {
    return Status::PermissionDenied("Only a superuser can change a superuser account");
  }
  UserChanges changes = input;
  FieldErrors errors;
  if (changes.is_active) {
    if (!caller_manages_users) errors.Add({"is_active"}, "Only user managers can (de)activate users", "value_error");
    if (self && !*changes.is_active) errors.Add({"is_active"}, "You cannot deactivate yourself", "value_error");
  }
  if (changes.first_name) CheckName(*changes.first_name, "first_name", errors);
  if (changes.last_name) CheckName(*changes.last_name, "last_name", errors);
  if (changes.email) {
    changes.email = ToLowerAscii(Trim(*changes.email));
    if (!ValidEmail(*changes.email)) errors.Add({"email"}, "value is not a valid email address", "value_error");
  }
  DATAML_RETURN_NOT_OK(errors.ToStatus());
  if (changes.email) {
    DATAML_ASSIGN_OR_RETURN(bool taken, repo_.EmailTaken(*changes.email, target.id));
    if (taken) return Status::AlreadyExists("A user with this email already exists");
  }
  Status updated = repo_.Update(target.id, changes);
  active_users_.Invalidate(target.id);  // after the write, so that no load caches the old row
  DATAML_RETURN_NOT_OK(updated);
  return Get(caller, user_id);
}

Result<User> UsersService::FindActive(int64_t user_id) {
  DATAML_ASSIGN_OR_RETURN(auto found, repo_.FindById(user_id));
  if (!found || !found->user.is_active) return Status::NotFound("User not found or inactive");
  return found->user;
}

Result<std::shared_ptr<const User>> UsersService::FindActiveCached(int64_t user_id) {
  return active_users_.GetOrLoad(user_id, [&] { return FindActive(user_id); });
}

Result<std::optional<UserWithPassword>> UsersService::FindForLogin(const std::string& username) {
  return repo_.FindByUsername(username);
}

Result<std::optional<UserWithPassword>> UsersService::FindWithPassword(int64_t user_id) {
  return repo_.FindById(user_id);
}

Result<std::optional<UserWithPassword>> UsersService::FindByUsername(const std::string& username) {
  return repo_.FindByUsername(username);
}

Status UsersService::SetPassword(int64_t user_id, const std::string& new_password,
                                 const std::string& username) {
  DATAML_RETURN_NOT_OK(CheckPasswordPolicy(new_password, username, {"new_password"}));
  DATAML_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password));
  Status set = repo_.SetPassword(user_id, hash, NowUnixSeconds());
  // Tokens issued before the change are refused from the next request on.
  active_users_.Invalidate(user_id);
  return set;
}

}  // namespace dataml::users
