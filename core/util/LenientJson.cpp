#include "util/LenientJson.h"

#include <cmath>
#include <limits>

namespace dragon {

std::optional<double> LenientJson::number(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key); // end() for anything but an object
    if (it != object.end() && it->is_number())
        return it->get<double>();
    return std::nullopt;
}

std::optional<int> LenientJson::integer(const nlohmann::json &object, const char *key)
{
    const auto value = number(object, key);
    if (!value || std::floor(*value) != *value ||
        !(*value >= std::numeric_limits<int>::min() && *value <= std::numeric_limits<int>::max()))
        return std::nullopt;
    return int(*value);
}

std::string LenientJson::text(const nlohmann::json &object, const char *key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace dragon
