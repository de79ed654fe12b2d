#include "util/StreamingHash.h"

#include <xxhash.h>

namespace dragon {

struct StreamingHash::State
{
    XXH3_state_t *xxh = XXH3_createState();
    ~State() { XXH3_freeState(xxh); }
};

StreamingHash::StreamingHash() : m_state(std::make_unique<State>())
{
    XXH3_64bits_reset(m_state->xxh);
}

StreamingHash::~StreamingHash() = default;

void StreamingHash::add(const void *data, std::size_t size)
{
    XXH3_64bits_update(m_state->xxh, data, size);
}

std::uint64_t StreamingHash::digest() const
{
    return XXH3_64bits_digest(m_state->xxh);
}

} // namespace dragon
