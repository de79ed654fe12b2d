#include "util/ContentHash.h"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#if DRAGON_BUNDLED_XXHASH
// A build without the system's libxxhash compiles the bundled header in (core/third_party).
#define XXH_INLINE_ALL
#include <xxhash/xxhash.h>
#else
#include <xxhash.h>
#endif

namespace dragon {

std::uint64_t hashFileContent(const std::string &path)
{
    std::unique_ptr<FILE, int (*)(FILE *)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file)
        throw std::runtime_error(path + ": cannot be read for hashing");
    std::unique_ptr<XXH3_state_t, XXH_errorcode (*)(XXH3_state_t *)> state(XXH3_createState(),
                                                                           &XXH3_freeState);
    XXH3_64bits_reset(state.get());
    std::vector<char> block(1 << 20);
    std::size_t got = 0;
    while ((got = std::fread(block.data(), 1, block.size(), file.get())) > 0)
        XXH3_64bits_update(state.get(), block.data(), got);
    if (std::ferror(file.get()))
        throw std::runtime_error(path + ": read error while hashing");
    return XXH3_64bits_digest(state.get());
}

std::uint64_t hashBytes(const void *data, std::size_t size)
{
    return XXH3_64bits(data, size);
}

std::string toHex(std::uint64_t value)
{
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
}

} // namespace dragon
