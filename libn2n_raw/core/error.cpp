// SPDX-License-Identifier: MIT
#include "n2n_raw/error.hpp"

#include <fmt/format.h>

namespace n2n {
namespace {
std::string compose(const std::string& file, const std::string& field, const std::string& detail) {
    if (file.empty() && field.empty()) return detail;
    if (file.empty()) return fmt::format("{}: {}", field, detail);
    if (field.empty()) return fmt::format("{}: {}", file, detail);
    return fmt::format("{}: {}: {}", file, field, detail);
}
}  // namespace

Error::Error(std::string file, std::string field, std::string detail)
    : std::runtime_error(compose(file, field, detail)),
      file_(std::move(file)),
      field_(std::move(field)),
      detail_(std::move(detail)) {}

}  // namespace n2n
