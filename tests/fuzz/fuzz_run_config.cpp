// Run configs (RUN/config.json, read back on --resume): parse; what loads must write back to
// the same text.
#include "dragon/DragonConfig.h"
#include "project/ProjectFile.h"
#include "util/JsonFormatError.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size)
{
    try {
        const auto c = dragon::DragonConfig::fromJson(
            std::string(reinterpret_cast<const char *>(data), size), "/nonexistent-fuzz-folder");
        const std::string text = c.toJson();
        if (dragon::DragonConfig::fromJson(text).toJson() != text)
            std::abort();
        c.validate();
    } catch (const dragon::JsonFormatError &) {
    } catch (const dragon::ProjectError &) { // a "project" field naming a file that is not one
    }
    return 0;
}
