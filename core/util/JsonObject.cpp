#include "util/JsonObject.h"

#include "util/JsonFormatError.h"

#include <cmath>

namespace dragon {

JsonObject::JsonObject(const nlohmann::json &value, std::string where)
    : m_value(&value), m_where(std::move(where))
{
    if (!value.is_object())
        throw JsonFormatError(m_where + " is not a JSON object");
}

bool JsonObject::has(const char *key) const
{
    return m_value->contains(key);
}

const nlohmann::json *JsonObject::field(const char *key) const
{
    const auto it = m_value->find(key);
    return it == m_value->end() ? nullptr : &*it;
}

void JsonObject::refuse(const char *key, const std::string &what) const
{
    throw JsonFormatError("field \"" + std::string(key) + "\" of " + m_where + " " + what);
}

std::string JsonObject::requiredText(const char *key) const
{
    if (!field(key))
        refuse(key, "is missing");
    return text(key, std::string());
}

std::string JsonObject::text(const char *key, const std::string &fallback) const
{
    const nlohmann::json *v = field(key);
    if (!v)
        return fallback;
    if (!v->is_string())
        refuse(key, "must be text");
    return v->get_ref<const std::string &>();
}

bool JsonObject::flag(const char *key, bool fallback) const
{
    const nlohmann::json *v = field(key);
    if (!v)
        return fallback;
    if (!v->is_boolean())
        refuse(key, "must be true or false");
    return v->get<bool>();
}

std::int64_t JsonObject::requiredInteger(const char *key, std::int64_t min, std::int64_t max) const
{
    if (!field(key))
        refuse(key, "is missing");
    return integer(key, min, min, max);
}

std::int64_t JsonObject::integer(const char *key, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) const
{
    const nlohmann::json *v = field(key);
    if (!v)
        return fallback;
    const std::string limits =
        "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    if (v->is_number_unsigned()) {
        const std::uint64_t u = v->get<std::uint64_t>();
        // Below the minimum too (found by the project's "training" block: a 0 read as unsigned
        // skipped the lower limit).
        if (max < 0 || u > std::uint64_t(max) || (min > 0 && u < std::uint64_t(min)))
            refuse(key, limits);
        return std::int64_t(u);
    }
    if (v->is_number_integer()) {
        const std::int64_t i = v->get<std::int64_t>();
        if (i < min || i > max)
            refuse(key, limits);
        return i;
    }
    if (v->is_number_float()) {
        // Compared as doubles before any cast: 1e30 must be refused, not wrapped.
        const double d = v->get<double>();
        if (!std::isfinite(d) || std::floor(d) != d || d < double(min) || d > double(max))
            refuse(key, limits);
        return std::int64_t(d);
    }
    refuse(key, limits);
}

int JsonObject::integer(const char *key, int fallback, int min, int max) const
{
    return int(integer(key, std::int64_t(fallback), std::int64_t(min), std::int64_t(max)));
}

std::uint64_t JsonObject::unsignedInteger(const char *key, std::uint64_t fallback) const
{
    const nlohmann::json *v = field(key);
    if (!v)
        return fallback;
    if (v->is_number_unsigned())
        return v->get<std::uint64_t>();
    if (v->is_number_integer() && v->get<std::int64_t>() >= 0)
        return std::uint64_t(v->get<std::int64_t>());
    if (v->is_number_float()) {
        const double d = v->get<double>();
        if (std::isfinite(d) && std::floor(d) == d && d >= 0 && d < 18446744073709551616.0)
            return std::uint64_t(d);
    }
    refuse(key, "must be a whole number from 0 to 18446744073709551615");
}

double JsonObject::requiredNumber(const char *key, double min, double max) const
{
    if (!field(key))
        refuse(key, "is missing");
    return number(key, min, min, max);
}

double JsonObject::number(const char *key, double fallback, double min, double max) const
{
    const nlohmann::json *v = field(key);
    if (!v)
        return fallback;
    if (!v->is_number())
        refuse(key, "must be a number");
    const double d = v->get<double>();
    if (!std::isfinite(d) || d < min || d > max) {
        if (min <= -1e300 && max >= 1e300)
            refuse(key, "must be a finite number");
        refuse(key, "must be a number from " + nlohmann::json(min).dump() + " to " +
                        nlohmann::json(max).dump());
    }
    return d;
}

std::vector<std::string> JsonObject::texts(const char *key) const
{
    std::vector<std::string> out;
    const nlohmann::json &list = array(key);
    for (const auto &v : list) {
        if (!v.is_string())
            refuse(key, "must be a list of text lines");
        out.push_back(v.get<std::string>());
    }
    return out;
}

const nlohmann::json &JsonObject::array(const char *key) const
{
    static const nlohmann::json empty = nlohmann::json::array();
    const nlohmann::json *v = field(key);
    if (!v)
        return empty;
    if (!v->is_array())
        refuse(key, "must be a list");
    return *v;
}

JsonObject JsonObject::object(const char *key, const std::string &where) const
{
    const nlohmann::json *v = field(key);
    if (!v)
        refuse(key, "is missing");
    return JsonObject(*v, where);
}

} // namespace dragon
