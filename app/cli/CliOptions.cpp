#include "CliOptions.h"

#include <algorithm>
#include <stdexcept>

namespace dragon::cli {

std::string takeOption(std::vector<std::string> &args, const std::string &name,
                       const std::string &fallback)
{
    const auto it = std::find(args.begin(), args.end(), name);
    if (it == args.end())
        return fallback;
    if (it + 1 == args.end())
        throw std::invalid_argument(name + " needs a value");
    std::string value = *(it + 1);
    args.erase(it, it + 2);
    return value;
}

bool takeFlag(std::vector<std::string> &args, const std::string &name)
{
    const auto it = std::find(args.begin(), args.end(), name);
    if (it == args.end())
        return false;
    args.erase(it);
    return true;
}

int toInt(const std::string &text, const std::string &what)
{
    try {
        std::size_t used = 0;
        const int value = std::stoi(text, &used);
        if (used == text.size())
            return value;
    } catch (const std::exception &) {
    }
    throw std::invalid_argument(what + " must be an integer, got '" + text + "'");
}

double toDouble(const std::string &text, const std::string &what)
{
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == text.size())
            return value;
    } catch (const std::exception &) {
    }
    throw std::invalid_argument(what + " must be a number, got '" + text + "'");
}

} // namespace dragon::cli
