#include "model/DeviceSpec.h"

#include <regex>

namespace dragon {

bool DeviceSpec::valid(const std::string &spec)
{
    static const std::regex form("auto|cpu|cuda(:[0-9]{1,3})?");
    return std::regex_match(spec, form);
}

int DeviceSpec::cudaIndex(const std::string &spec)
{
    if (!valid(spec) || !wantsCuda(spec))
        return -1;
    return spec.size() > 5 ? std::stoi(spec.substr(5)) : 0;
}

} // namespace dragon
