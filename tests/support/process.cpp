// SPDX-License-Identifier: MIT
#include "support/process.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <memory>

namespace n2n::test {

std::string capture(const std::string& command) {
    std::string out;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, pipe.get())) > 0) out.append(buf, n);
    return out;
}

}  // namespace n2n::test
