// Reward definitions (stored in projects and run configs): parse, and round trip what loads.
#include "rewards/RewardDefinition.h"
#include "util/JsonFormatError.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    try {
        const auto d = dragon::RewardDefinition::fromJson(
            std::string(reinterpret_cast<const char *>(data), size));
        if (!(dragon::RewardDefinition::fromJson(d.toJson()) == d))
            std::abort();
    } catch (const dragon::JsonFormatError &) {
    }
    return 0;
}
