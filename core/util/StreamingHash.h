#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace dragon {

// 64-bit XXH3 over data fed in pieces (libxxhash): checksums of model weights, which live in
// many tensors. Equal to hashBytes() of the concatenated pieces.
class StreamingHash
{
public:
    StreamingHash();
    ~StreamingHash();
    StreamingHash(const StreamingHash &) = delete;
    StreamingHash &operator=(const StreamingHash &) = delete;

    void add(const void *data, std::size_t size);
    void add(const std::string &text) { add(text.data(), text.size()); }
    std::uint64_t digest() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace dragon
