#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dragon {

// Typed, checked reads of one JSON object's fields. A field of the wrong type, or a number
// outside the limits given, is refused with a JsonFormatError that names the field and where
// it is ("field \"topK\" of reward term 2 must be a whole number from 0 to 100000"); nothing is
// ever cast out of range. Absent fields take the fallback; `required` variants refuse them.
class JsonObject
{
public:
    // Throws JsonFormatError if `value` is not an object. `where` names it in messages.
    JsonObject(const nlohmann::json &value, std::string where);

    bool has(const char *key) const;
    const std::string &where() const { return m_where; }

    std::string requiredText(const char *key) const;
    std::string text(const char *key, const std::string &fallback) const;
    bool flag(const char *key, bool fallback) const;
    // Whole numbers (3 and 3.0 both count) in [min, max].
    std::int64_t requiredInteger(const char *key, std::int64_t min, std::int64_t max) const;
    std::int64_t integer(const char *key, std::int64_t fallback, std::int64_t min,
                         std::int64_t max) const;
    int integer(const char *key, int fallback, int min, int max) const;
    std::uint64_t unsignedInteger(const char *key, std::uint64_t fallback) const;
    // Finite numbers in [min, max] (defaults: any finite number).
    double requiredNumber(const char *key, double min = -1e300, double max = 1e300) const;
    double number(const char *key, double fallback, double min = -1e300, double max = 1e300) const;
    std::vector<std::string> texts(const char *key) const;
    // The array under `key` (an empty one when absent); throws if the field is not an array.
    const nlohmann::json &array(const char *key) const;
    JsonObject object(const char *key, const std::string &where) const;

private:
    const nlohmann::json *field(const char *key) const;
    [[noreturn]] void refuse(const char *key, const std::string &what) const;

    const nlohmann::json *m_value;
    std::string m_where;
};

} // namespace dragon
