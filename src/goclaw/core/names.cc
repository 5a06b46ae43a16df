// Naming rules.
#include "goclaw/core/names.h"

namespace goclaw {

bool IsValidLaneName(std::string_view name, bool allow_template) {
  if (name.empty() || name.size() > kMaxLaneNameLength) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.' || c == ':' ||
              (allow_template && c == '*' && i + 1 == name.size());
    if (!ok) return false;
  }
  return true;
}

bool IsSafeId(std::string_view id) {
  if (id.empty() || id.size() > 128 || id.find("..") != std::string_view::npos) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':' || c == '*';
    if (!ok) return false;
  }
  return true;
}

}  // namespace goclaw
