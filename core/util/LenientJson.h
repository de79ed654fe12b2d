#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace dragon {

// Lenient reads of one JSON object's fields, for the rows and bookkeeping files the app wrote
// itself and reads back after a crash or a hand edit (run folders, the reward suite's
// results): a missing field, a field of another type, or a value that is not an object reads
// as absent, never as an exception (nlohmann's value() throws on a wrong type), so one bad
// field loses only itself. Files a user hands in are read strictly, with JsonObject.
class LenientJson
{
public:
    static std::optional<double> number(const nlohmann::json &object, const char *key);
    // A whole number that fits an int (3 and 3.0 both count).
    static std::optional<int> integer(const nlohmann::json &object, const char *key);
    static std::string text(const nlohmann::json &object, const char *key); // "" when absent
};

} // namespace dragon
