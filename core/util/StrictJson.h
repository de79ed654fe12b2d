#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

namespace dragon {

// Parses JSON that came from a file the user may have damaged. Every library exception
// (syntax, a number such as 1e400 that overflows a double, ...) becomes a JsonFormatError, and
// documents nested deeper than kMaxDepth are refused while parsing, before anything recursive
// (dump, copy, comparison) can run out of stack on them.
class StrictJson
{
public:
    static constexpr int kMaxDepth = 64;

    static nlohmann::json parse(const std::string &text);
    static nlohmann::json parse(std::istream &in);
};

} // namespace dragon
